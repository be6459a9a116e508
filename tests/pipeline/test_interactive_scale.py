"""interactive-pipeline and scale-pipeline on the runtime: env (container name, particulate
backend), markers only on success, what a start failure removes and keeps, and scale's
wait for its job before it marks the assets ready."""

from __future__ import annotations

from tools.pipeline_world import Pipeline, env_of, metrics

ASSETS_TRIGGER = "scenes/s1/assets/scene_assets.json"
LAYOUT_TRIGGER = "scenes/s1/layout/scene_layout.json"


def test_interactive_happy_path(pipeline: Pipeline) -> None:
    event = pipeline.marker(ASSETS_TRIGGER)
    result = pipeline.run("interactive-pipeline", event)
    assert result.result == f"Interactive pipeline completed for {ASSETS_TRIGGER}"
    (run,) = pipeline.cloud_run.runs
    assert (run.job, run.timeout, run.region) == ("interactive-job", "1800s", "us-central1")
    assert run.overrides["containerOverrides"][0]["name"] == "interactive"
    assert env_of(run) == {
        "BUCKET": pipeline.bucket,
        "SCENE_ID": "s1",
        "MULTIVIEW_PREFIX": "scenes/s1/multiview",
        "ASSETS_PREFIX": "scenes/s1/assets",
        "LAYOUT_PREFIX": "scenes/s1/layout",
        "ARTICULATION_BACKEND": "heuristic",
        "PARTICULATE_ENDPOINT": "",
        "DISALLOW_PLACEHOLDER_URDF": "false",
    }
    complete = pipeline.env.get_json("scenes/s1/assets/.interactive_complete")
    assert {k: complete[k] for k in ("scene_id", "status", "backend")} == {
        "scene_id": "s1",
        "status": "completed",
        "backend": "heuristic",
    }
    again = pipeline.run("interactive-pipeline", event)
    assert again.result == f"Interactive pipeline already completed for {ASSETS_TRIGGER}"
    assert len(pipeline.cloud_run.runs) == 1


def test_interactive_uses_particulate_when_an_endpoint_is_set(pipeline: Pipeline) -> None:
    event = pipeline.marker(ASSETS_TRIGGER)
    pipeline.run("interactive-pipeline", event, PARTICULATE_ENDPOINT="https://particulate.example")
    env = env_of(pipeline.cloud_run.runs[0])
    assert (env["ARTICULATION_BACKEND"], env["PARTICULATE_ENDPOINT"]) == (
        "particulate",
        "https://particulate.example",
    )


def test_interactive_start_failure_rolls_back_interactive_outputs_only(pipeline: Pipeline) -> None:
    event = pipeline.marker(ASSETS_TRIGGER)
    for name in ("scenes/s1/assets/interactive/a.urdf", "scenes/s1/assets/obj_1/mesh.glb"):
        pipeline.env.put_json(name, {})
    pipeline.cloud_run.raise_on_start("interactive-job", code=403)
    result = pipeline.run("interactive-pipeline", event)
    assert result.state == "FAILED"
    assert pipeline.objects() == sorted(
        [ASSETS_TRIGGER, "scenes/s1/assets/.failed", "scenes/s1/assets/obj_1/mesh.glb"]
    )
    assert (
        pipeline.env.get_json("scenes/s1/assets/.failed")["error"]["code"] == "interactive_job_start_failed"
    )


def test_interactive_run_failure_returns_the_original_text(pipeline: Pipeline) -> None:
    event = pipeline.marker(ASSETS_TRIGGER)
    pipeline.cloud_run.fail("interactive-job")
    result = pipeline.run("interactive-pipeline", event)
    assert result.result == f"Interactive + simready pipeline failed for {ASSETS_TRIGGER}"
    assert pipeline.env.get_json("scenes/s1/assets/.failed")["error"]["code"] == "interactive_job_failed"
    assert not pipeline.env.exists("scenes/s1/assets/.interactive_complete")


def test_scale_happy_path_marks_scaled_and_assets_ready_after_the_job(pipeline: Pipeline) -> None:
    event = pipeline.marker(LAYOUT_TRIGGER)
    result = pipeline.run("scale-pipeline", event)
    assert result.result["status"] == "SUCCESS"
    (run,) = pipeline.cloud_run.runs
    assert (run.job, run.timeout) == ("scale-job", "3600s")
    assert env_of(run) == {"BUCKET": pipeline.bucket, "SCENE_ID": "s1", "LAYOUT_PREFIX": "scenes/s1/layout"}
    assert pipeline.objects() == sorted(
        ["scenes/s1/assets/.assets_ready", "scenes/s1/layout/.scale_complete", LAYOUT_TRIGGER]
    )
    assert pipeline.env.get_json("scenes/s1/assets/.assets_ready")["status"] == "ready"
    assert pipeline.env.get_json("scenes/s1/layout/.scale_complete")["status"] == "completed"


def test_scale_logs_both_job_metrics(pipeline: Pipeline) -> None:
    # The original skipped its metrics set-up on the usual path, leaving scaleStartTime
    # undefined when it logged the completion.
    event = pipeline.marker(LAYOUT_TRIGGER)
    result = pipeline.run("scale-pipeline", event)
    start, complete = metrics(result, "job_invocation")
    assert (start["job"], start["event"], complete["event"], complete["status"]) == (
        "scale-job",
        "start",
        "complete",
        "SUCCEEDED",
    )
    assert complete["duration_seconds"] > 0


def test_scale_skips_a_scaled_layout(pipeline: Pipeline) -> None:
    event = pipeline.marker(LAYOUT_TRIGGER)
    pipeline.env.put_text("scenes/s1/layout/scene_layout_scaled.done", "")
    result = pipeline.run("scale-pipeline", event)
    assert result.result["status"] == "SKIPPED" and pipeline.cloud_run.runs == []


def test_scale_run_failure_never_marks_the_assets_ready(pipeline: Pipeline) -> None:
    event = pipeline.marker(LAYOUT_TRIGGER)
    pipeline.cloud_run.fail("scale-job")
    result = pipeline.run("scale-pipeline", event)
    assert result.state == "FAILED" and result.error["code"] == "scale_job_failed"
    # The original wrote .assets_ready without looking at the job's result.
    assert not pipeline.env.exists("scenes/s1/assets/.assets_ready")
    assert pipeline.env.get_json("scenes/s1/layout/.scale_failed")["status"] == "failed"


def test_scale_start_failure_keeps_its_own_trigger_and_layout(pipeline: Pipeline) -> None:
    event = pipeline.marker(LAYOUT_TRIGGER)
    pipeline.env.put_json("scenes/s1/layout/room.json", {})
    pipeline.cloud_run.raise_on_start("scale-job", code=400)
    result = pipeline.run("scale-pipeline", event)
    assert result.state == "FAILED" and result.error["code"] == "scale_job_start_failed"
    # The original deleted all of layout/, its own trigger included.
    assert pipeline.objects() == sorted(
        [
            "scenes/s1/layout/.failed",
            "scenes/s1/layout/.scale_failed",
            "scenes/s1/layout/room.json",
            LAYOUT_TRIGGER,
        ]
    )
