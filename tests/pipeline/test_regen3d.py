"""regen3d-pipeline on the runtime: the adapter job, the marker the job writes, the
idempotency skip and both failure paths (nothing of assets/ is ever deleted)."""

from __future__ import annotations

from urllib.parse import quote

from tools.pipeline_world import Pipeline, env_of

TRIGGER = "scenes/s1/assets/.assets_ready"
COMPLETE = "scenes/s1/assets/.regen3d_complete"
INPUTS = ["scenes/s1/assets/scene_assets.json", "scenes/s1/assets/obj_1/mesh.glb"]


def _seed(pipeline: Pipeline) -> dict:
    for name in INPUTS:
        pipeline.env.put_json(name, {})
    return pipeline.marker(TRIGGER)


def test_happy_path_runs_the_adapter_and_waits_for_its_marker(pipeline: Pipeline) -> None:
    event = _seed(pipeline)
    pipeline.job_writes("regen3d-adapter-job", {COMPLETE: {"scene_id": "s1", "status": "completed"}})
    result = pipeline.run("regen3d-pipeline", event)
    assert result.state == "SUCCEEDED", result.error
    (run,) = pipeline.cloud_run.runs
    assert (run.job, run.region, run.timeout) == ("regen3d-adapter-job", "us-central1", "3600s")
    assert env_of(run) == {
        "BUCKET": pipeline.bucket,
        "SCENE_ID": "s1",
        "ASSETS_PREFIX": "scenes/s1/assets",
        "SEG_PREFIX": "scenes/s1/seg",
        "LAYOUT_PREFIX": "scenes/s1/layout",
        "USE_MOCK_DATA": "false",
    }
    assert result.result == {
        "status": "SUCCESS",
        "scene_id": "s1",
        "execution": run.name,
        "completion_marker": f"gs://{pipeline.bucket}/{COMPLETE}",
    }
    assert pipeline.objects() == sorted([TRIGGER, COMPLETE, *INPUTS])


def test_an_existing_completion_marker_skips_the_job(pipeline: Pipeline) -> None:
    event = _seed(pipeline)
    pipeline.env.put_json(COMPLETE, {})
    result = pipeline.run("regen3d-pipeline", event)
    assert result.result["status"] == "SKIPPED"
    assert result.result["message"] == "3D reconstruction already complete for scene s1"
    assert pipeline.cloud_run.runs == []


def test_a_missing_job_marker_fails_after_the_bounded_waits(pipeline: Pipeline) -> None:
    event = _seed(pipeline)
    result = pipeline.run("regen3d-pipeline", event)
    assert result.state == "FAILED"
    assert result.error["message"] == (
        "3D reconstruction job succeeded but .regen3d_complete marker not found for scene s1"
    )
    # 2 + 4 + 8 + 16 + 30 + 30 s of waits after the job's 60 s.
    assert result.virtual_seconds >= 60 + 90


def test_start_failure_marks_and_raises_and_deletes_nothing(pipeline: Pipeline) -> None:
    event = _seed(pipeline)
    pipeline.cloud_run.raise_on_start("regen3d-adapter-job", code=403, message="Permission denied")
    result = pipeline.run("regen3d-pipeline", event)
    assert result.state == "FAILED" and result.error["code"] == 403
    failed = pipeline.env.get_json("scenes/s1/assets/.failed")
    assert failed["error"]["code"] == "regen3d_job_start_failed"
    assert failed["job_name"] == "regen3d-adapter-job"
    # The trigger and the inputs survive (the original deleted all of assets/).
    assert pipeline.objects() == sorted([TRIGGER, "scenes/s1/assets/.failed", *INPUTS])


def test_run_failure_writes_both_markers_and_raises(pipeline: Pipeline) -> None:
    event = _seed(pipeline)
    pipeline.cloud_run.fail("regen3d-adapter-job", duration=300, message="CUDA out of memory")
    result = pipeline.run("regen3d-pipeline", event)
    assert result.state == "FAILED"
    assert result.error["code"] == "regen3d_job_failed"
    assert "CUDA out of memory" in result.error["message"]
    execution = pipeline.cloud_run.runs[0].name
    failed = pipeline.env.get_json("scenes/s1/assets/.failed")
    assert (failed["error"]["code"], failed["context"]["execution_id"]) == ("regen3d_job_failed", execution)
    legacy = pipeline.env.get_json("scenes/s1/assets/.regen3d_failed")
    assert legacy == {
        "scene_id": "s1",
        "status": "failed",
        "timestamp": failed["timestamp"],
        "execution": execution,
    }
    assert not pipeline.env.exists(COMPLETE)


def test_an_error_while_verifying_the_marker_fails_clearly_and_releases_the_claim(pipeline: Pipeline) -> None:
    # The original referenced an undefined variable on this path (errorMsg).
    event = _seed(pipeline)
    pipeline.refuse_reads(COMPLETE, code=403, after=1)  # the idempotency check still reads it
    result = pipeline.run("regen3d-pipeline", event)
    assert result.state == "FAILED" and result.error["code"] == 403
    assert "HttpError" in result.error["tags"]
    assert not pipeline.env.exists("scenes/s1/locks/regen3d.lock")


def test_a_marker_written_late_by_the_job_is_found_by_the_bounded_rechecks(pipeline: Pipeline) -> None:
    event = _seed(pipeline)
    storage = pipeline.env.storage
    original = storage.request_json
    path = f"/storage/v1/b/{pipeline.bucket}/o/{quote(COMPLETE, safe='')}"
    checks = [0]

    def request_json(method: str, request_path: str, **kwargs: object) -> object:
        if method == "GET" and request_path == path:
            checks[0] += 1
            if checks[0] == 4:  # idempotency check, verify, two re-checks: then it is there
                pipeline.env.put_json(COMPLETE, {"status": "completed"})
        return original(method, request_path, **kwargs)

    storage.request_json = request_json  # type: ignore[method-assign]
    result = pipeline.run("regen3d-pipeline", event)
    assert result.result["status"] == "SUCCESS", result.error
    assert checks[0] == 4
    assert result.virtual_seconds >= 60 + 2 + 4
