"""usd-assembly-pipeline (five stages under a lock, simready completion by marker) and
arena-export-pipeline (trigger sources, its new lock, partial success) on the runtime."""

from __future__ import annotations

import pytest

from tools.pipeline_world import Pipeline, env_of

USD_TRIGGER = "scenes/s1/assets/.regen3d_complete"
USD_LOCK = "scenes/s1/locks/usd-assembly.lock"
SIMREADY_MARKER = "scenes/s1/assets/.simready_complete"
USD_ENV = {
    "BUCKET": "",
    "SCENE_ID": "s1",
    "LAYOUT_PREFIX": "scenes/s1/layout",
    "ASSETS_PREFIX": "scenes/s1/assets",
    "USD_PREFIX": "scenes/s1/usd",
}


def _simready_writes_marker(pipeline: Pipeline) -> None:
    pipeline.job_writes("simready-job", {SIMREADY_MARKER: {"status": "completed"}})


def test_usd_assembly_runs_five_stages_in_order_with_their_env(pipeline: Pipeline) -> None:
    event = pipeline.marker(USD_TRIGGER)
    _simready_writes_marker(pipeline)
    result = pipeline.run("usd-assembly-pipeline", event)
    assert result.state == "SUCCEEDED", result.error
    assert result.result["status"] == "SUCCESS"
    runs = pipeline.cloud_run.runs
    assert [(r.job, r.timeout) for r in runs] == [
        ("usd-assembly-job", "1800s"),
        ("simready-job", "3600s"),
        ("usd-assembly-job", "3600s"),
        ("replicator-job", "1800s"),
        ("isaac-lab-job", "1800s"),
    ]
    usd_env = {**USD_ENV, "BUCKET": pipeline.bucket}
    assert env_of(runs[0]) == {**usd_env, "CONVERT_ONLY": "true"}
    assert env_of(runs[1]) == {
        "BUCKET": pipeline.bucket,
        "SCENE_ID": "s1",
        "ASSETS_PREFIX": "scenes/s1/assets",
        "SIMREADY_PHYSICS_MODE": "deterministic",
    }
    assert env_of(runs[2]) == usd_env
    assert env_of(runs[3]) == {
        "BUCKET": pipeline.bucket,
        "SCENE_ID": "s1",
        "SEG_PREFIX": "scenes/s1/seg",
        "ASSETS_PREFIX": "scenes/s1/assets",
        "USD_PREFIX": "scenes/s1/usd",
        "REPLICATOR_PREFIX": "scenes/s1/replicator",
    }
    assert env_of(runs[4]) == {
        "BUCKET": pipeline.bucket,
        "SCENE_ID": "s1",
        "USD_PREFIX": "scenes/s1/usd",
        "ISAAC_LAB_PREFIX": "scenes/s1/isaac_lab",
    }
    # The workflow writes no marker on success (the jobs do); the lock is released.
    assert pipeline.objects() == sorted([USD_TRIGGER, SIMREADY_MARKER])


def test_simready_without_its_marker_fails_after_about_610_seconds(pipeline: Pipeline) -> None:
    event = pipeline.marker(USD_TRIGGER)
    result = pipeline.run("usd-assembly-pipeline", event)
    assert result.state == "FAILED" and result.error["code"] == "usd_simready_failed"
    assert "did not appear within 610 s" in result.error["message"]
    assert [r.job for r in pipeline.cloud_run.runs] == ["usd-assembly-job", "simready-job"]
    assert pipeline.env.get_json("scenes/s1/simready/.failed")["error"]["code"] == "usd_simready_failed"
    assert not pipeline.env.exists(USD_LOCK)  # released on the error path


def test_convert_start_failure_cleans_usd_and_releases(pipeline: Pipeline) -> None:
    event = pipeline.marker(USD_TRIGGER)
    pipeline.env.put_json("scenes/s1/usd/stale.usda", {})
    pipeline.cloud_run.raise_on_start("usd-assembly-job", code=403)
    result = pipeline.run("usd-assembly-pipeline", event)
    assert result.state == "FAILED" and result.error["code"] == "usd_convert_failed"
    assert pipeline.objects() == sorted([USD_TRIGGER, "scenes/s1/usd/.failed"])
    assert pipeline.env.get_json("scenes/s1/usd/.failed")["error"]["code"] == "usd_convert_start_failed"


def test_assembly_start_failure_keeps_the_convert_outputs(pipeline: Pipeline) -> None:
    event = pipeline.marker(USD_TRIGGER)
    _simready_writes_marker(pipeline)
    pipeline.job_writes("usd-assembly-job", {"scenes/s1/usd/converted/a.usd": {}})
    pipeline.cloud_run.succeed("usd-assembly-job")
    pipeline.cloud_run.raise_on_start("usd-assembly-job", code=400)
    result = pipeline.run("usd-assembly-pipeline", event)
    assert result.state == "FAILED" and result.error["code"] == "usd_assembly_failed"
    assert "scenes/s1/usd/converted/a.usd" in pipeline.objects()


def test_replicator_failure_is_not_fatal_and_isaac_lab_failure_is_partial(pipeline: Pipeline) -> None:
    event = pipeline.marker(USD_TRIGGER)
    _simready_writes_marker(pipeline)
    pipeline.cloud_run.fail("replicator-job")
    pipeline.cloud_run.fail("isaac-lab-job")
    result = pipeline.run("usd-assembly-pipeline", event)
    assert result.state == "SUCCEEDED"
    assert (result.result["status"], result.result["replicator_status"]) == ("PARTIAL_SUCCESS", "FAILED")
    assert pipeline.env.get_json("scenes/s1/replicator/.failed")["error"]["code"] == "replicator_failed"
    assert pipeline.env.get_json("scenes/s1/isaac_lab/.failed")["error"]["code"] == "isaac_lab_failed"
    assert not pipeline.env.exists(USD_LOCK)


def test_usd_assembly_skips_a_live_lock_and_a_finished_scene(pipeline: Pipeline) -> None:
    event = pipeline.marker(USD_TRIGGER)
    pipeline.env.put_json(USD_LOCK, {"expires_at": "2999-01-01T00:00:00Z"})
    busy = pipeline.run("usd-assembly-pipeline", event)
    assert busy.result["message"] == f"Lock already exists for scene s1 at {USD_LOCK}"
    pipeline.env.delete(USD_LOCK)
    pipeline.env.put_json("scenes/s1/usd/.usd_complete", {})
    done = pipeline.run("usd-assembly-pipeline", event)
    assert done.result["message"] == "USD assembly already complete for scene s1"
    assert pipeline.cloud_run.runs == [] and not pipeline.env.exists(USD_LOCK)


# --- arena ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("marker", "source", "geniesim_prefix"),
    [
        ("scenes/s1/usd/.usd_complete", "usd", ""),
        ("scenes/s1/geniesim/.geniesim_complete", "geniesim", "scenes/s1/geniesim"),
        ("scenes/s1/isaac_lab/.isaac_lab_complete", "isaac_lab", ""),
    ],
)
def test_arena_exports_with_the_trigger_source(
    pipeline: Pipeline, marker: str, source: str, geniesim_prefix: str
) -> None:
    event = pipeline.marker(marker)
    result = pipeline.run("arena-export-pipeline", event)
    assert result.state == "SUCCEEDED", result.error
    (run,) = pipeline.cloud_run.runs
    assert (run.job, run.timeout, run.region) == ("arena-export-job", "1800s", "us-central1")
    assert env_of(run) == {
        "BUCKET": pipeline.bucket,
        "SCENE_ID": "s1",
        "ASSETS_PREFIX": "scenes/s1/assets",
        "USD_PREFIX": "scenes/s1/usd",
        "ARENA_PREFIX": "scenes/s1/arena",
        "GENIESIM_PREFIX": geniesim_prefix,
        "TRIGGER_SOURCE": source,
        "USE_LLM_AFFORDANCES": "true",
        "ENABLE_HUB_REGISTRATION": "false",
        "HUB_NAMESPACE": "blueprint-robotics",
    }
    assert (result.result["status"], result.result["trigger_source"]) == ("SUCCESS", source)
    assert (
        result.result["outputs"]["arena_manifest"]
        == f"gs://{pipeline.bucket}/scenes/s1/arena/arena_manifest.json"
    )
    assert pipeline.objects() == [marker]  # lock released, no marker written


def test_arena_submitted_marker_is_not_a_trigger(pipeline: Pipeline) -> None:
    event = pipeline.marker("scenes/s1/geniesim/.geniesim_submitted")
    result = pipeline.run("arena-export-pipeline", event)
    assert result.result == {
        "status": "SKIPPED",
        "message": "Not an Arena trigger marker file: scenes/s1/geniesim/.geniesim_submitted",
    }


def test_arena_run_failure_is_partial_success_without_markers(pipeline: Pipeline) -> None:
    event = pipeline.marker("scenes/s1/usd/.usd_complete")
    pipeline.cloud_run.fail("arena-export-job", message="affordance model down")
    result = pipeline.run("arena-export-pipeline", event)
    assert result.result["status"] == "PARTIAL_SUCCESS"
    assert "affordance model down" in result.result["failure_details"]
    assert result.result["outputs"] == {"scene_usda": f"gs://{pipeline.bucket}/scenes/s1/usd/scene.usda"}
    assert pipeline.objects() == ["scenes/s1/usd/.usd_complete"]


def test_arena_start_failure_cleans_arena_only(pipeline: Pipeline) -> None:
    event = pipeline.marker("scenes/s1/usd/.usd_complete")
    pipeline.env.put_json("scenes/s1/arena/tasks/old.json", {})
    pipeline.env.put_json("scenes/s1/usd/scene.usda", {})
    pipeline.cloud_run.raise_on_start("arena-export-job", code=403)
    result = pipeline.run("arena-export-pipeline", event)
    assert result.state == "FAILED"
    assert pipeline.objects() == sorted(
        ["scenes/s1/usd/.usd_complete", "scenes/s1/usd/scene.usda", "scenes/s1/arena/.failed"]
    )
    assert pipeline.env.get_json("scenes/s1/arena/.failed")["error"]["code"] == "arena_export_start_failed"
