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
from typing import Any

import pytest

from components.log_metrics import LOG_METRICS, Condition, LogMetric
from tests.observability.log_entries import bp_metric_entries, cloud_entries
from tests.observability.metric_check import Intended, filter_problems
from tests.observability.scenarios import DRIVEN, DRIVER, run_pipeline_scenarios
from tools.mock_engine import Evaluation, evaluate_cached
from tools.pipeline_world import Pipeline
from workflow_runtime.connectors.gcs_client import GcsClient
from workflow_runtime.connectors.gcs_emulator import GcsEmulator
from workflow_runtime.testing import WorkflowEnv

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


def driver_entries() -> list[dict[str, Any]]:
    """Entries that must match nothing: another bp_metric kind (retention's maintenance_job)
    with the same field values, a map without bp_metric, and text lines that mention the
    fields. (A contract entry no deployed body logs yet would go here, listed in
    scenarios.DRIVEN.)"""
    return [
        {
            "severity": "INFO",
            "data": {
                "bp_metric": "maintenance_job",
                "event": "complete",
                "workflow": "retention-cleanup",
                "job": "retention-cleanup-job",
                "status": "FAILED",
                "timed_out": True,
            },
        },
        {"severity": "INFO", "data": {"message": "job finished", "status": "FAILED", "event": "complete"}},
        {"text": 'bp_metric="job_invocation" event="complete" status="FAILED"'},
        {"severity": "INFO", "data": "job_retry_exhausted"},
    ]


@pytest.fixture(scope="module")
def entries(gcs_emulator: GcsEmulator) -> list[dict[str, Any]]:
    """Every log entry of the scenarios' executions (deployed bodies, then the driver), as
    Cloud Logging stores them."""
    storage = GcsClient(gcs_emulator.url)
    storage.create_bucket("observability-metrics")
    env = WorkflowEnv(storage, "observability-metrics")
    run_pipeline_scenarios(Pipeline(env))
    driven = env.run(DRIVER, {"entries": driver_entries()})
    assert driven.state == "SUCCEEDED", driven.error
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
    """The deployed bodies log every bp_metric shape except those the driver stands in for."""
    assert any("textPayload" in e for e in entries)
    assert {e["resource"]["type"] for e in entries} == {"workflows.googleapis.com/Workflow"}
    by_bodies = {
        e["jsonPayload"]["bp_metric"]
        for e in bp_metric_entries(entries)
        if e["resource"]["labels"]["workflow_id"] != "bp_metric_driver"
    }
    assert by_bodies == {"job_invocation", "job_retry_exhausted", "geniesim_sla_violation"}
    assert set(DRIVEN).isdisjoint(by_bodies), "a body logs it now: drop it from scenarios.DRIVEN"
    workflows = {
        e["jsonPayload"]["workflow"] for e in bp_metric_entries(entries) if e["jsonPayload"].get("job")
    }
    assert {"objects-pipeline", "episode-generation-pipeline"} <= workflows


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
