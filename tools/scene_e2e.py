"""One scene end to end on the local runtime: the layout goes in, Eventarc delivers every
finalized object to the marker router, fake Cloud Run and Kubernetes jobs write the
markers the real jobs write, and each marker starts the next workflow, down to training.

Used by tests/pipeline/test_scene_end_to_end.py and the cost benchmark (tools/bench_costs).
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from components.catalog import WORKFLOWS_DIR
from components.config import ExperimentalConfig, StackConfig
from components.routing import router_env
from tools.geniesim_world import seed_completed_job
from tools.pipeline_world import CATALOG, PROD, Pipeline
from workflow_runtime.connectors import ConnectorSpec
from workflow_runtime.testing import WorkflowEnv

ROUTER = "marker-router"
GENIESIM_JOB = "job_1"
# The Cloud Monitoring and Logging resources episode-generation's production monitoring
# gate requires.
DASHBOARDS = ["BlueprintPipeline - Overview", "BlueprintPipeline - GPU Metrics"]
ALERTS = ["[Blueprint] Workflow Job Timeout Detected", "[Blueprint] Workflow Job Retry Spike"]
METRICS = [
    "blueprint_job_timeout_events",
    "blueprint_job_retry_exhausted_total",
    "blueprint_job_timeout_usage_ratio",
    "blueprint_geniesim_sla_violations",
    "blueprint_job_failure_events",
]
_GPU_NODE = ({"cloud.google.com/gke-accelerator": "nvidia-tesla-t4"}, {"nvidia.com/gpu": "1"})


@dataclass
class SceneRun:
    """What one scene's run did: executions in start order, and costs per workflow."""

    scene_id: str
    order: list[str] = field(default_factory=list)  # workflow per execution, by start time
    states: dict[str, list[str]] = field(default_factory=dict)
    steps: Counter[str] = field(default_factory=Counter)  # billed internal steps
    api_calls: Counter[str] = field(default_factory=Counter)  # connector calls
    router_runs: int = 0
    objects: list[str] = field(default_factory=list)


def experimental_config(config: StackConfig = PROD) -> StackConfig:
    """`config` with dream2flow and dwm enabled."""
    return dataclasses.replace(
        config, experimental=ExperimentalConfig(dream2flow=True, dwm=True, shared=True)
    )


def job_markers(scene_id: str) -> dict[str, list[dict[str, Any]]]:
    """Per Cloud Run job, what each successive run writes (the real jobs' markers)."""
    prefix = f"scenes/{scene_id}"
    return {
        "regen3d-adapter-job": [{f"{prefix}/assets/.regen3d_complete": {}}],
        "simready-job": [{f"{prefix}/assets/.simready_complete": {}}],
        "usd-assembly-job": [{}, {f"{prefix}/usd/.usd_complete": {}}],  # convert-only, then full
        "replicator-job": [{f"{prefix}/replicator/.replicator_complete": {}}],
        "isaac-lab-job": [{f"{prefix}/isaac_lab/.isaac_lab_complete": {}}],
        "variation-gen-job": [{f"{prefix}/variation_assets/variation_assets.json": {"assets": []}}],
    }


def prepare(world: Pipeline, scene_id: str) -> None:
    """Deploy the router, script the jobs' markers, give episode generation its GKE
    clusters and (production) monitoring resources, and put the Genie Sim inputs in place:
    the scene's provenance and task config, and what the GPU job and the import job leave
    (job.json completed, the quality report, the import manifest)."""
    world.env.deploy(ROUTER, WORKFLOWS_DIR / "marker-router.yaml", env=router_env(CATALOG, world.config))
    for job, writes in job_markers(scene_id).items():
        for objects in writes:
            world.job_writes(job, objects)
    for cluster, zone in (
        ("blueprint-cluster", "us-central1-a"),
        ("blueprint-cluster-secondary", "us-east1-b"),
    ):
        world.env.gke.add_cluster(cluster, zone, namespaces=("blueprint",)).add_node("gpu-1", *_GPU_NODE)
    seed_completed_job(world.env, scene_id, GENIESIM_JOB)
    world.env.put_json(f"scenes/{scene_id}/geniesim/legal/asset_provenance.json", {"assets": []})
    world.env.put_json(f"scenes/{scene_id}/geniesim/task_config.json", {"tasks": ["pick"]})
    for name in DASHBOARDS:
        world.env.monitoring.add_dashboard(name)
    for name in ALERTS:
        world.env.monitoring.add_alert_policy(name)
    for name in METRICS:
        world.env.logging.add_metric(name, "")


def count_api_calls(env: WorkflowEnv) -> Counter[str]:
    """Connector calls per workflow (by the calling execution's workflow id) from now on."""
    calls: Counter[str] = Counter()

    def counted(spec: ConnectorSpec) -> ConnectorSpec:
        def impl(ctx: Any, args: Mapping[str, Any]) -> Any:
            calls[str(ctx.env.get("GOOGLE_CLOUD_WORKFLOW_ID"))] += 1
            return spec.impl(ctx, args)

        return ConnectorSpec(spec.name, impl)

    env.services.connectors = {name: counted(spec) for name, spec in env.services.connectors.items()}
    return calls


def run_scene(world: Pipeline, scene_id: str = "s1", max_rounds: int = 50) -> SceneRun:
    """Write the scene's layout and deliver every new object to the router until nothing
    new appears; returns what ran."""
    run = SceneRun(scene_id)
    run.api_calls = count_api_calls(world.env)
    world.env.put_json(f"scenes/{scene_id}/layout/scene_layout.json", {"objects": [{"id": "chair"}]})
    delivered: set[str] = set()
    for _ in range(max_rounds):
        fresh = sorted(set(world.objects()) - delivered)
        if not fresh:
            break
        for name in fresh:  # Eventarc delivers every finalized object to the router
            delivered.add(name)
            routed = world.run(ROUTER, world.env.storage_event(name))
            if routed.state != "SUCCEEDED":
                raise RuntimeError(f"the router failed on {name}: {routed.error}")
            run.router_runs += 1
            run.steps[ROUTER] += routed.steps.internal
    else:
        raise RuntimeError(f"scene {scene_id} still wrote new objects after {max_rounds} rounds")
    for record in sorted(world.env.executions.records, key=lambda r: r.created_at):
        if record.workflow == ROUTER:
            continue
        run.order.append(record.workflow)
        run.states.setdefault(record.workflow, []).append(record.state)
        if record.outcome is not None:
            run.steps[record.workflow] += record.outcome.steps.internal
    run.objects = world.objects()
    return run
