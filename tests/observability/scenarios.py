"""Workflow executions on the runtime whose logs feed the metric tests.

The deployed bodies (tools/pipeline_world.Pipeline: every catalog workflow with its
deployed source and prod env) run the paths that log each `bp_metric` shape through
workflows/lib/cloud_run.yaml's run_job: a job that succeeds fast, one that uses 85% and
one 97% of its timeout, one that runs out of time, one that fails, one started in the
secondary region, a launch refused after its retries, and episode generation's quality
gate failing and passing, a Genie Sim job slower than its SLA. Entries whose bodies have
not landed on main yet would come from `bp_metric_driver.yaml` (see `DRIVEN`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from tools.geniesim_world import seed_export_scene
from tools.pipeline_world import Pipeline
from workflow_runtime.engine import ExecutionResult

DRIVER = Path(__file__).with_name("bp_metric_driver.yaml")
OBJECTS_TIMEOUT = 3600  # objects-job in workflows/catalog.yaml

# bp_metric shapes no deployed body logs yet, and who will: logged by the driver meanwhile.
DRIVEN: dict[str, str] = {}


def _objects(pipeline: Pipeline, scene: str, script: Callable[[Any], None]) -> ExecutionResult:
    script(pipeline.cloud_run)
    event = pipeline.marker(f"scenes/{scene}/layout/scene_layout.json", {"objects": []})
    return pipeline.run("objects-pipeline", event)


def _episode_generation(pipeline: Pipeline, scene: str, gate_fails: bool) -> ExecutionResult:
    if gate_fails:
        pipeline.cloud_run.fail("quality-gate-job", duration=300, message="3 blocking failures")
    else:
        pipeline.cloud_run.succeed("quality-gate-job", duration=200)
    event = pipeline.marker(f"scenes/{scene}/usd/.usd_complete")
    return pipeline.run(
        "episode-generation-pipeline", {**event, "enforce_quality_gates": True}, BP_ENV="staging"
    )


def run_pipeline_scenarios(pipeline: Pipeline) -> None:
    """Run every scenario; the executions' results end up in `pipeline.env.runtime.finished`."""
    _objects(pipeline, "fast", lambda run: run.succeed("objects-job", duration=1200))
    _objects(pipeline, "slow85", lambda run: run.succeed("objects-job", duration=0.85 * OBJECTS_TIMEOUT))
    _objects(pipeline, "slow97", lambda run: run.succeed("objects-job", duration=0.97 * OBJECTS_TIMEOUT))
    _objects(pipeline, "overtime", lambda run: run.succeed("objects-job", duration=2 * OBJECTS_TIMEOUT))
    _objects(pipeline, "crash", lambda run: run.fail("objects-job", duration=600, message="segfault"))
    _objects(
        pipeline, "refused", lambda run: run.raise_on_start("objects-job", code=400, message="bad request")
    )
    pipeline.cloud_run.set_region_down("us-central1", code=503)
    _objects(pipeline, "failover", lambda run: run.succeed("objects-job", duration=900))
    pipeline.cloud_run.set_region_up("us-central1")
    gke = pipeline.env.gke
    for name, zone in (("blueprint-cluster", "us-central1-a"), ("blueprint-cluster-secondary", "us-east1-b")):
        cluster = gke.add_cluster(name, zone, namespaces=("blueprint",))
        cluster.add_node(
            "gpu-1", {"cloud.google.com/gke-accelerator": "nvidia-tesla-t4"}, {"nvidia.com/gpu": "1"}
        )
    _episode_generation(pipeline, "gate-fails", gate_fails=True)
    _episode_generation(pipeline, "gate-passes", gate_fails=False)
    # A completed Genie Sim job that took 15000 s against the 14400 s SLA.
    event = seed_export_scene(pipeline.env, "sla", "job_sla", job_metrics={"duration_seconds": 15000})
    pipeline.run("genie-sim-export-pipeline", event)
