"""What each stack deploys for observability: the original's metric names, the alert
policies with the policy document's thresholds, notification channels from stack config,
and the two dashboards the production gate looks for, one row per catalog workflow."""

from __future__ import annotations

import json
from typing import Any

import pytest

from components.catalog import load_catalog
from components.config import ConfigError, load_stack_config
from components.stack_files import load_stack
from tests.program.conftest import DIRECT
from tests.program.resource_types import ALERT_POLICY, DASHBOARD, LOG_METRIC, NOTIFICATION_CHANNEL
from tools.mock_engine import Evaluation, evaluate, evaluate_cached

CATALOG = load_catalog()
# ORIGINAL-SYSTEM.md sections 0 and 1, written out: charts and the production gate use them.
ORIGINAL_METRICS = {
    "blueprint_job_invocation_total",
    "blueprint_job_invocation_duration_seconds",
    "blueprint_job_timeout_events",
    "blueprint_job_timeout_usage_ratio",
    "blueprint_job_retry_exhausted_total",
    "blueprint_job_failure_events",
    "blueprint_geniesim_sla_violations",
    "quality-gate-failures",
}
# Added by issue #13's reconciler (not the original's).
ADDED_METRICS = {"blueprint_scene_redrives_total"}
GATE_DASHBOARDS = {"BlueprintPipeline - Overview", "BlueprintPipeline - GPU Metrics"}
GATE_ALERTS = {"[Blueprint] Workflow Job Timeout Detected", "[Blueprint] Workflow Job Retry Spike"}
WORKFLOWS_METRIC = "workflows.googleapis.com/finished_execution_count"


def _inputs(run: Evaluation, type_: str) -> list[dict[str, Any]]:
    return [dict(r.inputs) for r in run.of_type(type_)]


def _alert(run: Evaluation, display_name: str) -> dict[str, Any]:
    (alert,) = (i for i in _inputs(run, ALERT_POLICY) if i["displayName"] == display_name)
    return alert


def _metric_labels(run: Evaluation) -> dict[str, set[str]]:
    return {
        m["name"]: {label["key"] for label in m["metricDescriptor"]["labels"]}
        for m in _inputs(run, LOG_METRIC)
    }


def test_the_original_metrics_on_the_workflow_resource(run: Evaluation) -> None:
    metrics = _inputs(run, LOG_METRIC)
    assert {m["name"] for m in metrics} == ORIGINAL_METRICS | ADDED_METRICS
    for metric in metrics:
        assert metric["filter"].startswith('resource.type="workflows.googleapis.com/Workflow" AND ')
        assert "jsonPayload.bp_metric=" in metric["filter"]
        assert metric["metricDescriptor"]["metricKind"] == "DELTA"
        # Every declared label has an extractor and the reverse (Logging rejects either gap).
        keys = {label["key"] for label in metric["metricDescriptor"]["labels"]}
        assert keys == set(metric["labelExtractors"]) and 0 < len(keys) <= 10
        if metric["metricDescriptor"]["valueType"] == "DISTRIBUTION":
            assert metric["valueExtractor"].startswith("EXTRACT(jsonPayload.")
            assert metric["bucketOptions"]["explicitBuckets"]["bounds"]
        else:
            assert metric["metricDescriptor"]["valueType"] == "INT64" and "valueExtractor" not in metric


def test_the_gate_finds_its_dashboards_alerts_and_metrics(run: Evaluation) -> None:
    """The episode pipeline's production gate lists these by name (ORIGINAL-SYSTEM.md §1)."""
    dashboards = {json.loads(d["dashboardJson"])["displayName"] for d in _inputs(run, DASHBOARD)}
    assert dashboards == GATE_DASHBOARDS
    assert {a["displayName"] for a in _inputs(run, ALERT_POLICY)} >= GATE_ALERTS
    gate_metrics = {
        "blueprint_job_timeout_events",
        "blueprint_job_retry_exhausted_total",
        "blueprint_job_timeout_usage_ratio",
        "blueprint_geniesim_sla_violations",
        "blueprint_job_failure_events",
    }
    assert gate_metrics <= {m["name"] for m in _inputs(run, LOG_METRIC)}


def test_timeout_usage_thresholds_are_the_policy_documents(run: Evaluation) -> None:
    """Above 80% of the timeout is a WARNING, above 95% CRITICAL, per completed invocation."""
    for name, severity, limit in (
        ("[Blueprint] Workflow Job Timeout Usage > 80%", "WARNING", "0.8"),
        ("[Blueprint] Workflow Job Timeout Usage > 95%", "CRITICAL", "0.95"),
    ):
        alert = _alert(run, name)
        assert alert["severity"] == severity
        (condition,) = alert["conditions"]
        assert condition["conditionMatchedLog"]["filter"].endswith(f"jsonPayload.timeout_usage_ratio>{limit}")
        # Google requires a notification rate limit on a log-match policy.
        assert alert["alertStrategy"]["notificationRateLimit"]["period"] == "300s"


def test_three_or_more_exhausted_retries_is_a_warning(run: Evaluation) -> None:
    alert = _alert(run, "[Blueprint] Workflow Job Retry Spike")
    assert alert["severity"] == "WARNING"
    threshold = alert["conditions"][0]["conditionThreshold"]
    # Only GT/LT are accepted for metric thresholds: 3 or more of a count is > 2.
    assert (threshold["comparison"], threshold["thresholdValue"]) == ("COMPARISON_GT", 2)
    assert "logging.googleapis.com/user/blueprint_job_retry_exhausted_total" in threshold["filter"]


def test_thresholds_group_by_labels_their_metric_has(run: Evaluation) -> None:
    """A group-by on a label the metric does not declare would chart one empty series."""
    labels = _metric_labels(run)
    checked = 0
    for alert in _inputs(run, ALERT_POLICY):
        threshold = alert["conditions"][0].get("conditionThreshold")
        if threshold is None or WORKFLOWS_METRIC in threshold["filter"]:
            continue
        metric = threshold["filter"].split("logging.googleapis.com/user/")[1].split('"')[0]
        assert 'resource.type="workflows.googleapis.com/Workflow"' in threshold["filter"]
        assert threshold["comparison"] == "COMPARISON_GT"
        for field in threshold["aggregations"][0]["groupByFields"]:
            assert field.removeprefix("metric.label.") in labels[metric], (alert["displayName"], field)
        checked += 1
    assert checked == 6


def test_failed_executions_per_deployed_workflow(stack: str) -> None:
    """Workflows' own metric, one series per workflow, restricted to what the stack deploys."""
    for overrides, router in (((), ["marker-router"]), (DIRECT, [])):
        run = evaluate_cached(stack, overrides)
        threshold = _alert(run, "[Blueprint] Workflow Execution Failed")["conditions"][0][
            "conditionThreshold"
        ]
        assert f'metric.type="{WORKFLOWS_METRIC}"' in threshold["filter"]
        assert 'metric.label.status="FAILED"' in threshold["filter"]
        names = threshold["filter"].split("full_match(")[1].strip('")(').split("|")
        assert sorted(names) == sorted([*CATALOG.workflows, *router])
        assert threshold["aggregations"][0]["groupByFields"] == ["resource.label.workflow_id"]


def test_alerts_wait_for_the_metrics_they_watch(run: Evaluation) -> None:
    """Creating a threshold on a log-based metric fails until the metric exists."""
    metric_urns = {r.urn for r in run.of_type(LOG_METRIC)}
    for policy in run.of_type(ALERT_POLICY):
        assert metric_urns <= set(policy.dependencies), policy.name


def test_dashboards_have_one_row_per_catalog_workflow(run: Evaluation) -> None:
    labels = _metric_labels(run)
    for dashboard in _inputs(run, DASHBOARD):
        layout = json.loads(dashboard["dashboardJson"])
        rows = layout["rowLayout"]["rows"]
        assert len(rows) == len(CATALOG.workflows)
        for row, name in zip(rows, CATALOG.workflows, strict=True):
            assert row["widgets"] and all(w["title"].startswith(name) for w in row["widgets"])
            for widget in row["widgets"]:
                for data_set in widget.get("xyChart", {}).get("dataSets", []):
                    query = data_set["timeSeriesQuery"]["timeSeriesFilter"]
                    _check_chart_query(query, name, labels)


def _check_chart_query(query: dict[str, Any], workflow: str, labels: dict[str, set[str]]) -> None:
    text = query["filter"]
    if WORKFLOWS_METRIC in text:
        assert f'resource.label.workflow_id="{workflow}"' in text
        return
    metric = text.split("logging.googleapis.com/user/")[1].split('"')[0]
    assert f'metric.label.workflow="{workflow}"' in text
    for field in query["aggregation"]["groupByFields"]:
        assert field.removeprefix("metric.label.") in labels[metric], (workflow, field)


def test_rows_follow_the_catalog() -> None:
    """A workflow without Cloud Run jobs gets a text row on the GPU dashboard, one with jobs
    gets its charts (so adding a workflow to the catalog adds its rows)."""
    run = evaluate_cached("prod")
    by_title = {
        json.loads(d["dashboardJson"])["displayName"]: json.loads(d["dashboardJson"])
        for d in _inputs(run, DASHBOARD)
    }
    gpu_rows = dict(
        zip(CATALOG.workflows, by_title["BlueprintPipeline - GPU Metrics"]["rowLayout"]["rows"], strict=True)
    )
    assert [w.get("text") is not None for w in gpu_rows["genie-sim-import-poller"]["widgets"]] == [True]
    assert len(gpu_rows["objects-pipeline"]["widgets"]) == 2


def test_notification_channels_come_from_stack_config(run: Evaluation, stack: str) -> None:
    configured = load_stack(stack).monitoring.notification_channels
    channels = run.of_type(NOTIFICATION_CHANNEL)
    assert len(channels) == len(configured) >= 1
    label_keys = {"email": "email_address", "pubsub": "topic"}
    assert sorted((c.inputs["type"], c.inputs["labels"]) for c in channels) == sorted(
        (c.type, {label_keys[c.type]: c.address}) for c in configured
    )
    ids = sorted(c.id for c in channels)
    for policy in _inputs(run, ALERT_POLICY):
        assert sorted(policy["notificationChannels"]) == ids


def test_no_channels_configured_means_alerts_without_channels() -> None:
    run = evaluate("staging", overrides={"monitoring.notificationChannels": []})
    assert run.of_type(NOTIFICATION_CHANNEL) == []
    assert all(p["notificationChannels"] == [] for p in _inputs(run, ALERT_POLICY))
    assert len(run.of_type(ALERT_POLICY)) == 9


BASE = {"environment": "staging", "bucket": "b-scenes"}


@pytest.mark.parametrize(
    ("channels", "problem"),
    [
        ([{"type": "sms", "address": "+1"}], 'monitoring.notificationChannels[0].type: got "sms"'),
        ([{"type": "email", "address": "oncall"}], "expected an email address (a email channel)"),
        (
            [{"type": "pubsub", "address": "alerts"}],
            "expected a topic name projects/<project>/topics/<topic> (a pubsub channel)",
        ),
        ([{"type": "webhook_tokenauth", "address": "http://x"}], "expected an https:// URL"),
        ([{"type": "email", "address": "a@b.co", "adress": "x"}], "notificationChannels[0].adress: got"),
        (
            [{"type": "email", "address": "a@b.co"}, {"type": "email", "address": "a@b.co"}],
            'notificationChannels[1]: got "a@b.co" (a string); expected a channel listed once',
        ),
        ("a@b.co", "expected a list of {type, address, displayName} maps"),
    ],
)
def test_bad_channels_are_rejected_with_the_key(channels: Any, problem: str) -> None:
    raw = {**BASE, "monitoring": {"notificationChannels": channels}}
    with pytest.raises(ConfigError) as caught:
        load_stack_config(raw, project="my-project-1", region="us-central1")
    assert any(problem in p for p in caught.value.problems), caught.value.problems
