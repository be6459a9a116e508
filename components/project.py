"""ProjectPlatform: the project plumbing every trigger needs, created once per stack.

APIs, the Eventarc service agent and its grant, Pub/Sub publishing for the Cloud Storage
service agent (direct Cloud Storage events), the custom roles of components/iam.py, the
Eventarc Advanced bus with Message Bus User for the stack's outside publishers, and three
invoker identities: the Cloud Storage trigger's (receives events, starts workflows), the
Eventarc Advanced pipelines' OAuth identity (starts workflows only) and Cloud Scheduler's.
Triggers depend on `gcs_trigger_deps` / `event_deps` / `scheduler_deps` so they are created
only after the IAM they need (a fresh project otherwise fails its first trigger while the
Eventarc agent is provisioned: pulumi/pulumi-gcp#1290).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pulumi
import pulumi_gcp as gcp

from components import iam, naming
from components.capabilities import CAPABILITIES
from components.catalog import Catalog
from components.config import EVENT_BUS_ID, StackConfig

# serviceusage.googleapis.com must already be on (it is what enables the others).
BASE_APIS: tuple[str, ...] = (
    "cloudresourcemanager.googleapis.com",
    "workflows.googleapis.com",
    "workflowexecutions.googleapis.com",
    "eventarc.googleapis.com",
    "eventarcpublishing.googleapis.com",
    "cloudscheduler.googleapis.com",
    "run.googleapis.com",
    "storage.googleapis.com",
    "pubsub.googleapis.com",
    "logging.googleapis.com",
    "iam.googleapis.com",
)
# What each platform identity is granted on the project. Every grant goes through
# iam.create_grant(s), so check_least_privilege sees all of them; ProjectPlatform checks
# the whole table (platform_grants) before it registers anything.
EVENTARC_AGENT_GRANT = iam.Grant(iam.EVENTARC_AGENT_ROLE, "project", "the Eventarc service agent's role")
GCS_AGENT_GRANT = iam.Grant(
    iam.GCS_AGENT_ROLE, "project", "the Cloud Storage service agent publishes to Eventarc's topics"
)
EVENTARC_INVOKER_GRANTS: tuple[iam.Grant, ...] = (
    iam.Grant(iam.EVENT_RECEIVER, "project", "receives Eventarc events"),
    iam.Grant(iam.WORKFLOWS_INVOKER, "project", "starts the destination workflows"),
)
PIPELINE_INVOKER_GRANTS: tuple[iam.Grant, ...] = (
    iam.Grant(iam.WORKFLOWS_INVOKER, "project", "starts the destination workflows"),
)
SCHEDULER_INVOKER_GRANTS: tuple[iam.Grant, ...] = (
    iam.Grant(iam.WORKFLOWS_INVOKER, "project", "starts the scheduled workflows"),
)


def publisher_grant(principal: str) -> iam.Grant:
    """Message Bus User on the project for one outside publisher (`eventBus.publishers`)."""
    return iam.Grant(iam.BUS_PUBLISHER, "project", f"{principal} publishes to the event bus")


def platform_grants(config: StackConfig) -> list[iam.Grant]:
    """Every project-level grant ProjectPlatform makes for this stack."""
    return [
        EVENTARC_AGENT_GRANT,
        GCS_AGENT_GRANT,
        *(publisher_grant(principal) for principal in config.events.publishers),
        *EVENTARC_INVOKER_GRANTS,
        *PIPELINE_INVOKER_GRANTS,
        *SCHEDULER_INVOKER_GRANTS,
    ]


def required_apis(catalog: Catalog) -> list[str]:
    """The APIs the program's resources and the workflows' calls need, sorted."""
    needed = set(BASE_APIS)
    for spec in catalog.workflows.values():
        for capability in spec.capabilities:
            needed.update(CAPABILITIES[capability].apis)
    return sorted(needed)


class BucketLocationError(ValueError):
    """The data bucket is not where the stack config says; the message says what to set."""


def checked_bucket_location(actual: str, config: StackConfig) -> str:
    """The bucket's real location, lower-cased, if it is the stack's `bucketLocation`."""
    if actual.lower() != config.bucket_location.lower():
        raise BucketLocationError(
            f"bucketLocation is {config.bucket_location!r} but bucket {config.bucket!r} is in "
            f"{actual!r}; Eventarc Cloud Storage triggers must be created in the bucket's location. "
            f"Run: pulumi config set bucketLocation {actual.lower()}"
        )
    return actual.lower()


class ProjectPlatform(pulumi.ComponentResource):
    """Project-level resources shared by all workflows and triggers."""

    def __init__(
        self,
        name: str,
        config: StackConfig,
        apis: Iterable[str],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """Create APIs, service agents, the event bus and the invoker identities."""
        iam.check_least_privilege(platform_grants(config))
        super().__init__("blueprint:workflows:ProjectPlatform", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        project = config.project

        self.apis = {
            api: gcp.projects.Service(
                f"api-{api.split('.')[0]}",
                project=project,
                service=api,
                # Other systems in the project may use these APIs; never disable them.
                disable_on_destroy=False,
                disable_dependent_services=False,
                opts=child,
            )
            for api in apis
        }
        api_list: list[pulumi.Resource] = list(self.apis.values())
        # Everything that calls an API waits for it to be enabled (a fresh project
        # otherwise fails with SERVICE_DISABLED on the first `up`).
        self.api_resources: list[pulumi.Resource] = api_list
        after_apis = pulumi.ResourceOptions(parent=self, depends_on=api_list)

        eventarc_agent = gcp.projects.ServiceIdentity(
            "eventarc-agent", project=project, service="eventarc.googleapis.com", opts=after_apis
        )
        eventarc_agent_member = iam.service_account_member(eventarc_agent.email)
        agent_grant = iam.create_grant(
            "eventarc-agent-serviceAgent", EVENTARC_AGENT_GRANT, eventarc_agent_member, config, child
        )

        # Eventarc Cloud Storage triggers must live where the bucket lives: take the real
        # location and hold it against the one the stack declares.
        data_bucket = gcp.storage.get_bucket_output(
            name=config.bucket, project=project, opts=pulumi.InvokeOutputOptions(depends_on=api_list)
        )
        self.bucket_location: pulumi.Output[str] = data_bucket.location.apply(
            lambda actual: checked_bucket_location(actual, config)
        )

        gcs_agent = gcp.storage.get_project_service_account_output(
            project=project, opts=pulumi.InvokeOutputOptions(depends_on=api_list)
        )
        gcs_grant = iam.create_grant(
            "gcs-agent-pubsub.publisher",
            GCS_AGENT_GRANT,
            iam.service_account_member(gcs_agent.email_address),
            config,
            child,
        )

        # Defined once per project; granted on jobs and the project by the workflows.
        self.custom_roles: list[pulumi.Resource] = [
            gcp.projects.IAMCustomRole(
                f"role-{role.role_id}",
                project=project,
                role_id=role.role_id,
                title=role.title,
                description=role.description,
                permissions=sorted(role.permissions),
                stage="GA",
                deletion_policy=config.deletion_policy,
                opts=after_apis,
            )
            for role in iam.CUSTOM_ROLES
        ]

        self.message_bus = gcp.eventarc.MessageBus(
            "event-bus",
            project=project,
            location=config.event_bus_region,
            message_bus_id=EVENT_BUS_ID,
            labels=naming.check_labels({**config.labels, "managed-by": naming.MANAGED_BY}),
            deletion_policy=config.deletion_policy,
            opts=after_apis,
        )
        publisher_grants = [
            iam.create_grant(
                f"event-bus-publisher-{naming.principal_slug(principal)}",
                publisher_grant(principal),
                principal,
                config,
                child,
            )
            for principal in config.events.publishers
        ]

        eventarc_invoker, eventarc_grants = _invoker(
            naming.EVENTARC_INVOKER_ACCOUNT,
            "Eventarc Cloud Storage triggers into workflows",
            EVENTARC_INVOKER_GRANTS,
            config,
            after_apis,
        )
        # Eventarc Advanced pipelines call the Workflows API with an OAuth token: their
        # identity only starts workflows, it receives nothing from Eventarc itself.
        pipeline_invoker, pipeline_grants = _invoker(
            naming.PIPELINE_INVOKER_ACCOUNT,
            "Eventarc Advanced pipelines into workflows",
            PIPELINE_INVOKER_GRANTS,
            config,
            after_apis,
        )
        # The Eventarc agent mints the pipelines' OAuth token, on this one account only.
        token_grant = iam.create_grant(
            "eventarc-agent-tokenCreator",
            iam.Grant(
                iam.TOKEN_CREATOR,
                "account",
                "mints the pipelines' OAuth token",
                account=pipeline_invoker.name,
            ),
            eventarc_agent_member,
            config,
            child,
        )

        scheduler_invoker, scheduler_grants = _invoker(
            naming.SCHEDULER_INVOKER_ACCOUNT,
            "Cloud Scheduler jobs into workflows",
            SCHEDULER_INVOKER_GRANTS,
            config,
            after_apis,
        )

        self.eventarc_invoker_email: pulumi.Output[str] = eventarc_invoker.email
        self.pipeline_invoker_email: pulumi.Output[str] = pipeline_invoker.email
        self.scheduler_invoker_email: pulumi.Output[str] = scheduler_invoker.email
        self.gcs_trigger_deps: list[pulumi.Resource] = [*api_list, agent_grant, gcs_grant, *eventarc_grants]
        self.event_deps: list[pulumi.Resource] = [
            *api_list,
            agent_grant,
            *pipeline_grants,
            token_grant,
            self.message_bus,
            *publisher_grants,
        ]
        self.scheduler_deps: list[pulumi.Resource] = [*api_list, *scheduler_grants]
        self.register_outputs(
            {
                "eventarcInvoker": self.eventarc_invoker_email,
                "pipelineInvoker": self.pipeline_invoker_email,
                "schedulerInvoker": self.scheduler_invoker_email,
                "messageBus": self.message_bus.id,
            }
        )


def _invoker(
    account_id: str,
    display_name: str,
    grants: Sequence[iam.Grant],
    config: StackConfig,
    opts: pulumi.ResourceOptions,
) -> tuple[gcp.serviceaccount.Account, list[pulumi.CustomResource]]:
    """A service account that triggers act as, with its grants (named after the account)."""
    account = gcp.serviceaccount.Account(
        account_id,
        project=config.project,
        account_id=account_id,
        display_name=display_name,
        deletion_policy=config.deletion_policy,
        opts=opts,
    )
    return account, iam.create_grants(
        account_id, grants, iam.service_account_member(account.email), config, opts
    )
