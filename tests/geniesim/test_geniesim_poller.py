"""genie-sim-import-poller: server-side filtered, paged listing of job files, imports started
once per completed job, in-flight imports left alone, bad job files skipped without
aborting the scan."""

from __future__ import annotations

from typing import Any

import pytest

from tests.geniesim.support import IMPORT, POLLER, deploy_geniesim, import_marker, seed_completed_job
from workflow_runtime.connectors.names import rfc3339
from workflow_runtime.testing import WorkflowEnv


@pytest.fixture
def env(workflow_env: WorkflowEnv) -> WorkflowEnv:
    deploy_geniesim(workflow_env)
    return workflow_env


def _poll(env: WorkflowEnv) -> dict[str, Any]:
    outcome = env.run(POLLER, {"bucket": env.bucket})
    assert outcome.state == "SUCCEEDED", outcome.error
    return outcome.result


def test_completed_jobs_without_an_import_are_started_once_and_imported(env: WorkflowEnv) -> None:
    seed_completed_job(env, "scene_1", "job_1")
    seed_completed_job(env, "scene_2", "job_2")
    env.put_json("scenes/scene_3/geniesim/job.json", {"job_id": "job_3", "status": "running"})
    env.put_json("scenes/scene_3/geniesim/nested/job.json", {"job_id": "job_x", "status": "completed"})
    first = _poll(env)
    assert first["job_files"] == 3  # the nested file is not scenes/*/geniesim/job.json
    assert first["counts"] == {
        "triggered": 2,
        "in_flight": 0,
        "imported": 0,
        "failed": 0,
        "not_completed": 1,
        "invalid": 0,
    }
    assert sorted(t["job_id"] for t in first["triggered"]) == ["job_1", "job_2"]
    started = env.executions.of(IMPORT)
    assert [r.state for r in started] == ["SUCCEEDED", "SUCCEEDED"]
    assert started[0].argument["bucket"] == env.bucket
    for scene, job in (("scene_1", "job_1"), ("scene_2", "job_2")):
        assert env.get_json(import_marker(scene, job))["status"] == "completed"
    second = _poll(env)
    assert second["counts"]["imported"] == 2 and second["triggered"] == []
    assert len(env.executions.of(IMPORT)) == 2


def test_an_import_in_flight_is_not_started_again(env: WorkflowEnv) -> None:
    seed_completed_job(env, "scene_1", "job_1")
    claim = {"scene_id": "scene_1", "job_id": "job_1", "status": "queued"}
    env.put_json(import_marker("scene_1", "job_1"), claim | {"claimed_at": rfc3339(env.clock.now() - 60)})
    assert _poll(env)["counts"]["in_flight"] == 1
    assert env.executions.of(IMPORT) == []


@pytest.mark.parametrize("seed", range(8))
def test_concurrent_poller_runs_start_each_import_once(env: WorkflowEnv, seed: int) -> None:
    for scene, job in (("scene_1", "job_1"), ("scene_2", "job_2")):
        seed_completed_job(env, scene, job)
    for _ in range(4):  # overlapping scheduler firings and manual runs
        env.start(POLLER, {"bucket": env.bucket})
    results = env.wait(seed=seed)
    assert sum(r.result["counts"]["triggered"] for r in results) == 2
    started = sorted(record.argument["job_id"] for record in env.executions.of(IMPORT))
    assert started == ["job_1", "job_2"]
    assert len(env.cloud_run.runs_of("genie-sim-import-job")) == 2
    for scene, job in (("scene_1", "job_1"), ("scene_2", "job_2")):
        assert env.get_json(import_marker(scene, job))["status"] == "completed"


def test_a_stale_claim_is_restarted_once(env: WorkflowEnv) -> None:
    seed_completed_job(env, "scene_1", "job_1")
    stale = rfc3339(env.clock.now() - 7201)
    env.put_json(import_marker("scene_1", "job_1"), {"status": "importing", "claimed_at": stale})
    assert _poll(env)["counts"]["triggered"] == 1
    assert _poll(env)["counts"]["imported"] == 1
    assert len(env.executions.of(IMPORT)) == 1
    assert env.get_json(import_marker("scene_1", "job_1"))["status"] == "completed"


def test_failed_imports_and_bad_job_files_are_skipped_without_aborting(env: WorkflowEnv) -> None:
    env.put_text("scenes/scene_a/geniesim/job.json", "{not json")
    env.put_json("scenes/scene_b/geniesim/job.json", {"status": "completed"})  # no job_id
    env.put_json(
        "scenes/scene_c/geniesim/job.json", {"job_id": "j", "scene_id": "other", "status": "completed"}
    )
    seed_completed_job(env, "scene_d", "job_d")
    env.put_json(import_marker("scene_d", "job_d"), {"status": "failed"})
    seed_completed_job(env, "scene_e", "job_e")
    result = _poll(env)
    assert result["counts"] == {
        "triggered": 1,
        "in_flight": 0,
        "imported": 0,
        "failed": 1,
        "not_completed": 0,
        "invalid": 3,
    }
    assert result["triggered"] == [{"scene_id": "scene_e", "job_id": "job_e"}]


def test_the_listing_pages_through_every_job_file(env: WorkflowEnv) -> None:
    for i in range(205):  # more than one 200-item page
        env.put_json(f"scenes/s{i:03d}/geniesim/job.json", {"job_id": f"j{i}", "status": "running"})
        env.put_json(f"scenes/s{i:03d}/geniesim/other.json", {})
    result = _poll(env)
    assert result["job_files"] == 205 and result["counts"]["not_completed"] == 205
