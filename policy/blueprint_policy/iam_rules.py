"""IAM: no primitive roles anywhere; no Cloud Storage roles on a whole project (or wider)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from pulumi_policy import ReportViolation, ResourceValidationArgs, ResourceValidationPolicy

# Basic ("primitive") roles grant thousands of permissions across every service.
PRIMITIVE_ROLES = frozenset({"roles/owner", "roles/editor", "roles/viewer"})
# IAM resources whose grants reach every bucket of a project, folder or organization.
WIDE_SCOPES = ("gcp:projects/", "gcp:folder/", "gcp:organizations/")
# Grant resources by type name, any case: IAMMember, BucketIAMMember, JobIamMember, ...
_IAM_KINDS = ("iammember", "iambinding", "iampolicy")


def granted_roles(resource_type: str, props: Mapping[str, Any]) -> Iterator[str]:
    """The roles an IAM resource grants: `role`, or each binding of an IAMPolicy's policyData."""
    kind = resource_type.rsplit(":", 1)[-1].lower()
    if not kind.endswith(_IAM_KINDS):
        return
    if not kind.endswith("iampolicy"):
        role = props.get("role")
        if isinstance(role, str):
            yield role
        return
    data = props.get("policyData")
    try:
        document = json.loads(data) if isinstance(data, str) else {}
    except ValueError:
        return  # the provider rejects malformed policy data itself
    for binding in document.get("bindings", []):
        if isinstance(binding, Mapping) and isinstance(binding.get("role"), str):
            yield binding["role"]


def _validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    wide = args.resource_type.startswith(WIDE_SCOPES)
    for role in granted_roles(args.resource_type, args.props):
        if role in PRIMITIVE_ROLES:
            report_violation(
                f"{args.name} grants the basic role {role}; grant the predefined roles the "
                "workflow needs instead (components/iam.py lists them).",
                None,
            )
        elif wide and role.startswith("roles/storage."):
            report_violation(
                f"{args.name} grants {role} on a whole {args.resource_type.split(':')[1].split('/')[0]}; "
                "grant it on the data bucket (gcp.storage.BucketIAMMember) instead.",
                None,
            )


NO_BROAD_ROLES = ResourceValidationPolicy(
    name="no-primitive-or-project-storage-roles",
    description="No basic roles (owner/editor/viewer); Cloud Storage roles on buckets, never project-wide.",
    validate=_validate,
)
