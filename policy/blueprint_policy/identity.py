"""Each workflow runs as its own service account, created by the stack and used by nothing else.

A stack policy: it needs every resource that runs as an identity. A reference is matched
to the service account resource it depends on (known during a preview even before the
account exists), else to an account by email, else kept as the bare email.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from pulumi_policy import PolicyResource, ReportViolation, StackValidationArgs, StackValidationPolicy
from pulumi_policy.proxy import UnknownValueError

from .props import ACCOUNT, PIPELINE, SCHEDULER_JOB, TRIGGER, WORKFLOW, account_email, known_values

# Where each resource type names the identity it runs or calls as (dotted paths, `[]` = each).
IDENTITY_FIELDS: Mapping[str, tuple[str, ...]] = {
    WORKFLOW: ("serviceAccount",),
    TRIGGER: ("serviceAccount",),
    SCHEDULER_JOB: (
        "httpTarget.oauthToken.serviceAccountEmail",
        "httpTarget.oidcToken.serviceAccountEmail",
    ),
    PIPELINE: (
        "destinations[].authenticationConfig.oauthToken.serviceAccount",
        "destinations[].authenticationConfig.googleOidc.serviceAccount",
    ),
}


# The key of a reference that is unknown during a preview and depends on no one account.
UNRESOLVED = ""


# Grants on a service account that let their member act as it (run resources as it or
# mint its tokens): another way for something else to use a workflow's identity.
IMPERSONATION_ROLES = frozenset(
    {
        "roles/iam.serviceAccountUser",
        "roles/iam.serviceAccountTokenCreator",
        "roles/iam.serviceAccountOpenIdTokenCreator",
        "roles/iam.workloadIdentityUser",
    }
)
SA_GRANT_TYPES = ("gcp:serviceaccount/iAMMember:IAMMember", "gcp:serviceaccount/iAMBinding:IAMBinding")


@dataclass(frozen=True)
class IdentityUse:
    """One resource running or calling as one identity (`key`: an account URN or an email)."""

    resource: PolicyResource
    key: str
    shown: str


def _account_emails(resources: list[PolicyResource]) -> dict[str, str]:
    emails: dict[str, str] = {}
    for resource in resources:
        if resource.resource_type != ACCOUNT:
            continue
        try:
            email = resource.props.get("email")
        except UnknownValueError:
            continue  # a new account: references to it are matched by dependency
        if isinstance(email, str):
            emails[email.lower()] = resource.urn
    return emails


def identity_uses(resources: list[PolicyResource]) -> Iterator[IdentityUse]:
    """Every identity reference of every resource, keyed to the account it resolves to."""
    emails = _account_emails(resources)
    for resource in resources:
        for path in IDENTITY_FIELDS.get(resource.resource_type, ()):
            top = path.split(".")[0].removesuffix("[]")
            accounts = [d for d in resource.property_dependencies.get(top, []) if d.resource_type == ACCOUNT]
            values = known_values(resource.props, path)
            if values is None:  # unknown until the update: the account it depends on says which
                if len(accounts) == 1:
                    yield IdentityUse(resource, accounts[0].urn, accounts[0].name)
                else:
                    yield IdentityUse(resource, UNRESOLVED, "an identity known only after the update")
                continue
            for value in values:
                if not isinstance(value, str) or not value:
                    continue
                email = account_email(value)
                if email in emails:
                    yield IdentityUse(resource, emails[email], email)
                elif len(accounts) == 1:
                    yield IdentityUse(resource, accounts[0].urn, accounts[0].name)
                else:
                    yield IdentityUse(resource, email, email)


def impersonation_grants(resources: list[PolicyResource]) -> Iterator[IdentityUse]:
    """Service-account grants of an impersonation role, keyed to the account they are on."""
    emails = _account_emails(resources)
    for resource in resources:
        if (
            resource.resource_type not in SA_GRANT_TYPES
            or resource.props.get("role") not in IMPERSONATION_ROLES
        ):
            continue
        accounts = [
            d
            for d in resource.property_dependencies.get("serviceAccountId", [])
            if d.resource_type == ACCOUNT
        ]
        values = known_values(resource.props, "serviceAccountId")
        email = account_email(values[0]) if values and isinstance(values[0], str) else None
        if email in emails:
            yield IdentityUse(resource, emails[email], email)
        elif len(accounts) == 1:
            yield IdentityUse(resource, accounts[0].urn, accounts[0].name)
        elif email:
            yield IdentityUse(resource, email, email)


def _describe(resource: PolicyResource) -> str:
    return f"{resource.resource_type.rsplit(':', 1)[-1]} {resource.name}"


def _validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    uses = list(identity_uses(args.resources))
    grants = list(impersonation_grants(args.resources))
    accounts = {r.urn for r in args.resources if r.resource_type == ACCOUNT}
    for workflow in (r for r in args.resources if r.resource_type == WORKFLOW):
        own = [u for u in uses if u.resource is workflow]
        if not own:
            report_violation(
                f"workflow {workflow.name} sets no serviceAccount, so it runs as the project's default "
                "compute service account; give it its own gcp.serviceaccount.Account.",
                workflow.urn,
            )
            continue
        use = own[0]
        if use.key == UNRESOLVED:
            continue  # checked by the next preview, once the value is known
        if use.key not in accounts:
            report_violation(
                f"workflow {workflow.name} runs as {use.shown}, which this stack does not create; "
                "give it its own gcp.serviceaccount.Account.",
                workflow.urn,
            )
        others = sorted(
            {_describe(u.resource) for u in uses if u.key == use.key and u.resource is not workflow}
        )
        if others:
            report_violation(
                f"workflow {workflow.name} shares its service account {use.shown} with {', '.join(others)}; "
                "each workflow's account must be used by nothing else.",
                workflow.urn,
            )
        for grant in (g for g in grants if g.key == use.key):
            report_violation(
                f"workflow {workflow.name}'s service account {use.shown} can be used by "
                f"{grant.resource.props.get('member')} ({grant.resource.props.get('role')}, "
                f"{_describe(grant.resource)}); each workflow's account must be used by nothing else.",
                workflow.urn,
            )


OWN_SERVICE_ACCOUNT = StackValidationPolicy(
    name="workflow-own-service-account",
    description="Each workflow runs as its own service account, created by the stack, used by nothing else.",
    validate=_validate,
)
