"""The alert policies, as data, and their inputs for `gcp.monitoring.AlertPolicy`.

Thresholds come from workflows/TIMEOUT_AND_RETRY_POLICY.md (the original policy document):
a job using more than 80% of its timeout is a WARNING, more than 95% CRITICAL; 3 or more
exhausted launch retries is a WARNING. Two display names are the ones the episode
pipeline's production gate lists ("[Blueprint] Workflow Job Timeout Detected" and
"[Blueprint] Workflow Job Retry Spike", ORIGINAL-SYSTEM.md section 1).

Three kinds of condition:
- `MetricAlert` on a log-based metric (components/log_metrics.py): the metric's time
  series live on the log entries' resource, `workflows.googleapis.com/Workflow`.
- `LogAlert` (a log-match condition): one incident per matching log entry, for the
  timeout-usage thresholds, which are per job invocation; a distribution metric's
  percentile could hide one slow job among many fast ones. Google requires a
  notification rate limit on such a policy and allows it only one condition.
- `ExecutionAlert` on Workflows' own `finished_execution_count` (label `status`), one time
  series per deployed workflow.

Metric-threshold conditions accept only COMPARISON_GT and COMPARISON_LT (MetricThreshold,
cloud.google.com/monitoring/api/ref_v3/rest/v3/projects.alertPolicies), so "3 or more" of
a count is `> 2`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from components.log_metrics import (
    METRICS_BY_NAME,
    WORKFLOW_RESOURCE,
    Condition,
    Extractor,
    quote,
)

Severity = Literal["CRITICAL", "ERROR", "WARNING"]
EXECUTIONS_METRIC = "workflows.googleapis.com/finished_execution_count"


@dataclass(frozen=True)
class MetricAlert:
    """A threshold on the sum of a log-based counter over `window_seconds`, per group."""

    display_name: str
    severity: Severity
    metric: str  # a LOG_METRICS name
    above: float
    window_seconds: int
    group_by: tuple[str, ...]  # metric label keys
    what_to_do: str


@dataclass(frozen=True)
class LogAlert:
    """An incident for every log entry matching the conditions (rate-limited)."""

    display_name: str
    severity: Severity
    conditions: tuple[Condition, ...]
    labels: tuple[str, ...]  # jsonPayload fields copied onto the incident
    what_to_do: str
    rate_limit_seconds: int = 300


@dataclass(frozen=True)
class ExecutionAlert:
    """Failed executions of each deployed workflow, from Workflows' own metric."""

    display_name: str
    severity: Severity
    window_seconds: int
    what_to_do: str


Alert = MetricAlert | LogAlert | ExecutionAlert

_COMPLETED = (Condition("bp_metric", "=", "job_invocation"), Condition("event", "=", "complete"))

ALERTS: tuple[Alert, ...] = (
    MetricAlert(
        "[Blueprint] Workflow Job Timeout Detected",
        "CRITICAL",
        "blueprint_job_timeout_events",
        above=0,
        window_seconds=300,
        group_by=("workflow", "job"),
        what_to_do="A job ran until its timeout. Check the job's logs and the scene's "
        "`.failed` marker; raise the timeout in workflows/catalog.yaml only with the policy "
        "document updated.",
    ),
    MetricAlert(
        "[Blueprint] Workflow Job Retry Spike",
        "WARNING",
        "blueprint_job_retry_exhausted_total",
        above=2,  # 3 or more in the window
        window_seconds=600,
        group_by=("workflow", "job"),
        what_to_do="Job launches keep failing after all retries (quota, outage, missing job "
        "or IAM). Check the Cloud Run job exists in the region and the workflow's account "
        "may run it.",
    ),
    LogAlert(
        "[Blueprint] Workflow Job Timeout Usage > 80%",
        "WARNING",
        (*_COMPLETED, Condition("timeout_usage_ratio", ">", 0.8)),
        labels=("workflow", "job", "scene_id"),
        what_to_do="A job used more than 80% of its timeout. Look for slow inputs or a "
        "regression before it starts timing out.",
    ),
    LogAlert(
        "[Blueprint] Workflow Job Timeout Usage > 95%",
        "CRITICAL",
        (*_COMPLETED, Condition("timeout_usage_ratio", ">", 0.95)),
        labels=("workflow", "job", "scene_id"),
        what_to_do="A job used more than 95% of its timeout; the next slower run will time out.",
    ),
    MetricAlert(
        "[Blueprint] Genie Sim SLA Violation",
        "ERROR",
        "blueprint_geniesim_sla_violations",
        above=0,
        window_seconds=300,
        group_by=("workflow",),
        what_to_do="A completed Genie Sim job took longer than the SLA; see job_metrics in "
        "the scene's geniesim/job.json.",
    ),
    MetricAlert(
        "[Blueprint] Workflow Job Failure Detected",
        "ERROR",
        "blueprint_job_failure_events",
        above=0,
        window_seconds=300,
        group_by=("workflow", "job"),
        what_to_do="A job execution failed; the scene's `.failed` marker holds the error.",
    ),
    MetricAlert(
        "[Blueprint] Quality Gate Failures",
        "WARNING",
        "quality-gate-failures",
        above=0,
        window_seconds=300,
        group_by=("workflow",),
        what_to_do="Episodes failed the quality gate and were held back; read the scene's "
        "quality_gate_report.json.",
    ),
    ExecutionAlert(
        "[Blueprint] Workflow Execution Failed",
        "ERROR",
        window_seconds=300,
        what_to_do="A workflow execution failed. Open it in the Workflows console "
        "(Executions tab) for the error and the step that raised it.",
    ),
)


def alert_policy_args(alert: Alert, workflow_ids: Sequence[str], channels: Sequence[Any]) -> dict[str, Any]:
    """Keyword arguments of `gcp.monitoring.AlertPolicy` for one alert.

    `workflow_ids` are the deployed workflows (ExecutionAlert watches only those);
    `channels` are notification channel ids (outputs are fine).
    """
    args: dict[str, Any] = {
        "display_name": alert.display_name,
        "severity": alert.severity,
        "combiner": "OR",
        "documentation": {"content": alert.what_to_do, "mime_type": "text/markdown"},
        "notification_channels": list(channels),
    }
    if isinstance(alert, LogAlert):
        args["conditions"] = [
            {
                "display_name": alert.display_name,
                "condition_matched_log": {
                    "filter": log_alert_filter(alert),
                    "label_extractors": {f: Extractor(f).expression for f in alert.labels},
                },
            }
        ]
        args["alert_strategy"] = {"notification_rate_limit": {"period": f"{alert.rate_limit_seconds}s"}}
        return args
    if isinstance(alert, MetricAlert):
        metric = METRICS_BY_NAME[alert.metric]
        series = f"metric.type={quote(metric.metric_type)} AND resource.type={quote(WORKFLOW_RESOURCE)}"
        group_by = [f"metric.label.{key}" for key in alert.group_by]
        above = alert.above
    else:
        series = execution_failures_filter(workflow_ids)
        group_by = ["resource.label.workflow_id"]
        above = 0
    window = f"{alert.window_seconds}s"
    args["conditions"] = [
        {
            "display_name": alert.display_name,
            "condition_threshold": {
                "filter": series,
                "comparison": "COMPARISON_GT",
                "threshold_value": above,
                "duration": "0s",
                "aggregations": [
                    {
                        "alignment_period": window,
                        "per_series_aligner": "ALIGN_SUM",
                        "cross_series_reducer": "REDUCE_SUM",
                        "group_by_fields": group_by,
                    }
                ],
                "trigger": {"count": 1},
            },
        }
    ]
    args["alert_strategy"] = {"auto_close": "1800s"}
    return args


def log_alert_filter(alert: LogAlert) -> str:
    """The log filter of a log-match alert (same subset as the log-based metrics)."""
    return " AND ".join([f"resource.type={quote(WORKFLOW_RESOURCE)}", *(c.text for c in alert.conditions)])


def execution_failures_filter(workflow_ids: Sequence[str]) -> str:
    """Failed executions of the given workflows (`monitoring.regex.full_match` is the
    Monitoring filters page's way to match one of several label values)."""
    names = "|".join(sorted(workflow_ids))
    return (
        f"metric.type={quote(EXECUTIONS_METRIC)} AND resource.type={quote(WORKFLOW_RESOURCE)} "
        f'AND metric.label.status="FAILED" '
        f"AND resource.label.workflow_id=monitoring.regex.full_match({quote(f'({names})')})"
    )
