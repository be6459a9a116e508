"""Episode generation's production monitoring gate passes on what each stack deploys.

The gate (workflows/episode-generation-pipeline.yaml) lists dashboards, alert policies and
log-based metrics through the Monitoring and Logging APIs and refuses to run without the
original's names. Here the fake APIs hold exactly what the program registers for the
stack (mock engine), and the deployed body runs against them in production mode.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tools.mock_engine import Evaluation, evaluate_cached
from tools.pipeline_world import Pipeline

TRIGGER = "scenes/s1/usd/.usd_complete"


def _deploy_observability(pipeline: Pipeline, run: Evaluation, *, skip: str | None = None) -> None:
    """Seed the fake Monitoring and Logging APIs with the stack's registrations."""
    for resource in run.of_type("gcp:monitoring/dashboard:Dashboard"):
        layout = json.loads(resource.inputs["dashboardJson"])
        if layout["displayName"] != skip:
            pipeline.env.monitoring.add_dashboard(layout.pop("displayName"), **layout)
    for resource in run.of_type("gcp:monitoring/alertPolicy:AlertPolicy"):
        name = resource.inputs["displayName"]
        # An alert policy is enabled unless `enabled: false` is registered.
        pipeline.env.monitoring.add_alert_policy(
            name, enabled=resource.inputs.get("enabled", True) and name != skip
        )
    for resource in run.of_type("gcp:logging/metric:Metric"):
        if resource.inputs["name"] != skip:
            pipeline.env.logging.add_metric(resource.inputs["name"], resource.inputs["filter"])


def _gpu_clusters(pipeline: Pipeline) -> None:
    for name, zone in (("blueprint-cluster", "us-central1-a"), ("blueprint-cluster-secondary", "us-east1-b")):
        cluster = pipeline.env.gke.add_cluster(name, zone, namespaces=("blueprint",))
        cluster.add_node(
            "gpu-1", {"cloud.google.com/gke-accelerator": "nvidia-tesla-t4"}, {"nvidia.com/gpu": "1"}
        )


def _run(pipeline: Pipeline) -> Any:
    event = pipeline.marker(TRIGGER)
    return pipeline.run(
        "episode-generation-pipeline", {**event, "run_staging_e2e": False, "enforce_quality_gates": False}
    )


@pytest.mark.parametrize("stack", ["prod", "staging"])
def test_the_gate_passes_on_what_the_stack_deploys(pipeline: Pipeline, stack: str) -> None:
    _gpu_clusters(pipeline)
    _deploy_observability(pipeline, evaluate_cached(stack))
    result = _run(pipeline)  # BP_ENV=production: the gate runs
    assert result.state == "SUCCEEDED", result.error
    assert result.result["status"] == "SUCCESS"


@pytest.mark.parametrize(
    "missing",
    [
        "BlueprintPipeline - GPU Metrics",
        "[Blueprint] Workflow Job Retry Spike",
        "blueprint_geniesim_sla_violations",
    ],
)
def test_without_one_of_them_the_gate_refuses(pipeline: Pipeline, missing: str) -> None:
    """Control: the same deployment minus one required item fails the gate, naming it."""
    _gpu_clusters(pipeline)
    _deploy_observability(pipeline, evaluate_cached("prod"), skip=missing)
    result = _run(pipeline)
    assert result.state == "FAILED" and result.error["code"] == "monitoring_gate_failed"
    assert [m for m in result.error["missing"] if m.endswith(missing)]
