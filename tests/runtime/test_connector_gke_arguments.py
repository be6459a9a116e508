"""gke.* arguments: the exact error each bad argument gives, which optional arguments each
function takes, where project/location come from, and when a Job counts as finished.

Documented (cloud.google.com/workflows/docs/reference/connectors/gke/create_job,
await_job, delete_job, request): the arguments each function takes (`connector_params` is
listed by none, so it is refused); `project` and `location` default to the workflow's;
`request.method` is one of GET, HEAD, POST, PUT, DELETE, OPTIONS, PATCH; a request
`timeout` is at most 1800 s; await_job's `timeout` bounds the wait (TimeoutError). The
message wording is this runtime's own: it names the function and the argument to fix.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from workflow_runtime.connectors import lookup_connector
from workflow_runtime.connectors.gke import _finished
from workflow_runtime.errors import WorkflowError
from workflow_runtime.fakes import FakeGke, Services
from workflow_runtime.testing import connector_context

CLUSTER = {"cluster_id": "gpu-cluster", "project": "p", "location": "us-central1-a"}
JOB = {
    "apiVersion": "batch/v1",
    "kind": "Job",
    "metadata": {"name": "gen"},
    "spec": {"template": {"spec": {"containers": [{"name": "c", "image": "i"}], "restartPolicy": "Never"}}},
}
# The arguments each function needs besides the cluster.
NEEDS: dict[str, dict[str, Any]] = {
    "gke.create_job": {"job": JOB},
    "gke.await_job": {"job_name": "gen"},
    "gke.delete_job": {"job_name": "gen"},
    "gke.request": {"method": "GET", "path": "/apis/batch/v1/namespaces/default/jobs/gen"},
}
FUNCTIONS = sorted(NEEDS)


@pytest.fixture
def ctx() -> Any:
    context = connector_context(Services(gke=FakeGke()))
    context.services.gke.add_cluster("gpu-cluster", "us-central1-a", "p")
    return context


def _call(ctx: Any, function: str, **args: Any) -> Any:
    return lookup_connector(function).impl(ctx, {**CLUSTER, **NEEDS[function], **args})  # type: ignore[union-attr]


def _error(ctx: Any, function: str, **args: Any) -> tuple[list[str], str]:
    with pytest.raises(WorkflowError) as caught:
        _call(ctx, function, **args)
    return caught.value.tags, caught.value.value["message"]


@pytest.mark.parametrize("function", FUNCTIONS)
@pytest.mark.parametrize(
    ("args", "tag", "message"),
    [
        ({"cluster_id": 5}, "TypeError", "argument cluster_id must be a string, got 5"),
        ({"project": 5}, "TypeError", "argument project must be a string, got 5"),
        ({"location": 5}, "TypeError", "argument location must be a string, got 5"),
        ({"query": "x"}, "TypeError", "argument query must be a map, got 'x'"),
        ({"timeout": 0}, "ValueError", "timeout must be a positive number, got 0"),
    ],
)
def test_bad_common_arguments_name_the_function(
    ctx: Any, function: str, args: dict, tag: str, message: str
) -> None:
    assert _error(ctx, function, **args) == ([tag], f"{function}: {message}")
    assert ctx.services.gke.requests == []


@pytest.mark.parametrize("function", FUNCTIONS)
def test_connector_params_are_refused(ctx: Any, function: str) -> None:
    tags, message = _error(ctx, function, connector_params={"timeout": 10})
    assert tags == ["ValueError"]
    assert message.startswith(f"{function}: unknown argument(s) connector_params; allowed: ")


@pytest.mark.parametrize(
    ("function", "args", "tag", "message"),
    [
        (
            "gke.create_job",
            {"namespace": "a/b"},
            "ValueError",
            "argument namespace 'a/b' is not a Kubernetes object name",
        ),
        (
            "gke.await_job",
            {"namespace": "a?b"},
            "ValueError",
            "argument namespace 'a?b' is not a Kubernetes object name",
        ),
        (
            "gke.delete_job",
            {"namespace": "a#b"},
            "ValueError",
            "argument namespace 'a#b' is not a Kubernetes object name",
        ),
        ("gke.create_job", {"namespace": 5}, "TypeError", "argument namespace must be a string, got 5"),
        ("gke.await_job", {"namespace": 5}, "TypeError", "argument namespace must be a string, got 5"),
        ("gke.delete_job", {"namespace": 5}, "TypeError", "argument namespace must be a string, got 5"),
        (
            "gke.await_job",
            {"job_name": ""},
            "ValueError",
            "argument job_name '' is not a Kubernetes object name",
        ),
        (
            "gke.delete_job",
            {"job_name": ""},
            "ValueError",
            "argument job_name '' is not a Kubernetes object name",
        ),
        ("gke.await_job", {"job_name": 5}, "TypeError", "argument job_name must be a string, got 5"),
        ("gke.delete_job", {"job_name": 5}, "TypeError", "argument job_name must be a string, got 5"),
        (
            "gke.await_job",
            {"polling_policy": {"delay": 1}},
            "ValueError",
            "polling_policy must be a map with keys initial_delay, max_delay, multiplier",
        ),
        (
            "gke.request",
            {"method": ""},
            "ValueError",
            "method '' is not one of GET, HEAD, POST, PUT, DELETE, OPTIONS, PATCH",
        ),
        ("gke.request", {"method": 5}, "TypeError", "argument method must be a string, got 5"),
        ("gke.request", {"path": ""}, "ValueError", "path '' must start with '/' (e.g. /api/v1/namespaces)"),
        ("gke.request", {"path": 5}, "TypeError", "argument path must be a string, got 5"),
        ("gke.request", {"headers": "x"}, "TypeError", "argument headers must be a map, got 'x'"),
    ],
)
def test_bad_function_arguments_name_the_function(
    ctx: Any, function: str, args: dict, tag: str, message: str
) -> None:
    assert _error(ctx, function, **args) == ([tag], f"{function}: {message}")
    assert ctx.services.gke.requests == []


def test_every_documented_optional_argument_is_accepted(ctx: Any) -> None:
    created = _call(ctx, "gke.create_job", namespace="default", query={"pretty": "true"}, timeout=60)
    assert created["metadata"]["name"] == "gen"
    ctx.services.gke.cluster("gpu-cluster")
    done = _call(
        ctx,
        "gke.await_job",
        namespace="default",
        query={"pretty": "true"},
        timeout=3600,
        polling_policy={"initial_delay": 10, "multiplier": 1, "max_delay": 10},
    )
    assert done["status"]["conditions"][0]["type"] == "Complete"
    answer = _call(
        ctx, "gke.request", body=None, headers={"Accept": "application/json"}, query={}, timeout=60
    )
    assert answer["code"] == 200
    deleted = _call(
        ctx, "gke.delete_job", namespace="default", query={"propagationPolicy": "Background"}, timeout=60
    )
    assert deleted["metadata"]["name"] == "gen"


def test_await_job_sends_its_query_with_every_poll(ctx: Any) -> None:
    _call(ctx, "gke.create_job")
    _call(ctx, "gke.await_job", query={"pretty": "true"})
    polls = [r for r in ctx.services.gke.requests if r.method == "GET"]
    assert polls and all(r.query == {"pretty": "true"} for r in polls)


def test_await_job_times_out_naming_the_job_and_the_timeout_argument(ctx: Any) -> None:
    ctx.services.gke.cluster("gpu-cluster").succeed("gen", duration=100.0)
    _call(ctx, "gke.create_job")
    assert _error(ctx, "gke.await_job", timeout=5) == (
        ["TimeoutError"],
        "gke.await_job: Kubernetes job gen did not finish within 5 s (timeout argument)",
    )


@pytest.mark.parametrize("function", FUNCTIONS)
def test_a_cluster_not_running_names_the_function_and_the_cluster(ctx: Any, function: str) -> None:
    ctx.services.gke.cluster("gpu-cluster").set_status("ERROR", "nodes unhealthy")
    assert _error(ctx, function) == (
        ["ValueError"],
        f"{function}: cluster projects/p/locations/us-central1-a/clusters/gpu-cluster "
        "does not have status RUNNING (status: ERROR)",
    )


@pytest.mark.parametrize("function", FUNCTIONS)
def test_project_and_location_default_to_the_workflows(ctx: Any, function: str) -> None:
    ctx.env = {"GOOGLE_CLOUD_PROJECT_ID": "p", "GOOGLE_CLOUD_LOCATION": "us-central1-a"}
    args = {**NEEDS[function], "cluster_id": "gpu-cluster"}
    if function != "gke.create_job":
        lookup_connector("gke.create_job").impl(ctx, {**CLUSTER, "job": JOB})  # type: ignore[union-attr]
    lookup_connector(function).impl(ctx, args)  # type: ignore[union-attr]
    assert [(r.project, r.location) for r in ctx.services.gke.requests][-1] == ("p", "us-central1-a")


@pytest.mark.parametrize("function", FUNCTIONS)
def test_a_project_without_a_location_is_not_enough(ctx: Any, function: str) -> None:
    args = {**NEEDS[function], "cluster_id": "gpu-cluster", "project": "p"}
    with pytest.raises(WorkflowError) as caught:
        lookup_connector(function).impl(ctx, args)  # type: ignore[union-attr]
    assert caught.value.value == {
        "tags": ["ValueError"],
        "message": f"{function}: give project and location; the workflow's own are unknown in this context",
    }


def test_an_empty_cluster_id_reaches_the_api_as_an_invalid_cluster_name(ctx: Any) -> None:
    with pytest.raises(WorkflowError) as caught:
        _call(ctx, "gke.delete_job", cluster_id="")
    error = caught.value.value
    assert error["code"] == 400
    assert error["body"]["error"]["message"] == (
        "Invalid cluster name 'projects/p/locations/us-central1-a/clusters/'; "
        "expected projects/PROJECT/locations/LOCATION/clusters/CLUSTER"
    )


def test_a_name_the_connector_passes_on_is_judged_by_the_api_server(ctx: Any) -> None:
    # Only '/', '?' and '#' would address another object; anything else reaches the server.
    with pytest.raises(WorkflowError) as caught:
        _call(ctx, "gke.delete_job", job_name="Gen-X")
    error = caught.value.value
    assert (error["tags"], error["code"]) == (["HttpError"], 404)


@pytest.mark.parametrize("function", FUNCTIONS)
def test_without_gke_clusters_the_error_says_how_to_configure_them(function: str) -> None:
    ctx = connector_context(SimpleNamespace())  # type: ignore[arg-type]
    with pytest.raises(WorkflowError) as caught:
        _call(ctx, function)
    assert caught.value.value == {
        "tags": ["ConnectionFailedError"],
        "message": "no GKE clusters are configured: give Services(gke=FakeGke())",
    }


@pytest.mark.parametrize(
    ("conditions", "finished"),
    [
        ([{"type": "Complete", "status": "True"}], "Complete"),
        ([{"type": "Failed", "status": "True"}], "Failed"),
        ([{"type": "Complete", "status": "False"}], None),
        # Newer Kubernetes adds interim conditions before Complete / Failed (Kubernetes
        # docs, "Jobs", Job termination and cleanup): they do not finish the wait.
        ([{"type": "FailureTarget", "status": "True"}], None),
        ([{"type": "SuccessCriteriaMet", "status": "True"}], None),
    ],
)
def test_a_job_finishes_on_a_true_complete_or_failed_condition(
    conditions: list, finished: str | None
) -> None:
    # _finished is tested directly: the fake API server never sends the interim conditions.
    assert _finished({"status": {"conditions": conditions}}) == finished
    assert _finished({"metadata": {}}) is None
    assert _finished("no Job") is None  # a non-JSON-object body (e.g. text) is not a Job
