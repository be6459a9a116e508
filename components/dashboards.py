"""The two Cloud Monitoring dashboards the production gate looks for, built from the catalog.

Display names are the original's ("BlueprintPipeline - Overview", "BlueprintPipeline - GPU
Metrics"): the episode pipeline's production gate lists dashboards by display name
(ORIGINAL-SYSTEM.md section 1). Each is a `rowLayout` with ONE ROW PER CATALOG WORKFLOW,
in catalog order, so adding a workflow to workflows/catalog.yaml adds its row.

- Overview: the workflow's finished executions by status (Workflows' own
  `finished_execution_count`) and, if it runs Cloud Run jobs, its completed job
  invocations by job and status (`blueprint_job_invocation_total`).
- GPU Metrics: the accelerator-heavy work is in the jobs, so per workflow: job duration
  (p95 of `blueprint_job_invocation_duration_seconds`) and timeout usage (p95 of
  `blueprint_job_timeout_usage_ratio`) by job. The original charted GKE node accelerators;
  those belong to the cluster's own project, not to this program.

Dashboard JSON is the Monitoring API's Dashboard resource (cloud.google.com/monitoring/
api/ref_v3/rest/v1/projects.dashboards), handed to `gcp.monitoring.Dashboard` as
`dashboard_json`.
"""

from __future__ import annotations

import json
from typing import Any

from components.alerts import EXECUTIONS_METRIC
from components.catalog import Catalog, WorkflowSpec
from components.log_metrics import METRICS_BY_NAME, WORKFLOW_RESOURCE, quote

OVERVIEW = "BlueprintPipeline - Overview"
GPU_METRICS = "BlueprintPipeline - GPU Metrics"
DASHBOARDS: tuple[str, ...] = (OVERVIEW, GPU_METRICS)
_ALIGNMENT = "300s"


def dashboard_json(title: str, catalog: Catalog) -> str:
    """The dashboard named `title` as the JSON text `gcp.monitoring.Dashboard` takes."""
    row_widgets = {OVERVIEW: _overview_row, GPU_METRICS: _gpu_row}[title]
    rows = [{"weight": "1", "widgets": row_widgets(spec)} for spec in catalog.workflows.values()]
    return json.dumps({"displayName": title, "rowLayout": {"rows": rows}}, indent=2, sort_keys=True)


def _overview_row(spec: WorkflowSpec) -> list[dict[str, Any]]:
    executions = (
        f"metric.type={quote(EXECUTIONS_METRIC)} AND resource.type={quote(WORKFLOW_RESOURCE)} "
        f"AND resource.label.workflow_id={quote(spec.name)}"
    )
    widgets = [_chart(f"{spec.name}: executions by status", executions, "ALIGN_SUM", ["metric.label.status"])]
    if spec.jobs:
        invocations = _user_metric(
            "blueprint_job_invocation_total", spec.name, 'metric.label.event="complete"'
        )
        widgets.append(
            _chart(
                f"{spec.name}: job runs by job and status",
                invocations,
                "ALIGN_SUM",
                ["metric.label.job", "metric.label.status"],
            )
        )
    return widgets


def _gpu_row(spec: WorkflowSpec) -> list[dict[str, Any]]:
    if not spec.jobs:
        note = f"**{spec.name}** runs no Cloud Run jobs; its executions are on the Overview dashboard."
        return [{"title": spec.name, "text": {"content": note, "format": "MARKDOWN"}}]
    duration = _user_metric("blueprint_job_invocation_duration_seconds", spec.name)
    usage = _user_metric("blueprint_job_timeout_usage_ratio", spec.name)
    return [
        _chart(f"{spec.name}: job duration p95 (s)", duration, "ALIGN_DELTA", ["metric.label.job"], "95"),
        _chart(f"{spec.name}: timeout usage p95", usage, "ALIGN_DELTA", ["metric.label.job"], "95"),
    ]


def _user_metric(name: str, workflow: str, extra: str = "") -> str:
    metric = METRICS_BY_NAME[name]
    text = (
        f"metric.type={quote(metric.metric_type)} AND resource.type={quote(WORKFLOW_RESOURCE)} "
        f"AND metric.label.workflow={quote(workflow)}"
    )
    return f"{text} AND {extra}" if extra else text


def _chart(
    title: str, series: str, aligner: str, group_by: list[str], percentile: str | None = None
) -> dict[str, Any]:
    # Counters are summed per window; distributions are merged per window and read at a
    # percentile across the grouped series.
    reducer = f"REDUCE_PERCENTILE_{percentile}" if percentile else "REDUCE_SUM"
    plot = "LINE" if percentile else "STACKED_BAR"
    query = {
        "timeSeriesFilter": {
            "filter": series,
            "aggregation": {
                "alignmentPeriod": _ALIGNMENT,
                "perSeriesAligner": aligner,
                "crossSeriesReducer": reducer,
                "groupByFields": group_by,
            },
        }
    }
    return {"title": title, "xyChart": {"dataSets": [{"timeSeriesQuery": query, "plotType": plot}]}}
