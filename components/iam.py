"""The roles table: what each catalog field grants a workflow's service account, and where.

Least privilege, additive members only (`*IAMMember`, never `IAMPolicy`/`IAMBinding`, which
would take over grants made outside this program), no primitive roles, object access only
on the data bucket, and Cloud Run access only on the jobs a workflow runs.

Cloud Run. The workflows call the Cloud Run Admin API v2 connector
(`googleapis.run.v2.projects.locations.jobs.get` for the health check,
`...jobs.run` with env overrides, which blocks while the connector polls the long-running
operation, and `...jobs.executions.get`). What each call needs, and where it is granted:
- on each job, in each region the workflow may run it (`cloudrunv2.JobIamMember`), the
  custom role JOB_RUNNER with exactly the permissions of those calls (each cited below).
  Google's "Execute jobs" page (cloud.google.com/run/docs/execute/jobs) grants execution
  roles on the Cloud Run job; a custom role keeps out what the predefined ones add
  (cancel, IAM-policy reads, every other job's configuration when granted higher up).
- on the project, the custom role RUN_OPERATIONS with only `run.operations.get`: the
  operation a run returns is `projects/P/locations/L/operations/O`
  (cloud.google.com/run/docs/reference/rest/v2/projects.locations.operations/get), a child
  of the location, not of the job, so no job policy covers it, and Cloud Run has no IAM
  policy on locations. IAM Conditions cannot narrow it either: Cloud Run is not among the
  services of "Resource attributes for IAM Conditions"
  (cloud.google.com/iam/docs/conditions-resource-attributes).
No predefined `roles/run.*` role is ever granted on the project (check_least_privilege).

Other project-level roles, each because Google offers no narrower resource for it:
- Workflows roles exist only at project level (no per-workflow IAM policy:
  cloud.google.com/workflows/docs/access-control).
- `roles/logging.logWriter`: log entries are written to the project's logs.
- Eventarc: `eventReceiver` is granted on the project (cloud.google.com/eventarc/docs/
  workflows/route-trigger-cloud-storage, "Before you begin"). Message Bus User: Google's
  "Create a bus" page grants it "on your bus project"
  (cloud.google.com/eventarc/advanced/docs/publish-events/create-bus, Required roles), and
  pulumi-gcp 10.2.0 has no IAM resource for a MessageBus (no `*Iam*` class in
  `pulumi_gcp.eventarc`); the stack's bus is the only bus of its project and region.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import pulumi
import pulumi_gcp as gcp

from components.capabilities import CAPABILITIES, capability_roles
from components.catalog import WorkflowSpec
from components.config import StackConfig
from components.run_grants import job_member, run_regions

Scope = Literal["project", "bucket", "job", "account"]

OBJECT_ROLE = "roles/storage.objectUser"
LOG_WRITER = "roles/logging.logWriter"
WORKFLOWS_INVOKER = "roles/workflows.invoker"
# Publish to an Eventarc Advanced bus (eventarc.messageBuses.publish).
BUS_PUBLISHER = "roles/eventarc.messageBusUser"
EVENT_RECEIVER = "roles/eventarc.eventReceiver"
# The platform's service agents (project.py): Eventarc's own role, and Pub/Sub publishing for
# the Cloud Storage agent; the Eventarc agent mints the pipeline invoker's OAuth tokens.
EVENTARC_AGENT_ROLE = "roles/eventarc.serviceAgent"
GCS_AGENT_ROLE = "roles/pubsub.publisher"
TOKEN_CREATOR = "roles/iam.serviceAccountTokenCreator"


@dataclass(frozen=True)
class CustomRole:
    """A project custom role: its id, what it is for, and each permission with the page
    that says which call needs it."""

    role_id: str
    title: str
    description: str
    permissions: Mapping[str, str]

    def name(self, project: str) -> str:
        """The role's full name, as IAM bindings spell it."""
        return f"projects/{project}/roles/{self.role_id}"


JOB_RUNNER = CustomRole(
    role_id="blueprintWorkflowJobRunner",
    title="Blueprint workflow job runner",
    description="Granted on one Cloud Run job: read it, run it with overrides, read its executions.",
    permissions={
        # jobs.get (health check): "Authorization requires the following IAM permission on
        # the specified resource name: run.jobs.get"
        # (cloud.google.com/run/docs/reference/rest/v1/namespaces.jobs/get; the v2 method
        # reads the same Job; "run.jobs.get: View jobs" in
        # cloud.google.com/run/docs/reference/iam/permissions).
        "run.jobs.get": "run/docs/reference/rest/v1/namespaces.jobs/get",
        # jobs.run: "Authorization requires ... run.jobs.run" on the job, and
        # "run.jobs.runWithOverrides" on `overrides`
        # (cloud.google.com/run/docs/reference/rest/v1/namespaces.jobs/run; v2 run page:
        # overrides need a permission on the job).
        "run.jobs.run": "run/docs/reference/rest/v1/namespaces.jobs/run",
        "run.jobs.runWithOverrides": "run/docs/reference/rest/v1/namespaces.jobs/run",
        # jobs.executions.get: "run.executions.get: Get job executions"
        # (cloud.google.com/run/docs/reference/iam/permissions). The blocking jobs.run does
        # not need it (the operation carries the Execution); a workflow that sets
        # skip_polling reads the execution itself (TIMEOUT_AND_RETRY_POLICY.md). An execution
        # is a child of its job (projects/P/locations/L/jobs/J/executions/E), so granting
        # it on the job reaches only that job's executions.
        "run.executions.get": "run/docs/reference/iam/permissions",
    },
)
RUN_OPERATIONS = CustomRole(
    role_id="blueprintRunOperationsViewer",
    title="Blueprint Cloud Run operations viewer",
    description="Poll the long-running operations of Cloud Run job runs (nothing else).",
    permissions={
        # The connector polls projects/P/locations/L/operations/O until the run ends
        # (cloud.google.com/workflows/docs/connectors, "Long-running operations";
        # cloud.google.com/run/docs/reference/rest/v2/projects.locations.operations/get).
        # That page names no permission; `run.operations.get` is the Cloud Run permission
        # for it (in Cloud Run Viewer, cloud.google.com/iam/docs/roles-permissions/run).
        "run.operations.get": "run/docs/reference/rest/v2/projects.locations.operations/get",
    },
)
CUSTOM_ROLES: tuple[CustomRole, ...] = (JOB_RUNNER, RUN_OPERATIONS)
# The only Cloud Run permissions a project-level grant may carry (see RUN_OPERATIONS).
PROJECT_RUN_PERMISSIONS = frozenset({"run.operations.get"})

# Every predefined role the program grants on the project, with the page saying why no
# narrower grant exists. check_least_privilege refuses a project role missing here.
PROJECT_LEVEL_ROLES: dict[str, str] = {
    LOG_WRITER: "cloud.google.com/logging/docs/access-control: Logging's predefined roles are "
    "granted on the project or higher (log entries are written to the project)",
    WORKFLOWS_INVOKER: "cloud.google.com/iam/docs/roles-permissions/workflows: lowest-level "
    "resource Project (no per-workflow IAM)",
    EVENT_RECEIVER: "cloud.google.com/iam/docs/roles-permissions/eventarc: Eventarc roles' lowest-level "
    "resource is Project; cloud.google.com/eventarc/docs/workflows/route-trigger-cloud-storage",
    BUS_PUBLISHER: "cloud.google.com/eventarc/advanced/docs/publish-events/create-bus: Message Bus User "
    '"on your bus project"; pulumi-gcp 10.2.0 has no MessageBus IAM resource',
    EVENTARC_AGENT_ROLE: "cloud.google.com/eventarc/docs/access-control, Eventarc service "
    "agent: the agent's role on the project",
    GCS_AGENT_ROLE: "cloud.google.com/eventarc/docs/workflows/route-trigger-cloud-storage: "
    "the Cloud Storage service agent publishes to topics Eventarc creates (names unknown beforehand)",
    # The catalog capabilities' roles, each with its page (components/capabilities.py).
    **capability_roles(),
}

PRIMITIVE_ROLES = frozenset({"roles/owner", "roles/editor", "roles/viewer"})
# Roles never granted on the project: object access is bucket-scoped, Cloud Run job-scoped.
PROJECT_FORBIDDEN_PREFIXES: tuple[str, ...] = ("roles/storage.", "roles/run.")


class IamError(ValueError):
    """A grant breaks the least-privilege rules of this module."""


@dataclass(frozen=True)
class Grant:
    """One role on one scope, with the reason for it (`job`/`region` for job scope,
    `account`, the service account's resource name, for account scope)."""

    role: str
    scope: Scope
    reason: str
    job: str | None = None
    region: str | None = None
    account: pulumi.Input[str] | None = None


def workflow_grants(spec: WorkflowSpec, config: StackConfig) -> list[Grant]:
    """The grants a workflow's own service account gets, derived from its catalog entry
    and, for Cloud Run jobs, the regions the stack deploys them in."""
    grants = [
        # Every workflow reads and writes markers and outputs in the data bucket.
        Grant(OBJECT_ROLE, "bucket", "reads and writes objects of the data bucket"),
        Grant(LOG_WRITER, "project", "writes its structured logs"),
    ]
    for job in sorted(spec.jobs):
        for region in run_regions(spec, job, config):
            grants.append(
                Grant(JOB_RUNNER.name(config.project), "job", f"runs {job} in {region}", job, region)
            )
    if spec.jobs:
        grants.append(
            Grant(RUN_OPERATIONS.name(config.project), "project", "polls the operations of its job runs")
        )
    if spec.starts_workflows:
        grants.append(Grant(WORKFLOWS_INVOKER, "project", f"starts {list(spec.starts_workflows)}"))
    if spec.publishes_events:
        grants.append(Grant(BUS_PUBLISHER, "project", f"publishes {list(spec.publishes_events)}"))
    for capability in spec.capabilities:
        grants.extend(
            Grant(role, "project", f"capability {capability}") for role in CAPABILITIES[capability].roles
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
    """Raise IamError on primitive roles, project-wide storage or Cloud Run roles, custom
    roles this module does not define, job grants without a job and region, and account
    grants without the account."""
    for grant in grants:
        if grant.role in PRIMITIVE_ROLES:
            raise IamError(f"primitive role {grant.role} is never granted ({grant.reason})")
        if grant.scope == "job" and not (grant.job and grant.region):
            raise IamError(f"{grant.role} on a job needs the job and its region ({grant.reason})")
        if grant.scope == "account" and grant.account is None:
            raise IamError(f"{grant.role} on a service account needs the account ({grant.reason})")
        if grant.scope != "project":
            continue
        if grant.role.startswith(PROJECT_FORBIDDEN_PREFIXES):
            where = "the bucket" if grant.role.startswith("roles/storage.") else "the jobs"
            raise IamError(f"{grant.role} must be granted on {where}, not the project ({grant.reason})")
        if grant.role.startswith("roles/") and grant.role not in PROJECT_LEVEL_ROLES:
            raise IamError(
                f"{grant.role} on the project ({grant.reason}): add it to PROJECT_LEVEL_ROLES in "
                "components/iam.py (a catalog capability's role: to its row in "
                "components/capabilities.py) with the page saying no narrower grant exists, or "
                "grant it lower"
            )
        if "/roles/" in grant.role:
            role = custom_role(grant.role)
            run_permissions = {p for p in role.permissions if p.startswith("run.")}
            wide = sorted(run_permissions - PROJECT_RUN_PERMISSIONS)
            if wide:
                raise IamError(
                    f"custom role {role.role_id} carries {wide}: Cloud Run permissions other than "
                    f"{sorted(PROJECT_RUN_PERMISSIONS)} are granted on the jobs, not the project"
                )


def custom_role(name: str) -> CustomRole:
    """The custom role of this module named `projects/P/roles/ID`; IamError if unknown."""
    role_id = name.rsplit("/", 1)[-1]
    for role in CUSTOM_ROLES:
        if role.role_id == role_id:
            return role
    raise IamError(f"custom role {name} is not defined in components/iam.py CUSTOM_ROLES")


def service_account_member(email: pulumi.Input[str]) -> pulumi.Output[str]:
    """The IAM member naming a service account by its email."""
    return pulumi.Output.from_input(email).apply(lambda address: f"serviceAccount:{address}")


def grant_resource_name(prefix: str, grant: Grant) -> str:
    """`<prefix>-<role id>`, or `<prefix>-run-<job>-<region>` for a job grant."""
    if grant.scope == "job":
        return f"{prefix}-run-{grant.job}-{grant.region}"
    return f"{prefix}-{grant.role.rsplit('/', 1)[-1]}"


def create_grants(
    prefix: str,
    grants: Sequence[Grant],
    member: pulumi.Input[str],
    config: StackConfig,
    opts: pulumi.ResourceOptions,
) -> list[pulumi.CustomResource]:
    """One additive IAM member resource per grant for `member`, named by grant_resource_name;
    every grant is checked (check_least_privilege) before the first resource."""
    check_least_privilege(grants)
    return [create_grant(grant_resource_name(prefix, grant), grant, member, config, opts) for grant in grants]


def create_grant(
    resource_name: str,
    grant: Grant,
    member: pulumi.Input[str],
    config: StackConfig,
    opts: pulumi.ResourceOptions,
) -> pulumi.CustomResource:
    """The one place the program makes an IAM member resource: the grant passes
    check_least_privilege, then becomes an additive member of its scope's policy (a job
    grant first checks that the job exists where it is granted)."""
    check_least_privilege([grant])
    if grant.scope == "job":
        job, region = grant.job or "", grant.region or ""
        return job_member(resource_name, grant.role, job, region, member, config, opts)
    if grant.scope == "bucket":
        return gcp.storage.BucketIAMMember(
            resource_name, bucket=config.bucket, role=grant.role, member=member, opts=opts
        )
    if grant.scope == "account":
        assert grant.account is not None  # check_least_privilege refuses an account grant without it
        return gcp.serviceaccount.IAMMember(
            resource_name, service_account_id=grant.account, role=grant.role, member=member, opts=opts
        )
    return gcp.projects.IAMMember(
        resource_name, project=config.project, role=grant.role, member=member, opts=opts
    )
