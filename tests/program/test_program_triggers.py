"""Every trigger kind: the bucket trigger, Eventarc Advanced enrollments and pipelines,
Cloud Scheduler jobs, manual workflows, experimental gating and IAM ordering."""

from __future__ import annotations

import base64
import json

import pytest

from components.catalog import load_catalog
from components.stack_files import load_stack
from tests.program.conftest import DIRECT
from tests.program.resource_types import ENROLLMENT, JOB, PIPELINE, TRIGGER
from tools.mock_engine import (
    GET_BUCKET_INVOKE,
    Evaluation,
    ProgramFailed,
    Registered,
    evaluate,
    evaluate_cached,
)

FINALIZED = "google.cloud.storage.object.v1.finalized"


def owned_by(run: Evaluation, type_: str, component: str) -> list[Registered]:
    """Resources of a type whose nearest component is `component`."""
    return [r for r in run.of_type(type_) if (c := run.component_of(r)) is not None and c.name == component]


def test_one_bucket_trigger_into_the_router(run: Evaluation, stack: str) -> None:
    """Router mode: one finalize trigger on the data bucket, where the bucket lives."""
    config = load_stack(stack)
    (trigger,) = run.of_type(TRIGGER)
    inputs = trigger.inputs
    assert run.component_of(trigger).name == "marker-router"
    assert {c["attribute"]: c["value"] for c in inputs["matchingCriterias"]} == {
        "type": FINALIZED,
        "bucket": config.bucket,
    }
    assert inputs["location"] == config.bucket_location.lower()
    assert inputs["eventDataContentType"] == "application/json"
    assert "retryPolicy" not in inputs
    assert inputs["destination"]["workflow"] == run.named("marker-router").id
    assert inputs["serviceAccount"] == run.named("eventarc-invoker").outputs["email"]


def test_gcs_workflows_declare_their_routes(run: Evaluation, stack: str) -> None:
    """Each GCS workflow's trigger output lists its markers and the router trigger."""
    config = load_stack(stack)
    gcs = load_catalog().by_trigger("gcs")
    assert len(gcs) == 11
    for spec in gcs:
        out = run.outputs["workflows"][spec.name]["trigger"]
        assert out["kind"] == "gcs"
        assert out["routing"] == "router"
        assert out["markers"] == list(spec.trigger.markers)
        assert out["bucket"] == config.bucket
        assert out["eventarcTrigger"] == "gcs-marker-router"


def test_custom_events_go_over_eventarc_advanced(run: Evaluation, stack: str) -> None:
    """One enrollment per event type (CEL on message.type) into a pipeline to the workflow."""
    config = load_stack(stack)
    bus = run.named("event-bus")
    assert bus.inputs["messageBusId"] == "pipeline-events"
    expected = {
        "genie-sim-import-pipeline": "manual.geniesim.job.completed",
        "training-pipeline": "blueprintpipeline.episodes.imported",
    }
    assert {s.name: s.trigger.event_type for s in load_catalog().by_trigger("event")} == expected
    invoker = run.named("pipeline-invoker").outputs["email"]
    for workflow, event_type in expected.items():
        (enrollment,) = owned_by(run, ENROLLMENT, workflow)
        (pipeline,) = owned_by(run, PIPELINE, workflow)
        assert enrollment.inputs["celMatch"] == f"message.type == '{event_type}'"
        assert enrollment.inputs["messageBus"] == bus.outputs["name"]
        assert enrollment.inputs["destination"] == pipeline.outputs["name"]
        (destination,) = pipeline.inputs["destinations"]
        assert destination["workflow"] == run.named(workflow).id
        token = destination["authenticationConfig"]["oauthToken"]
        assert token == {"serviceAccount": invoker, "scope": "https://www.googleapis.com/auth/cloud-platform"}
        # `data` reaches the workflow as JSON whatever the publisher's content type says.
        assert pipeline.inputs["inputPayloadFormat"] == {"json": {}}
        assert pipeline.inputs["location"] == enrollment.inputs["location"] == config.event_bus_region
        assert bus.inputs["location"] == config.event_bus_region


def test_scheduler_jobs_start_their_workflows(run: Evaluation, stack: str) -> None:
    """POST executions with the bucket + catalog argument, OAuth of the scheduler invoker."""
    config = load_stack(stack)
    invoker = run.named("scheduler-invoker").outputs["email"]
    specs = load_catalog().by_trigger("schedule")
    assert [s.trigger.scheduler_job for s in specs] == [
        "genie-sim-import-poller",
        "retention-cleanup-daily",
        "scene-generation-daily",
        "scene-reconciler",
    ]
    for spec in specs:
        (job,) = owned_by(run, JOB, spec.name)
        schedule = config.schedule(spec.trigger.settings)
        inputs = job.inputs
        assert inputs["name"] == spec.trigger.scheduler_job
        assert inputs["schedule"] == schedule.schedule
        assert inputs["timeZone"] == schedule.time_zone
        assert inputs["paused"] is (not schedule.enabled)
        assert inputs["retryConfig"]["retryCount"] > 0
        assert inputs["attemptDeadline"].endswith("s")
        target = inputs["httpTarget"]
        workflow_id = run.named(spec.name).id
        assert target["httpMethod"] == "POST"
        assert target["uri"] == f"https://workflowexecutions.googleapis.com/v1/{workflow_id}/executions"
        assert target["oauthToken"] == {
            "serviceAccountEmail": invoker,
            "scope": "https://www.googleapis.com/auth/cloud-platform",
        }
        body = json.loads(base64.b64decode(target["body"]))
        assert set(body) == {"argument"}
        assert json.loads(body["argument"]) == {"bucket": config.bucket, **spec.trigger.argument}


def test_scene_generation_is_paused_unless_enabled(stack: str) -> None:
    """The scene-generation schedule is created paused; enabling it in config unpauses it."""
    (paused,) = owned_by(evaluate_cached(stack), JOB, "scene-generation-pipeline")
    assert paused.inputs["paused"] is True
    (poller,) = owned_by(evaluate_cached(stack), JOB, "genie-sim-import-poller")
    assert poller.inputs["paused"] is False
    enabled = evaluate_cached(stack, (("sceneGeneration.enabled", True),))
    (running,) = owned_by(enabled, JOB, "scene-generation-pipeline")
    assert running.inputs["paused"] is False


def test_manual_workflows_have_no_trigger(run: Evaluation) -> None:
    """scene-batch and upsell-features are started by hand only."""
    manual = [s.name for s in load_catalog().by_trigger("manual")]
    assert manual == ["scene-batch", "upsell-features-pipeline"]
    trigger_types = (TRIGGER, JOB, ENROLLMENT, PIPELINE)
    for name in manual:
        assert all(owned_by(run, t, name) == [] for t in trigger_types)
        assert run.outputs["workflows"][name]["trigger"]["kind"] == "manual"


def test_triggers_depend_on_the_iam_they_need(run: Evaluation) -> None:
    """Triggers wait for the agents' and invokers' grants and the target's own grants."""
    urns = {r.name: r.urn for r in run.resources}
    (trigger,) = run.of_type(TRIGGER)
    for grant in (
        "gcs-agent-pubsub.publisher",
        "eventarc-agent-serviceAgent",
        "eventarc-invoker-eventarc.eventReceiver",
        "eventarc-invoker-workflows.invoker",
        "marker-router-workflows.invoker",
    ):
        assert urns[grant] in trigger.dependencies, grant
    (job,) = owned_by(run, JOB, "genie-sim-import-poller")
    assert urns["scheduler-invoker-workflows.invoker"] in job.dependencies
    assert urns["genie-sim-import-poller-workflows.invoker"] in job.dependencies
    (enrollment,) = owned_by(run, ENROLLMENT, "training-pipeline")
    assert urns["eventarc-agent-tokenCreator"] in enrollment.dependencies
    assert urns["pipeline-invoker-workflows.invoker"] in enrollment.dependencies


def _routed(run: Evaluation) -> set[str]:
    routes = json.loads(run.named("marker-router").inputs["userEnvVars"]["MARKER_ROUTES"])
    return {name for entries in routes.values() for route in entries for name in route["workflows"]}


def test_experimental_workflows_are_triggered_only_when_enabled() -> None:
    """dream2flow/dwm are always deployed, routed only when their flag (or shared) is on."""
    staging, prod = evaluate_cached("staging"), evaluate_cached("prod")
    assert load_stack("staging").experimental.dream2flow is True
    assert load_stack("prod").experimental.enabled("dream2flow") is False
    assert "dream2flow-preparation-pipeline" in _routed(staging)
    assert "dwm-preparation-pipeline" not in _routed(staging)
    assert not {"dream2flow-preparation-pipeline", "dwm-preparation-pipeline"} & _routed(prod)
    for run in (staging, prod):
        assert run.named("dwm-preparation-pipeline").type == "gcp:workflows/workflow:Workflow"
        out = run.outputs["workflows"]["dwm-preparation-pipeline"]["trigger"]
        assert out["enabled"] is False
        assert "dwm" in out["reason"]
    shared = evaluate_cached("prod", (("experimental.shared", True),))
    assert {"dream2flow-preparation-pipeline", "dwm-preparation-pipeline"} <= _routed(shared)


def test_direct_mode_gives_each_enabled_gcs_workflow_its_own_trigger() -> None:
    """eventRouting: direct: no router; one trigger per enabled GCS workflow, same filters."""
    run = evaluate_cached("staging", DIRECT)
    config = load_stack("staging")
    assert run.counts().get("blueprint:workflows:MarkerRouter") is None
    triggers = run.of_type(TRIGGER)
    owners = sorted(run.component_of(t).name for t in triggers)
    enabled = [
        s.name
        for s in load_catalog().by_trigger("gcs")
        if s.experimental is None or config.experimental.enabled(s.experimental)
    ]
    assert owners == sorted(enabled)
    assert len(triggers) == 10
    for trigger in triggers:
        owner = run.component_of(trigger).name
        assert trigger.inputs["name"] == owner.removesuffix("-pipeline") + "-trigger"
        assert trigger.inputs["destination"]["workflow"] == run.named(owner).id
        assert {c["attribute"] for c in trigger.inputs["matchingCriterias"]} == {"type", "bucket"}
    assert "markerRouter" not in run.outputs


@pytest.mark.parametrize("overrides", [(), DIRECT], ids=["router", "direct"])
def test_a_gcs_workflows_trigger_output_names_the_trigger_its_events_come_through(
    stack: str, overrides: tuple[tuple[str, object], ...]
) -> None:
    """One Cloud Storage description for workflows and router (triggers.py): in router mode
    a workflow's `eventarcTrigger`, `routing` and `bucket` are the router's; in direct mode
    an enabled workflow names its own trigger resource and a disabled one names none."""
    run = evaluate_cached(stack, overrides)
    router = run.outputs.get("markerRouter", {}).get("trigger")
    triggers = {r.name: r.inputs["name"] for r in run.of_type(TRIGGER)}
    for spec in load_catalog().by_trigger("gcs"):
        out = run.outputs["workflows"][spec.name]["trigger"]
        if router is not None:
            assert {k: out[k] for k in ("routing", "bucket", "eventarcTrigger")} == {
                k: router[k] for k in ("routing", "bucket", "eventarcTrigger")
            }
            assert triggers == {"marker-router-trigger": router["eventarcTrigger"]}
        elif out["enabled"]:
            assert out["eventarcTrigger"] == triggers[f"{spec.name}-trigger"]
        else:
            assert "eventarcTrigger" not in out and f"{spec.name}-trigger" not in triggers


def test_a_bucket_elsewhere_than_declared_fails_with_the_fix() -> None:
    """The trigger's location is the bucket's real one; a stack that declares another fails."""
    with pytest.raises(ProgramFailed) as failure:
        evaluate("prod", bucket_location="EUROPE-WEST4")
    message = str(failure.value.error)  # Pulumi wraps the BucketLocationError, naming the trigger
    assert "marker-router-trigger" in message
    assert "bucketLocation is 'us'" in message
    assert "pulumi config set bucketLocation europe-west4" in message
    assert GET_BUCKET_INVOKE in evaluate_cached("prod").invokes


def test_every_catalog_trigger_kind_has_one_row_of_rules() -> None:
    """A trigger kind is parsed by the catalog and deployed by its TRIGGER_KIND_RULES row:
    a kind added on one side only fails here."""
    from components import catalog, triggers

    assert tuple(triggers.TRIGGER_KIND_RULES) == catalog.TRIGGER_KINDS
    assert set(catalog.TRIGGER_KEYS) == set(catalog.TRIGGER_KINDS)
    assert {s.trigger.kind for s in load_catalog().workflows.values()} == set(catalog.TRIGGER_KINDS)
