"""The bodies and the marker router, run on the local Cloud Workflows runtime with the env
the Pulumi program gives them, before any I/O: non-markers and disabled experimental
workflows are skipped, and the router starts exactly the matching workflows. (Trigger
payload shapes: tests/pipeline/test_lib.py; the bodies' work: tests/pipeline.)"""

from __future__ import annotations

import json
from typing import Any

import pytest

from components.catalog import WORKFLOWS_DIR, WorkflowSpec, load_catalog
from components.env import workflow_env
from components.routing import router_env
from components.sources import workflow_source
from components.stack_files import load_stack
from workflow_runtime import Runtime
from workflow_runtime.fakes import Deployment, Services

CATALOG = load_catalog()
CONFIG = load_stack("prod")  # dream2flow and dwm disabled
ROUTER = WORKFLOWS_DIR / "marker-router.yaml"


def _run(spec: WorkflowSpec, argument: Any, **env_overrides: str) -> Any:
    runtime = Runtime(env=workflow_env(spec, CONFIG) | env_overrides)
    outcome = runtime.run(runtime.load(workflow_source(spec.path), name=spec.name), argument)
    assert outcome.state == "SUCCEEDED", outcome.error
    assert outcome.logs[0].severity == "INFO" and outcome.logs[0].payload == argument  # start log
    return outcome.result


def _storage_event(name: str) -> dict[str, Any]:
    return {
        "specversion": "1.0",
        "id": "evt-1",
        "type": "google.cloud.storage.object.v1.finalized",
        "data": {"bucket": "data-bucket", "name": name},
    }


@pytest.mark.parametrize("spec", CATALOG.by_trigger("gcs"), ids=lambda s: s.name)
def test_gcs_bodies_skip_other_objects(spec: WorkflowSpec) -> None:
    near_miss = spec.trigger.markers[0].replace("*", "a/b")  # nested: not a marker
    result = _run(spec, _storage_event(near_miss))
    assert result["status"] == "SKIPPED"
    assert result["message"].startswith("Not a") and result["message"].endswith(f"marker file: {near_miss}")


@pytest.mark.parametrize(
    ("name", "label"),
    [("dream2flow-preparation-pipeline", "Dream2Flow"), ("dwm-preparation-pipeline", "DWM")],
)
def test_experimental_bodies_skip_while_disabled(name: str, label: str) -> None:
    spec = CATALOG.workflows[name]
    event = _storage_event("scenes/s9/assets/.regen3d_complete")
    flag = "ENABLE_DREAM2FLOW" if spec.experimental == "dream2flow" else "ENABLE_DWM"
    assert _run(spec, event) == {
        "status": "SKIPPED",
        "scene_id": "s9",
        "message": f"{label} disabled for scene s9 ({flag} and ENABLE_EXPERIMENTAL are not true)",
    }


def test_upsell_accepts_only_the_episodes_complete_payload() -> None:
    spec = CATALOG.workflows["upsell-features-pipeline"]
    standard = _run(spec, {"data": {"bucket": "b", "name": "scenes/s2/episodes/.episodes_complete"}})
    assert (standard["status"], standard["scene_id"]) == ("SKIPPED", "s2")  # standard tier: nothing to add
    assert "standard bundle tier" in standard["message"]
    skipped = _run(spec, {"data": {"bucket": "b", "name": "scenes/s2/episodes/other.json"}})
    assert skipped["message"] == "Not an episodes completion marker file: scenes/s2/episodes/other.json"


def test_scheduled_and_manual_bodies_take_args() -> None:
    generation = _run(CATALOG.workflows["scene-generation-pipeline"], {"scenes_per_run": 7, "dry_run": True})
    assert generation == {
        "status": "DRY_RUN",
        "message": f"Dry run: would generate 7 scenes in gs://{CONFIG.bucket}",
        "bucket": CONFIG.bucket,
    }
    # retention-cleanup and scene-batch need Cloud Storage: tests/pipeline/test_retention.py
    # and tests/pipeline/test_scene_batch.py run them against the emulator.


def test_scene_batch_without_manifest_fails_with_a_clear_error() -> None:
    spec = CATALOG.workflows["scene-batch"]
    runtime = Runtime(env=workflow_env(spec, CONFIG))
    outcome = runtime.run(runtime.load(workflow_source(spec.path), name=spec.name), {"bucket": "b"})
    assert outcome.state == "FAILED"
    assert "manifest_object is required" in json.dumps(outcome.error)


# --- the marker router --------------------------------------------------------------------


def _router_world() -> tuple[Runtime, Services, Any]:
    deployment = Deployment(source=workflow_source)
    for spec in CATALOG.workflows.values():
        deployment.add_workflow(spec.name, spec.path, env=workflow_env(spec, CONFIG))
    services = Services.for_deployment(deployment)
    runtime = Runtime(services=services, project_id="blueprint-pipeline-prod", location="us-central1")
    return runtime, services, runtime.load(workflow_source(ROUTER), name="marker-router")


def test_router_drops_non_markers_in_a_few_steps() -> None:
    runtime, services, router = _router_world()
    for name in ("scenes/s1/assets/mesh.glb", "scenes/s1/usd/.usd_complete.tmp", "README", ""):
        outcome = runtime.run(router, _storage_event(name), env=router_env(CATALOG, CONFIG))
        assert outcome.state == "SUCCEEDED" and outcome.result is None
        assert outcome.steps.internal == 2, outcome.steps  # init, quick_reject
    assert services.executions.records == []


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("scenes/s1/usd/.usd_complete", ["arena-export-pipeline", "episode-generation-pipeline"]),
        ("scenes/s1/layout/scene_layout.json", ["objects-pipeline", "scale-pipeline"]),
        ("scenes/s1/assets/.regen3d_complete", ["usd-assembly-pipeline"]),  # experimental disabled in prod
        ("scenes/s1/geniesim/.geniesim_complete", ["arena-export-pipeline"]),
        ("scenes/s1/a/usd/.usd_complete", []),  # nested: a near miss whose file name is a marker's
        ("other/s1/usd/.usd_complete", []),
    ],
)
def test_router_starts_exactly_the_matching_workflows(name: str, expected: list[str]) -> None:
    runtime, services, router = _router_world()
    outcome = runtime.run(router, _storage_event(name), env=router_env(CATALOG, CONFIG))
    assert outcome.state == "SUCCEEDED", outcome.error
    assert sorted(entry["workflow"] for entry in outcome.result["started"]) == expected
    records = services.executions.records
    assert sorted(record.workflow for record in records) == expected
    for record in records:
        assert record.name.startswith(
            f"projects/blueprint-pipeline-prod/locations/us-central1/workflows/{record.workflow}/"
        )
        assert record.argument == {
            "bucket": "data-bucket",
            "object": name,
            "scene_id": "s1",
            "marker": record.argument["marker"],
            "event_id": "evt-1",
            "data": {"bucket": "data-bucket", "name": name},
        }
        assert name == record.argument["marker"].replace("*", "s1")
    # What the started workflows then do with the payload: tests/pipeline/test_marker_chain.py.


@pytest.mark.parametrize(("code", "retried"), [(503, True), (429, True), (502, False), (504, False)])
def test_router_retries_a_start_only_when_the_request_was_not_processed(code: int, retried: bool) -> None:
    # A 502/504 may have started the execution: retrying could start the target twice, so
    # the router uses the non-idempotent policy (retries 429, 503 and connection failures).
    runtime, services, router = _router_world()
    services.executions.refuse_next(code)
    outcome = runtime.run(
        router, _storage_event("scenes/s1/geniesim/.geniesim_complete"), env=router_env(CATALOG, CONFIG)
    )
    started = [record.workflow for record in services.executions.records]
    assert started == (["arena-export-pipeline"] if retried else [])
    assert outcome.state == ("SUCCEEDED" if retried else "FAILED")


def test_router_fails_after_trying_every_target_when_one_cannot_start() -> None:
    runtime, services, router = _router_world()
    del services.executions.deployment.workflows["episode-generation-pipeline"]  # start answers 404
    outcome = runtime.run(
        router, _storage_event("scenes/s1/usd/.usd_complete"), env=router_env(CATALOG, CONFIG)
    )
    assert outcome.state == "FAILED"
    assert [record.workflow for record in services.executions.records] == ["arena-export-pipeline"]
    assert outcome.error["failed"][0]["workflow"] == "episode-generation-pipeline"
