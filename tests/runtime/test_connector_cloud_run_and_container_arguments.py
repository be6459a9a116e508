"""Cloud Run jobs connectors and container clusters.get: the exact error for each bad
argument, the retry policy each request uses, and the error without the fake service.

Documented (workflows/docs/reference/googleapis/run/v2/projects.locations.jobs/run, /get,
.../jobs.executions/get; workflows/docs/reference/googleapis/container/v1/
projects.locations.clusters/get): `name` is a string resource name, `body` of jobs.run a
RunJobRequest; clusters.get also takes the deprecated strings `clusterId`, `projectId`,
`zone`. GETs retry `http.default_retry` (502 included), other methods
`http.default_retry_non_idempotent` (no 502) (workflows/docs/connectors, "Retries").
The message wording is this runtime's own.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from workflow_runtime.connectors import lookup_connector
from workflow_runtime.errors import WorkflowError
from workflow_runtime.fakes import FakeCloudRun, FakeGke, Services
from workflow_runtime.testing import connector_context

JOB = "projects/p/locations/us-central1/jobs/export-job"
JOBS = "googleapis.run.v2.projects.locations.jobs."
RUN, GET, EXECUTIONS_GET = JOBS + "run", JOBS + "get", JOBS + "executions.get"
CLUSTERS_GET = "googleapis.container.v1.projects.locations.clusters.get"
CLUSTER = "projects/p/locations/us-central1-a/clusters/blueprint-cluster"


@pytest.fixture
def ctx() -> Any:
    context = connector_context(Services(cloud_run=FakeCloudRun(), gke=FakeGke()))
    context.services.gke.add_cluster("blueprint-cluster", "us-central1-a", "p")
    return context


def _call(ctx: Any, connector: str, **args: Any) -> Any:
    return lookup_connector(connector).impl(ctx, args)  # type: ignore[union-attr]


def _error(ctx: Any, connector: str, **args: Any) -> dict[str, Any]:
    with pytest.raises(WorkflowError) as caught:
        _call(ctx, connector, **args)
    return caught.value.value


@pytest.mark.parametrize(
    ("connector", "args", "tag", "message"),
    [
        (GET, {"name": 5}, "TypeError", "argument name must be a string, got 5"),
        (RUN, {"name": 5}, "TypeError", "argument name must be a string, got 5"),
        (EXECUTIONS_GET, {"name": 5}, "TypeError", "argument name must be a string, got 5"),
        (RUN, {"name": JOB, "body": ["x"]}, "TypeError", "body must be a map (RunJobRequest)"),
        (
            RUN,
            {"name": JOB, "connector_params": {"timeout": 0}},
            "ValueError",
            "connector_params.timeout must be a positive number, got 0",
        ),
        (CLUSTERS_GET, {"name": 5}, "TypeError", "argument name must be a string, got 5"),
        (
            CLUSTERS_GET,
            {"name": CLUSTER, "clusterId": 5},
            "TypeError",
            "argument clusterId must be a string, got 5",
        ),
        (
            CLUSTERS_GET,
            {"name": CLUSTER, "projectId": 5},
            "TypeError",
            "argument projectId must be a string, got 5",
        ),
        (CLUSTERS_GET, {"name": CLUSTER, "zone": 5}, "TypeError", "argument zone must be a string, got 5"),
    ],
)
def test_bad_arguments_name_the_connector_and_the_argument(
    ctx: Any, connector: str, args: dict, tag: str, message: str
) -> None:
    assert _error(ctx, connector, **args) == {"tags": [tag], "message": f"{connector}: {message}"}
    assert ctx.services.cloud_run.runs == []


@pytest.mark.parametrize("connector", [GET, EXECUTIONS_GET])
def test_cloud_run_gets_retry_a_502(ctx: Any, connector: str) -> None:
    executions = _call(ctx, RUN, name=JOB, connector_params={"skip_polling": True})
    name = executions["metadata"]["name"] if connector == EXECUTIONS_GET else JOB
    ctx.services.cloud_run.set_region_down("us-central1", code=502, until=ctx.clock.now() + 0.5)
    assert _call(ctx, connector, name=name)["name"] == name
    assert ctx.steps.counts.internal == 1  # one retry


def test_jobs_run_does_not_retry_a_502(ctx: Any) -> None:
    ctx.services.cloud_run.set_region_down("us-central1", code=502, until=ctx.clock.now() + 0.5)
    assert _error(ctx, RUN, name=JOB)["code"] == 502
    assert ctx.steps.counts.internal == 0


def test_clusters_get_retries_a_502(ctx: Any) -> None:
    ctx.services.gke.cluster("blueprint-cluster").failures.fail_next(502, when="clusters.get")
    assert _call(ctx, CLUSTERS_GET, name=CLUSTER)["status"] == "RUNNING"
    assert ctx.steps.counts.internal == 1


def test_a_failed_execution_names_the_connector_and_the_operation(ctx: Any) -> None:
    ctx.services.cloud_run.fail("export-job", duration=3, message="exit code 1")
    error = _error(ctx, RUN, name=JOB)
    assert error["message"] == f"{RUN}: operation {error['operation']['name']} failed: exit code 1"


@pytest.mark.parametrize(
    ("connector", "message"),
    [
        (GET, "no Cloud Run service is configured: give Services(cloud_run=FakeCloudRun())"),
        (RUN, "no Cloud Run service is configured: give Services(cloud_run=FakeCloudRun())"),
        (EXECUTIONS_GET, "no Cloud Run service is configured: give Services(cloud_run=FakeCloudRun())"),
        (CLUSTERS_GET, "no GKE clusters are configured: give Services(gke=FakeGke())"),
    ],
)
def test_without_the_fake_service_the_error_says_how_to_configure_it(connector: str, message: str) -> None:
    ctx = connector_context(SimpleNamespace())  # type: ignore[arg-type]
    name = CLUSTER if connector == CLUSTERS_GET else JOB
    assert _error(ctx, connector, name=name) == {"tags": ["ConnectionFailedError"], "message": message}
