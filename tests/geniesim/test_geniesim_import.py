"""genie-sim-import-pipeline on the local runtime and the Cloud Storage emulator: every input
shape, per-job idempotency (claims), the quality-gate preflight (including the original's
fall-through bug), job failures feeding the breaker, manifest checks, events to the bus,
and bad payloads / bad job.json failing before anything is written."""

from __future__ import annotations

from typing import Any

import pytest

from tests.geniesim.support import IMPORT, deploy_geniesim, import_marker, seed_completed_job
from workflow_runtime.testing import WorkflowEnv

SCENE, JOB = "scene_7", "job_77"


@pytest.fixture
def env(workflow_env: WorkflowEnv) -> WorkflowEnv:
    deploy_geniesim(workflow_env)
    seed_completed_job(workflow_env, SCENE, JOB)
    return workflow_env


def _imported(env: WorkflowEnv, payload: Any) -> dict[str, Any]:
    outcome = env.run(IMPORT, payload)
    assert outcome.state == "SUCCEEDED", outcome.error
    return outcome.result


def _assert_imported_once(env: WorkflowEnv, scene_id: str = SCENE, job_id: str = JOB) -> None:
    marker = env.get_json(import_marker(scene_id, job_id))
    assert (marker["scene_id"], marker["job_id"], marker["status"]) == (scene_id, job_id, "completed")
    assert env.get_json(f"scenes/{scene_id}/geniesim/.geniesim_import_complete")["job_id"] == job_id
    assert len(env.cloud_run.runs_of("genie-sim-import-job")) == 1


PAYLOADS = {
    "top-level job_id": {"job_id": JOB, "scene_id": SCENE, "status": "completed"},
    "plain data map": {"data": {"job_id": JOB, "scene_id": SCENE}},
    "job_id from job.json": {"scene_id": SCENE},
    "scene from job_metadata_path": {"job_id": JOB, "job_metadata_path": f"scenes/{SCENE}/geniesim/job.json"},
}


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_each_payload_shape_imports_the_job_once(env: WorkflowEnv, payload: dict[str, Any]) -> None:
    result = _imported(env, payload)
    assert (result["status"], result["job_id"], result["scene_id"], result["episodes_imported"]) == (
        "success",
        JOB,
        SCENE,
        7,
    )
    _assert_imported_once(env)
    run = env.cloud_run.runs_of("genie-sim-import-job")[0]
    assert run.overrides["containerOverrides"][0]["name"] == "genie-sim-import"
    assert run.env["GENIE_SIM_JOB_ID"] == JOB and run.env["BUCKET"] == env.bucket
    assert run.env["LOCAL_EPISODES_PREFIX"].endswith(f"/scenes/{SCENE}/episodes/geniesim_{JOB}")


def test_cloud_event_from_the_bus_imports_and_announces(env: WorkflowEnv) -> None:
    env.publish("manual.geniesim.job.completed", {"job_id": JOB, "scene_id": SCENE, "bucket": env.bucket})
    _assert_imported_once(env)
    published = {event.type: event.event["data"] for event in env.bus.published}
    assert published["blueprintpipeline.dataset.delivery.requested"] == {
        "bucket": env.bucket,
        "scene_id": SCENE,
        "job_id": JOB,
        "output_path": f"gs://{env.bucket}/scenes/{SCENE}/episodes/geniesim_{JOB}/lerobot",
        "import_manifest_path": f"gs://{env.bucket}/scenes/{SCENE}/geniesim/import_manifest.json",
    }
    assert published["blueprintpipeline.episodes.imported"]["episode_count"] == 7
    assert env.get_json(f"scenes/{SCENE}/geniesim/import_manifest.json")["quality"]["average_score"] == 0.91


def test_bucket_comes_from_the_payload(env: WorkflowEnv) -> None:
    other = WorkflowEnv(env.storage, f"{env.bucket}-other")
    env.storage.create_bucket(other.bucket)
    seed_completed_job(other, SCENE, JOB)
    assert _imported(env, {"job_id": JOB, "scene_id": SCENE, "bucket": other.bucket})["status"] == "success"
    assert other.get_json(import_marker(SCENE, JOB))["status"] == "completed"
    assert not env.exists(import_marker(SCENE, JOB))  # PRIMARY_BUCKET untouched
    assert env.cloud_run.runs_of("genie-sim-import-job")[0].env["BUCKET"] == other.bucket


def test_a_second_delivery_is_skipped_with_the_original_reason(env: WorkflowEnv) -> None:
    _imported(env, {"job_id": JOB, "scene_id": SCENE})
    again = _imported(env, {"job_id": JOB, "scene_id": SCENE})
    assert again == {
        "status": "skipped",
        "job_id": JOB,
        "scene_id": SCENE,
        "reason": "Idempotency marker indicates import already completed.",
    }
    assert len(env.cloud_run.runs_of("genie-sim-import-job")) == 1


def test_an_import_in_flight_is_not_started_again_but_a_stale_one_is_taken_over(env: WorkflowEnv) -> None:
    claim = {"scene_id": SCENE, "job_id": JOB, "status": "importing", "timestamp": "x"}
    now = env.clock.now()
    env.put_json(import_marker(SCENE, JOB), claim | {"claimed_at": _rfc3339(now - 60)})
    skipped = _imported(env, {"job_id": JOB, "scene_id": SCENE})
    assert skipped["reason"] == "Import of this job is already in flight."
    assert env.cloud_run.runs_of("genie-sim-import-job") == []
    # Older than GENIESIM_IMPORT_WAIT_SECONDS (7200 s): its owner died; taken over once.
    env.put_json(import_marker(SCENE, JOB), claim | {"claimed_at": _rfc3339(now - 7201)})
    assert _imported(env, {"job_id": JOB, "scene_id": SCENE})["status"] == "success"
    _assert_imported_once(env)


def test_a_claim_queued_by_the_export_or_poller_is_taken_by_the_import(env: WorkflowEnv) -> None:
    env.put_json(
        import_marker(SCENE, JOB),
        {"scene_id": SCENE, "job_id": JOB, "status": "queued", "claimed_at": _rfc3339(env.clock.now())},
    )
    assert _imported(env, {"job_id": JOB, "scene_id": SCENE})["status"] == "success"
    _assert_imported_once(env)


def test_a_passing_report_passes_the_quality_gate(env: WorkflowEnv) -> None:
    # The original's success path fell into its "failed to read" raise (section 10, defect 4).
    assert _imported(env, {"job_id": JOB, "scene_id": SCENE})["status"] == "success"


def test_a_failing_report_stops_the_import_and_marks_it(env: WorkflowEnv) -> None:
    report = f"scenes/{SCENE}/episode-generation-job/quality_gate_report.json"
    env.put_json(report, {"summary": {"can_proceed": True, "blocking_failures": 2}})
    outcome = env.run(IMPORT, {"job_id": JOB, "scene_id": SCENE})
    assert outcome.state == "FAILED"
    assert f"Quality gate failed; report: gs://{env.bucket}/{report}" in str(outcome.error)
    failed = env.get_json(f"scenes/{SCENE}/geniesim/.failed")
    assert failed["error"]["code"] == "quality_gate_failed"
    assert env.get_json(import_marker(SCENE, JOB))["status"] == "failed"
    assert env.cloud_run.runs_of("genie-sim-import-job") == []


@pytest.mark.parametrize(
    ("certificate", "passes"),
    [
        ({"validation_passed": True, "recommended_use": "production"}, True),
        ({"validation_passed": True, "recommended_use": "testing"}, False),
    ],
)
def test_without_a_report_the_quality_certificate_decides(
    env: WorkflowEnv, certificate: dict[str, Any], passes: bool
) -> None:
    env.delete(f"scenes/{SCENE}/episode-generation-job/quality_gate_report.json")
    env.put_json(f"scenes/{SCENE}/episodes/robot_a/run_1/quality_certificate.json", certificate)
    outcome = env.run(IMPORT, {"job_id": JOB, "scene_id": SCENE})
    assert (outcome.state == "SUCCEEDED") is passes


def test_a_failed_import_job_counts_in_the_breaker_and_fails_the_claim(env: WorkflowEnv) -> None:
    env.cloud_run.fail("genie-sim-import-job")
    outcome = env.run(IMPORT, {"job_id": JOB, "scene_id": SCENE})
    assert outcome.state == "FAILED" and f"Import failed for job {JOB}" in str(outcome.error)
    breaker = env.get_json(f"scenes/{SCENE}/geniesim/.circuit_breaker.json")
    assert (breaker["failure_count"], breaker["status"], breaker["last_failure_reason"]) == (
        1,
        "open",
        "geniesim_import_failed",
    )
    assert env.get_json(import_marker(SCENE, JOB))["status"] == "failed"
    assert not env.exists(f"scenes/{SCENE}/geniesim/.geniesim_import_complete")
    # A retry (a new event for the job) takes the failed claim over and succeeds.
    assert _imported(env, {"job_id": JOB, "scene_id": SCENE})["status"] == "success"
    assert env.get_json(f"scenes/{SCENE}/geniesim/.circuit_breaker.json")["status"] == "closed"


def test_an_import_job_that_cannot_start_writes_failed_and_keeps_the_episodes(env: WorkflowEnv) -> None:
    env.cloud_run.raise_on_start("genie-sim-import-job", 400, "bad request")
    outcome = env.run(IMPORT, {"job_id": JOB, "scene_id": SCENE})
    assert outcome.state == "FAILED"
    assert env.get_json(f"scenes/{SCENE}/geniesim/.failed")["error"]["code"] == "geniesim_import_start_failed"
    assert env.exists(
        f"scenes/{SCENE}/episodes/geniesim_{JOB}/import_manifest.json"
    )  # no destructive cleanup


def test_a_manifest_without_the_counts_fails_clearly(env: WorkflowEnv) -> None:
    env.put_json(f"scenes/{SCENE}/episodes/geniesim_{JOB}/import_manifest.json", {"episodes": {}})
    outcome = env.run(IMPORT, {"job_id": JOB, "scene_id": SCENE})
    assert outcome.state == "FAILED"
    assert "lacks episodes.downloaded, episodes.passed_validation or quality.average_score" in str(
        outcome.error
    )
    assert env.get_json(import_marker(SCENE, JOB))["status"] == "failed"


def test_an_open_breaker_stops_the_import_early(env: WorkflowEnv) -> None:
    env.put_json(
        f"scenes/{SCENE}/geniesim/.circuit_breaker.json",
        {
            "scene_id": SCENE,
            "failure_count": 3,
            "status": "open",
            "last_failure_at": _rfc3339(env.clock.now()),
        },
    )
    outcome = env.run(IMPORT, {"job_id": JOB, "scene_id": SCENE})
    assert outcome.result == f"Circuit breaker open for scene {SCENE}. Skipping Genie Sim import."
    assert env.cloud_run.runs_of("genie-sim-import-job") == []
    assert not env.exists(import_marker(SCENE, JOB))


BAD = {
    "no scene id": ({"job_id": JOB}, "needs scene_id"),
    "job id with a slash": ({"job_id": "a/b", "scene_id": SCENE}, "job_id must be"),
    "scene id with ..": ({"job_id": JOB, "scene_id": ".."}, "Invalid scene id"),
    "not a map": (["job"], "expects a JSON object"),
    "bad metadata path": ({"job_id": JOB, "job_metadata_path": "job.json"}, "job_metadata_path must be"),
}


@pytest.mark.parametrize(("payload", "message"), BAD.values(), ids=BAD.keys())
def test_bad_payloads_fail_clearly_and_write_nothing(env: WorkflowEnv, payload: Any, message: str) -> None:
    before = env.list()
    outcome = env.run(IMPORT, payload)
    assert outcome.state == "FAILED" and message in str(outcome.error)
    assert env.list() == before


@pytest.mark.parametrize(
    ("job_json", "message"),
    [
        ("not json", "is not valid JSON"),
        ([1, 2], "must be a JSON object"),
        ({"job_id": "other_job", "status": "completed"}, "describes job other_job"),
    ],
)
def test_a_bad_job_json_fails_clearly_and_writes_nothing(
    env: WorkflowEnv, job_json: Any, message: str
) -> None:
    name = f"scenes/{SCENE}/geniesim/job.json"
    env.put_text(name, job_json) if isinstance(job_json, str) else env.put_json(name, job_json)
    before = env.list()
    outcome = env.run(IMPORT, {"job_id": JOB, "scene_id": SCENE})
    assert outcome.state == "FAILED" and message in str(outcome.error)
    assert env.list() == before


def test_a_job_that_is_not_completed_is_skipped(env: WorkflowEnv) -> None:
    result = _imported(env, {"job_id": JOB, "scene_id": SCENE, "status": "running"})
    assert result == {"status": "skipped", "job_id": JOB, "reason": "Job status is running"}
    assert not env.exists(import_marker(SCENE, JOB))


def _rfc3339(epoch: float) -> str:
    from workflow_runtime.connectors.names import rfc3339

    return rfc3339(epoch)
