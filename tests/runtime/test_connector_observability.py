"""Cloud Monitoring dashboards / alert policies and Cloud Logging metrics list connectors."""

from __future__ import annotations

import pytest

from workflow_runtime.connectors import lookup_connector
from workflow_runtime.errors import WorkflowError
from workflow_runtime.fakes import FakeLogging, FakeMonitoring, Services
from workflow_runtime.testing import connector_context

DASHBOARDS = "googleapis.monitoring.v1.projects.dashboards.list"
POLICIES = "googleapis.monitoring.v3.projects.alertPolicies.list"
METRICS = "googleapis.logging.v2.projects.metrics.list"


@pytest.fixture
def ctx():
    return connector_context(Services(monitoring=FakeMonitoring(), logging=FakeLogging()))


def call(ctx, connector: str, **args):
    return lookup_connector(connector).impl(ctx, args)


def fail(ctx, connector: str, **args) -> dict:
    with pytest.raises(WorkflowError) as info:
        call(ctx, connector, **args)
    return info.value.value


def test_dashboards_are_listed_page_by_page(ctx):
    monitoring = ctx.services.monitoring
    for title in ("Overview", "GPU Metrics", "Costs"):
        monitoring.add_dashboard(f"BlueprintPipeline - {title}")
    first = call(ctx, DASHBOARDS, parent="projects/test-project", pageSize=2)
    assert [d["displayName"] for d in first["dashboards"]] == [
        "BlueprintPipeline - Overview",
        "BlueprintPipeline - GPU Metrics",
    ]
    second = call(
        ctx, DASHBOARDS, parent="projects/test-project", pageSize=2, pageToken=first["nextPageToken"]
    )
    assert [d["displayName"] for d in second["dashboards"]] == ["BlueprintPipeline - Costs"]
    assert "nextPageToken" not in second
    assert [(c.method, c.page_size, c.code) for c in monitoring.calls] == [("dashboards.list", 2, 200)] * 2


def test_default_page_size_applies_without_page_size(ctx):
    ctx.services.monitoring.default_page_size = 1
    ctx.services.monitoring.add_dashboard("a")
    ctx.services.monitoring.add_dashboard("b")
    page = call(ctx, DASHBOARDS, parent="projects/test-project")
    assert len(page["dashboards"]) == 1 and page["nextPageToken"]


def test_an_empty_list_is_an_empty_map(ctx):
    assert call(ctx, DASHBOARDS, parent="projects/test-project") == {}
    assert call(ctx, POLICIES, name="projects/test-project") == {}
    assert call(ctx, METRICS, parent="projects/test-project") == {}


def test_only_the_parent_projects_resources_are_listed(ctx):
    ctx.services.monitoring.add_dashboard("mine")
    ctx.services.monitoring.add_dashboard("theirs", project="other")
    page = call(ctx, DASHBOARDS, parent="projects/other")
    assert [d["displayName"] for d in page["dashboards"]] == ["theirs"]
    assert page["dashboards"][0]["name"].startswith("projects/other/dashboards/")


def test_alert_policies_keep_enabled_false_and_report_total_size(ctx):
    ctx.services.monitoring.add_alert_policy("[Blueprint] Workflow Job Timeout Detected")
    ctx.services.monitoring.add_alert_policy("[Blueprint] Workflow Job Retry Spike", enabled=False)
    page = call(ctx, POLICIES, name="projects/test-project", pageSize=1)
    assert page["totalSize"] == 2
    [policy] = page["alertPolicies"]
    assert policy["enabled"] is True
    rest = call(ctx, POLICIES, name="projects/test-project", pageToken=page["nextPageToken"], pageSize="1")
    assert rest["alertPolicies"][0]["enabled"] is False


def test_alert_policy_filters_are_not_faked_silently(ctx):
    with pytest.raises(NotImplementedError, match="filter/orderBy"):
        call(ctx, POLICIES, name="projects/test-project", filter='display_name = "x"')


def test_log_metrics_carry_name_filter_and_descriptor(ctx):
    ctx.services.logging.add_metric("blueprint_job_timeout_events", 'jsonPayload.event="job_timeout"')
    [metric] = call(ctx, METRICS, parent="projects/test-project")["metrics"]
    assert (metric["name"], metric["filter"]) == (
        "blueprint_job_timeout_events",
        'jsonPayload.event="job_timeout"',
    )
    assert metric["metricDescriptor"]["type"] == "logging.googleapis.com/user/blueprint_job_timeout_events"


def test_a_page_token_from_another_list_is_400(ctx):
    for name in ("a", "b"):
        ctx.services.monitoring.add_dashboard(name)
        ctx.services.logging.add_metric(name, "true")
    token = call(ctx, DASHBOARDS, parent="projects/test-project", pageSize=1)["nextPageToken"]
    assert fail(ctx, METRICS, parent="projects/test-project", pageToken=token)["code"] == 400
    assert fail(ctx, DASHBOARDS, parent="projects/test-project", pageToken="not-a-token")["code"] == 400


@pytest.mark.parametrize("connector", [DASHBOARDS, METRICS])
def test_a_malformed_parent_is_400(ctx, connector):
    error = fail(ctx, connector, parent="test-project")
    assert error["code"] == 400
    assert "projects/PROJECT_ID_OR_NUMBER" in error["body"]["error"]["message"]


def test_permission_denied_is_not_retried_and_503_is(ctx):
    ctx.services.logging.failures.fail_next(
        403, message="logging.logMetrics.list denied", when="metrics.list"
    )
    error = fail(ctx, METRICS, parent="projects/test-project")
    assert (error["code"], error["body"]["error"]["status"]) == (403, "PERMISSION_DENIED")
    assert ctx.steps.counts.internal == 0
    ctx.services.monitoring.failures.fail_next(503, when="alertPolicies.list")
    assert call(ctx, POLICIES, name="projects/test-project") == {}
    assert ctx.steps.counts.internal == 1


@pytest.mark.parametrize(
    ("connector", "args", "fragment"),
    [
        (DASHBOARDS, {}, "missing required argument(s) parent"),
        (POLICIES, {"parent": "projects/p"}, "unknown argument(s) parent"),
        (METRICS, {"parent": "projects/p", "pageSize": "ten"}, "pageSize must be an integer"),
    ],
)
def test_bad_arguments(ctx, connector, args, fragment):
    assert fragment in fail(ctx, connector, **args)["message"]
