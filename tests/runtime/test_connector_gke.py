"""gke.* (the Kubernetes API connector) against the fake GKE cluster, on the virtual clock."""

from __future__ import annotations

import copy

import pytest

from workflow_runtime.connectors import lookup_connector
from workflow_runtime.errors import WorkflowError
from workflow_runtime.fakes import FakeGke, Services
from workflow_runtime.testing import connector_context

CLUSTER = {"cluster_id": "gpu-cluster", "project": "p", "location": "us-central1-a"}
JOB = {
    "apiVersion": "batch/v1",
    "kind": "Job",
    "metadata": {"name": "episode-gen-s1"},
    "spec": {
        "backoffLimit": 2,
        "template": {
            "spec": {
                "containers": [{"name": "gen", "image": "us-docker.pkg.dev/p/jobs/episode-gen:latest"}],
                "restartPolicy": "Never",
            }
        },
    },
}


@pytest.fixture
def ctx():
    context = connector_context(Services(gke=FakeGke()))
    context.services.gke.add_cluster("gpu-cluster", "us-central1-a", "p", namespaces=("blueprint",))
    return context


@pytest.fixture
def cluster(ctx):
    return ctx.services.gke.cluster("gpu-cluster")


def call(ctx, name: str, **args):
    return lookup_connector(name).impl(ctx, {**CLUSTER, **args})


def fail(ctx, name: str, **args) -> dict:
    with pytest.raises(WorkflowError) as info:
        call(ctx, name, **args)
    return info.value.value


def job(name: str = "episode-gen-s1", **spec) -> dict:
    manifest = copy.deepcopy(JOB)
    manifest["metadata"]["name"] = name
    manifest["spec"].update(spec)
    return manifest


# ---- create_job ---------------------------------------------------------------------------
def test_create_job_returns_the_stored_job_and_records_the_manifest_as_sent(ctx):
    manifest = job()
    manifest["spec"]["template"]["spec"].update(
        nodeSelector={"cloud.google.com/gke-accelerator": "nvidia-tesla-t4"},
        tolerations=[{"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}],
        volumes=[{"name": "dshm", "emptyDir": {"medium": "Memory", "sizeLimit": "16Gi"}}],
    )
    created = call(ctx, "gke.create_job", job=manifest, namespace="blueprint")
    assert created["metadata"]["namespace"] == "blueprint"
    assert created["metadata"]["name"] == "episode-gen-s1"
    assert created["metadata"]["labels"]["job-name"] == "episode-gen-s1"
    assert created["spec"]["backoffLimit"] == 2
    assert created["spec"]["completions"] == 1
    assert created["status"] == {}
    assert ctx.services.gke.created_jobs() == [manifest]
    [request] = ctx.services.gke.requests
    assert (request.method, request.path, request.code) == (
        "POST",
        "/apis/batch/v1/namespaces/blueprint/jobs",
        201,
    )
    assert ctx.steps.counts.internal == 0


def test_namespace_defaults_to_default(ctx):
    assert call(ctx, "gke.create_job", job=job())["metadata"]["namespace"] == "default"


def test_backoff_limit_defaults_to_six(ctx):
    manifest = job()
    del manifest["spec"]["backoffLimit"]
    assert call(ctx, "gke.create_job", job=manifest)["spec"]["backoffLimit"] == 6


def test_duplicate_job_name_is_409_already_exists_and_not_retried(ctx):
    call(ctx, "gke.create_job", job=job())
    error = fail(ctx, "gke.create_job", job=job())
    assert (error["tags"], error["code"]) == (["HttpError"], 409)
    assert error["body"]["reason"] == "AlreadyExists"
    assert error["body"]["message"] == 'jobs.batch "episode-gen-s1" already exists'
    assert ctx.steps.counts.internal == 0
    assert [r.code for r in ctx.services.gke.requests] == [201, 409]
    assert len(ctx.services.gke.created_jobs()) == 1


def test_same_name_in_another_namespace_is_another_job(ctx):
    call(ctx, "gke.create_job", job=job())
    call(ctx, "gke.create_job", job=job(), namespace="blueprint")
    assert sorted(ctx.services.gke.cluster("gpu-cluster").jobs) == [
        ("blueprint", "episode-gen-s1"),
        ("default", "episode-gen-s1"),
    ]


@pytest.mark.parametrize(
    "changes",
    [{"cluster_id": "other-cluster"}, {"location": "us-east1-b"}, {"project": "other-project"}],
)
def test_unknown_cluster_is_404(ctx, changes):
    error = fail(ctx, "gke.create_job", job=job(), **changes)
    assert (error["tags"], error["code"]) == (["HttpError"], 404)
    assert ctx.services.gke.requests == []


def test_unknown_namespace_is_404(ctx):
    error = fail(ctx, "gke.create_job", job=job(), namespace="missing")
    assert error["code"] == 404
    assert error["body"]["message"] == 'namespaces "missing" not found'


def test_permission_failure_is_403_and_recorded(ctx, cluster):
    cluster.permission_denied = True
    error = fail(ctx, "gke.create_job", job=job())
    assert (error["code"], error["body"]["reason"]) == (403, "Forbidden")
    assert [r.code for r in ctx.services.gke.requests] == [403]
    assert cluster.jobs == {}


@pytest.mark.parametrize("status", ["DEGRADED", "ERROR", "RECONCILING", "PROVISIONING"])
@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("gke.create_job", {"job": JOB}),
        ("gke.await_job", {"job_name": "x"}),
        ("gke.delete_job", {"job_name": "x"}),
        ("gke.request", {"method": "GET", "path": "/api/v1/nodes"}),
    ],
)
def test_a_cluster_not_running_is_a_value_error(ctx, cluster, status, name, args):
    cluster.set_status(status, "nodes unhealthy")
    error = fail(ctx, name, **args)
    assert error["tags"] == ["ValueError"]
    assert f"status: {status}" in error["message"]
    assert ctx.services.gke.requests == []


def _without_restart_policy() -> dict:
    manifest = job()
    del manifest["spec"]["template"]["spec"]["restartPolicy"]
    return manifest


@pytest.mark.parametrize(
    ("manifest", "code", "fragment"),
    [
        (_without_restart_policy(), 422, 'Unsupported value: "Always"'),
        (job(template={"spec": {"containers": [], "restartPolicy": "Never"}}), 422, "containers: Required"),
        (job(name="Episode_Gen"), 422, "metadata.name: Invalid value"),
        (job(name="x" * 64), 422, "metadata.name: Invalid value"),
        ({**job(), "metadata": {}}, 422, "name or generateName is required"),
        (job(backoffLimit=-1), 422, "spec.backoffLimit"),
        (job(activeDeadlineSeconds=0), 422, "spec.activeDeadlineSeconds"),
        ({**job(), "kind": "Pod"}, 400, "does not match the expected kind"),
        ({**job(), "metadata": {"name": "a", "namespace": "blueprint"}}, 400, "namespace of the provided"),
    ],
)
def test_invalid_job_manifests_are_refused_like_the_api_server(ctx, manifest, code, fragment):
    error = fail(ctx, "gke.create_job", job=manifest)
    assert error["code"] == code
    assert fragment in error["body"]["message"]
    assert ctx.services.gke.cluster("gpu-cluster").jobs == {}


def test_a_503_on_create_is_retried_by_the_non_idempotent_policy(ctx, cluster):
    cluster.failures.fail_next(503, when="POST *")
    created = call(ctx, "gke.create_job", job=job())
    assert created["metadata"]["name"] == "episode-gen-s1"
    assert ctx.steps.counts.internal == 1
    assert [r.code for r in ctx.services.gke.requests] == [503, 201]


def test_a_502_on_create_is_not_retried(ctx, cluster):
    cluster.failures.fail_next(502, when="POST *")
    assert fail(ctx, "gke.create_job", job=job())["code"] == 502
    assert ctx.steps.counts.internal == 0


@pytest.mark.parametrize(
    ("args", "tag", "fragment"),
    [
        ({"job": JOB, "timeout": 1801}, "ValueError", "exceeds the maximum of 1800"),
        ({"job": JOB, "timeout": 0}, "ValueError", "timeout must be a positive number"),
        (
            {"job": JOB, "connector_params": {"timeout": 10}},
            "ValueError",
            "unknown argument(s) connector_params",
        ),
        ({"job": JOB, "jobs": JOB}, "ValueError", "unknown argument(s) jobs"),
        ({"job": "episode"}, "TypeError", "job must be a map"),
        ({"job": JOB, "query": {"dryRun": ["All"]}}, "TypeError", "query.dryRun must be a string"),
        ({"job": JOB, "namespace": "a/b"}, "ValueError", "not a Kubernetes object name"),
        ({}, "ValueError", "missing required argument(s) job"),
    ],
)
def test_bad_arguments_are_rejected_before_any_request(ctx, args, tag, fragment):
    error = fail(ctx, "gke.create_job", **args)
    assert error["tags"] == [tag]
    assert fragment in error["message"]
    assert ctx.services.gke.requests == []


def test_dry_run_creates_nothing(ctx, cluster):
    created = call(ctx, "gke.create_job", job=job(), query={"dryRun": "All"})
    assert created["metadata"]["name"] == "episode-gen-s1"
    assert cluster.jobs == {}


# ---- await_job ----------------------------------------------------------------------------
def test_await_job_polls_with_the_connector_backoff_until_complete(ctx, cluster):
    cluster.succeed("episode-gen-s1", duration=10)
    start = ctx.clock.now()
    call(ctx, "gke.create_job", job=job())
    done = call(ctx, "gke.await_job", job_name="episode-gen-s1")
    # A first check at once, then polls at 1, 2.25, 3.8125, 5.765625, 8.20703125 and
    # 11.2587890625 s: the sixth poll sees the Job complete.
    assert ctx.steps.counts.internal == 6
    assert ctx.clock.now() - start == pytest.approx(11.2587890625)
    status = done["status"]
    assert status["conditions"] == [
        {
            "type": "Complete",
            "status": "True",
            "lastProbeTime": "2025-01-01T00:00:10Z",
            "lastTransitionTime": "2025-01-01T00:00:10Z",
        }
    ]
    assert (status["succeeded"], status["ready"], status["startTime"]) == (1, 0, "2025-01-01T00:00:00Z")
    assert status["completionTime"] == "2025-01-01T00:00:10Z"
    assert "failed" not in status and "active" not in status


def test_await_job_honours_polling_policy(ctx, cluster):
    cluster.succeed("episode-gen-s1", duration=100)
    call(ctx, "gke.create_job", job=job())
    start = ctx.clock.now()
    call(
        ctx,
        "gke.await_job",
        job_name="episode-gen-s1",
        polling_policy={"initial_delay": 30, "multiplier": 2, "max_delay": 45},
    )
    # Polls at 30, 75, 120 s.
    assert ctx.steps.counts.internal == 3
    assert ctx.clock.now() - start == pytest.approx(120)


def test_await_job_of_a_job_already_finished_returns_without_polling(ctx, cluster):
    cluster.succeed("episode-gen-s1", duration=5)
    call(ctx, "gke.create_job", job=job())
    ctx.clock.advance(60)
    assert call(ctx, "gke.await_job", job_name="episode-gen-s1")["status"]["succeeded"] == 1
    assert ctx.steps.counts.internal == 0


def test_failed_job_raises_failed_job_error_with_the_job(ctx, cluster):
    cluster.fail("episode-gen-s1", duration=5)
    call(ctx, "gke.create_job", job=job())  # backoffLimit 2
    error = fail(ctx, "gke.await_job", job_name="episode-gen-s1", polling_policy={"initial_delay": 5})
    assert error["tags"] == ["FailedJobError"]
    assert error["message"] == "Kubernetes job failed"
    status = error["job"]["status"]
    # Pods 0-5 s, 15-20 s (10 s back-off), 40-45 s (20 s back-off): three failures > 2.
    assert status["failed"] == 3
    [condition] = status["conditions"]
    assert (condition["type"], condition["reason"]) == ("Failed", "BackoffLimitExceeded")
    assert condition["lastTransitionTime"] == "2025-01-01T00:00:45Z"
    assert "completionTime" not in status


def test_pod_failures_within_the_backoff_limit_still_complete(ctx, cluster):
    cluster.succeed("episode-gen-s1", duration=5, pod_failures=2)
    call(ctx, "gke.create_job", job=job())
    status = call(ctx, "gke.await_job", job_name="episode-gen-s1")["status"]
    assert (status["failed"], status["succeeded"]) == (2, 1)
    assert status["completionTime"] == "2025-01-01T00:00:45Z"


def test_active_deadline_exceeded_fails_the_job(ctx, cluster):
    cluster.succeed("episode-gen-s1", duration=600)
    call(ctx, "gke.create_job", job=job(activeDeadlineSeconds=120))
    error = fail(ctx, "gke.await_job", job_name="episode-gen-s1")
    [condition] = error["job"]["status"]["conditions"]
    assert (condition["reason"], condition["lastTransitionTime"]) == (
        "DeadlineExceeded",
        "2025-01-01T00:02:00Z",
    )
    assert error["job"]["status"]["failed"] == 1


def test_await_job_times_out_at_its_timeout(ctx, cluster):
    cluster.succeed("episode-gen-s1", duration=600)
    call(ctx, "gke.create_job", job=job())
    start = ctx.clock.now()
    error = fail(ctx, "gke.await_job", job_name="episode-gen-s1", timeout=90)
    assert error["tags"] == ["TimeoutError"]
    assert ctx.clock.now() - start == pytest.approx(90)


def test_await_job_timeout_may_exceed_1800_but_not_a_year(ctx):
    error = fail(ctx, "gke.await_job", job_name="x", timeout=31_536_001)
    assert error["tags"] == ["ValueError"]


def test_await_job_of_a_missing_job_is_404(ctx):
    error = fail(ctx, "gke.await_job", job_name="never-created")
    assert (error["code"], error["body"]["message"]) == (404, 'jobs.batch "never-created" not found')


def test_await_job_polls_retry_a_503(ctx, cluster):
    cluster.succeed("episode-gen-s1", duration=1)
    call(ctx, "gke.create_job", job=job())
    cluster.failures.fail_next(503, when="GET *")
    done = call(ctx, "gke.await_job", job_name="episode-gen-s1")
    assert done["status"]["succeeded"] == 1
    # The first check fails, is retried 1 s later and sees the Job complete.
    assert ctx.steps.counts.internal == 1


# ---- delete_job ---------------------------------------------------------------------------
def test_delete_job_returns_the_deleted_job_and_removes_it(ctx, cluster):
    cluster.succeed("episode-gen-s1", duration=30)
    call(ctx, "gke.create_job", job=job())
    ctx.clock.advance(10)
    deleted = call(
        ctx, "gke.delete_job", job_name="episode-gen-s1", query={"propagationPolicy": "Foreground"}
    )
    assert deleted["metadata"]["deletionTimestamp"] == "2025-01-01T00:00:10Z"
    assert deleted["metadata"]["finalizers"] == ["foregroundDeletion"]
    assert deleted["status"]["active"] == 1
    assert cluster.jobs == {}
    assert ctx.services.gke.requests[-1].query == {"propagationPolicy": "Foreground"}
    assert fail(ctx, "gke.delete_job", job_name="episode-gen-s1")["code"] == 404


def test_a_deleted_job_name_can_be_created_again(ctx):
    call(ctx, "gke.create_job", job=job())
    call(ctx, "gke.delete_job", job_name="episode-gen-s1")
    assert call(ctx, "gke.create_job", job=job())["metadata"]["name"] == "episode-gen-s1"


def test_delete_job_refuses_an_unknown_propagation_policy(ctx, cluster):
    call(ctx, "gke.create_job", job=job())
    error = fail(ctx, "gke.delete_job", job_name="episode-gen-s1", query={"propagationPolicy": "Cascade"})
    assert error["code"] == 400
    assert ("default", "episode-gen-s1") in cluster.jobs


# ---- request ------------------------------------------------------------------------------
def test_request_returns_code_headers_and_body(ctx):
    call(ctx, "gke.create_job", job=job())
    response = call(ctx, "gke.request", method="GET", path="/apis/batch/v1/namespaces/default/jobs")
    assert response["code"] == 200
    assert response["headers"] == {"Content-Type": "application/json"}
    assert response["body"]["kind"] == "JobList"
    assert [item["metadata"]["name"] for item in response["body"]["items"]] == ["episode-gen-s1"]


def test_request_can_create_a_job_with_post(ctx):
    response = call(
        ctx, "gke.request", method="post", path="/apis/batch/v1/namespaces/blueprint/jobs", body=job()
    )
    assert response["code"] == 201
    assert ctx.services.gke.created_jobs("gpu-cluster") == [job()]


def test_request_head_has_no_body(ctx):
    call(ctx, "gke.create_job", job=job())
    response = call(
        ctx, "gke.request", method="HEAD", path="/apis/batch/v1/namespaces/default/jobs/episode-gen-s1"
    )
    assert (response["code"], response["body"]) == (200, None)


def test_request_lists_nodes_by_label_selector(ctx, cluster):
    cluster.add_node(
        "gpu-1", {"cloud.google.com/gke-accelerator": "nvidia-tesla-t4"}, {"nvidia.com/gpu": "1"}
    )
    cluster.add_node("cpu-1", {"cloud.google.com/gke-nodepool": "default"})
    response = call(
        ctx,
        "gke.request",
        method="GET",
        path="/api/v1/nodes",
        query={"labelSelector": "cloud.google.com/gke-accelerator=nvidia-tesla-t4"},
    )
    [node] = response["body"]["items"]
    assert node["metadata"]["name"] == "gpu-1"
    assert node["status"]["capacity"] == {"nvidia.com/gpu": "1"}


@pytest.mark.parametrize(
    ("method", "path", "code"),
    [
        ("GET", "/apis/apps/v1/namespaces/default/deployments", 404),
        ("PUT", "/apis/batch/v1/namespaces/default/jobs", 405),
        ("PATCH", "/api/v1/nodes", 405),
    ],
)
def test_request_to_what_the_fake_does_not_serve(ctx, method, path, code):
    error = fail(ctx, "gke.request", method=method, path=path)
    assert (error["tags"], error["code"]) == (["HttpError"], code)


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        ({"method": "FETCH", "path": "/api/v1/nodes"}, "not one of GET, HEAD"),
        ({"method": "GET", "path": "api/v1/nodes"}, "must start with '/'"),
        ({"path": "/api/v1/nodes"}, "missing required argument(s) method"),
        ({"method": "GET", "path": "/api/v1/nodes", "headers": {"X": {"a": 1}}}, "headers.X"),
    ],
)
def test_request_bad_arguments(ctx, args, fragment):
    assert fragment in fail(ctx, "gke.request", **args)["message"]


def test_without_project_and_location_outside_a_workflow_the_error_says_what_to_give(ctx):
    with pytest.raises(WorkflowError) as info:
        lookup_connector("gke.create_job").impl(ctx, {"cluster_id": "gpu-cluster", "job": JOB})
    assert info.value.value["tags"] == ["ValueError"]
    assert "give project and location" in info.value.value["message"]


def test_requests_record_the_cluster_and_time(ctx):
    ctx.clock.advance(42)
    call(ctx, "gke.create_job", job=job())
    [request] = ctx.services.gke.requests
    assert (request.project, request.location, request.cluster_id) == ("p", "us-central1-a", "gpu-cluster")
    assert request.time == ctx.clock.now()
