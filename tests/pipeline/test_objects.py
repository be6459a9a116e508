"""objects-pipeline on the runtime: region routing, the job's env, the completion marker
only on success, the idempotency skip, the rollback of objects/ only, and failover."""

from __future__ import annotations

from tools.pipeline_world import Pipeline, env_of, messages

TRIGGER = "scenes/s1/layout/scene_layout.json"
COMPLETE = "scenes/s1/objects/.objects_complete"


def test_happy_path_runs_objects_job_in_the_primary_region(pipeline: Pipeline) -> None:
    event = pipeline.marker(TRIGGER, {"objects": [{"id": "chair"}]})
    result = pipeline.run("objects-pipeline", event)
    assert result.state == "SUCCEEDED", result.error
    assert result.result == f"objects-job started for {TRIGGER}"
    (run,) = pipeline.cloud_run.runs
    assert (run.job, run.region, run.timeout) == ("objects-job", "us-central1", "3600s")
    assert env_of(run) == {
        "BUCKET": pipeline.bucket,
        "SCENE_ID": "s1",
        "DA3_PREFIX": "scenes/s1/da3",
        "SEG_DATASET_PREFIX": "scenes/s1/seg/dataset",
        "LAYOUT_PREFIX": "scenes/s1/layout",
    }
    assert pipeline.objects() == [TRIGGER, COMPLETE]
    assert set(pipeline.env.get_json(COMPLETE)) == {"scene_id", "status", "timestamp"}


def test_a_populated_layout_alone_does_not_skip_but_the_completion_marker_does(pipeline: Pipeline) -> None:
    # The original skipped whenever the layout listed objects: every real layout.
    event = pipeline.marker(TRIGGER, {"objects": [{"id": "chair"}]})
    assert pipeline.run("objects-pipeline", event).result.startswith("objects-job started")
    again = pipeline.run("objects-pipeline", event)
    assert again.result == f"objects-job already completed for {TRIGGER}"
    assert len(pipeline.cloud_run.runs) == 1


def test_primary_down_runs_in_the_secondary_region(pipeline: Pipeline) -> None:
    event = pipeline.marker(TRIGGER)
    pipeline.cloud_run.set_region_down("us-central1", code=503)
    result = pipeline.run("objects-pipeline", event)
    assert result.state == "SUCCEEDED", result.error
    assert [run.region for run in pipeline.cloud_run.runs] == ["us-east1"]
    assert messages(result, "WARNING")[0].startswith("Primary region us-central1 job objects-job unavailable")


def test_both_regions_down_fails_clearly_and_writes_nothing(pipeline: Pipeline) -> None:
    event = pipeline.marker(TRIGGER)
    pipeline.cloud_run.set_region_down("us-central1")
    pipeline.cloud_run.set_region_down("us-east1")
    result = pipeline.run("objects-pipeline", event)
    assert result.state == "FAILED" and result.error["code"] == "no_healthy_region"
    assert pipeline.cloud_run.runs == [] and pipeline.objects() == [TRIGGER]


def test_start_failure_rolls_back_objects_only(pipeline: Pipeline) -> None:
    event = pipeline.marker(TRIGGER)
    stale = ["scenes/s1/objects/partial_1.json", "scenes/s1/objects/sub/partial_2.json"]
    kept = ["scenes/s1/layout/other.json", "scenes/s1/objects_extra/x.json", "scenes/s2/objects/y.json"]
    for name in stale + kept:
        pipeline.env.put_json(name, {})
    pipeline.cloud_run.raise_on_start("objects-job", code=400, message="bad request")
    result = pipeline.run("objects-pipeline", event)
    assert result.state == "FAILED" and result.error["code"] == 400
    assert pipeline.objects() == sorted(
        [TRIGGER, *kept, "scenes/s1/objects/.failed", "scenes/s1/objects/.objects_failed"]
    )
    assert pipeline.env.get_json("scenes/s1/objects/.failed")["error"]["code"] == "objects_job_start_failed"
    assert pipeline.env.get_json("scenes/s1/objects/.objects_failed")["error"].endswith("bad request")


def test_run_failure_marks_failed_and_never_complete(pipeline: Pipeline) -> None:
    event = pipeline.marker(TRIGGER)
    pipeline.cloud_run.fail("objects-job", message="segmentation crashed")
    result = pipeline.run("objects-pipeline", event)
    assert result.state == "SUCCEEDED"
    assert result.result == f"objects-job failed for {TRIGGER}"
    assert not pipeline.env.exists(COMPLETE)  # the original wrote it on failure
    failed = pipeline.env.get_json("scenes/s1/objects/.failed")
    assert failed["error"]["code"] == "objects_job_failed"
    assert failed["context"]["execution_id"] == pipeline.cloud_run.runs[0].name
    assert pipeline.env.get_json("scenes/s1/objects/.objects_failed")["error"].endswith(
        "segmentation crashed"
    )
