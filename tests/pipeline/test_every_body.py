"""What holds for every pipeline body on the runtime: an object that is not its marker is
skipped with nothing read, written or run; malformed payloads (missing fields, wrong
types) fail with a clear error and nothing written; tools.workflow_costs measures them."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tools.pipeline_world import CATALOG, Pipeline
from tools.workflow_costs import SCENARIOS, measure

OURS = [spec for spec in CATALOG.by_trigger("gcs") if spec.name in SCENARIOS]


@pytest.mark.parametrize("spec", OURS, ids=lambda s: s.name)
def test_an_object_that_is_not_a_marker_is_skipped_without_any_io(pipeline: Pipeline, spec) -> None:
    near_miss = spec.trigger.markers[0].replace("*", "s1") + ".tmp"
    event = pipeline.marker(near_miss)
    result = pipeline.run(spec.name, event, ENABLE_EXPERIMENTAL="true")
    assert result.result["status"] == "SKIPPED"
    assert result.result["message"].endswith(f"marker file: {near_miss}")
    assert pipeline.objects() == [near_miss] and pipeline.cloud_run.runs == []


MALFORMED = [
    ({}, "Trigger payload needs a data map"),
    ({"data": "scenes/s1/x"}, "got data of type string"),
    ({"data": {"bucket": "b"}}, "data.name must be the object name (a string), got null"),
    ({"data": {"bucket": "b", "name": 42}}, "got integer"),
    ({"data": {"bucket": ["b"], "name": "scenes/s1/usd/.usd_complete"}}, "data.bucket must be a bucket name"),
    ("scenes/s1/usd/.usd_complete", "must be a map with data.name"),
]


@pytest.mark.parametrize("spec", OURS, ids=lambda s: s.name)
def test_malformed_trigger_payloads_fail_clearly_with_nothing_written(pipeline: Pipeline, spec) -> None:
    for payload, message in MALFORMED:
        result = pipeline.run(spec.name, payload, ENABLE_EXPERIMENTAL="true")
        assert result.state == "FAILED", (payload, result.result)
        assert result.error["code"] == "invalid_trigger" and message in result.error["message"], payload
    assert pipeline.objects() == [] and pipeline.cloud_run.runs == []


def test_the_cost_tool_measures_every_body_it_lists(fresh_pipeline: Callable[[], Pipeline]) -> None:
    happy, ignored = measure(fresh_pipeline, "objects-pipeline", SCENARIOS["objects-pipeline"])
    assert happy.outcome.startswith("objects-job started") and ignored.outcome == "SKIPPED"
    assert ignored.internal < happy.internal
    assert set(SCENARIOS) == {
        "arena-export-pipeline",
        "dream2flow-preparation-pipeline",
        "dwm-preparation-pipeline",
        "episode-generation-pipeline",
        "interactive-pipeline",
        "objects-pipeline",
        "regen3d-pipeline",
        "scale-pipeline",
        "usd-assembly-pipeline",
        "variation-assets-pipeline",
        "training-pipeline",
        "upsell-features-pipeline",
        "scene-generation-pipeline",
    }


# primary/secondary workflows -> the job they health-check
ROUTED = {
    "objects-pipeline": "objects-job",
    "dream2flow-preparation-pipeline": "dream2flow-preparation-job",
    "dwm-preparation-pipeline": "dwm-preparation-job",
    "scene-generation-pipeline": "scene-generation-job",
}


def _argument(pipeline: Pipeline, name: str) -> object:
    scenario = SCENARIOS[name]
    return {**pipeline.marker(scenario.marker), **scenario.payload} if scenario.marker else scenario.payload


@pytest.mark.parametrize("name", sorted(ROUTED))
def test_primary_down_runs_every_job_in_the_secondary_region(pipeline: Pipeline, name: str) -> None:
    assert CATALOG.workflows[name].region_routing == "primary-secondary"
    pipeline.cloud_run.set_region_down("us-central1", code=503)
    result = pipeline.run(name, _argument(pipeline, name), **SCENARIOS[name].env)
    assert result.state == "SUCCEEDED", result.error
    assert pipeline.cloud_run.runs and {run.region for run in pipeline.cloud_run.runs} == {"us-east1"}
    warnings = [e.payload for e in result.logs if e.severity == "WARNING"]
    assert warnings[0].startswith(f"Primary region us-central1 job {ROUTED[name]} unavailable: ")


@pytest.mark.parametrize("name", sorted(ROUTED))
def test_both_regions_down_fail_before_anything_is_written(pipeline: Pipeline, name: str) -> None:
    pipeline.cloud_run.set_region_down("us-central1", code=503)
    pipeline.cloud_run.set_region_down("us-east1", code=404)
    argument = _argument(pipeline, name)
    before = pipeline.objects()
    result = pipeline.run(name, argument, **SCENARIOS[name].env)
    assert result.state == "FAILED" and result.error["code"] == "no_healthy_region"
    assert pipeline.cloud_run.runs == [] and pipeline.objects() == before
