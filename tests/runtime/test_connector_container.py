"""googleapis.container.v1.projects.locations.clusters.get against the fake GKE clusters."""

from __future__ import annotations

import pytest

from workflow_runtime.connectors import lookup_connector
from workflow_runtime.errors import WorkflowError
from workflow_runtime.fakes import FakeGke, Services
from workflow_runtime.testing import connector_context

GET = "googleapis.container.v1.projects.locations.clusters.get"
NAME = "projects/p/locations/us-central1-a/clusters/blueprint-cluster"


@pytest.fixture
def ctx():
    context = connector_context(Services(gke=FakeGke()))
    context.services.gke.add_cluster("blueprint-cluster", "us-central1-a", "p")
    return context


def call(ctx, **args):
    return lookup_connector(GET).impl(ctx, args)


def fail(ctx, **args) -> dict:
    with pytest.raises(WorkflowError) as info:
        call(ctx, **args)
    return info.value.value


def test_a_running_cluster(ctx):
    cluster = call(ctx, name=NAME)
    assert (cluster["name"], cluster["location"], cluster["status"]) == (
        "blueprint-cluster",
        "us-central1-a",
        "RUNNING",
    )
    assert cluster["selfLink"] == f"https://container.googleapis.com/v1/{NAME}"
    assert "statusMessage" not in cluster


@pytest.mark.parametrize("status", ["DEGRADED", "ERROR", "RECONCILING"])
def test_an_unhealthy_cluster_reports_status_and_message(ctx, status):
    ctx.services.gke.cluster("blueprint-cluster").set_status(status, "GPU node pool unavailable")
    cluster = call(ctx, name=NAME)
    assert (cluster["status"], cluster["statusMessage"]) == (status, "GPU node pool unavailable")


def test_an_unknown_or_removed_cluster_is_404(ctx):
    assert fail(ctx, name=NAME.replace("us-central1-a", "us-east1-b"))["code"] == 404
    ctx.services.gke.remove_cluster("blueprint-cluster", "us-central1-a", "p")
    error = fail(ctx, name=NAME)
    assert (error["tags"], error["code"]) == (["HttpError"], 404)
    assert ctx.steps.counts.internal == 0


def test_a_malformed_name_is_400(ctx):
    error = fail(ctx, name="projects/p/zones/us-central1-a/clusters/blueprint-cluster")
    assert error["code"] == 400
    assert "projects/PROJECT/locations/LOCATION/clusters/CLUSTER" in error["body"]["error"]["message"]


def test_a_503_is_retried_as_an_idempotent_get(ctx):
    ctx.services.gke.cluster("blueprint-cluster").failures.fail_next(503, count=2, when="clusters.get")
    assert call(ctx, name=NAME)["status"] == "RUNNING"
    assert ctx.steps.counts.internal == 2


def test_deprecated_arguments_are_accepted_and_name_decides(ctx):
    cluster = call(ctx, name=NAME, projectId="p", zone="us-central1-a", clusterId="blueprint-cluster")
    assert cluster["status"] == "RUNNING"


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        ({}, "missing required argument(s) name"),
        ({"name": NAME, "cluster": "x"}, "unknown argument(s) cluster"),
    ],
)
def test_bad_arguments(ctx, args, fragment):
    assert fragment in fail(ctx, **args)["message"]
