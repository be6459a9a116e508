"""The trigger map end to end on the runtime: a scene layout goes in, and each marker a
workflow (or its jobs) writes starts the next workflow through the marker router, as
Eventarc would deliver every finalized object of the bucket to it."""

from __future__ import annotations

from components.catalog import WORKFLOWS_DIR
from components.routing import router_env
from tools.pipeline_world import CATALOG, Pipeline
from tools.scene_e2e import ALERTS, DASHBOARDS, METRICS

OURS = {
    "objects-pipeline",
    "scale-pipeline",
    "regen3d-pipeline",
    "usd-assembly-pipeline",
    "arena-export-pipeline",
    "episode-generation-pipeline",
    "variation-assets-pipeline",
}


def _jobs_write_their_markers(world: Pipeline) -> None:
    world.job_writes("regen3d-adapter-job", {"scenes/s1/assets/.regen3d_complete": {}})
    world.job_writes("simready-job", {"scenes/s1/assets/.simready_complete": {}})
    world.job_writes("usd-assembly-job", {})  # the convert-only run
    world.job_writes("usd-assembly-job", {"scenes/s1/usd/.usd_complete": {}})
    world.job_writes("replicator-job", {"scenes/s1/replicator/.replicator_complete": {}})
    world.job_writes("isaac-lab-job", {"scenes/s1/isaac_lab/.isaac_lab_complete": {}})
    world.job_writes("variation-gen-job", {"scenes/s1/variation_assets/variation_assets.json": {}})
    for cluster, zone in (
        ("blueprint-cluster", "us-central1-a"),
        ("blueprint-cluster-secondary", "us-east1-b"),
    ):
        added = world.env.gke.add_cluster(cluster, zone, namespaces=("blueprint",))
        added.add_node(
            "gpu-1", {"cloud.google.com/gke-accelerator": "nvidia-tesla-t4"}, {"nvidia.com/gpu": "1"}
        )

    # prod: episode generation's monitoring gate needs these
    for name in DASHBOARDS:
        world.env.monitoring.add_dashboard(name)
    for name in ALERTS:
        world.env.monitoring.add_alert_policy(name)
    for name in METRICS:
        world.env.logging.add_metric(name, "")


def test_each_marker_starts_the_next_workflow_through_the_router(pipeline: Pipeline) -> None:
    pipeline.env.deploy(
        "marker-router", WORKFLOWS_DIR / "marker-router.yaml", env=router_env(CATALOG, pipeline.config)
    )
    _jobs_write_their_markers(pipeline)
    pipeline.env.put_json("scenes/s1/layout/scene_layout.json", {"objects": []})
    started: dict[str, list[str]] = {}
    delivered: set[str] = set()
    while fresh := sorted(set(pipeline.objects()) - delivered):
        for name in fresh:  # Eventarc delivers every finalized object to the router
            delivered.add(name)
            routed = pipeline.run("marker-router", pipeline.env.storage_event(name))
            assert routed.state == "SUCCEEDED", routed.error
            # The router returns null for an object that is no marker's.
            started[name] = sorted(entry["workflow"] for entry in (routed.result or {}).get("started", []))
    markers = {name: workflows for name, workflows in started.items() if workflows}
    assert markers == {
        "scenes/s1/layout/scene_layout.json": ["objects-pipeline", "scale-pipeline"],
        "scenes/s1/assets/.assets_ready": ["regen3d-pipeline"],
        "scenes/s1/assets/.regen3d_complete": ["usd-assembly-pipeline"],  # experimental off in prod
        "scenes/s1/usd/.usd_complete": ["arena-export-pipeline", "episode-generation-pipeline"],
        "scenes/s1/replicator/.replicator_complete": ["variation-assets-pipeline"],
        "scenes/s1/isaac_lab/.isaac_lab_complete": ["arena-export-pipeline"],
        "scenes/s1/variation_assets/.variation_pipeline_complete": ["genie-sim-export-pipeline"],
    }
    records = [r for r in pipeline.env.executions.records if r.workflow in OURS]
    assert len(records) == 8  # arena runs twice: for the USD and for Isaac Lab
    for record in records:
        assert record.state == "SUCCEEDED", (record.workflow, record.error)
    by_workflow = {r.workflow: r.result for r in records if r.workflow != "episode-generation-pipeline"}
    assert all(
        (result.get("status") if isinstance(result, dict) else result.split()[1]) in ("SUCCESS", "started")
        for result in by_workflow.values()
    ), by_workflow
