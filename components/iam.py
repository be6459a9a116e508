"""The roles table: what each catalog field grants a workflow's service account.

Least privilege, additive members only (`*IAMMember`, never `IAMPolicy`/`IAMBinding`, which
would take over grants made outside this program), no primitive roles, and object access
only on the data bucket.

Where a grant is project-wide although the workflow needs less, it is because Google
offers no narrower scope for it (each case says why):
- Cloud Run: IAM Conditions on `resource.name` only work for the services listed in
  "Resource attributes for IAM Conditions" (cloud.google.com/iam/docs/conditions-resource-attributes),
  and Cloud Run is not among them. Granting on each job (`cloudrunv2.JobIamMember`) would
  need every job to exist in every region the workflow can fail over to before this
  program runs, and the jobs are deployed elsewhere. So the two Cloud Run roles are
  granted on the project.
- Workflows roles exist only at project level (no per-workflow IAM).
- Eventarc Advanced: pulumi-gcp 10.2.0 has no IAM resource for a MessageBus and Eventarc
  is not in the IAM Conditions list either, so the Message Bus User role is granted on the
  project (the stack's bus is the only bus in the project and region).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import pulumi
import pulumi_gcp as gcp

from components.catalog import WorkflowSpec
from components.config import StackConfig

Scope = Literal["project", "bucket"]

OBJECT_ROLE = "roles/storage.objectUser"
LOG_WRITER = "roles/logging.logWriter"
# Run jobs with env/args overrides (`run.jobs.runWithOverrides`; run.invoker lacks it) ...
RUN_WITH_OVERRIDES = "roles/run.jobsExecutorWithOverrides"
# ... and read jobs (health checks), executions and operations (completion polling).
RUN_VIEWER = "roles/run.viewer"
WORKFLOWS_INVOKER = "roles/workflows.invoker"
# Publish to an Eventarc Advanced bus (eventarc.messageBuses.publish).
BUS_PUBLISHER = "roles/eventarc.messageBusUser"
EVENT_RECEIVER = "roles/eventarc.eventReceiver"

# capability (catalog) -> the narrowest predefined roles that cover it.
CAPABILITY_ROLES: dict[str, tuple[str, ...]] = {
    # Create and read builds. A build that runs as a user-specified service account also
    # needs iam.serviceAccounts.actAs on that one account (roles/iam.serviceAccountUser
    # granted on it, not on the project): it comes with the build account itself, when
    # the workflows that submit builds get their logic.
    "cloud-build": ("roles/cloudbuild.builds.editor",),
    # Read GKE clusters and their endpoint (no workload or credential writes).
    "gke-read": ("roles/container.clusterViewer",),
    # Read metrics for the quality gate.
    "monitoring-read": ("roles/monitoring.viewer",),
}

PRIMITIVE_ROLES = frozenset({"roles/owner", "roles/editor", "roles/viewer"})
# Storage roles never granted on the project: object access is bucket-scoped.
PROJECT_FORBIDDEN_PREFIX = "roles/storage."


class IamError(ValueError):
    """A grant breaks the least-privilege rules of this module."""


@dataclass(frozen=True)
class Grant:
    """One role on one scope, with the catalog reason for it."""

    role: str
    scope: Scope
    reason: str


def workflow_grants(spec: WorkflowSpec) -> list[Grant]:
    """The grants a workflow's own service account gets, derived from its catalog entry."""
    grants = [
        # Every workflow reads and writes markers and outputs in the data bucket.
        Grant(OBJECT_ROLE, "bucket", "reads and writes objects of the data bucket"),
        Grant(LOG_WRITER, "project", "writes its structured logs"),
    ]
    if spec.jobs:
        grants.append(Grant(RUN_WITH_OVERRIDES, "project", f"runs Cloud Run jobs {sorted(spec.jobs)}"))
        grants.append(Grant(RUN_VIEWER, "project", "reads jobs, executions and operations"))
    if spec.starts_workflows:
        grants.append(Grant(WORKFLOWS_INVOKER, "project", f"starts {list(spec.starts_workflows)}"))
    if spec.publishes_events:
        grants.append(Grant(BUS_PUBLISHER, "project", f"publishes {list(spec.publishes_events)}"))
    for capability in spec.capabilities:
        grants.extend(
            Grant(role, "project", f"capability {capability}") for role in CAPABILITY_ROLES[capability]
        )
    check_least_privilege(grants)
    return grants


def router_grants() -> list[Grant]:
    """The marker router only starts workflows and logs; it never touches objects."""
    return [
        Grant(WORKFLOWS_INVOKER, "project", "starts the workflows a marker routes to"),
        Grant(LOG_WRITER, "project", "writes its routing logs"),
    ]


def check_least_privilege(grants: Sequence[Grant]) -> None:
    """Raise IamError on primitive roles or project-wide storage roles."""
    for grant in grants:
        if grant.role in PRIMITIVE_ROLES:
            raise IamError(f"primitive role {grant.role} is never granted ({grant.reason})")
        if grant.scope == "project" and grant.role.startswith(PROJECT_FORBIDDEN_PREFIX):
            raise IamError(f"{grant.role} must be granted on the bucket, not the project")


def create_grants(
    prefix: str,
    grants: Sequence[Grant],
    email: pulumi.Input[str],
    config: StackConfig,
    opts: pulumi.ResourceOptions,
) -> list[pulumi.CustomResource]:
    """One additive IAM member resource per grant, named `<prefix>-<role>`."""
    member = pulumi.Output.from_input(email).apply(lambda address: f"serviceAccount:{address}")
    resources: list[pulumi.CustomResource] = []
    for grant in grants:
        name = f"{prefix}-{grant.role.removeprefix('roles/')}"
        if grant.scope == "bucket":
            resources.append(
                gcp.storage.BucketIAMMember(
                    name, bucket=config.bucket, role=grant.role, member=member, opts=opts
                )
            )
        else:
            resources.append(
                gcp.projects.IAMMember(
                    name, project=config.project, role=grant.role, member=member, opts=opts
                )
            )
    return resources
