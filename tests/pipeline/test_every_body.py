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
