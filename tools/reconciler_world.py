"""Reconciler test and benchmark helpers: the deployed pipeline plus the marker router
(the program deploys it outside the catalog), scenes seeded at a chosen stage and age, and
a reconciler run."""

from __future__ import annotations

from typing import Any

from components.catalog import WORKFLOWS_DIR
from components.routing import router_env
from tools.pipeline_world import CATALOG, Pipeline
from tools.retention_world import DAY, age
from workflow_runtime.engine import ExecutionResult

RECONCILER = "scene-reconciler"
ROUTER = "marker-router"
STALLED_DAYS = 1.0  # older than the default threshold (12 h)


def deploy_router(pipeline: Pipeline) -> None:
    """Deploy marker-router with the route table the program gives it."""
    pipeline.env.deploy(
        ROUTER, WORKFLOWS_DIR / "marker-router.yaml", env=router_env(CATALOG, pipeline.config)
    )


def seed_scenes(pipeline: Pipeline, markers: dict[str, float]) -> None:
    """Write each marker object and make it report `updated` that many days ago."""
    for name in markers:
        pipeline.env.put_json(name, {"scene_id": name.split("/")[1], "status": "completed"})
    age(pipeline, {name: days for name, days in markers.items()})


def reconcile(pipeline: Pipeline, **env: str) -> ExecutionResult:
    """One scheduled run of the reconciler (the Scheduler job's argument)."""
    return pipeline.run(RECONCILER, {"bucket": pipeline.bucket}, **env)


def record(pipeline: Pipeline, scene_id: str, marker_file: str) -> Any:
    """The reconciler's re-drive record of one scene and marker, or None."""
    name = f"scenes/{scene_id}/.reconciler/{marker_file}.json"
    return pipeline.env.get_json(name) if name in pipeline.objects(f"scenes/{scene_id}/") else None


__all__ = ["DAY", "STALLED_DAYS", "deploy_router", "reconcile", "record", "seed_scenes"]
