"""genie-sim-export-pipeline end to end on the local runtime (emulator, fake Cloud Run, fake
GKE cluster, the import it starts): exactly-once GPU submission through create-only claims,
marker statuses, canary image routing, rollback marker, Firebase check, failure paths,
the per-job import wait and its bound, bad input."""

from __future__ import annotations

from typing import Any

import pytest

from tests.geniesim.support import (
    EXPORT,
    IMPORT,
    breaker_of,
    deploy_geniesim,
    export_key,
    import_marker,
    seed_export_scene,
)
from workflow_runtime.connectors.names import rfc3339
from workflow_runtime.testing import WorkflowEnv

# sha256("scene_45") % 100 == 57: stable under staging's 25% rollout; "scene_44" (23) is not.
SCENE = "scene_45"


@pytest.fixture
def env(workflow_env: WorkflowEnv) -> WorkflowEnv:
    deploy_geniesim(workflow_env)
    return workflow_env


def _marker_path(scene_id: str, key: str) -> str:
    return f"scenes/{scene_id}/geniesim/idempotency/{key}.json"


def _idempotency_markers(env: WorkflowEnv, scene_id: str) -> list[str]:
    return [n for n in env.list(f"scenes/{scene_id}/geniesim/idempotency/") if "/import/" not in n]


def _export(env: WorkflowEnv, event: dict[str, Any], **extra: Any) -> Any:
    return env.run(EXPORT, event | extra)


def test_a_delivery_submits_one_gpu_job_imports_it_and_completes(env: WorkflowEnv) -> None:
    event = seed_export_scene(env, SCENE, "job_1")
    outcome = _export(env, event)
    assert outcome.state == "SUCCEEDED", outcome.error
    assert (outcome.result["status"], outcome.result["job_id"]) == ("SUCCESS", "job_1")
    (job,) = env.gke.created_jobs()
    container = job["spec"]["template"]["spec"]["containers"][0]
    assert container["image"] == "gcr.io/test-project/blueprint-genie-sim:isaacsim"
    env_vars = {pair["name"]: pair["value"] for pair in container["env"]}
    assert env_vars["JOB_OUTPUT_PATH"] == f"scenes/{SCENE}/geniesim/job.json"
    assert (env_vars["EPISODES_PER_TASK"], env_vars["CANARY_ENABLED"]) == ("10", "false")
    assert job["spec"]["activeDeadlineSeconds"] == 14400 and job["spec"]["backoffLimit"] == 2
    marker = env.get_json(_marker_path(SCENE, export_key(SCENE)))  # the key equals Python's MD5
    assert (marker["status"], marker["job_id"], marker["hash"]) == ("completed", "job_1", export_key(SCENE))
    assert marker["inputs"]["episodes_per_task"] == "10"
    assert env.get_json(import_marker(SCENE, "job_1"))["status"] == "completed"
    complete = env.get_json(f"scenes/{SCENE}/geniesim/.geniesim_complete")
    assert (complete["ready_for_geniesim"], complete["robot_type"]) == (True, "franka")
    assert breaker_of(env, SCENE)["status"] == "closed"
    routing = [e.payload for e in outcome.logs if str(e.payload).startswith("Genie Sim export routing")]
    assert routing == [
        f"Genie Sim export routing for scene {SCENE}: canary_enabled=false, image_tag=isaacsim, "
        f"canary_percent=25, rollback_marker=scenes/{SCENE}/geniesim/.canary_rollback"
    ]


@pytest.mark.parametrize("seed", range(5))
def test_50_concurrent_deliveries_create_one_gpu_job_and_one_marker(env: WorkflowEnv, seed: int) -> None:
    event = seed_export_scene(env, SCENE, "job_1")
    for _ in range(50):
        env.start(EXPORT, event)
    results = env.wait(seed=seed)
    assert len(results) == 50 and all(r.state == "SUCCEEDED" for r in results), [r.error for r in results]
    assert len(env.gke.created_jobs()) == 1
    assert _idempotency_markers(env, SCENE) == [_marker_path(SCENE, export_key(SCENE))]
    assert sum(r.result["status"] == "SUCCESS" for r in results if isinstance(r.result, dict)) == 1
    assert len(env.executions.of(IMPORT)) == 1


def test_numeric_and_text_episode_counts_share_a_key_and_a_changed_input_gets_a_new_job(
    env: WorkflowEnv,
) -> None:
    event = seed_export_scene(env, SCENE, "job_1")
    assert _export(env, event, episodes_per_task=10).state == "SUCCEEDED"
    env.delete(f"scenes/{SCENE}/geniesim/.geniesim_complete")
    again = _export(env, event, episodes_per_task="10")
    assert again.result["status"] == "SKIPPED" and "Idempotency marker present" in again.result["message"]
    assert len(env.gke.created_jobs()) == 1
    changed = _export(env, event, episodes_per_task=12)
    assert changed.state == "SUCCEEDED", changed.error
    assert len(env.gke.created_jobs()) == 2
    assert sorted(_idempotency_markers(env, SCENE)) == sorted(
        _marker_path(SCENE, k) for k in (export_key(SCENE), export_key(SCENE, episodes="12"))
    )


def _stale_claim(env: WorkflowEnv, job_name: str, age: float) -> None:
    env.put_json(
        _marker_path(SCENE, export_key(SCENE)),
        {
            "scene_id": SCENE,
            "status": "submitting",
            "job_name": job_name,
            "claimed_at": rfc3339(env.clock.now() - age),
        },
    )


@pytest.mark.parametrize("seed", range(4))
def test_a_stale_claim_is_taken_over_once(env: WorkflowEnv, seed: int) -> None:
    event = seed_export_scene(env, SCENE, "job_1")
    _stale_claim(env, "geniesim-gpu-never-created", age=901)  # lease 900 s
    for _ in range(5):
        env.start(EXPORT, event)
    results = env.wait(seed=seed)
    assert all(r.state == "SUCCEEDED" for r in results), [r.error for r in results]
    assert len(env.gke.created_jobs()) == 1
    marker = env.get_json(_marker_path(SCENE, export_key(SCENE)))
    assert marker["status"] == "completed"


def test_a_fresh_claim_blocks_and_a_dead_owners_job_is_adopted_not_duplicated(env: WorkflowEnv) -> None:
    event = seed_export_scene(env, SCENE, "job_1")
    _stale_claim(env, "geniesim-gpu-previous", age=60)
    held = _export(env, event)
    assert "already submitted" in held.result["message"] and env.gke.created_jobs() == []
    # The owner created its Job, then died before recording it; the lease runs out.
    cluster = env.gke.cluster("blueprint-cluster")
    body = {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": "geniesim-gpu-previous"},
        "spec": _pod_spec(),
    }
    assert (
        cluster.handle("POST", "/apis/batch/v1/namespaces/blueprint/jobs", {}, body, env.clock.now())[0]
        == 201
    )
    _stale_claim(env, "geniesim-gpu-previous", age=901)
    adopted = _export(env, event)
    assert adopted.state == "SUCCEEDED", adopted.error
    assert env.gke.created_jobs() == []  # the workflow created nothing: it adopted the Job
    assert env.get_json(_marker_path(SCENE, export_key(SCENE)))["job_name"] == "geniesim-gpu-previous"


def _pod_spec() -> dict[str, Any]:
    return {
        "template": {
            "spec": {"restartPolicy": "Never", "containers": [{"name": "c", "image": "busybox"}]},
        }
    }


@pytest.mark.parametrize(
    ("status", "allow", "expect"),
    [
        ("completed", "", "Skipping submit."),
        ("submitted", "", "Not resubmitting."),
        ("running", "", "Not resubmitting."),
        ("failed", "", "Set ALLOW_IDEMPOTENT_RETRY to retry."),
        ("partial", "", "Set ALLOW_IDEMPOTENT_RETRY to retry."),
        ("failed", "true", None),
    ],
)
def test_existing_marker_statuses(env: WorkflowEnv, status: str, allow: str, expect: str | None) -> None:
    event = seed_export_scene(env, SCENE, "job_1")
    env.put_json(
        _marker_path(SCENE, export_key(SCENE)),
        {"scene_id": SCENE, "status": status, "job_id": "job_0", "claimed_at": rfc3339(env.clock.now())},
    )
    outcome = env.run(EXPORT, event, env={"ALLOW_IDEMPOTENT_RETRY": allow})
    if expect is None:
        assert outcome.state == "SUCCEEDED" and len(env.gke.created_jobs()) == 1
        return
    assert expect in str(outcome.result if outcome.state == "SUCCEEDED" else outcome.error)
    assert env.gke.created_jobs() == []
    if status == "completed":
        assert outcome.result == {
            "status": "SKIPPED",
            "scene_id": SCENE,
            "message": f"Idempotency marker present for scene {SCENE} (job: job_0, status: completed). "
            "Skipping submit.",
        }


def test_canary_scenes_get_the_canary_image(env: WorkflowEnv) -> None:
    event = seed_export_scene(env, "scene_canary_001", "job_1")  # allow-listed in staging
    outcome = _export(env, event)
    assert outcome.state == "SUCCEEDED", outcome.error
    (job,) = env.gke.created_jobs()
    container = job["spec"]["template"]["spec"]["containers"][0]
    assert container["image"].endswith(":isaacsim-canary")
    assert {p["name"]: p["value"] for p in container["env"]}["CANARY_ENABLED"] == "true"
    assert any("canary_enabled=true, image_tag=isaacsim-canary" in str(e.payload) for e in outcome.logs)


def test_a_scene_in_the_percentage_rollout_is_canary(env: WorkflowEnv) -> None:
    event = seed_export_scene(env, "scene_44", "job_1")
    assert _export(env, event).state == "SUCCEEDED"
    assert env.gke.created_jobs()[0]["spec"]["template"]["spec"]["containers"][0]["image"].endswith("-canary")


def test_a_scene_tagged_canary_in_its_config_is_canary(env: WorkflowEnv) -> None:
    event = seed_export_scene(env, SCENE, "job_1")
    env.put_json(f"scenes/{SCENE}/config.json", {"tags": ["outdoor", "canary"]})
    assert _export(env, event).state == "SUCCEEDED"
    assert env.gke.created_jobs()[0]["spec"]["template"]["spec"]["containers"][0]["image"].endswith("-canary")


@pytest.mark.parametrize("scene_id", ["scene_canary_001", SCENE])
def test_a_rollback_marker_stops_canary_and_stable_runs(env: WorkflowEnv, scene_id: str) -> None:
    event = seed_export_scene(env, scene_id, "job_1")
    env.put_text(f"scenes/{scene_id}/geniesim/.canary_rollback", "")
    outcome = _export(env, event)
    message = (
        f"Rollback marker present at scenes/{scene_id}/geniesim/.canary_rollback. Skipping Genie Sim export."
    )
    assert outcome.result == message
    assert any(e.severity == "ERROR" and e.payload == message for e in outcome.logs)
    assert env.cloud_run.runs_of("genie-sim-export-job") == [] and env.gke.created_jobs() == []


def test_firebase_uploads_without_a_bucket_refuse_to_start(env: WorkflowEnv) -> None:
    event = seed_export_scene(env, SCENE, "job_1")
    before = env.list()
    outcome = env.run(EXPORT, event, env={"ENABLE_FIREBASE_UPLOAD": "true", "FIREBASE_STORAGE_BUCKET": ""})
    assert outcome.state == "FAILED" and "FIREBASE_STORAGE_BUCKET is empty" in str(outcome.error)
    assert env.list() == before


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"episodes_per_task": "ten"}, "episodes_per_task must be a positive whole number"),
        ({"robot_types": {"a": 1}}, "robot_types must be a list"),
        ({"robot_type": "../x"}, "robot_type must be a robot name"),
        ({"max_tasks": "many"}, "max_tasks must be a positive whole number"),
        ({"quality_thresholds": [1]}, "must be JSON objects"),
    ],
)
def test_bad_payloads_fail_before_anything_is_written(
    env: WorkflowEnv, extra: dict[str, Any], message: str
) -> None:
    event = seed_export_scene(env, SCENE, "job_1")
    before = env.list()
    outcome = _export(env, event, **extra)
    assert outcome.state == "FAILED" and message in str(outcome.error)
    assert env.list() == before
    assert env.cloud_run.runs_of("genie-sim-export-job") == []


def test_an_invalid_scene_config_fails_before_anything_is_written(env: WorkflowEnv) -> None:
    event = seed_export_scene(env, SCENE, "job_1")
    env.put_text(f"scenes/{SCENE}/config.json", "{oops")
    before = env.list()
    outcome = _export(env, event)
    assert outcome.state == "FAILED" and "is not valid JSON" in str(outcome.error)
    assert env.list() == before


def test_use_geniesim_false_skips(env: WorkflowEnv) -> None:
    event = seed_export_scene(env, SCENE, "job_1")
    env.put_json(f"scenes/{SCENE}/config.json", {"use_geniesim": False})
    assert _export(env, event).result["status"] == "SKIPPED"
    assert env.cloud_run.runs_of("genie-sim-export-job") == []


def test_a_failed_export_job_marks_and_counts_without_deleting_markers(env: WorkflowEnv) -> None:
    event = seed_export_scene(env, SCENE, "job_1")
    env.put_text(f"scenes/{SCENE}/geniesim/.canary_rollback_note", "keep")
    env.cloud_run.fail("genie-sim-export-job")
    outcome = _export(env, event)
    assert outcome.result["status"] == "FAILED"
    assert env.get_json(f"scenes/{SCENE}/geniesim/.failed")["error"]["code"] == "geniesim_export_failed"
    assert env.exists(f"scenes/{SCENE}/geniesim/.geniesim_failed")
    assert breaker_of(env, SCENE)["failure_count"] == 1
    env.cloud_run.raise_on_start("genie-sim-export-job", 400, "bad overrides")
    started = _export(env, event)
    assert started.state == "FAILED"
    assert breaker_of(env, SCENE)["failure_count"] == 2  # the breaker survived: no rollback deletion
    assert env.exists(f"scenes/{SCENE}/geniesim/.canary_rollback_note")
    assert env.get_json(f"scenes/{SCENE}/geniesim/.failed")["error"]["code"] == "geniesim_export_start_failed"


def test_a_gpu_job_that_fails_without_a_report_is_a_submission_failure(env: WorkflowEnv) -> None:
    event = seed_export_scene(env, SCENE, "job_1")
    env.delete(f"scenes/{SCENE}/geniesim/job.json")
    env.gke.cluster("blueprint-cluster").default_outcome = _failing()
    outcome = _export(env, event)
    assert outcome.state == "FAILED" and f"Genie Sim submission failed for scene {SCENE}" in str(
        outcome.error
    )
    assert breaker_of(env, SCENE)["last_failure_reason"] == "geniesim_submission_failed"
    assert env.get_json(_marker_path(SCENE, export_key(SCENE)))["status"] == "failed"


def _failing() -> Any:
    from workflow_runtime.fakes.k8s_jobs import JobOutcome

    return JobOutcome("fail", 60.0)


def test_a_failed_job_json_writes_the_submit_failure(env: WorkflowEnv) -> None:
    event = seed_export_scene(env, SCENE, "job_1", status="failed", failure_reason="OOM")
    outcome = _export(env, event)
    assert outcome.state == "FAILED" and "OOM" in str(outcome.error)
    failed = env.get_json(f"scenes/{SCENE}/geniesim/.failed")
    assert (failed["job_name"], failed["error"]["code"], failed["error"]["message"]) == (
        "genie-sim-submit-job",
        "geniesim_submit_failed",
        "OOM",
    )
    assert env.get_json(_marker_path(SCENE, export_key(SCENE)))["status"] == "failed"


def test_a_job_still_running_writes_submitted(env: WorkflowEnv) -> None:
    event = seed_export_scene(env, SCENE, "job_1", status="running")
    outcome = _export(env, event)
    assert outcome.result["status"] == "SUCCESS" and outcome.result["job_status"] == "running"
    assert env.get_json(f"scenes/{SCENE}/geniesim/.geniesim_submitted")["job_id"] == "job_1"
    assert env.executions.of(IMPORT) == []


def test_the_export_waits_for_its_own_job_not_an_older_scene_marker(env: WorkflowEnv) -> None:
    event = seed_export_scene(env, SCENE, "job_2")
    env.put_json(
        f"scenes/{SCENE}/geniesim/.geniesim_import_complete", {"job_id": "job_1", "status": "completed"}
    )
    env.cloud_run.fail("genie-sim-import-job")  # the import of job_2 fails
    outcome = _export(env, event)
    assert outcome.state == "FAILED" and "Import of Genie Sim job job_2" in str(outcome.error)
    assert not env.exists(f"scenes/{SCENE}/geniesim/.geniesim_complete")


def test_the_import_wait_is_bounded(env: WorkflowEnv) -> None:
    event = seed_export_scene(env, SCENE, "job_1")
    env.cloud_run.succeed("genie-sim-import-job", duration=1700)
    outcome = env.run(EXPORT, event, env={"GENIESIM_IMPORT_WAIT_SECONDS": "600"})
    assert outcome.state == "FAILED"
    assert "did not complete within 600 s (GENIESIM_IMPORT_WAIT_SECONDS)" in str(outcome.error)


def test_a_finished_job_without_job_json_gets_the_original_defaults(env: WorkflowEnv) -> None:
    # The original left `submittedJobMetrics` undefined on this path (section 10, defect 5).
    event = seed_export_scene(env, SCENE, "job_1")
    env.delete(f"scenes/{SCENE}/geniesim/job.json")
    outcome = _export(env, event)
    assert outcome.state == "SUCCEEDED", outcome.error
    (job,) = env.gke.created_jobs()
    submitted = env.get_json(f"scenes/{SCENE}/geniesim/.geniesim_submitted")
    assert (submitted["status"], submitted["job_id"]) == ("submitted", job["metadata"]["name"])
    assert env.get_json(_marker_path(SCENE, export_key(SCENE)))["status"] == "submitted"


def test_a_job_over_the_sla_logs_the_metric_and_fails(env: WorkflowEnv) -> None:
    event = seed_export_scene(env, SCENE, "job_1", job_metrics={"duration_seconds": 15000})
    outcome = _export(env, event)
    assert outcome.state == "FAILED" and "exceeded the 14400 s SLA" in str(outcome.error)
    (metric,) = [
        e.payload
        for e in outcome.logs
        if isinstance(e.payload, dict) and e.payload.get("bp_metric") == "geniesim_sla_violation"
    ]
    assert (metric["job_id"], metric["sla_seconds"], metric["duration_seconds"]) == ("job_1", 14400, 15000)
    assert env.executions.of(IMPORT) == []
