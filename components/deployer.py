"""What a least-privilege deployer principal needs to run `pulumi up` for a stack.

Data, derived from what the program creates: project roles (each with the resources it
lets the deployer manage), the data bucket, every Cloud Run job the program grants (in each
region), and `iam.serviceAccounts.actAs` on each identity the program creates (a workflow,
Eventarc trigger, pipeline or Scheduler job that runs as an account needs the caller to be
able to act as it). `tools/deployer_grants.py` prints these as `gcloud` commands.
"""

from __future__ import annotations

from dataclasses import dataclass

from components import iam, naming
from components.catalog import Catalog
from components.config import StackConfig

# (role, what it lets the deployer create or change). Granted on the project: each manages
# project-level resources (APIs, accounts, custom roles, project IAM, workflows, Eventarc
# and Scheduler resources have no parent narrower than the project and region).
PROJECT_ROLES: tuple[tuple[str, str], ...] = (
    (
        "roles/serviceusage.serviceUsageAdmin",
        "enables the APIs (gcp.projects.Service) and the Eventarc agent",
    ),
    ("roles/iam.serviceAccountAdmin", "creates the service accounts and the token-creator grant on one"),
    ("roles/iam.roleAdmin", "creates the custom roles of components/iam.py"),
    ("roles/resourcemanager.projectIamAdmin", "adds the project-level IAM members"),
    ("roles/workflows.editor", "creates and updates the workflows"),
    # "Create an enrollment" (cloud.google.com/eventarc/advanced/docs/receive-events/
    # create-enrollment, Required roles): Eventarc Developer on the pipeline and enrollment
    # project (eventarc.pipelines.create, eventarc.enrollments.create).
    ("roles/eventarc.developer", "creates the Cloud Storage trigger, the enrollments and pipelines"),
    # "Create a bus" (cloud.google.com/eventarc/advanced/docs/publish-events/create-bus,
    # Required roles): Message Bus Admin to create a bus, Message Bus User (eventarc.buses.use)
    # to use it, both "on your bus project".
    ("roles/eventarc.messageBusAdmin", "creates the message bus"),
    ("roles/eventarc.messageBusUser", "uses the bus in the enrollments"),
    ("roles/cloudscheduler.admin", "creates and updates the Scheduler jobs"),
    # Observability (components/observability.py). Logs Configuration Writer holds
    # logging.logMetrics.* (cloud.google.com/iam/docs/roles-permissions/logging); the three
    # Monitoring roles are the narrow ones for alert policies, channels and dashboards
    # (cloud.google.com/iam/docs/roles-permissions/monitoring).
    ("roles/logging.configWriter", "creates the log-based metrics"),
    ("roles/monitoring.alertPolicyEditor", "creates the alert policies"),
    ("roles/monitoring.notificationChannelEditor", "creates the notification channels"),
    ("roles/monitoring.dashboardEditor", "creates the dashboards"),
)
# On the data bucket only: read its location, add the workflows' object grants.
BUCKET_ROLE = "roles/storage.admin"
# On each Cloud Run job the program grants: read it and add the workflows as members
# (run.jobs.setIamPolicy is in no narrower predefined role; Cloud Run Admin can be granted
# on a job: cloud.google.com/iam/docs/roles-permissions/run).
JOB_ROLE = "roles/run.admin"
# On each service account the program creates: iam.serviceAccounts.actAs.
ACT_AS_ROLE = "roles/iam.serviceAccountUser"


@dataclass(frozen=True)
class DeployerGrants:
    """Every grant a deployer needs for one stack."""

    project: str
    bucket: str
    project_roles: tuple[tuple[str, str], ...]
    jobs: tuple[tuple[str, str], ...]  # (job, region)
    service_accounts: tuple[str, ...]  # emails


def deployer_grants(catalog: Catalog, config: StackConfig) -> DeployerGrants:
    """The grants for `config`'s stack, from the catalog and the stack's job regions."""
    jobs = {
        (grant.job or "", grant.region or "")
        for spec in catalog.workflows.values()
        for grant in iam.workflow_grants(spec, config)
        if grant.scope == "job"
    }
    account_ids = [naming.service_account_id(name) for name in catalog.workflows]
    if config.event_routing == "router":
        account_ids.append(naming.service_account_id(naming.ROUTER_WORKFLOW))
    account_ids += [
        naming.EVENTARC_INVOKER_ACCOUNT,
        naming.PIPELINE_INVOKER_ACCOUNT,
        naming.SCHEDULER_INVOKER_ACCOUNT,
    ]
    return DeployerGrants(
        project=config.project,
        bucket=config.bucket,
        project_roles=PROJECT_ROLES,
        jobs=tuple(sorted(jobs)),
        service_accounts=tuple(
            f"{account}@{config.project}.iam.gserviceaccount.com" for account in account_ids
        ),
    )


def gcloud_commands(grants: DeployerGrants, principal: str) -> list[str]:
    """The `gcloud` commands granting `grants` to `principal` (e.g. `user:me@example.com`)."""
    member = f"--member={principal}"
    commands = [
        f"gcloud projects add-iam-policy-binding {grants.project} {member} --role={role} --condition=None"
        for role, _ in grants.project_roles
    ]
    commands.append(
        f"gcloud storage buckets add-iam-policy-binding gs://{grants.bucket} {member} --role={BUCKET_ROLE}"
    )
    commands += [
        f"gcloud run jobs add-iam-policy-binding {job} --project={grants.project} --region={region} "
        f"{member} --role={JOB_ROLE}"
        for job, region in grants.jobs
    ]
    commands += [
        f"gcloud iam service-accounts add-iam-policy-binding {email} --project={grants.project} "
        f"{member} --role={ACT_AS_ROLE}"
        for email in grants.service_accounts
    ]
    return commands
