"""scene-batch on the runtime: one scene-batch-job run per manifest scene with the job's
env contract, at most max_concurrent in flight, starts rate-limited, failed scenes
retried without stopping the others, children beyond one execution's size, the batch
report, and clear errors for bad params and manifests (no scene started)."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest

from tools.pipeline_world import Pipeline
from tools.scene_batch_world import (
    JOB,
    MANIFEST,
    REPORT,
    batch_args,
    max_in_flight,
    put_manifest,
    scene_ids,
    scene_of,
    script_by_scene,
)
from workflow_runtime.fakes.cloud_run import JobOutcome

FAIL = JobOutcome("fail", 60.0, message="scene pipeline crashed")


def test_every_scene_runs_once_with_the_job_env_contract(pipeline: Pipeline) -> None:
    put_manifest(pipeline, {"scenes": ["kitchen-1", "garage-2"]})
    result = pipeline.run("scene-batch", batch_args(steps="regen3d,usd", validate=True))
    assert result.state == "SUCCEEDED", result.error
    assert result.result["status"] == "SUCCEEDED" and result.result["scene_count"] == 2
    runs = pipeline.cloud_run.runs
    assert sorted(scene_of(run) for run in runs) == ["garage-2", "kitchen-1"]
    run = next(run for run in runs if scene_of(run) == "kitchen-1")
    assert (run.job, run.region, run.timeout) == (JOB, "us-central1", "7200s")
    assert dict(run.env) == {
        "SCENE_LIST_JSON": '{"scenes":["kitchen-1"]}',
        "SCENE_ROOT": "/mnt/gcs/scenes",
        "REPORTS_DIR": "/mnt/gcs/batch_reports",
        "CHECKPOINT_STEP": "batch-run",
        "MAX_CONCURRENT": "1",
        "RETRY_ATTEMPTS": "1",
        "RETRY_DELAY": "5",
        "RATE_LIMIT": "10",
        "STEPS": "regen3d,usd",
        "RESUME_FROM": "",
        "VALIDATE": "true",
        "SKIP_COMPLETED": "false",
        "LOG_LEVEL": "INFO",
    }


@pytest.mark.parametrize("content_type", ["application/json", "text/plain", "application/octet-stream"])
def test_the_manifest_is_read_whatever_its_content_type(pipeline: Pipeline, content_type: str) -> None:
    put_manifest(pipeline, ["a", "b", "c"], content_type=content_type)
    result = pipeline.run("scene-batch", batch_args())
    assert result.state == "SUCCEEDED", result.error
    assert sorted(scene_of(run) for run in pipeline.cloud_run.runs) == ["a", "b", "c"]


def test_at_most_max_concurrent_runs_are_in_flight(pipeline: Pipeline) -> None:
    put_manifest(pipeline, scene_ids(12))
    result = pipeline.run("scene-batch", batch_args(max_concurrent=3, rate_limit=100))
    assert result.state == "SUCCEEDED", result.error
    runs = pipeline.cloud_run.runs
    assert len(runs) == 12
    assert max_in_flight(runs) == 3


def test_starts_never_exceed_the_rate_limit(pipeline: Pipeline) -> None:
    # 0.5 starts per second (the original deadlocked below 1): starts >= 2 s apart.
    put_manifest(pipeline, scene_ids(6))
    script_by_scene(pipeline, {"scene-0002": [FAIL]}, duration=1.0)
    result = pipeline.run("scene-batch", batch_args(max_concurrent=6, rate_limit=0.5, retry_delay=0))
    assert result.state == "SUCCEEDED", result.error
    starts = sorted(run.started_at for run in pipeline.cloud_run.runs)
    assert len(starts) == 7  # one retry included
    gaps = [later - earlier for earlier, later in itertools.pairwise(starts)]
    # The workflow spaces its requests 2 s apart; each then spends its own network
    # latency on the way, which is the only slack allowed.
    low, high = pipeline.env.runtime.clock.latency
    assert min(gaps) >= 2.0 - (high - low), gaps


def test_a_failing_scene_is_retried_and_never_stops_the_others(pipeline: Pipeline) -> None:
    put_manifest(pipeline, ["ok-1", "flaky", "broken", "ok-2"])
    pipeline.job_writes(JOB, {})
    pipeline.env.put_json(
        "batch_reports/broken/quality_gate_report.json", {"summary": {"can_proceed": False}}
    )
    script_by_scene(pipeline, {"flaky": [FAIL], "broken": [FAIL, FAIL, FAIL]})
    result = pipeline.run("scene-batch", batch_args(retry_delay=7))
    assert result.state == "SUCCEEDED", result.error
    assert result.result["status"] == "PARTIAL_SUCCESS"
    per_scene: dict[str, list[float]] = {}
    for run in pipeline.cloud_run.runs:
        per_scene.setdefault(scene_of(run), []).append(run.started_at)
    assert {scene: len(starts) for scene, starts in per_scene.items()} == {
        "ok-1": 1,
        "flaky": 2,
        "broken": 3,
        "ok-2": 1,
    }
    # Linear backoff: retry_delay x attempt after each failed attempt (a 60 s job + waits).
    broken = per_scene["broken"]
    assert broken[1] - broken[0] >= 60 + 7 and broken[2] - broken[1] >= 60 + 14
    report = pipeline.env.get_json(REPORT)
    assert (report["total"], report["success"], report["failed"], report["cancelled"]) == (4, 3, 1, 0)
    assert report["skipped"] == []
    by_id = {scene["scene_id"]: scene for scene in report["scene_reports"]}
    assert [scene["scene_id"] for scene in report["scene_reports"]] == ["ok-1", "flaky", "broken", "ok-2"]
    assert by_id["flaky"]["status"] == "success" and by_id["flaky"]["attempts"] == 2
    assert by_id["broken"] == {
        "scene_id": "broken",
        "scene_dir": "/mnt/gcs/scenes/broken",
        "status": "failed",
        "quality_gate_report": "/mnt/gcs/batch_reports/broken/quality_gate_report.json",
        "skipped": False,
        "attempts": 3,
        "last_error": by_id["broken"]["last_error"],
    }
    assert "scene pipeline crashed" in by_id["broken"]["last_error"]
    (failure,) = report["failures"]
    assert failure["scene_id"] == "broken" and failure["attempts"] == 3
    assert set(failure) == {"scene_id", "status", "error", "attempts", "quality_gate_failures"}


def test_a_large_batch_runs_in_child_executions(pipeline: Pipeline) -> None:
    put_manifest(pipeline, scene_ids(7))
    result = pipeline.run("scene-batch", batch_args(max_concurrent=3), SCENE_BATCH_SCENES_PER_EXECUTION="4")
    assert result.state == "SUCCEEDED", result.error
    children = [
        r for r in pipeline.env.executions.records if r.workflow == "scene-batch" and r.source == "run"
    ]
    # 4 a part, rounded down to whole waves of 3: parts of 3, 3 and 1.
    assert [len(child.argument["_part"]["scenes"]) for child in children] == [3, 3, 1]
    assert sorted(scene_of(run) for run in pipeline.cloud_run.runs) == scene_ids(7)
    assert max_in_flight(pipeline.cloud_run.runs) == 3
    report = pipeline.env.get_json(REPORT)
    assert [scene["scene_id"] for scene in report["scene_reports"]] == scene_ids(7)
    assert report["success"] == 7


def test_scenes_per_execution_keeps_the_worst_case_under_the_step_limit(pipeline: Pipeline) -> None:
    # Every attempt of every scene waits out its job's full timeout: the most steps a
    # scene can cost. The workflow's per-scene estimate must cover it.
    put_manifest(pipeline, ["slow-1", "slow-2"])
    timeout = 600
    never = JobOutcome("succeed", 10 * timeout)  # the fake stops it at the timeout: FAILED
    script_by_scene(pipeline, {"slow-1": [never] * 2, "slow-2": [never] * 2})
    result = pipeline.run(
        "scene-batch", batch_args(timeout_seconds=timeout, retry_attempts=2, max_concurrent=1)
    )
    assert result.state == "SUCCEEDED", result.error
    assert result.result["failed"] == 2
    estimate = 2 * (60 + 4 * -(-(timeout + 1800) // 60))
    assert result.steps.internal < 2 * estimate, (result.steps.internal, estimate)


def _start_nothing(pipeline: Pipeline, argument: Any, **env: str) -> dict[str, Any]:
    result = pipeline.run("scene-batch", argument, **env)
    assert result.state == "FAILED", result.result
    assert pipeline.cloud_run.runs == []
    assert not pipeline.env.exists(REPORT)
    return result.error


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"max_concurrent": 0}, "max_concurrent must be an integer from 1 to 20, got 0"),
        ({"max_concurrent": 21}, "max_concurrent must be an integer from 1 to 20, got 21"),
        ({"max_concurrent": 2.5}, "max_concurrent must be an integer from 1 to 20, got 2.5"),
        ({"rate_limit": 0}, "rate_limit must be a number from 0.01 to 100, got 0"),
        ({"rate_limit": "fast"}, 'rate_limit must be a number from 0.01 to 100, got "fast"'),
        ({"retry_attempts": 11}, "retry_attempts must be an integer from 1 to 10, got 11"),
        ({"retry_delay": -1}, "retry_delay must be a number from 0 to 3600, got -1"),
        ({"timeout_seconds": 86401}, "timeout_seconds must be an integer from 1 to 86400"),
        ({"job_name": "Scene_Batch"}, "job_name must be a Cloud Run job name"),
        ({"reports_dir": "batch_reports"}, "reports_dir must be a folder under /mnt/gcs/"),
        ({"log_level": "LOUD"}, "log_level must be DEBUG, INFO, WARNING, ERROR or CRITICAL"),
        ({"validate": "yes"}, 'validate must be true or false, got "yes"'),
        ({"max_concurent": 3}, 'Unknown param "max_concurent"'),
    ],
)
def test_params_out_of_bounds_fail_clearly_before_anything_starts(
    pipeline: Pipeline, params: dict[str, Any], named: str
) -> None:
    put_manifest(pipeline, ["a"])
    error = _start_nothing(pipeline, batch_args(**params))
    assert error["code"] == "invalid_params"
    assert named in error["message"]


def test_a_missing_manifest_object_param_is_named(pipeline: Pipeline) -> None:
    error = _start_nothing(pipeline, {"max_concurrent": 2})
    assert error["message"].startswith("manifest_object is required")


@pytest.mark.parametrize(
    ("manifest", "named"),
    [
        (b"scene-1\nscene-2", "is not valid JSON"),
        ({"batch": ["a"]}, 'must be a JSON list of scene ids or {"scenes": [...]}, got map'),
        ("a", "got string"),
        ([], "lists no scenes"),
        (["a", 7], "entry 1: expected a string, got integer"),
        (["a", ""], 'Invalid scene id "" in manifest'),
        (["a", "../etc"], 'Invalid scene id "../etc"'),
        (["a", "b", "a"], 'lists scene "a" twice (entries 0 and 2)'),
        (scene_ids(4), "lists 4 scenes, more than the 3 one batch takes"),
    ],
)
def test_bad_manifests_fail_naming_the_problem_and_start_nothing(
    pipeline: Pipeline, manifest: Any, named: str
) -> None:
    put_manifest(pipeline, manifest, content_type="text/plain")
    error = _start_nothing(pipeline, batch_args(), SCENE_BATCH_MAX_SCENES="3")
    assert error["code"] == "invalid_manifest"
    assert named in error["message"], error["message"]


def test_a_manifest_that_does_not_exist_is_named(pipeline: Pipeline) -> None:
    error = _start_nothing(pipeline, batch_args())
    assert error["code"] == "invalid_manifest"
    assert error["message"].startswith(f"Manifest gs://{pipeline.bucket}/{MANIFEST} not found")


def test_the_report_is_json_the_runbook_can_read(pipeline: Pipeline) -> None:
    put_manifest(pipeline, ["a"])
    result = pipeline.run("scene-batch", batch_args(reports_dir="/mnt/gcs/reports/run-7"))
    assert result.state == "SUCCEEDED", result.error
    assert result.result["report"] == f"gs://{pipeline.bucket}/reports/run-7/batch_report.json"
    report = json.loads(pipeline.env.get_bytes("reports/run-7/batch_report.json"))
    assert report["manifest"] == f"gs://{pipeline.bucket}/{MANIFEST}"
