"""episode-generation-pipeline on the runtime: the GPU Job on GKE through the Kubernetes API
connector (exact manifest), cluster health routing, the production monitoring gate with
paging, the staging E2E Job, the quality gate, the wait that covers the Job's deadline, and
every failure path with its markers."""

from __future__ import annotations

from typing import Any

import pytest

from tools.pipeline_world import Pipeline, env_of
from tools.scene_e2e import ALERTS, DASHBOARDS, METRICS
from workflow_runtime.fakes.k8s_jobs import JobOutcome

TRIGGER = "scenes/s1/usd/.usd_complete"
COMPLETE = "scenes/s1/episodes/.episodes_complete"
STAGING = {"BP_ENV": "staging"}


def _clusters(pipeline: Pipeline, *, gpus: bool = True) -> tuple[Any, Any]:
    gke = pipeline.env.gke
    primary = gke.add_cluster("blueprint-cluster", "us-central1-a", namespaces=("blueprint",))
    secondary = gke.add_cluster("blueprint-cluster-secondary", "us-east1-b", namespaces=("blueprint",))
    for cluster in (primary, secondary):
        capacity = {"nvidia.com/gpu": "1"} if gpus else {}
        cluster.add_node("gpu-1", {"cloud.google.com/gke-accelerator": "nvidia-tesla-t4"}, capacity)
    return primary, secondary


def _monitoring(pipeline: Pipeline, *, skip: str | None = None) -> None:
    for name in DASHBOARDS:
        if name != skip:
            pipeline.env.monitoring.add_dashboard(name)
    for name in ALERTS:
        pipeline.env.monitoring.add_alert_policy(name, enabled=name != skip)
    for name in METRICS:
        if name != skip:
            pipeline.env.logging.add_metric(name, 'resource.type="workflows.googleapis.com/Workflow"')


def _episode_jobs(pipeline: Pipeline) -> list[dict[str, Any]]:
    return [
        job for job in pipeline.env.gke.created_jobs() if job["metadata"]["name"].startswith("episode-gen-")
    ]


def test_production_happy_path_runs_the_gpu_job_e2e_and_quality_gate(pipeline: Pipeline) -> None:
    _clusters(pipeline)
    _monitoring(pipeline)
    event = pipeline.marker(TRIGGER)
    result = pipeline.run("episode-generation-pipeline", event)  # prod: BP_ENV=production
    assert result.state == "SUCCEEDED", result.error
    assert result.result["status"] == "SUCCESS"
    (job,) = _episode_jobs(pipeline)
    name = job["metadata"]["name"]
    assert name.startswith("episode-gen-s1-") and result.result["job_name"] == name
    spec = job["spec"]
    assert (spec["backoffLimit"], spec["activeDeadlineSeconds"]) == (2, 21600)
    pod = spec["template"]["spec"]
    assert pod["serviceAccountName"] == "blueprint-pipeline-sa"
    assert pod["nodeSelector"] == {"cloud.google.com/gke-accelerator": "nvidia-tesla-t4"}
    assert pod["tolerations"] == [{"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}]
    (container,) = pod["containers"]
    assert (
        container["image"] == "us-central1-docker.pkg.dev/test-project/blueprint-jobs/episode-gen-job:latest"
    )
    assert container["resources"] == {
        "requests": {"cpu": "4", "memory": "16Gi", "nvidia.com/gpu": "1"},
        "limits": {"cpu": "8", "memory": "32Gi", "nvidia.com/gpu": "1"},
    }
    assert {e["name"]: e["value"] for e in container["env"]} == {
        "BUCKET": pipeline.bucket,
        "SCENE_ID": "s1",
        "HEADLESS": "1",
        "DATA_PACK_TIER": "core",
        "EPISODES_PER_VARIATION": "10",
        "REQUIRE_REAL_PHYSICS": "true",
        "DATA_QUALITY_LEVEL": "production",
        "ISAAC_SIM_REQUIRED": "true",
        "SENSOR_CAPTURE_MODE": "isaac_sim",
        "USE_MOCK_CAPTURE": "false",
        "ALLOW_MOCK_DATA": "false",
        "ALLOW_MOCK_CAPTURE": "false",
        "BUNDLE_TIER": "standard",
        "AUDIO_NARRATION_ENABLED": "false",
        "SUBTITLE_GENERATION_ENABLED": "false",
        "ENABLE_FIREBASE_UPLOAD": pipeline.config.env_values()["ENABLE_FIREBASE_UPLOAD"],
        "FIREBASE_STORAGE_BUCKET": pipeline.config.env_values()["FIREBASE_STORAGE_BUCKET"],
        "GOOGLE_APPLICATION_CREDENTIALS": "/secrets/gcs/key.json",
    }
    mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
    assert mounts == {
        "gcs-service-account": "/secrets/gcs",
        "firebase-service-account": "/secrets/firebase",
        "dshm": "/dev/shm",
    }
    volumes = {v["name"]: v for v in pod["volumes"]}
    assert volumes["dshm"]["emptyDir"] == {"medium": "Memory", "sizeLimit": "16Gi"}
    assert volumes["gcs-service-account"]["secret"] == {"secretName": "gcs-service-account"}
    # Only nodes, Job creates and Job reads: no stray setMasterAuth (the original POSTed one).
    calls = {(r.method, r.path.rsplit("/jobs/", 1)[0]) for r in pipeline.env.gke.requests}
    assert calls == {
        ("GET", "/api/v1/nodes"),
        ("POST", "/apis/batch/v1/namespaces/blueprint/jobs"),
        ("GET", "/apis/batch/v1/namespaces/blueprint"),
    }
    e2e = [j for j in pipeline.env.gke.created_jobs() if j["metadata"]["name"].startswith("staging-e2e-s1-")]
    assert len(e2e) == 1
    (gate,) = pipeline.cloud_run.runs
    assert (gate.job, gate.timeout, gate.region) == ("quality-gate-job", "1800s", "us-central1")
    assert env_of(gate) == {
        "BUCKET": pipeline.bucket,
        "SCENE_ID": "s1",
        "EPISODES_PREFIX": "scenes/s1/episodes",
    }
    complete = pipeline.env.get_json(COMPLETE)
    assert {k: complete[k] for k in ("scene_id", "status", "physics_validated")} == {
        "scene_id": "s1",
        "status": "completed",
        "physics_validated": True,
    }
    assert pipeline.objects() == sorted([TRIGGER, COMPLETE])


def test_staging_skips_gate_e2e_and_quality_gate_and_config_sets_the_tier(pipeline: Pipeline) -> None:
    _clusters(pipeline)
    pipeline.env.put_json(
        "scenes/s1/config.json", {"bundle_tier": "foundation", "audio_narration_enabled": True}
    )
    event = pipeline.marker(TRIGGER)
    result = pipeline.run("episode-generation-pipeline", event, **STAGING)
    assert result.result["status"] == "SUCCESS", result.error
    assert pipeline.env.monitoring.calls == [] and pipeline.cloud_run.runs == []
    (job,) = pipeline.env.gke.created_jobs()
    env = {e["name"]: e["value"] for e in job["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert (env["BUNDLE_TIER"], env["DATA_PACK_TIER"], env["EPISODES_PER_VARIATION"]) == (
        "foundation",
        "full",
        "25",
    )
    assert env["AUDIO_NARRATION_ENABLED"] == "true"


def test_the_wait_covers_the_jobs_six_hour_deadline(pipeline: Pipeline) -> None:
    # The original stopped polling after 3600 s and marked a running 6 h Job as timed out.
    primary, _ = _clusters(pipeline)
    primary.default_outcome = JobOutcome("succeed", 5 * 3600)
    event = pipeline.marker(TRIGGER)
    result = pipeline.run(
        "episode-generation-pipeline", {**event, "build_poll_timeout_seconds": 3600}, **STAGING
    )
    assert result.result["status"] == "SUCCESS", result.error
    assert result.virtual_seconds >= 5 * 3600


def test_primary_cluster_degraded_routes_to_the_secondary(pipeline: Pipeline) -> None:
    primary, _ = _clusters(pipeline)
    primary.set_status("DEGRADED", "node pool upgrade")
    event = pipeline.marker(TRIGGER)
    result = pipeline.run("episode-generation-pipeline", event, **STAGING)
    assert result.result["location"] == "us-east1-b"
    (job,) = pipeline.env.gke.created_jobs("blueprint-cluster-secondary")
    assert job["spec"]["template"]["spec"]["containers"][0]["image"].startswith("us-east1-docker.pkg.dev/")
    warnings = [e.payload for e in result.logs if e.severity == "WARNING"]
    assert warnings == [
        "Primary GKE cluster blueprint-cluster in us-central1-a unavailable: DEGRADED node pool upgrade"
    ]


def test_no_healthy_cluster_fails_clearly_and_releases_the_claim(pipeline: Pipeline) -> None:
    pipeline.env.gke.add_cluster("blueprint-cluster", "us-central1-a", status="ERROR")
    event = pipeline.marker(TRIGGER)
    result = pipeline.run("episode-generation-pipeline", event, **STAGING)
    assert result.state == "FAILED" and result.error["code"] == "no_healthy_cluster"
    assert "blueprint-cluster in us-central1-a (ERROR)" in result.error["message"]
    assert "blueprint-cluster-secondary in us-east1-b (UNREACHABLE)" in result.error["message"]
    assert pipeline.objects() == [TRIGGER]


@pytest.mark.parametrize("missing", [DASHBOARDS[1], ALERTS[0], METRICS[3]])
def test_the_production_monitoring_gate_names_what_is_missing(pipeline: Pipeline, missing: str) -> None:
    _clusters(pipeline)
    _monitoring(pipeline, skip=missing)  # an alert policy is present but disabled
    pipeline.env.monitoring.default_page_size = 1  # the gate must follow nextPageToken
    pipeline.env.logging.default_page_size = 2
    event = pipeline.marker(TRIGGER)
    result = pipeline.run("episode-generation-pipeline", event)
    assert result.state == "FAILED" and result.error["code"] == "monitoring_gate_failed"
    assert len(result.error["missing"]) == 1 and result.error["missing"][0].endswith(missing)
    assert pipeline.env.gke.created_jobs() == [] and pipeline.objects() == [TRIGGER]


def test_the_gate_passes_with_paged_listings(pipeline: Pipeline) -> None:
    _clusters(pipeline)
    _monitoring(pipeline)
    pipeline.env.monitoring.default_page_size = 1
    pipeline.env.logging.default_page_size = 2
    event = pipeline.marker(TRIGGER)
    result = pipeline.run(
        "episode-generation-pipeline", {**event, "run_staging_e2e": False, "enforce_quality_gates": False}
    )
    assert result.result["status"] == "SUCCESS", result.error
    assert len(pipeline.env.logging.calls) == 3  # 5 metrics, pages of 2


def test_a_failed_gpu_job_writes_both_markers_and_returns_failed(pipeline: Pipeline) -> None:
    primary, _ = _clusters(pipeline)
    primary.default_outcome = JobOutcome("fail", 600)
    event = pipeline.marker(TRIGGER)
    result = pipeline.run("episode-generation-pipeline", event, **STAGING)
    assert result.state == "SUCCEEDED" and result.result["status"] == "FAILED"
    failed = pipeline.env.get_json("scenes/s1/episodes/.failed")
    assert (failed["error"]["code"], failed["error"]["type"]) == (
        "episode_generation_failed",
        "workflow_failure",
    )
    assert failed["context"]["execution_id"] == result.result["job_name"]
    assert pipeline.env.get_json("scenes/s1/episodes/.episodes_failed")["status"] == "failed"
    assert not pipeline.env.exists(COMPLETE)
    assert not pipeline.env.exists("scenes/s1/locks/episode-generation.lock")


def test_a_refused_job_create_marks_start_failed_and_raises(pipeline: Pipeline) -> None:
    primary, _ = _clusters(pipeline)
    primary.failures.fail_next(403, when="POST *")
    event = pipeline.marker(TRIGGER)
    result = pipeline.run("episode-generation-pipeline", event, **STAGING)
    assert result.state == "FAILED" and result.error["code"] == 403
    assert (
        pipeline.env.get_json("scenes/s1/episodes/.failed")["error"]["code"]
        == "episode_generation_start_failed"
    )
    assert not pipeline.env.exists("scenes/s1/locks/episode-generation.lock")


def test_a_cluster_without_gpu_nodes_fails_before_creating_a_job(pipeline: Pipeline) -> None:
    _clusters(pipeline, gpus=False)
    event = pipeline.marker(TRIGGER)
    result = pipeline.run("episode-generation-pipeline", event, **STAGING)
    assert result.state == "FAILED" and result.error["code"] == "episode_generation_no_gpu_nodes"
    assert pipeline.env.gke.created_jobs() == []


def test_a_failed_quality_gate_returns_failed_with_markers(pipeline: Pipeline) -> None:
    _clusters(pipeline)
    pipeline.cloud_run.fail("quality-gate-job", message="3 blocking failures")
    event = pipeline.marker(TRIGGER)
    result = pipeline.run("episode-generation-pipeline", {**event, "enforce_quality_gates": True}, **STAGING)
    assert result.result["status"] == "FAILED"
    assert pipeline.env.get_json("scenes/s1/episodes/.failed")["error"]["code"] == "quality_gate_failed"
    assert pipeline.env.exists("scenes/s1/episodes/.episodes_failed")
    assert not pipeline.env.exists(COMPLETE)


def test_a_failed_staging_e2e_job_raises_after_the_episodes(pipeline: Pipeline) -> None:
    primary, _ = _clusters(pipeline)
    # Job names carry the run's epoch, so pick outcomes by name prefix.
    primary._next_outcome = lambda name: (  # type: ignore[method-assign]
        JobOutcome("fail", 120) if name.startswith("staging-e2e-") else JobOutcome("succeed", 600)
    )
    event = pipeline.marker(TRIGGER)
    result = pipeline.run("episode-generation-pipeline", {**event, "run_staging_e2e": True}, **STAGING)
    assert result.state == "FAILED" and result.error["code"] == "staging_e2e_failed"
    (e2e,) = [
        j for j in pipeline.env.gke.created_jobs() if j["metadata"]["name"].startswith("staging-e2e-s1-")
    ]
    container = e2e["spec"]["template"]["spec"]["containers"][0]
    assert "tests/test_pipeline_e2e_staging.py" in container["args"][0] and "SKIPPED" in container["args"][0]
    assert not pipeline.env.exists(COMPLETE)
    assert not pipeline.env.exists("scenes/s1/locks/episode-generation.lock")


def test_existing_episodes_skip_and_a_non_json_config_fails_clearly(pipeline: Pipeline) -> None:
    _clusters(pipeline)
    event = pipeline.marker(TRIGGER)
    pipeline.env.put_json(COMPLETE, {})
    skipped = pipeline.run("episode-generation-pipeline", event, **STAGING)
    assert skipped.result["message"] == "Episodes already generated for scene s1"
    pipeline.env.put_text("scenes/s1/config.json", "bundle_tier: pro")
    bad = pipeline.run("episode-generation-pipeline", event, **STAGING)
    assert bad.state == "FAILED" and bad.error["code"] == "invalid_json"
    assert f"gs://{pipeline.bucket}/scenes/s1/config.json is not valid JSON" in bad.error["message"]
    assert pipeline.env.gke.created_jobs() == []
