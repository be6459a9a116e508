"""Each deployed log-based metric and log-match alert selects exactly the `bp_metric`
entries meant for it, from entries logged by workflow executions on the runtime.

The filters and extractors are taken from what the program registers for the prod stack
(mock engine), not from the Python data, so a change anywhere between the data and the
registered input is covered. "Meant for" is written here independently, from the field
contract in ORIGINAL-SYSTEM.md section 0 (job_invocation, job_retry_exhausted) and
section 2 (geniesim_sla_violation).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from components.log_metrics import LOG_METRICS, Condition, LogMetric
from tests.observability.log_entries import bp_metric_entries, cloud_entries
from tests.observability.metric_check import Intended, filter_problems
from tools.mock_engine import Evaluation, evaluate_cached
from workflow_runtime.connectors.gcs_client import GcsClient
from workflow_runtime.connectors.gcs_emulator import GcsEmulator
from workflow_runtime.testing import WorkflowEnv

DRIVER = Path(__file__).with_name("bp_metric_driver.yaml")
METRIC = "gcp:logging/metric:Metric"
ALERT = "gcp:monitoring/alertPolicy:AlertPolicy"


def _invocation(p: Mapping[str, Any]) -> bool:
    return p.get("bp_metric") == "job_invocation"


def _completed(p: Mapping[str, Any]) -> bool:
    return _invocation(p) and p.get("event") == "complete"


def _ratio_above(limit: float) -> Intended:
    return lambda p: _completed(p) and float(p.get("timeout_usage_ratio", 0)) > limit


INTENDED: dict[str, Intended] = {
    "blueprint_job_invocation_total": _invocation,
    "blueprint_job_invocation_duration_seconds": _completed,
    "blueprint_job_timeout_events": lambda p: _completed(p) and p.get("timed_out") is True,
    "blueprint_job_timeout_usage_ratio": _completed,
    "blueprint_job_retry_exhausted_total": lambda p: p.get("bp_metric") == "job_retry_exhausted",
    "blueprint_job_failure_events": lambda p: _completed(p) and p.get("status") == "FAILED",
    "blueprint_geniesim_sla_violations": lambda p: p.get("bp_metric") == "geniesim_sla_violation",
    "quality-gate-failures": lambda p: (
        _completed(p) and p.get("job") == "quality-gate-job" and p.get("status") == "FAILED"
    ),
}
LOG_ALERTS_INTENDED: dict[str, Intended] = {
    "[Blueprint] Workflow Job Timeout Usage > 80%": _ratio_above(0.8),
    "[Blueprint] Workflow Job Timeout Usage > 95%": _ratio_above(0.95),
}


def _execution(workflow: str, job: str, region: str = "us-central1") -> str:
    return f"projects/test-project/locations/{region}/jobs/{job}/executions/{job}-abc12"


def _start(workflow: str, job: str, timeout: int, **extra: Any) -> dict[str, Any]:
    data = {
        "bp_metric": "job_invocation",
        "event": "start",
        "workflow": workflow,
        "job": job,
        "scene_id": "scene_001",
        "timeout_seconds": timeout,
        "start_time": "2026-01-01T00:00:00Z",
        **extra,
    }
    return {"severity": "INFO", "data": data}


def _complete(
    workflow: str, job: str, timeout: int, duration: float, status: str, region: str = "us-central1"
) -> dict[str, Any]:
    start = _start(workflow, job, timeout, retry_max=5)["data"]
    data = {
        **start,
        "event": "complete",
        "duration_seconds": duration,
        "timeout_usage_ratio": duration / timeout,
        "timed_out": duration >= timeout,
        "status": status,
        "execution_name": _execution(workflow, job, region),
        "end_time": "2026-01-01T01:00:00Z",
    }
    return {"severity": "INFO" if status != "FAILED" else "ERROR", "data": data}


def driver_entries() -> list[dict[str, Any]]:
    """Entries of the contract's every shape, for workflows whose bodies log them."""
    return [
        _start("objects-pipeline", "objects-job", 3600, retry_max=5),
        _start(
            "scale-pipeline",
            "scale-job",
            3600,
            duration_seconds=0,
            timeout_usage_ratio=0,
            timed_out=False,
            status="STARTED",
        ),
        _complete("objects-pipeline", "objects-job", 3600, 1200, "SUCCEEDED"),
        _complete("objects-pipeline", "objects-job", 3600, 3060, "SUCCEEDED", region="us-east1"),  # 85%
        _complete("regen3d-pipeline", "regen3d-adapter-job", 3600, 3500, "FAILED"),  # 97%
        _complete("interactive-pipeline", "interactive-job", 1800, 1800, "FAILED"),  # timed out
        _complete("scale-pipeline", "scale-job", 3600, 5, "SUBMITTED"),
        _complete("episode-generation-pipeline", "quality-gate-job", 1800, 300, "FAILED"),
        _complete("episode-generation-pipeline", "quality-gate-job", 1800, 200, "SUCCEEDED"),
        {
            "severity": "ERROR",
            "data": {
                "bp_metric": "job_retry_exhausted",
                "workflow": "objects-pipeline",
                "job": "objects-job",
                "scene_id": "scene_002",
                "retry_max": 5,
                "error": "HTTP server responded with error code 429",
            },
        },
        {
            "severity": "ERROR",
            "data": {
                "bp_metric": "geniesim_sla_violation",
                "workflow": "genie-sim-export-pipeline",
                "scene_id": "scene_003",
                "job_id": "job_abc",
                "sla_seconds": 14400,
                "duration_seconds": 15000,
                "status": "completed",
                "quality_pass_rate": 0.9,
                "job_metadata_path": "scenes/scene_003/geniesim/job.json",
            },
        },
        {
            "severity": "INFO",
            "data": {
                "bp_metric": "maintenance_job",
                "event": "complete",
                "workflow": "retention-cleanup",
                "job": "retention-cleanup-job",
                "status": "FAILED",
            },
        },
        # Not metrics: a map without bp_metric and log lines that mention the fields.
        {"severity": "INFO", "data": {"message": "job finished", "status": "FAILED", "event": "complete"}},
        {"text": 'bp_metric="job_invocation" event="complete" status="FAILED"'},
        {"severity": "INFO", "data": "job_retry_exhausted"},
    ]


@pytest.fixture(scope="module")
def entries(gcs_emulator: GcsEmulator) -> list[dict[str, Any]]:
    """Every log entry of the executions, as Cloud Logging stores them."""
    storage = GcsClient(gcs_emulator.url)
    storage.create_bucket("observability-metrics")
    env = WorkflowEnv(storage, "observability-metrics")
    result = env.run(DRIVER, {"entries": driver_entries()})
    assert result.state == "SUCCEEDED", result.error
    return cloud_entries(env.runtime.finished, project=env.runtime.project_id, location=env.runtime.location)


@pytest.fixture(scope="module")
def prod() -> Evaluation:
    return evaluate_cached("prod")


def _registered(prod: Evaluation, type_: str) -> Iterator[Mapping[str, Any]]:
    return (r.inputs for r in prod.resources if r.type == type_)


def test_every_deployed_metric_has_an_intended_set(prod: Evaluation) -> None:
    """A new metric needs its "meant for" rule here, or this fails."""
    assert sorted(i["name"] for i in _registered(prod, METRIC)) == sorted(INTENDED)


def test_entries_are_what_the_runtime_logged(entries: list[dict[str, Any]]) -> None:
    """The collected entries carry the Workflows resource and both payload kinds."""
    assert len(bp_metric_entries(entries)) >= 12
    assert any("textPayload" in e for e in entries)
    assert {e["resource"]["type"] for e in entries} == {"workflows.googleapis.com/Workflow"}


@pytest.mark.parametrize("name", sorted(INTENDED))
def test_metric_matches_exactly_its_entries(
    name: str, prod: Evaluation, entries: list[dict[str, Any]]
) -> None:
    (inputs,) = (i for i in _registered(prod, METRIC) if i["name"] == name)
    problems = filter_problems(
        name,
        inputs["filter"],
        inputs["labelExtractors"],
        inputs.get("valueExtractor"),
        entries,
        INTENDED[name],
    )
    assert problems == []


@pytest.mark.parametrize("display_name", sorted(LOG_ALERTS_INTENDED))
def test_log_match_alert_matches_exactly_its_entries(
    display_name: str, prod: Evaluation, entries: list[dict[str, Any]]
) -> None:
    (inputs,) = (i for i in _registered(prod, ALERT) if i["displayName"] == display_name)
    (condition,) = inputs["conditions"]
    log_match = condition["conditionMatchedLog"]
    problems = filter_problems(
        display_name,
        log_match["filter"],
        log_match["labelExtractors"],
        None,
        entries,
        LOG_ALERTS_INTENDED[display_name],
    )
    assert problems == []


def test_every_log_match_alert_is_checked(prod: Evaluation) -> None:
    log_alerts = [
        i["displayName"] for i in _registered(prod, ALERT) if "conditionMatchedLog" in i["conditions"][0]
    ]
    assert sorted(log_alerts) == sorted(LOG_ALERTS_INTENDED)


def test_a_metric_on_a_field_nothing_logs_fails(entries: list[dict[str, Any]]) -> None:
    """Control: the check reports a metric whose field no workflow logs, and one whose
    filter is right but whose label reads a missing field."""
    ghost = LogMetric("ghost", "", (Condition("bp_metric", "=", "job_queued"),), {})
    assert filter_problems(
        "ghost", ghost.filter, {}, None, entries, lambda p: p.get("bp_metric") == "job_queued"
    ) == ["ghost: no workflow execution logged an entry meant for it"]
    real = LOG_METRICS[0]
    labels = {"cluster": "EXTRACT(jsonPayload.gke_cluster)"}
    problems = filter_problems("labels", real.filter, labels, None, entries, INTENDED[real.name])
    assert problems == [
        "labels: label cluster (EXTRACT(jsonPayload.gke_cluster)) is empty on every matched entry"
    ]


def test_a_filter_too_wide_or_too_narrow_fails(entries: list[dict[str, Any]]) -> None:
    """Control: dropping a condition over-matches; a wrong value under-matches."""
    wide = 'resource.type="workflows.googleapis.com/Workflow" AND jsonPayload.status="FAILED"'
    problems = filter_problems("wide", wide, {}, None, entries, INTENDED["blueprint_job_failure_events"])
    assert any("matches an entry not meant for it" in p and "maintenance_job" in p for p in problems)
    narrow = 'resource.type="workflows.googleapis.com/Workflow" AND jsonPayload.bp_metric="job_invocations"'
    problems = filter_problems(
        "narrow", narrow, {}, None, entries, INTENDED["blueprint_job_invocation_total"]
    )
    assert any("misses an entry meant for it" in p for p in problems)
