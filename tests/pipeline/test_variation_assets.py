"""variation-assets-pipeline on the runtime: resume detection, both jobs, the progress
record, SUCCESS_NO_ASSETS, the completion marker only on success, and rollbacks that keep
the variation outputs a rerun resumes from."""

from __future__ import annotations

from tools.pipeline_world import Pipeline, env_of

TRIGGER = "scenes/s1/replicator/.replicator_complete"
PREFIX = "scenes/s1/variation_assets"
COMPLETE = f"{PREFIX}/.variation_pipeline_complete"
REPORT = {"generated": 12, "failed": 0}


def _generation_writes(pipeline: Pipeline, with_assets: bool = True) -> None:
    outputs = {f"{PREFIX}/generation_report.json": REPORT}
    if with_assets:
        outputs[f"{PREFIX}/variation_assets.json"] = {"assets": ["a"]}
    pipeline.job_writes("variation-gen-job", outputs)


def test_happy_path_runs_both_jobs_and_writes_progress_then_the_marker(pipeline: Pipeline) -> None:
    event = pipeline.marker(TRIGGER)
    _generation_writes(pipeline)
    result = pipeline.run("variation-assets-pipeline", event)
    assert result.state == "SUCCEEDED", result.error
    generation, simready = pipeline.cloud_run.runs
    assert (generation.job, generation.timeout, generation.region) == (
        "variation-gen-job",
        "1800s",
        "us-central1",
    )
    assert env_of(generation) == {
        "BUCKET": pipeline.bucket,
        "SCENE_ID": "s1",
        "REPLICATOR_PREFIX": "scenes/s1/replicator",
        "VARIATION_ASSETS_PREFIX": PREFIX,
        "PROGRESS_MARKER_PATH": f"{PREFIX}/.progress.json",
        "RESUME_FROM_PROGRESS": "false",
        "PRIORITY_FILTER": "",
    }
    assert (simready.job, simready.timeout) == ("simready-job", "3600s")
    assert env_of(simready) == {
        "BUCKET": pipeline.bucket,
        "SCENE_ID": "s1_variation",
        "ASSETS_PREFIX": PREFIX,
    }
    progress = pipeline.env.get_json(f"{PREFIX}/.progress.json")
    assert progress == {
        "scene_id": "s1",
        "variation_assets_prefix": PREFIX,
        "updated_at": progress["updated_at"],
        "report_missing": False,
        "variation_gen": REPORT,
    }
    assert pipeline.env.get_bytes(COMPLETE).decode().startswith("Completed at 20")
    assert result.result["status"] == "SUCCESS" and result.result["resumed"] is False
    assert pipeline.objects() == sorted(
        [
            TRIGGER,
            COMPLETE,
            f"{PREFIX}/.progress.json",
            f"{PREFIX}/generation_report.json",
            f"{PREFIX}/variation_assets.json",
        ]
    )


def test_existing_variation_outputs_resume(pipeline: Pipeline) -> None:
    event = pipeline.marker(TRIGGER)
    pipeline.env.put_json(f"{PREFIX}/.progress.json", {"done": 3})
    _generation_writes(pipeline)
    result = pipeline.run("variation-assets-pipeline", event)
    assert env_of(pipeline.cloud_run.runs[0])["RESUME_FROM_PROGRESS"] == "true"
    assert result.result["resumed"] is True


def test_no_variation_assets_returns_success_no_assets_without_the_marker(pipeline: Pipeline) -> None:
    event = pipeline.marker(TRIGGER)
    result = pipeline.run("variation-assets-pipeline", event)  # the job writes nothing
    assert result.result["status"] == "SUCCESS_NO_ASSETS"
    assert [run.job for run in pipeline.cloud_run.runs] == ["variation-gen-job"]
    assert pipeline.env.get_json(f"{PREFIX}/.progress.json")["report_missing"] is True
    assert not pipeline.env.exists(COMPLETE)


def test_generation_start_failure_keeps_the_resume_progress(pipeline: Pipeline) -> None:
    event = pipeline.marker(TRIGGER)
    pipeline.env.put_json(f"{PREFIX}/.progress.json", {"done": 3})
    pipeline.cloud_run.raise_on_start("variation-gen-job", code=400)
    result = pipeline.run("variation-assets-pipeline", event)
    assert result.state == "FAILED"
    assert pipeline.objects() == sorted([TRIGGER, f"{PREFIX}/.progress.json", f"{PREFIX}/.failed"])
    assert pipeline.env.get_json(f"{PREFIX}/.failed")["error"]["code"] == "variation_gen_start_failed"


def test_generation_run_failure_never_writes_the_completion_marker(pipeline: Pipeline) -> None:
    event = pipeline.marker(TRIGGER)
    pipeline.cloud_run.fail("variation-gen-job")
    result = pipeline.run("variation-assets-pipeline", event)
    assert result.result["status"] == "FAILED"
    assert not pipeline.env.exists(COMPLETE)
    assert pipeline.env.get_json(f"{PREFIX}/.failed")["error"]["code"] == "variation_gen_failed"


def test_simready_start_failure_rolls_back_only_simready_outputs(pipeline: Pipeline) -> None:
    event = pipeline.marker(TRIGGER)
    _generation_writes(pipeline)
    pipeline.env.put_json(f"{PREFIX}/simready/stale.usd", {})
    pipeline.cloud_run.raise_on_start("simready-job", code=403)
    result = pipeline.run("variation-assets-pipeline", event)
    assert result.state == "FAILED"
    assert pipeline.objects() == sorted(
        [
            TRIGGER,
            f"{PREFIX}/.progress.json",
            f"{PREFIX}/generation_report.json",
            f"{PREFIX}/variation_assets.json",
            f"{PREFIX}/simready/.failed",
        ]
    )


def test_simready_run_failure_returns_without_the_completion_marker(pipeline: Pipeline) -> None:
    event = pipeline.marker(TRIGGER)
    _generation_writes(pipeline)
    pipeline.cloud_run.fail("simready-job")
    result = pipeline.run("variation-assets-pipeline", event)
    assert result.state == "SUCCEEDED" and result.result["status"] == "SIMREADY_FAILED"
    assert not pipeline.env.exists(COMPLETE)
    assert pipeline.env.get_json(f"{PREFIX}/simready/.failed")["error"]["code"] == "variation_simready_failed"
