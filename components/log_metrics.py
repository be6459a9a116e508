"""The log-based metrics, as data: which `bp_metric` log entries each one counts or measures.

The names are the original system's (dashboards, runbooks and the episode pipeline's
production gate use them). Every metric reads the structured entries the workflows write
with `sys.log` (`data:` a map, so Workflows stores it as `jsonPayload` on the
`workflows.googleapis.com/Workflow` resource: cloud.google.com/workflows/docs/reference/
stdlib/sys/log). The fields are the contract of ORIGINAL-SYSTEM.md section 0 and 2:

    job_invocation       event start|complete, workflow, job, scene_id, timeout_seconds,
                         duration_seconds, timeout_usage_ratio, timed_out, status,
                         execution_name (complete only)
    job_retry_exhausted  workflow, job, scene_id, retry_max, error
    geniesim_sla_violation  workflow, scene_id, job_id, sla_seconds, duration_seconds, ...

Filters are written in the Logging query language (cloud.google.com/logging/docs/view/
logging-query-language), using only: `AND`, field paths (`resource.type`,
`jsonPayload.<field>`), and the comparisons `=` with a quoted string or `true`, and `>`
with a number. Label and value extractors are `EXTRACT(field)` or
`REGEXP_EXTRACT(field, "re")` with exactly one capture group (LogMetric.label_extractors /
value_extractor, cloud.google.com/logging/docs/reference/v2/rest/v2/projects.metrics).
`tests/observability/` evaluates both against the entries the workflows really log.

Labels: `scene_id` is left out on purpose (the original had it). Every scene would be a new
time series, and Google caps the active time series of a log-based metric; charts group by
workflow, job, status and region instead, and the scene is in the log entry itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

WORKFLOW_RESOURCE = "workflows.googleapis.com/Workflow"
USER_METRIC_PREFIX = "logging.googleapis.com/user/"

# The Cloud Run v2 execution name a completed invocation logs:
# projects/{project}/locations/{location}/jobs/{job}/executions/{execution}. Anchored at both
# ends so a full match and a partial match extract the same region.
_REGION_FROM_EXECUTION = r"^projects/[^/]+/locations/([^/]+)/jobs/[^/]+/executions/[^/]+$"


@dataclass(frozen=True)
class Extractor:
    """One extractor: EXTRACT(jsonPayload.<field>), or REGEXP_EXTRACT with `regex`."""

    field: str
    regex: str | None = None

    @property
    def expression(self) -> str:
        """The extractor as the Logging API takes it."""
        path = f"jsonPayload.{self.field}"
        if self.regex is None:
            return f"EXTRACT({path})"
        return f"REGEXP_EXTRACT({path}, {quote(self.regex)})"


@dataclass(frozen=True)
class Condition:
    """One comparison of a `jsonPayload` field: `=` (string or boolean) or `>` (number)."""

    field: str
    op: Literal["=", ">"]
    value: str | bool | float

    @property
    def text(self) -> str:
        """The comparison in the Logging query language."""
        if isinstance(self.value, bool):
            literal = "true" if self.value else "false"
        elif isinstance(self.value, str):
            literal = quote(self.value)
        else:
            literal = repr(self.value)
        return f"jsonPayload.{self.field}{self.op}{literal}"


@dataclass(frozen=True)
class LogMetric:
    """One log-based metric: a counter (INT64) or a distribution of `value`."""

    name: str
    description: str
    conditions: tuple[Condition, ...]
    labels: Mapping[str, Extractor]
    value: Extractor | None = None
    unit: str = "1"
    # Explicit bucket bounds of a distribution (Logging requires bucket options for one).
    bounds: tuple[float, ...] = ()

    @property
    def kind(self) -> Literal["counter", "distribution"]:
        """A counter counts matching entries; a distribution records `value` of each."""
        return "counter" if self.value is None else "distribution"

    @property
    def filter(self) -> str:
        """The metric's log filter: the Workflows resource and every condition, ANDed."""
        parts = [f"resource.type={quote(WORKFLOW_RESOURCE)}", *(c.text for c in self.conditions)]
        return " AND ".join(parts)

    @property
    def metric_type(self) -> str:
        """The Cloud Monitoring metric type charts and alerts select."""
        return USER_METRIC_PREFIX + self.name

    @property
    def fields(self) -> tuple[str, ...]:
        """Every jsonPayload field the metric reads (filter, labels, value), sorted."""
        used = {c.field for c in self.conditions} | {e.field for e in self.labels.values()}
        if self.value is not None:
            used.add(self.value.field)
        return tuple(sorted(used))


def quote(text: str) -> str:
    """A double-quoted string literal of the Logging query language (backslash escapes)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


_INVOCATION = Condition("bp_metric", "=", "job_invocation")
_COMPLETE = Condition("event", "=", "complete")
_FAILED = Condition("status", "=", "FAILED")

_WORKFLOW = Extractor("workflow")
_JOB = Extractor("job")
_STATUS = Extractor("status")
_REGION = Extractor("execution_name", _REGION_FROM_EXECUTION)

LABEL_DESCRIPTIONS: dict[str, str] = {
    "workflow": "The workflow that launched the job (catalog name).",
    "job": "The Cloud Run job (original job name).",
    "event": "start or complete.",
    "status": "STARTED, SUCCEEDED, FAILED (SUBMITTED for jobs the workflow does not wait for).",
    "region": "Region the job execution ran in (empty when the launch failed).",
}

LOG_METRICS: tuple[LogMetric, ...] = (
    LogMetric(
        "blueprint_job_invocation_total",
        "Cloud Run job invocations by workflows (start and complete entries).",
        (_INVOCATION,),
        {"workflow": _WORKFLOW, "job": _JOB, "event": Extractor("event"), "status": _STATUS},
    ),
    LogMetric(
        "blueprint_job_invocation_duration_seconds",
        "Duration of completed Cloud Run job invocations.",
        (_INVOCATION, _COMPLETE),
        {"workflow": _WORKFLOW, "job": _JOB, "status": _STATUS, "region": _REGION},
        value=Extractor("duration_seconds"),
        unit="s",
        # 1 min .. 6 h: the jobs' timeouts run from 900 s to 21600 s.
        bounds=(60, 300, 600, 900, 1800, 2700, 3600, 7200, 14400, 21600),
    ),
    LogMetric(
        "blueprint_job_timeout_events",
        "Completed job invocations that reached their timeout.",
        (_INVOCATION, _COMPLETE, Condition("timed_out", "=", True)),
        {"workflow": _WORKFLOW, "job": _JOB},
    ),
    LogMetric(
        "blueprint_job_timeout_usage_ratio",
        "Share of its timeout each completed job invocation used (duration / timeout).",
        (_INVOCATION, _COMPLETE),
        {"workflow": _WORKFLOW, "job": _JOB},
        value=Extractor("timeout_usage_ratio"),
        # Boundaries at the policy's alert thresholds (0.8 WARNING, 0.95 CRITICAL).
        bounds=(0.25, 0.5, 0.8, 0.95, 1.0),
    ),
    LogMetric(
        "blueprint_job_retry_exhausted_total",
        "Job launches that still failed after every launch retry.",
        (Condition("bp_metric", "=", "job_retry_exhausted"),),
        {"workflow": _WORKFLOW, "job": _JOB},
    ),
    LogMetric(
        "blueprint_job_failure_events",
        "Completed job invocations whose execution failed.",
        (_INVOCATION, _COMPLETE, _FAILED),
        {"workflow": _WORKFLOW, "job": _JOB, "region": _REGION},
    ),
    LogMetric(
        "blueprint_geniesim_sla_violations",
        "Completed Genie Sim jobs slower than the SLA.",
        (Condition("bp_metric", "=", "geniesim_sla_violation"),),
        {"workflow": _WORKFLOW},
    ),
    LogMetric(
        "quality-gate-failures",
        "Quality-gate job invocations that failed (episodes held back).",
        (_INVOCATION, _COMPLETE, Condition("job", "=", "quality-gate-job"), _FAILED),
        {"workflow": _WORKFLOW},
    ),
)

METRICS_BY_NAME: dict[str, LogMetric] = {metric.name: metric for metric in LOG_METRICS}
