"""The shared subworkflows of workflows/lib, each run on its own on the runtime against the
Cloud Storage emulator: scene id validation, region routing, running a Cloud Run job with
its bp_metric entries, markers, the paging rollback, and locks with expiry."""

from __future__ import annotations

from pathlib import Path

import pytest

from components.catalog import WorkflowSpec
from components.env import trigger_markers
from tools.pipeline_world import CATALOG, Pipeline, messages, metrics
from workflow_runtime.connectors.errors import api_error
from workflow_runtime.fakes.cloud_run import JobOutcome

PS_ENV = {"PRIMARY_WORKFLOW_REGION": "us-central1", "SECONDARY_WORKFLOW_REGION": "us-east1"}


# --- trigger parsing ------------------------------------------------------------------------

GCS = [(spec, marker) for spec in CATALOG.by_trigger("gcs") for marker in spec.trigger.markers]


@pytest.mark.parametrize(("spec", "marker"), GCS, ids=[f"{s.name}:{m}" for s, m in GCS])
def test_every_marker_parses_from_every_payload_shape(
    pipeline: Pipeline, tmp_path: Path, spec: WorkflowSpec, marker: str
) -> None:
    name = marker.replace("*", "scene_007")
    data = {"bucket": "data-bucket", "name": name}
    shapes = [
        pipeline.env.cloud_event("google.cloud.storage.object.v1.finalized", data, event_id="evt-1"),
        {"data": data},
        {
            "bucket": "data-bucket",
            "object": name,
            "scene_id": "scene_007",
            "marker": marker,
            "event_id": "evt-1",
            "data": data,
        },
    ]
    env = {"TRIGGER_MARKERS": trigger_markers(spec)}
    for shape in shapes:
        result = pipeline.call_lib(tmp_path, "parse_gcs_trigger", env=env, event=shape).result
        assert result == {
            "matched": True,
            "bucket": "data-bucket",
            "object": name,
            "scene_id": "scene_007",
            "marker": marker,
            "event_id": None if shape is shapes[1] else "evt-1",
        }


def test_a_manual_payload_without_bucket_uses_the_primary_bucket(pipeline: Pipeline, tmp_path: Path) -> None:
    spec = CATALOG.workflows["objects-pipeline"]
    env = {"TRIGGER_MARKERS": trigger_markers(spec), "PRIMARY_BUCKET": "primary"}
    event = {"data": {"name": "scenes/s1/layout/scene_layout.json"}}
    result = pipeline.call_lib(tmp_path, "parse_gcs_trigger", env=env, event=event).result
    assert (result["bucket"], result["scene_id"]) == ("primary", "s1")


# --- scene ids ------------------------------------------------------------------------------


@pytest.mark.parametrize("scene_id", ["scene_001", "a", "s" * 128, "scene-1.v2", "ünïcode"])
def test_valid_scene_ids_pass(pipeline: Pipeline, tmp_path: Path, scene_id: str) -> None:
    result = pipeline.call_lib(tmp_path, "check_scene_id", scene_id=scene_id, source="payload field scene_id")
    assert result.state == "SUCCEEDED", result.error
    assert result.result == scene_id


@pytest.mark.parametrize(
    ("scene_id", "why"),
    [
        ("", "1 to 128 characters"),
        ("s" * 129, "1 to 128 characters"),
        ("a/b", "without /"),
        ("..", "without /, .."),
        ("a..b", "without /, .."),
        ("a\nb", "control characters"),
        ("a\x00b", "control characters"),
        ("a\x7fb", "control characters"),
        (7, "expected a string, got integer"),
        (None, "expected a string, got null"),
    ],
)
def test_invalid_scene_ids_raise_naming_the_source(
    pipeline: Pipeline, tmp_path: Path, scene_id: object, why: str
) -> None:
    result = pipeline.call_lib(tmp_path, "check_scene_id", scene_id=scene_id, source="object gs://b/o")
    assert result.state == "FAILED"
    assert result.error["code"] == "invalid_scene_id"
    assert "object gs://b/o" in result.error["message"] and why in result.error["message"]


def test_a_marker_with_a_bad_scene_id_fails_before_anything_is_written(pipeline: Pipeline) -> None:
    event = pipeline.marker("scenes/../layout/scene_layout.json", {"objects": []})
    result = pipeline.run("objects-pipeline", event)
    assert result.state == "FAILED"
    assert result.error["code"] == "invalid_scene_id"
    assert f"gs://{pipeline.bucket}/scenes/../layout/scene_layout.json" in result.error["message"]
    assert pipeline.objects() == ["scenes/../layout/scene_layout.json"]
    assert pipeline.cloud_run.runs == []


# --- region routing -------------------------------------------------------------------------


def test_legacy_routing_uses_workflow_region_without_a_check(pipeline: Pipeline, tmp_path: Path) -> None:
    result = pipeline.call_lib(
        tmp_path, "select_region", env={"WORKFLOW_REGION": "europe-west1"}, job="scale-job"
    )
    assert result.result == "europe-west1"
    assert result.steps.internal == 5  # call, read_regions, legacy (+ return), done
    legacy_default = pipeline.call_lib(tmp_path, "select_region", job="scale-job")
    assert legacy_default.result == "us-central1"


def test_primary_region_is_chosen_when_healthy(pipeline: Pipeline, tmp_path: Path) -> None:
    result = pipeline.call_lib(tmp_path, "select_region", env=PS_ENV, job="objects-job")
    assert result.result == "us-central1"
    assert messages(result, "INFO") == ["Routing job objects-job to region us-central1"]
    assert messages(result, "WARNING") == []


@pytest.mark.parametrize("code", [503, 404, 403])
def test_primary_down_fails_over_to_secondary_with_a_warning(
    pipeline: Pipeline, tmp_path: Path, code: int
) -> None:
    pipeline.cloud_run.set_region_down("us-central1", code=code)
    result = pipeline.call_lib(tmp_path, "select_region", env=PS_ENV, job="objects-job")
    assert result.result == "us-east1"
    (warning,) = messages(result, "WARNING")
    assert warning.startswith("Primary region us-central1 job objects-job unavailable: ")
    assert messages(result, "INFO") == ["Routing job objects-job to region us-east1"]


def test_both_regions_down_is_a_clear_failure(pipeline: Pipeline, tmp_path: Path) -> None:
    pipeline.cloud_run.set_region_down("us-central1", code=503)
    pipeline.cloud_run.set_region_down("us-east1", code=404)
    result = pipeline.call_lib(tmp_path, "select_region", env=PS_ENV, job="objects-job")
    assert result.state == "FAILED"
    assert result.error["code"] == "no_healthy_region"
    assert result.error["message"].startswith(
        "No healthy region for Cloud Run job objects-job: us-central1 ("
    )
    assert "; us-east1 (" in result.error["message"]
    warnings = messages(result, "WARNING")
    assert [w.split(" unavailable")[0] for w in warnings] == [
        "Primary region us-central1 job objects-job",
        "Secondary region us-east1 job objects-job",
    ]


# --- running a job --------------------------------------------------------------------------

CONTAINER = {"env": [{"name": "BUCKET", "value": "b"}, {"name": "SCENE_ID", "value": "s1"}]}


def _run_job(pipeline: Pipeline, tmp_path: Path, **overrides: object):
    args = {
        "workflow": "objects-pipeline",
        "job": "objects-job",
        "region": "us-east1",
        "scene_id": "s1",
        "container": CONTAINER,
        "timeout_seconds": 3600,
        **overrides,
    }
    return pipeline.call_lib(tmp_path, "run_job", **args)


def test_run_job_sends_env_and_timeout_where_cloud_run_reads_them(pipeline: Pipeline, tmp_path: Path) -> None:
    pipeline.cloud_run.succeed("objects-job", duration=900)
    result = _run_job(pipeline, tmp_path)
    assert result.state == "SUCCEEDED", result.error
    (run,) = pipeline.cloud_run.runs
    assert (run.job, run.region, run.project) == ("objects-job", "us-east1", "test-project")
    assert run.overrides == {"containerOverrides": [CONTAINER], "timeout": "3600s"}
    outcome = result.result
    assert outcome["status"] == "SUCCEEDED" and outcome["execution_name"] == run.name
    assert outcome["duration_seconds"] == pytest.approx(900, abs=120)


def test_run_job_logs_start_and_complete_with_the_original_fields(pipeline: Pipeline, tmp_path: Path) -> None:
    pipeline.cloud_run.succeed("objects-job", duration=1800)
    result = _run_job(pipeline, tmp_path)
    start, complete = metrics(result, "job_invocation")
    assert set(start) == {
        "bp_metric",
        "event",
        "workflow",
        "job",
        "scene_id",
        "timeout_seconds",
        "retry_max",
        "start_time",
    }
    assert (start["event"], start["workflow"], start["job"], start["scene_id"]) == (
        "start",
        "objects-pipeline",
        "objects-job",
        "s1",
    )
    assert (start["timeout_seconds"], start["retry_max"]) == (3600, 5)
    assert set(complete) == set(start) | {
        "duration_seconds",
        "timeout_usage_ratio",
        "timed_out",
        "status",
        "execution_name",
        "end_time",
    }
    assert complete["event"] == "complete" and complete["status"] == "SUCCEEDED"
    assert complete["timeout_usage_ratio"] == pytest.approx(complete["duration_seconds"] / 3600)
    assert complete["timed_out"] is False
    assert complete["execution_name"] == pipeline.cloud_run.runs[0].name
    assert complete["start_time"] == start["start_time"] and complete["end_time"] >= start["start_time"]


def test_run_job_reports_a_failed_execution_without_raising(pipeline: Pipeline, tmp_path: Path) -> None:
    pipeline.cloud_run.fail("objects-job", duration=120, message="boom")
    result = _run_job(pipeline, tmp_path)
    assert result.state == "SUCCEEDED"
    assert result.result["status"] == "FAILED"
    assert "boom" in result.result["error"]["message"]
    assert result.result["execution_name"] == pipeline.cloud_run.runs[0].name
    (_, complete) = metrics(result, "job_invocation")
    assert complete["status"] == "FAILED"
    assert len(pipeline.cloud_run.runs) == 1  # a failed execution is never relaunched


def test_a_job_that_outlives_its_timeout_is_failed_and_timed_out(pipeline: Pipeline, tmp_path: Path) -> None:
    pipeline.cloud_run.succeed("objects-job", duration=5000)  # Cloud Run stops it at 3600 s
    result = _run_job(pipeline, tmp_path)
    assert result.result["status"] == "FAILED"
    (_, complete) = metrics(result, "job_invocation")
    assert complete["timed_out"] is True and complete["timeout_usage_ratio"] >= 1


def test_the_wait_covers_jobs_longer_than_the_connector_default(pipeline: Pipeline, tmp_path: Path) -> None:
    # 6 h training: the connector's default 1800 s wait would give up after half an hour.
    pipeline.cloud_run.succeed("training-job", duration=20000)
    result = _run_job(pipeline, tmp_path, job="training-job", timeout_seconds=21600)
    assert result.result["status"] == "SUCCEEDED", result.result
    assert len(pipeline.cloud_run.runs) == 1


def test_a_wait_that_runs_out_is_a_run_failure_and_never_relaunches(
    pipeline: Pipeline, tmp_path: Path
) -> None:
    pipeline.cloud_run.succeed("objects-job", duration=3000)
    result = _run_job(pipeline, tmp_path, wait_seconds=600)
    assert result.result["status"] == "FAILED"
    assert "TimeoutError" in result.result["error"]["tags"]
    assert len(pipeline.cloud_run.runs) == 1


def _polls_fail_until(pipeline: Pipeline, until: float) -> None:
    """executions.get answers 503 before virtual time `until` (a control-plane blip)."""
    cloud_run = pipeline.cloud_run
    original = cloud_run.get_execution

    def get_execution(name: str, now: float) -> dict:
        if now < until:
            raise api_error(503, "backend unavailable")
        return original(name, now)

    cloud_run.get_execution = get_execution  # type: ignore[method-assign]


def test_failing_polls_never_relaunch_and_never_look_like_a_start_failure(
    pipeline: Pipeline, tmp_path: Path
) -> None:
    # With the connector's own wait under the launch retry, polls failing after the
    # connector's retries would have been retried as launches: a second execution.
    pipeline.cloud_run.succeed("objects-job", duration=600)
    _polls_fail_until(pipeline, pipeline.env.clock.now() + 400)
    result = _run_job(pipeline, tmp_path)
    assert result.result["status"] == "SUCCEEDED", result.result
    assert len(pipeline.cloud_run.runs) == 1


def test_polls_failing_past_the_deadline_are_a_timed_out_run(pipeline: Pipeline, tmp_path: Path) -> None:
    pipeline.cloud_run.succeed("objects-job", duration=600)
    _polls_fail_until(pipeline, pipeline.env.clock.now() + 10_000)
    result = _run_job(pipeline, tmp_path, wait_seconds=1200)
    assert result.result["status"] == "FAILED" and "TimeoutError" in result.result["error"]["tags"]
    assert len(pipeline.cloud_run.runs) == 1 and metrics(result, "job_retry_exhausted") == []


def test_launch_is_retried_on_transient_errors(pipeline: Pipeline, tmp_path: Path) -> None:
    pipeline.cloud_run.script(
        "objects-job", JobOutcome("raise", code=502), JobOutcome("raise", code=504), JobOutcome("succeed", 60)
    )
    result = _run_job(pipeline, tmp_path)
    assert result.result["status"] == "SUCCEEDED"
    assert len(pipeline.cloud_run.runs) == 1


def test_exhausted_launch_retries_log_job_retry_exhausted(pipeline: Pipeline, tmp_path: Path) -> None:
    pipeline.cloud_run.script("objects-job", *[JobOutcome("raise", code=502)] * 30)
    result = _run_job(pipeline, tmp_path)
    assert result.result["status"] == "START_FAILED"
    assert pipeline.cloud_run.runs == []
    (exhausted,) = metrics(result, "job_retry_exhausted")
    assert exhausted == {
        "bp_metric": "job_retry_exhausted",
        "workflow": "objects-pipeline",
        "job": "objects-job",
        "scene_id": "s1",
        "retry_max": 5,
        "error": result.result["message"],
    }
    assert [entry.severity for entry in result.logs if entry.payload == exhausted] == ["ERROR"]
    assert [m["event"] for m in metrics(result, "job_invocation")] == ["start"]


def test_non_retryable_launch_errors_fail_at_once(pipeline: Pipeline, tmp_path: Path) -> None:
    pipeline.cloud_run.script("objects-job", JobOutcome("raise", code=403), JobOutcome("succeed", 60))
    result = _run_job(pipeline, tmp_path)
    assert result.result["status"] == "START_FAILED"
    assert result.result["error"]["code"] == 403
    assert pipeline.cloud_run.runs == []


# --- markers and rollback -------------------------------------------------------------------


def test_failure_markers_have_the_original_shapes(pipeline: Pipeline, tmp_path: Path) -> None:
    result = pipeline.call_lib(
        tmp_path,
        "write_failure_markers",
        bucket=pipeline.bucket,
        prefix="scenes/s1/objects",
        scene_id="s1",
        job_name="objects-job",
        code="objects_job_start_failed",
        message="could not start",
        execution_id="exec-9",
        config_context={"objects_prefix": "scenes/s1/objects"},
        legacy_name=".objects_failed",
        legacy_extra={"error": "could not start"},
    )
    assert result.state == "SUCCEEDED", result.error
    failed = pipeline.env.get_json("scenes/s1/objects/.failed")
    assert failed == {
        "scene_id": "s1",
        "job_name": "objects-job",
        "status": "failed",
        "timestamp": failed["timestamp"],
        "error": {
            "code": "objects_job_start_failed",
            "message": "could not start",
            "type": "workflow_failure",
            "stack_trace": None,
        },
        "context": {
            "execution_id": "exec-9",
            "workflow_execution_id": result.execution_id,
            "attempt_number": 1,
            "config_context": {"objects_prefix": "scenes/s1/objects"},
        },
        "input_params": {"scene_id": "s1", "bucket": pipeline.bucket},
    }
    assert failed["timestamp"].endswith("Z")
    legacy = pipeline.env.get_json("scenes/s1/objects/.objects_failed")
    assert legacy == {
        "scene_id": "s1",
        "status": "failed",
        "timestamp": failed["timestamp"],
        "error": "could not start",
    }


def test_a_failed_marker_already_written_by_the_job_is_kept_unless_replacing(
    pipeline: Pipeline, tmp_path: Path
) -> None:
    pipeline.env.put_json("scenes/s1/arena/.failed", {"written_by": "job"})
    common = {
        "bucket": pipeline.bucket,
        "prefix": "scenes/s1/arena",
        "scene_id": "s1",
        "job_name": "arena-export-job",
        "code": "arena_export_failed",
        "message": "m",
    }
    pipeline.call_lib(tmp_path, "write_failure_markers", **common)
    assert pipeline.env.get_json("scenes/s1/arena/.failed") == {"written_by": "job"}
    pipeline.call_lib(tmp_path, "write_failure_markers", **common, replace=True)
    assert pipeline.env.get_json("scenes/s1/arena/.failed")["error"]["code"] == "arena_export_failed"


def test_rollback_pages_past_1000_objects_and_keeps_everything_else(
    pipeline: Pipeline, tmp_path: Path
) -> None:
    for index in range(1205):
        pipeline.env.put_text(f"scenes/s1/objects/part-{index:04d}.bin", "x")
    keep = ["scenes/s1/objects/keep.json", "scenes/s1/objects-other/a", "scenes/s1/layout/scene_layout.json"]
    for name in keep:
        pipeline.env.put_text(name, "x")
    result = pipeline.call_lib(
        tmp_path, "rollback_stage", bucket=pipeline.bucket, prefix="scenes/s1/objects", keep=keep[:1]
    )
    assert result.state == "SUCCEEDED", result.error
    assert result.result == 1205
    assert pipeline.objects() == sorted(keep)


def test_read_json_object_decodes_json_text_and_names_bad_content(pipeline: Pipeline, tmp_path: Path) -> None:
    pipeline.env.put_json("scenes/s1/config.json", {"bundle_tier": "pro"})
    pipeline.env.put_text("scenes/s1/plain.json", '{"a": 1}')
    pipeline.env.put_text("scenes/s1/bad.json", "{not json")
    read = lambda name: pipeline.call_lib(tmp_path, "read_json_object", bucket=pipeline.bucket, name=name)  # noqa: E731
    assert read("scenes/s1/config.json").result == {"bundle_tier": "pro"}
    assert read("scenes/s1/plain.json").result == {"a": 1}
    assert read("scenes/s1/missing.json").result is None
    bad = read("scenes/s1/bad.json")
    assert bad.state == "FAILED" and bad.error["code"] == "invalid_json"
    assert f"gs://{pipeline.bucket}/scenes/s1/bad.json is not valid JSON" in bad.error["message"]


# --- locks (sequential semantics; the races are in test_lib_concurrency.py) -----------------


def _acquire(pipeline: Pipeline, tmp_path: Path, ttl: int = 3600):
    return pipeline.call_lib(
        tmp_path,
        "acquire_lock",
        bucket=pipeline.bucket,
        scene_id="s1",
        lock="dwm-prep",
        workflow="dwm-preparation-pipeline",
        ttl_seconds=ttl,
    )


def test_lock_is_created_once_and_a_live_lock_is_busy(pipeline: Pipeline, tmp_path: Path) -> None:
    first = _acquire(pipeline, tmp_path)
    assert first.result["acquired"] is True
    body = pipeline.env.get_json("scenes/s1/locks/dwm-prep.lock")
    assert {k: body[k] for k in ("scene_id", "workflow", "lock", "execution_id")} == {
        "scene_id": "s1",
        "workflow": "dwm-preparation-pipeline",
        "lock": "dwm-prep",
        "execution_id": first.execution_id,
    }
    second = _acquire(pipeline, tmp_path)
    assert second.result == {
        "acquired": False,
        "name": "scenes/s1/locks/dwm-prep.lock",
        "generation": None,
        "message": "Lock already exists for scene s1 at scenes/s1/locks/dwm-prep.lock",
    }
    assert pipeline.env.get_json("scenes/s1/locks/dwm-prep.lock") == body


def test_an_expired_lock_is_taken_over_and_the_old_holder_cannot_release_it(
    pipeline: Pipeline, tmp_path: Path
) -> None:
    crashed = _acquire(pipeline, tmp_path, ttl=600).result
    pipeline.env.clock.advance(601)
    taken = _acquire(pipeline, tmp_path, ttl=600)
    assert taken.result["acquired"] is True
    assert "Took over expired lock scenes/s1/locks/dwm-prep.lock" in messages(taken, "WARNING")[0]
    # The crashed run's late release must not delete the new holder's lock.
    pipeline.call_lib(tmp_path, "release_lock", bucket=pipeline.bucket, held=crashed)
    assert pipeline.env.exists("scenes/s1/locks/dwm-prep.lock")
    pipeline.call_lib(tmp_path, "release_lock", bucket=pipeline.bucket, held=taken.result)
    assert not pipeline.env.exists("scenes/s1/locks/dwm-prep.lock")


def test_releasing_a_lock_that_was_not_acquired_deletes_nothing(pipeline: Pipeline, tmp_path: Path) -> None:
    holder = _acquire(pipeline, tmp_path).result
    busy = _acquire(pipeline, tmp_path).result
    pipeline.call_lib(tmp_path, "release_lock", bucket=pipeline.bucket, held=busy)
    assert pipeline.env.generation("scenes/s1/locks/dwm-prep.lock") == int(holder["generation"])
