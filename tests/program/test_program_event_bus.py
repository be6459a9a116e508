"""The Eventarc Advanced bus: its region (validated before any resource), Message Bus User
for the stack's outside publishers, and destinations for events no catalog workflow takes."""

from __future__ import annotations

import dataclasses

import pytest

from components.catalog import load_catalog
from components.config import ConfigError
from components.event_routes import EventRouteError, unconsumed_events, validate_event_routes
from components.stack_files import load_stack
from tests.program.resource_types import ENROLLMENT, MESSAGE_BUS, PIPELINE, PROJECT_MEMBER
from tools.mock_engine import ProgramFailed, evaluate

PUBLISHERS = [
    "serviceAccount:geniesim-gpu@blueprint-pipeline-prod.iam.gserviceaccount.com",
    "user:operator@example.com",
]


def test_publishers_get_message_bus_user_and_pipelines_wait_for_it() -> None:
    """One additive Message Bus User member per configured principal; enrollments depend on them."""
    run = evaluate("prod", overrides={"eventBus": {"publishers": PUBLISHERS}})
    grants = [r for r in run.of_type(PROJECT_MEMBER) if r.name.startswith("event-bus-publisher-")]
    assert sorted((r.inputs["role"], r.inputs["member"]) for r in grants) == [
        ("roles/eventarc.messageBusUser", principal) for principal in PUBLISHERS
    ]
    assert {r.inputs["project"] for r in grants} == {"blueprint-pipeline-prod"}
    for enrollment in run.of_type(ENROLLMENT):
        assert {r.urn for r in grants} <= set(enrollment.dependencies)


def test_the_bus_can_live_in_its_own_region() -> None:
    """eventBus.region moves the bus, enrollments and pipelines (and EVENT_BUS), nothing else."""
    run = evaluate("prod", overrides={"eventBus": {"region": "us-east4"}})
    located = [*run.of_type(MESSAGE_BUS), *run.of_type(ENROLLMENT), *run.of_type(PIPELINE)]
    assert {r.inputs["location"] for r in located} == {"us-east4"}
    env = run.named("genie-sim-import-pipeline").inputs["userEnvVars"]
    bus = "projects/blueprint-pipeline-prod/locations/us-east4/messageBuses/pipeline-events"
    assert env["EVENT_BUS"] == bus
    assert run.named("objects-pipeline").inputs["region"] == "us-central1"


def test_a_region_without_eventarc_advanced_fails_before_any_resource() -> None:
    """gcp:region us-east1 has no Eventarc Advanced: the error names it and the way out."""
    with pytest.raises(ProgramFailed) as caught:
        evaluate("prod", overrides={"gcp:region": "us-east1"})
    error = caught.value.error
    assert isinstance(error, ConfigError)
    assert error.problems == [
        'gcp:region: got "us-east1" (a string); expected a region where Eventarc Advanced is available '
        "(cloud.google.com/eventarc/docs/locations): asia-south1, asia-southeast1, australia-southeast1, "
        "europe-north1, europe-west1, europe-west3, us-central1, us-east4 (or set eventBus.region to one: "
        "the bus may live elsewhere)"
    ]
    assert caught.value.resources == []
    # The way out works: the workflows stay in us-east1, the bus moves.
    moved = evaluate("prod", overrides={"gcp:region": "us-east1", "eventBus": {"region": "us-central1"}})
    assert moved.named("objects-pipeline").inputs["region"] == "us-east1"
    assert moved.named("event-bus").inputs["location"] == "us-central1"


def test_every_published_event_has_a_consumer_in_the_catalog() -> None:
    """Today each published event type starts a catalog workflow (dataset delivery left the
    catalog until its consumer exists), so no destination is needed."""
    catalog = load_catalog()
    assert unconsumed_events(catalog) == []
    validate_event_routes(catalog, load_stack("prod"))


def _with_extra_event(event: str):
    catalog = load_catalog()
    spec = catalog.workflows["genie-sim-import-pipeline"]
    extra = dataclasses.replace(spec, publishes_events=(*spec.publishes_events, event))
    return dataclasses.replace(catalog, workflows={**catalog.workflows, spec.name: extra})


def test_a_published_event_without_consumer_or_destination_is_refused() -> None:
    """Publishing into nothing is an error naming the config command (or the catalog fix)."""
    catalog = _with_extra_event("blueprintpipeline.dataset.delivery.requested")
    with pytest.raises(EventRouteError) as caught:
        validate_event_routes(catalog, load_stack("prod"))
    assert (
        "eventBus.destinations.blueprintpipeline.dataset.delivery.requested: got nothing; expected the "
        "workflow that consumes blueprintpipeline.dataset.delivery.requested"
    ) in str(caught.value)
    configured = dataclasses.replace(
        load_stack("prod"),
        events=dataclasses.replace(
            load_stack("prod").events,
            destinations={
                "blueprintpipeline.dataset.delivery.requested": (
                    "projects/delivery-prod/locations/us-central1/workflows/dataset-delivery"
                )
            },
        ),
    )
    validate_event_routes(catalog, configured)


def test_a_destination_for_an_event_nobody_publishes_is_refused() -> None:
    """A stray destination (typo, stale entry) fails the program before any resource."""
    destination = "projects/delivery-prod/locations/us-central1/workflows/dataset-delivery"
    with pytest.raises(ProgramFailed) as caught:
        evaluate("prod", overrides={"eventBus": {"destinations": {"blueprintpipeline.typo": destination}}})
    assert isinstance(caught.value.error, EventRouteError)
    message = str(caught.value.error)
    assert "eventBus.destinations.blueprintpipeline.typo: no catalog workflow publishes" in message
    assert caught.value.resources == []


def test_a_configured_destination_gets_its_enrollment_and_pipeline(tmp_path) -> None:
    """create_external_routes, run under the mock engine with a destination configured:
    an enrollment on the bus matching the type, a JSON pipeline to that workflow, with the
    pipelines' OAuth identity, under the platform component."""
    destination = "projects/delivery-prod/locations/us-central1/workflows/dataset-delivery"
    program = tmp_path / "__main__.py"
    program.write_text(
        "import dataclasses\n"
        "from components.config import read_stack_config\n"
        "from components.event_routes import create_external_routes\n"
        "from components.project import ProjectPlatform\n"
        "config = read_stack_config()\n"
        "platform = ProjectPlatform('platform', config, ['eventarc.googleapis.com'])\n"
        "create_external_routes(config, platform)\n"
    )
    event = "blueprintpipeline.dataset.delivery.requested"
    run = evaluate("prod", overrides={"eventBus": {"destinations": {event: destination}}}, program=program)
    (enrollment,) = run.of_type(ENROLLMENT)
    (pipeline,) = run.of_type(PIPELINE)
    assert enrollment.inputs["celMatch"] == f"message.type == '{event}'"
    assert enrollment.inputs["destination"] == pipeline.outputs["name"]
    assert enrollment.inputs["enrollmentId"] == "blueprintpipeline-dataset-delivery-requested"
    (target,) = pipeline.inputs["destinations"]
    assert target["workflow"] == destination
    assert (
        target["authenticationConfig"]["oauthToken"]["serviceAccount"]
        == (run.named("pipeline-invoker").outputs["email"])
    )
    assert pipeline.inputs["pipelineId"] == "to-dataset-delivery"
    assert pipeline.inputs["inputPayloadFormat"] == {"json": {}}
    assert run.component_of(pipeline).name == "platform"
