"""Trigger resources: Eventarc Cloud Storage triggers, Eventarc Advanced enrollments and
pipelines for custom events, and Cloud Scheduler jobs, and the description of each.

Each function creates the resources of one trigger under the caller's parent and makes
them depend on the IAM they need (from the project platform, `TriggerPlatform`), so
nothing fires before it may. `TRIGGER_KIND_RULES` holds, per catalog trigger kind, what
`describe_trigger` puts in a workflow's plain `trigger` output and what `create_trigger`
registers; the marker router's output (`describe_router_trigger`) shares the Cloud Storage
part of it.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import pulumi
import pulumi_gcp as gcp

from components import naming
from components.catalog import WorkflowSpec, trigger_enabled
from components.config import StackConfig

GCS_FINALIZED = "google.cloud.storage.object.v1.finalized"
CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform"
EXECUTIONS_API = "https://workflowexecutions.googleapis.com/v1"
# Starting an execution answers within seconds; a minute covers a slow API call.
SCHEDULER_ATTEMPT_DEADLINE = "60s"
# A missed run is retried a few times with backoff, then waits for the next schedule.
# Scheduler retries only when the start request errs or times out; if a response is lost
# after the execution was created, a second run starts, so scheduled workflows must be
# idempotent (the poller and retention cleanup are: they act on what they find).
SCHEDULER_RETRY: gcp.cloudscheduler.JobRetryConfigArgsDict = {
    "retry_count": 3,
    "min_backoff_duration": "30s",
    "max_backoff_duration": "300s",
    "max_doublings": 3,
}


class TriggerPlatform(Protocol):
    """What a trigger needs from the project platform (project.ProjectPlatform has it): the
    accounts that start workflows, the message bus, and what each trigger kind waits for.
    A Protocol, so triggers sit below the components that build the platform."""

    @property
    def bucket_location(self) -> pulumi.Output[str]: ...
    @property
    def eventarc_invoker_email(self) -> pulumi.Output[str]: ...
    @property
    def pipeline_invoker_email(self) -> pulumi.Output[str]: ...
    @property
    def scheduler_invoker_email(self) -> pulumi.Output[str]: ...
    @property
    def message_bus(self) -> gcp.eventarc.MessageBus: ...
    @property
    def gcs_trigger_deps(self) -> Sequence[pulumi.Resource]: ...
    @property
    def event_deps(self) -> Sequence[pulumi.Resource]: ...
    @property
    def scheduler_deps(self) -> Sequence[pulumi.Resource]: ...


def gcs_trigger(
    resource_name: str,
    trigger_id: str,
    workflow_id: pulumi.Input[str],
    config: StackConfig,
    platform: TriggerPlatform,
    opts: pulumi.ResourceOptions,
    depends_on: Sequence[pulumi.Resource] = (),
) -> gcp.eventarc.Trigger:
    """One Eventarc trigger for every object finalized in the data bucket.

    Eventarc cannot filter by object name (only `type` and `bucket`), so the workflow or the
    router matches the marker itself. The trigger lives where the bucket lives, and has no
    retry policy: that field is only allowed for Cloud Run destinations.
    """
    return gcp.eventarc.Trigger(
        resource_name,
        name=naming.check_id("Eventarc trigger id", trigger_id, naming.EVENTARC_ID),
        project=config.project,
        location=platform.bucket_location,
        matching_criterias=[
            {"attribute": "type", "value": GCS_FINALIZED},
            {"attribute": "bucket", "value": config.bucket},
        ],
        destination={"workflow": workflow_id},
        service_account=platform.eventarc_invoker_email,
        event_data_content_type="application/json",
        labels=naming.check_labels({**config.labels, "managed-by": naming.MANAGED_BY}),
        opts=pulumi.ResourceOptions.merge(
            opts, pulumi.ResourceOptions(depends_on=[*platform.gcs_trigger_deps, *depends_on])
        ),
    )


def event_trigger(
    spec: WorkflowSpec,
    workflow_id: pulumi.Input[str],
    config: StackConfig,
    platform: TriggerPlatform,
    opts: pulumi.ResourceOptions,
    depends_on: Sequence[pulumi.Resource] = (),
) -> tuple[gcp.eventarc.Pipeline, gcp.eventarc.Enrollment]:
    """A pipeline to the workflow and an enrollment on the bus matching its event type."""
    event_type = spec.trigger.event_type
    if event_type is None:
        raise ValueError(f"workflow {spec.name} has no event type")
    after = pulumi.ResourceOptions.merge(
        opts, pulumi.ResourceOptions(depends_on=[*platform.event_deps, *depends_on])
    )
    labels = naming.check_labels({**config.labels, "workflow": spec.name, "managed-by": naming.MANAGED_BY})
    return event_route(spec.name, event_type, workflow_id, labels, config, platform, after)


def event_route(
    destination: str,
    event_type: str,
    workflow_id: pulumi.Input[str],
    labels: dict[str, str],
    config: StackConfig,
    platform: TriggerPlatform,
    opts: pulumi.ResourceOptions,
) -> tuple[gcp.eventarc.Pipeline, gcp.eventarc.Enrollment]:
    """The pipeline delivering `event_type` to a workflow, and its enrollment on the bus.

    `destination` names both (`to-<destination>`): a catalog workflow's name, or the
    workflow name of an `eventBus.destinations` entry.
    """
    pipeline = gcp.eventarc.Pipeline(
        f"{destination}-pipeline",
        project=config.project,
        location=config.event_bus_region,
        pipeline_id=naming.pipeline_id(destination),
        destinations=[
            {
                "workflow": workflow_id,
                # Workflows is a Google API: an OAuth token of the pipeline invoker, which
                # holds roles/workflows.invoker (the Eventarc agent mints it, see project.py).
                "authentication_config": {
                    "oauth_token": {
                        "service_account": platform.pipeline_invoker_email,
                        "scope": CLOUD_PLATFORM_SCOPE,
                    }
                },
            }
        ],
        # The workflow receives `data` as JSON whatever content type a publisher declares
        # ("inputPayloadFormat": the format the pipeline reads message data in; pulumi-gcp
        # 10.2.0 `PipelineInputPayloadFormat.json`).
        input_payload_format={"json": {}},
        labels=labels,
        deletion_policy=config.deletion_policy,
        opts=opts,
    )
    enrollment = gcp.eventarc.Enrollment(
        f"{destination}-enrollment",
        project=config.project,
        location=config.event_bus_region,
        enrollment_id=naming.enrollment_id(event_type),
        message_bus=platform.message_bus.id,
        cel_match=f"message.type == '{event_type}'",
        destination=pipeline.id,
        labels=labels,
        deletion_policy=config.deletion_policy,
        opts=opts,
    )
    return pipeline, enrollment


def scheduler_argument(spec: WorkflowSpec, config: StackConfig) -> dict[str, Any]:
    """The execution argument of a scheduled run: the bucket plus the catalog's fields."""
    return {"bucket": config.bucket, **spec.trigger.argument}


def scheduler_body(spec: WorkflowSpec, config: StackConfig) -> str:
    """The base64 HTTP body `{"argument": "<JSON string>"}` of the executions.create call."""
    body = {"argument": json.dumps(scheduler_argument(spec, config), sort_keys=True)}
    return base64.b64encode(json.dumps(body).encode()).decode()


def scheduler_job(
    spec: WorkflowSpec,
    workflow_id: pulumi.Input[str],
    config: StackConfig,
    platform: TriggerPlatform,
    opts: pulumi.ResourceOptions,
    depends_on: Sequence[pulumi.Resource] = (),
) -> gcp.cloudscheduler.Job:
    """A Cloud Scheduler job that starts the workflow; paused unless enabled in config."""
    if spec.trigger.scheduler_job is None or spec.trigger.settings is None:
        raise ValueError(f"workflow {spec.name} has no scheduler job")
    schedule = config.schedule(spec.trigger.settings)
    return gcp.cloudscheduler.Job(
        f"{spec.name}-schedule",
        name=naming.scheduler_job_name(spec.trigger.scheduler_job),
        project=config.project,
        region=config.region,
        description=f"Starts {spec.name}",
        schedule=schedule.schedule,
        time_zone=schedule.time_zone,
        paused=not schedule.enabled,
        attempt_deadline=SCHEDULER_ATTEMPT_DEADLINE,
        retry_config=SCHEDULER_RETRY,
        deletion_policy=config.deletion_policy,
        http_target={
            "http_method": "POST",
            "uri": pulumi.Output.concat(EXECUTIONS_API, "/", workflow_id, "/executions"),
            "body": scheduler_body(spec, config),
            "headers": {"Content-Type": "application/json"},
            "oauth_token": {
                "service_account_email": platform.scheduler_invoker_email,
                "scope": CLOUD_PLATFORM_SCOPE,
            },
        },
        opts=pulumi.ResourceOptions.merge(
            opts, pulumi.ResourceOptions(depends_on=[*platform.scheduler_deps, *depends_on])
        ),
    )


def describe_trigger(spec: WorkflowSpec, config: StackConfig) -> dict[str, Any]:
    """The `trigger` output of a catalog workflow: its kind, whether it exists in this stack
    (and why not), and what starts it (its kind's row of TRIGGER_KIND_RULES)."""
    enabled = trigger_enabled(spec, config)
    described: dict[str, Any] = {"kind": spec.trigger.kind, "enabled": enabled}
    if not enabled:
        described["reason"] = f"experimental flag {spec.experimental} is off in stack config"
    described.update(TRIGGER_KIND_RULES[spec.trigger.kind].describe(spec, config))
    return described


def describe_router_trigger(config: StackConfig, routes: Mapping[str, Any]) -> dict[str, Any]:
    """The `trigger` output of the marker router: the one bucket trigger and its route table."""
    return {"kind": "gcs", **_describe_bucket("router", naming.ROUTER_TRIGGER, config), "routes": routes}


def create_trigger(
    spec: WorkflowSpec,
    workflow_id: pulumi.Input[str],
    config: StackConfig,
    platform: TriggerPlatform,
    opts: pulumi.ResourceOptions,
    depends_on: Sequence[pulumi.Resource] = (),
) -> None:
    """Register the trigger resources of the workflow's kind (its row of TRIGGER_KIND_RULES),
    if this stack enables its trigger."""
    create = TRIGGER_KIND_RULES[spec.trigger.kind].create
    if create is not None and trigger_enabled(spec, config):
        create(spec, workflow_id, config, platform, opts, depends_on)


def _describe_bucket(routing: str, trigger_id: str | None, config: StackConfig) -> dict[str, Any]:
    """What every Cloud Storage trigger description holds: routing mode, bucket and the
    Eventarc trigger the events come through (none when a direct trigger is disabled)."""
    described: dict[str, Any] = {"routing": routing, "bucket": config.bucket}
    if trigger_id is not None:
        described["eventarcTrigger"] = trigger_id
    return described


def _describe_gcs(spec: WorkflowSpec, config: StackConfig) -> dict[str, Any]:
    if config.event_routing == "router":
        trigger_id: str | None = naming.ROUTER_TRIGGER
    else:
        trigger_id = naming.direct_trigger_id(spec.name) if trigger_enabled(spec, config) else None
    return {
        **_describe_bucket(config.event_routing, trigger_id, config),
        "markers": list(spec.trigger.markers),
    }


def _create_gcs(
    spec: WorkflowSpec,
    workflow_id: pulumi.Input[str],
    config: StackConfig,
    platform: TriggerPlatform,
    opts: pulumi.ResourceOptions,
    depends_on: Sequence[pulumi.Resource] = (),
) -> None:
    """A workflow's own bucket trigger, in direct mode only (the router's feeds it otherwise)."""
    if config.event_routing == "direct":
        trigger_id = naming.direct_trigger_id(spec.name)
        gcs_trigger(f"{spec.name}-trigger", trigger_id, workflow_id, config, platform, opts, depends_on)


def _describe_event(spec: WorkflowSpec, config: StackConfig) -> dict[str, Any]:
    return {
        "eventType": spec.trigger.event_type,
        "enrollment": naming.enrollment_id(spec.trigger.event_type or ""),
        "pipeline": naming.pipeline_id(spec.name),
    }


def _describe_schedule(spec: WorkflowSpec, config: StackConfig) -> dict[str, Any]:
    schedule = config.schedule(spec.trigger.settings or "")
    return {
        "schedulerJob": spec.trigger.scheduler_job,
        "schedule": schedule.schedule,
        "timeZone": schedule.time_zone,
        "paused": not schedule.enabled,
    }


def _describe_manual(spec: WorkflowSpec, config: StackConfig) -> dict[str, Any]:
    return {"run": f"gcloud workflows run {spec.name} --location={config.region} --data='{{...}}'"}


class CreateTrigger(Protocol):
    """Registers one workflow's trigger resources (the signature of event_trigger et al.)."""

    def __call__(
        self,
        spec: WorkflowSpec,
        workflow_id: pulumi.Input[str],
        config: StackConfig,
        platform: TriggerPlatform,
        opts: pulumi.ResourceOptions,
        depends_on: Sequence[pulumi.Resource] = (),
    ) -> object: ...


@dataclass(frozen=True)
class TriggerKindRules:
    """What the program does for one catalog trigger kind: the fields of its `trigger`
    output, and what registers its resources (None: the kind has none)."""

    describe: Callable[[WorkflowSpec, StackConfig], dict[str, Any]]
    create: CreateTrigger | None


# One row per catalog trigger kind (catalog.TRIGGER_KINDS, whose parsing is in catalog.py).
TRIGGER_KIND_RULES: dict[str, TriggerKindRules] = {
    "gcs": TriggerKindRules(_describe_gcs, _create_gcs),
    "event": TriggerKindRules(_describe_event, event_trigger),
    "schedule": TriggerKindRules(_describe_schedule, scheduler_job),
    "manual": TriggerKindRules(_describe_manual, None),
}
