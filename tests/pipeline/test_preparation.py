"""dream2flow-preparation and dwm-preparation on the runtime: the experimental flags, the
per-scene lock (live, expired, released on every path), both jobs with their env, the
markers, and rollbacks that keep the other stage's outputs."""

from __future__ import annotations

import pytest

from tools.pipeline_world import Pipeline, env_of

TRIGGER = "scenes/s1/assets/.regen3d_complete"
FLOWS = {
    "dream2flow-preparation-pipeline": {
        "flag": "ENABLE_DREAM2FLOW",
        "folder": "dream2flow",
        "lock": "scenes/s1/locks/dream2flow-prep.lock",
        "prefix_env": "DREAM2FLOW_PREFIX",
        "extra": {"NUM_TASKS": "5", "ROBOT": "franka_panda"},
    },
    "dwm-preparation-pipeline": {
        "flag": "ENABLE_DWM",
        "folder": "dwm",
        "lock": "scenes/s1/locks/dwm-prep.lock",
        "prefix_env": "DWM_PREFIX",
        "extra": {"NUM_TRAJECTORIES": "5"},
    },
}
ENABLED = {"ENABLE_EXPERIMENTAL": "true"}


@pytest.fixture(params=sorted(FLOWS))
def flow(request: pytest.FixtureRequest) -> tuple[str, dict]:
    """Each of the two workflows with its names."""
    return request.param, FLOWS[request.param]


def test_happy_path_runs_both_jobs_and_writes_both_markers(
    pipeline: Pipeline, flow: tuple[str, dict]
) -> None:
    name, names = flow
    folder = names["folder"]
    event = pipeline.marker(TRIGGER)
    result = pipeline.run(name, event, **{names["flag"]: "true"})
    assert result.state == "SUCCEEDED", result.error
    preparation, inference = pipeline.cloud_run.runs
    assert (preparation.job, preparation.timeout) == (f"{folder}-preparation-job", "3600s")
    assert env_of(preparation) == {
        "BUCKET": pipeline.bucket,
        "SCENE_ID": "s1",
        "ASSETS_PREFIX": "scenes/s1/assets",
        "USD_PREFIX": "scenes/s1/usd",
        names["prefix_env"]: f"scenes/s1/{folder}",
        "RESOLUTION_WIDTH": "720",
        "RESOLUTION_HEIGHT": "480",
        "NUM_FRAMES": "49",
        "FPS": "24",
        **names["extra"],
    }
    assert (inference.job, inference.timeout, inference.region) == (
        f"{folder}-inference-job",
        "3600s",
        preparation.region,
    )
    assert env_of(inference) == {
        "BUCKET": pipeline.bucket,
        "SCENE_ID": "s1",
        names["prefix_env"]: f"scenes/s1/{folder}",
    }
    assert result.result["status"] == "SUCCESS"
    assert result.result["outputs"]["inference_marker"] == (
        f"gs://{pipeline.bucket}/scenes/s1/{folder}/.{folder}_inference_complete"
    )
    assert pipeline.objects() == sorted(
        [
            TRIGGER,
            f"scenes/s1/{folder}/.{folder}_complete",
            f"scenes/s1/{folder}/.{folder}_inference_complete",
        ]
    )  # the lock is gone
    assert pipeline.env.get_json(f"scenes/s1/{folder}/.{folder}_complete")["status"] == "completed"


def test_the_shared_flag_enables_and_no_flag_skips_before_any_io(
    pipeline: Pipeline, flow: tuple[str, dict]
) -> None:
    name, names = flow
    event = pipeline.marker(TRIGGER)
    off = pipeline.run(name, event)
    assert off.result["status"] == "SKIPPED"
    assert f"({names['flag']} and ENABLE_EXPERIMENTAL are not true)" in off.result["message"]
    assert pipeline.cloud_run.runs == [] and pipeline.objects() == [TRIGGER]
    assert pipeline.run(name, event, **ENABLED).result["status"] == "SUCCESS"


def test_a_live_lock_of_another_execution_skips(pipeline: Pipeline, flow: tuple[str, dict]) -> None:
    name, names = flow
    event = pipeline.marker(TRIGGER)
    held = {"scene_id": "s1", "execution_id": "other", "expires_at": "2999-01-01T00:00:00Z"}
    pipeline.env.put_json(names["lock"], held)
    result = pipeline.run(name, event, **ENABLED)
    assert result.result == {
        "status": "SKIPPED",
        "scene_id": "s1",
        "message": f"Lock already exists for scene s1 at {names['lock']}",
    }
    assert pipeline.cloud_run.runs == []
    assert pipeline.env.get_json(names["lock"]) == held  # untouched


def test_an_expired_lock_of_a_crashed_run_is_taken_over(pipeline: Pipeline, flow: tuple[str, dict]) -> None:
    name, names = flow
    event = pipeline.marker(TRIGGER)
    pipeline.env.put_json(names["lock"], {"execution_id": "crashed", "expires_at": "2000-01-01T00:00:00Z"})
    result = pipeline.run(name, event, **ENABLED)
    assert result.result["status"] == "SUCCESS"
    assert not pipeline.env.exists(names["lock"])


def test_a_completed_scene_skips_and_releases_the_lock(pipeline: Pipeline, flow: tuple[str, dict]) -> None:
    name, names = flow
    folder = names["folder"]
    event = pipeline.marker(TRIGGER)
    pipeline.env.put_json(f"scenes/s1/{folder}/.{folder}_complete", {})
    result = pipeline.run(name, event, **ENABLED)
    assert result.result["status"] == "SKIPPED"
    assert result.result["message"].endswith("preparation already complete for scene s1")
    assert pipeline.cloud_run.runs == [] and not pipeline.env.exists(names["lock"])


def test_preparation_start_failure_keeps_inference_outputs_and_releases(
    pipeline: Pipeline, flow: tuple[str, dict]
) -> None:
    name, names = flow
    folder = names["folder"]
    event = pipeline.marker(TRIGGER)
    pipeline.env.put_json(f"scenes/s1/{folder}/bundle_0.json", {})
    pipeline.env.put_json(f"scenes/s1/{folder}/inference/video_0.json", {})
    pipeline.cloud_run.raise_on_start(f"{folder}-preparation-job", code=404, message="job not found")
    result = pipeline.run(name, event, **ENABLED)
    assert result.state == "SUCCEEDED"
    assert (result.result["status"], result.result["stage"]) == ("FAILED", "preparation")
    assert pipeline.objects() == sorted(
        [
            TRIGGER,
            f"scenes/s1/{folder}/.failed",
            f"scenes/s1/{folder}/.{folder}_failed",
            f"scenes/s1/{folder}/inference/video_0.json",
        ]
    )
    code = pipeline.env.get_json(f"scenes/s1/{folder}/.failed")["error"]["code"]
    assert code == f"{folder}_preparation_start_failed"


def test_inference_start_failure_keeps_the_preparation_outputs(
    pipeline: Pipeline, flow: tuple[str, dict]
) -> None:
    name, names = flow
    folder = names["folder"]
    event = pipeline.marker(TRIGGER)
    pipeline.job_writes(f"{folder}-preparation-job", {f"scenes/s1/{folder}/bundle_0.json": {}})
    pipeline.env.put_json(f"scenes/s1/{folder}/inference/stale.json", {})
    pipeline.cloud_run.raise_on_start(f"{folder}-inference-job", code=400)
    result = pipeline.run(name, event, **ENABLED)
    assert (result.result["status"], result.result["stage"]) == ("FAILED", "inference")
    # The original deleted the preparation outputs and the completion marker here.
    assert pipeline.objects() == sorted(
        [
            TRIGGER,
            f"scenes/s1/{folder}/.{folder}_complete",
            f"scenes/s1/{folder}/bundle_0.json",
            f"scenes/s1/{folder}/.failed",
            f"scenes/s1/{folder}/.{folder}_inference_failed",
        ]
    )


def test_run_failure_returns_failed_with_markers_and_releases(
    pipeline: Pipeline, flow: tuple[str, dict]
) -> None:
    name, names = flow
    folder = names["folder"]
    event = pipeline.marker(TRIGGER)
    pipeline.cloud_run.fail(f"{folder}-preparation-job", message="no GPU")
    result = pipeline.run(name, event, **ENABLED)
    assert result.result["status"] == "FAILED" and "no GPU" in result.result["message"]
    failed = pipeline.env.get_json(f"scenes/s1/{folder}/.failed")
    assert failed["error"]["code"] == f"{folder}_preparation_failed"
    assert pipeline.env.get_json(f"scenes/s1/{folder}/.{folder}_failed")["status"] == "failed"
    assert not pipeline.env.exists(names["lock"])
    assert len(pipeline.cloud_run.runs) == 1  # no inference after a failed preparation


def test_an_unexpected_error_under_the_lock_still_releases_it(
    pipeline: Pipeline, flow: tuple[str, dict]
) -> None:
    name, names = flow
    folder = names["folder"]
    event = pipeline.marker(TRIGGER)
    pipeline.refuse_writes(f"scenes/s1/{folder}/.{folder}_inference_complete", code=403)
    result = pipeline.run(name, event, **ENABLED)
    assert result.state == "FAILED" and result.error["code"] == 403
    assert len(pipeline.cloud_run.runs) == 2
    assert not pipeline.env.exists(names["lock"])  # released on the error path too
