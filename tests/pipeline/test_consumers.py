"""training, upsell-features and scene-generation on the runtime: payload validation, the
quality-gate preflight (report, certificate fallback, failure marker), adaptive timeouts,
the 6 h training wait, and failures that never delete the imported episodes."""

from __future__ import annotations

import pytest

from tools.pipeline_world import Pipeline, env_of

REPORT = "scenes/s1/episode-generation-job/quality_gate_report.json"
PASSING = {"summary": {"can_proceed": True, "blocking_failures": 0}}
EPISODES = "scenes/s1/episodes/geniesim_job-1"
PAYLOAD = {"job_id": "job-1", "scene_id": "s1", "output_path": EPISODES, "episode_count": 40}


def _episodes(pipeline: Pipeline) -> None:
    pipeline.env.put_json(f"{EPISODES}/episode_000.json", {})
    pipeline.env.put_json(REPORT, PASSING)


def test_training_from_the_custom_event_runs_six_hours_with_its_env(pipeline: Pipeline) -> None:
    _episodes(pipeline)
    pipeline.cloud_run.succeed("training-job", duration=5 * 3600)
    published = pipeline.env.publish("blueprintpipeline.episodes.imported", PAYLOAD)
    (record,) = pipeline.env.executions.of("training-pipeline")
    assert published.type == "blueprintpipeline.episodes.imported"
    (run,) = pipeline.cloud_run.runs
    assert (run.job, run.timeout, run.overrides["containerOverrides"][0]["name"]) == (
        "training-job",
        "21600s",
        "training",
    )
    assert run.project == "test-project"  # GOOGLE_CLOUD_PROJECT_ID, not GOOGLE_CLOUD_PROJECT
    assert env_of(run) == {
        "BUCKET": pipeline.bucket,
        "SCENE_ID": "s1",
        "OUTPUT_PATH": EPISODES,
        "EPISODE_COUNT": "40",
        "TRAINING_MODE": "lerobot",
        "MODEL_ARCHITECTURE": "act",
        "TRAINING_EPOCHS": "100",
        "BATCH_SIZE": "32",
        "LEARNING_RATE": "0.0001",
        "CHECKPOINT_INTERVAL": "10",
    }
    assert record.result == {
        "status": "success",
        "job_id": "job-1",
        "scene_id": "s1",
        "episode_count": 40,
        "model_path": None,
        "training_execution_id": run.name,
    }


def test_training_direct_payload_and_too_few_episodes(pipeline: Pipeline) -> None:
    _episodes(pipeline)
    result = pipeline.run("training-pipeline", {**PAYLOAD, "episode_count": 0})
    assert result.result == {"status": "skipped", "reason": "Insufficient episodes for training"}
    assert pipeline.cloud_run.runs == []
    nested = pipeline.run(
        "training-pipeline",
        {"data": {"job_id": "job-2"}, **{k: v for k, v in PAYLOAD.items() if k != "job_id"}},
    )
    assert nested.result["job_id"] == "job-2"


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"job_id": "j", "scene_id": "s1"}, "needs output_path"),
        ({**PAYLOAD, "output_path": 5}, "needs output_path"),
        ({**PAYLOAD, "episode_count": "many"}, "episode_count must be a number, got string"),
        ({**PAYLOAD, "job_id": ["j"]}, "job_id must be a string"),
        ({**PAYLOAD, "scene_id": "../other"}, "Invalid scene id"),
        ("not a map", "must be a map"),
    ],
)
def test_training_refuses_malformed_payloads_before_writing(
    pipeline: Pipeline, payload: object, message: str
) -> None:
    result = pipeline.run("training-pipeline", payload)
    assert result.state == "FAILED" and message in result.error["message"]
    assert pipeline.objects() == [] and pipeline.cloud_run.runs == []


def test_a_passing_report_passes_the_gate(pipeline: Pipeline) -> None:
    # The original fell through from a successfully read report into "failed to read".
    _episodes(pipeline)
    assert pipeline.run("training-pipeline", PAYLOAD).result["status"] == "success"


def test_the_certificate_is_the_fallback_when_no_report_exists(pipeline: Pipeline) -> None:
    for index in range(250):  # past the first page of the listing
        pipeline.env.put_json(f"{EPISODES}/episode_{index:03d}.json", {})
    pipeline.env.put_json(
        f"{EPISODES}/zz_quality_certificate.json", {"validation_passed": True, "recommended_use": "training"}
    )
    assert pipeline.run("training-pipeline", PAYLOAD).result["status"] == "success"
    pipeline.env.put_json(
        f"{EPISODES}/zz_quality_certificate.json", {"validation_passed": True, "recommended_use": "testing"}
    )
    failed = pipeline.run("training-pipeline", PAYLOAD)
    assert failed.state == "FAILED" and failed.error["code"] == "quality_gate_failed"


def test_a_failing_gate_writes_the_training_failure_marker(pipeline: Pipeline) -> None:
    pipeline.env.put_json(REPORT, {"summary": {"can_proceed": False, "blocking_failures": 2}})
    result = pipeline.run("training-pipeline", PAYLOAD)
    assert result.state == "FAILED"
    assert result.error["message"] == f"Quality gate failed; report: gs://{pipeline.bucket}/{REPORT}"
    marker = pipeline.env.get_json("scenes/s1/training/.failed")
    assert marker["error"] == {
        "code": "quality_gate_failed",
        "message": result.error["message"],
        "report_path": f"gs://{pipeline.bucket}/{REPORT}",
    }
    assert pipeline.cloud_run.runs == []


@pytest.mark.parametrize("start", [True, False], ids=["start-failure", "run-failure"])
def test_training_failures_keep_the_imported_episodes(pipeline: Pipeline, start: bool) -> None:
    _episodes(pipeline)
    if start:
        pipeline.cloud_run.raise_on_start("training-job", code=403)
    else:
        pipeline.cloud_run.fail("training-job")
    result = pipeline.run(
        "training-pipeline", {**PAYLOAD, "output_path": f"gs://{pipeline.bucket}/{EPISODES}/"}
    )
    assert result.state == "FAILED"
    assert result.error["code"] == ("training_job_start_failed" if start else "training_job_failed")
    # The original deleted everything under output_path: the imported episodes.
    assert pipeline.objects() == sorted([REPORT, f"{EPISODES}/episode_000.json", f"{EPISODES}/.failed"])
    assert not pipeline.env.exists("scenes/s1/locks/training.lock")


# --- upsell ---------------------------------------------------------------------------------


def _upsell(pipeline: Pipeline, **extras: object) -> dict:
    return {"data": {"bucket": pipeline.bucket, "name": "scenes/s1/episodes/.episodes_complete"}, **extras}


@pytest.mark.parametrize(
    ("extras", "timeout"),
    [
        ({"bundle_tier": "pro"}, "1800s"),
        ({"bundle_tier": "enterprise"}, "2700s"),
        ({"bundle_tier": "foundation"}, "1800s"),
        ({"bundle_tier": "custom"}, "1800s"),
        ({"bundle_tier": "pro", "timeout_override_seconds": 600}, "600s"),
    ],
)
def test_upsell_timeout_comes_from_the_adaptive_policy(
    pipeline: Pipeline, extras: dict, timeout: str
) -> None:
    pipeline.env.put_json(REPORT, PASSING)
    result = pipeline.run("upsell-features-pipeline", _upsell(pipeline, **extras))
    assert result.result["status"] == "SUCCESS", result.error
    (run,) = pipeline.cloud_run.runs
    assert run.timeout == timeout
    assert env_of(run) == {
        "BUCKET": pipeline.bucket,
        "SCENE_ID": "s1",
        "BUNDLE_TIER": extras["bundle_tier"],
        "SCENE_PATH": "scenes/s1",
    }
    complete = pipeline.env.get_json("scenes/s1/episodes/upsell_outputs/.upsell_complete")
    assert (complete["bundle_tier"], complete["status"]) == (extras["bundle_tier"], "completed")


def test_upsell_skips_when_complete_unless_forced(pipeline: Pipeline) -> None:
    pipeline.env.put_json(REPORT, PASSING)
    pipeline.env.put_json("scenes/s1/episodes/upsell_outputs/.upsell_complete", {})
    skipped = pipeline.run("upsell-features-pipeline", _upsell(pipeline, bundle_tier="pro"))
    assert skipped.result["status"] == "SKIPPED" and pipeline.cloud_run.runs == []
    forced = pipeline.run(
        "upsell-features-pipeline", _upsell(pipeline, bundle_tier="pro", force_reprocess=True)
    )
    assert forced.result["status"] == "SUCCESS" and len(pipeline.cloud_run.runs) == 1


@pytest.mark.parametrize(
    ("extras", "message"),
    [
        ({"bundle_tier": "pro", "timeout_override_seconds": 59}, "from 60 to 2700"),
        ({"bundle_tier": "pro", "timeout_override_seconds": 9999}, "from 60 to 2700"),
        ({"bundle_tier": "pro", "timeout_override_seconds": "600"}, "from 60 to 2700"),
        ({"bundle_tier": 3}, "bundle_tier must be a string"),
        ({"bundle_tier": "pro", "force_reprocess": "yes"}, "force_reprocess must be true or false"),
    ],
)
def test_upsell_refuses_bad_extras(pipeline: Pipeline, extras: dict, message: str) -> None:
    result = pipeline.run("upsell-features-pipeline", _upsell(pipeline, **extras))
    assert result.state == "FAILED" and message in result.error["message"]
    assert pipeline.objects() == []


def test_upsell_failure_writes_both_markers_and_returns_failed(pipeline: Pipeline) -> None:
    pipeline.env.put_json(REPORT, PASSING)
    pipeline.env.put_json("scenes/s1/episodes/upsell_outputs/partial.bin", {})
    pipeline.cloud_run.raise_on_start("upsell-features-job", code=400)
    result = pipeline.run("upsell-features-pipeline", _upsell(pipeline, bundle_tier="pro"))
    assert result.result["status"] == "FAILED"
    assert pipeline.objects("scenes/s1/episodes/") == [
        "scenes/s1/episodes/upsell_outputs/.failed",
        "scenes/s1/episodes/upsell_outputs/.upsell_failed",
    ]
    assert pipeline.env.get_json("scenes/s1/episodes/upsell_outputs/.upsell_failed")["bundle_tier"] == "pro"


# --- scene generation -----------------------------------------------------------------------


def test_scene_generation_runs_its_job_with_the_args(pipeline: Pipeline) -> None:
    result = pipeline.run("scene-generation-pipeline", {"scenes_per_run": 4})
    assert result.result["status"] == "SUCCESS"
    (run,) = pipeline.cloud_run.runs
    assert (run.job, run.timeout, run.region) == ("scene-generation-job", "3600s", "us-central1")
    assert env_of(run) == {"BUCKET": pipeline.bucket, "SCENES_PER_RUN": "4", "DRY_RUN": "false"}
    assert set(result.result) == {"status", "message", "execution", "bucket", "started_at", "completed_at"}


def test_scene_generation_failure_keeps_the_bucket_wide_prefix(pipeline: Pipeline) -> None:
    pipeline.env.put_json("scene-generation/history.json", {})
    pipeline.cloud_run.raise_on_start("scene-generation-job", code=403)
    result = pipeline.run("scene-generation-pipeline", {})
    assert result.state == "FAILED" and result.error["code"] == "scene_generation_start_failed"
    assert pipeline.objects() == ["scene-generation/.failed", "scene-generation/history.json"]
    assert pipeline.env.get_json("scene-generation/.failed")["scene_id"] is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"scenes_per_run": 0}, "scenes_per_run must be an integer from 1 to 1000, got 0"),
        ({"scenes_per_run": "10"}, 'got "10"'),
        ({"dry_run": "yes"}, "dry_run must be true or false"),
        ({"bucket": 7}, "bucket must be a bucket name"),
        (["x"], "takes a map"),
    ],
)
def test_scene_generation_refuses_bad_args(pipeline: Pipeline, args: object, message: str) -> None:
    result = pipeline.run("scene-generation-pipeline", args)
    assert result.state == "FAILED" and message in result.error["message"]
    assert pipeline.cloud_run.runs == [] and pipeline.objects() == []
