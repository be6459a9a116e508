"""scene-reconciler on the runtime: a marker the router lost (429s until its retries were
exhausted) is healed on the next run; fresh, running (lock) and failed scenes are left
alone; a scene that keeps failing is re-driven at most maxRedrives times per marker and
stays visible; concurrent reconcilers and a late original delivery start the stage once."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest

from components.catalog import load_catalog
from components.config import ReconcilerConfig
from components.reconciler import ReconcilerError, reconciler_stages
from tools.pipeline_world import PROD, Pipeline, metrics
from tools.reconciler_world import (
    RECONCILER,
    ROUTER,
    STALLED_DAYS,
    deploy_router,
    reconcile,
    record,
    seed_scenes,
)

MARKER = "scenes/s1/assets/.assets_ready"
JOB = "regen3d-adapter-job"
OUTPUT = {"scenes/s1/assets/.regen3d_complete": {}}
# The router's try retries with http.default_retry_non_idempotent (5 retries) around a
# connector that itself retries a 429 5 times (cloud.google.com/workflows/docs/connectors,
# "Retries"; workflow_runtime/connectors/retry.py): 6 x 6 refused requests lose the marker.
REFUSALS_THAT_EXHAUST = 36
SEEDS = range(10)


@pytest.fixture
def world(pipeline: Pipeline) -> Pipeline:
    """The pipeline with the marker router deployed."""
    deploy_router(pipeline)
    return pipeline


def _jobs(pipeline: Pipeline, job: str) -> int:
    return sum(1 for run in pipeline.cloud_run.runs if run.job == job)


def _redrives(result: object, event: str) -> list[dict]:
    return [m for m in metrics(result, "reconciler_redrive") if m["event"] == event]  # type: ignore[arg-type]


def test_a_marker_the_router_lost_is_healed_on_the_next_run(world: Pipeline) -> None:
    seed_scenes(world, {MARKER: STALLED_DAYS})
    world.env.executions.refuse_next(429, times=REFUSALS_THAT_EXHAUST)
    lost = world.run(ROUTER, world.env.storage_event(MARKER))
    assert lost.state == "FAILED", "the router should have given up on the refused start"
    assert _jobs(world, JOB) == 0

    world.job_writes(JOB, OUTPUT)
    healed = reconcile(world)
    assert healed.state == "SUCCEEDED", healed.error
    assert healed.result["redriven"] == 1
    assert _jobs(world, JOB) == 1
    [metric] = _redrives(healed, "redriven")
    assert metric["scene_id"] == "s1" and metric["marker"] == MARKER and metric["redrives"] == 1
    assert record(world, "s1", ".assets_ready")["redrives"] == 1

    again = reconcile(world)
    assert again.result["redriven"] == 0, "a healed scene is not re-driven again"
    assert _jobs(world, JOB) == 1


def test_fresh_running_and_failed_scenes_are_left_alone(world: Pipeline) -> None:
    seed_scenes(
        world,
        {
            "scenes/fresh/assets/.assets_ready": 0.1,
            "scenes/running/assets/.assets_ready": STALLED_DAYS,
            "scenes/running/locks/regen3d.lock": 0.0,
            "scenes/failed/assets/.assets_ready": STALLED_DAYS,
            "scenes/failed/assets/.failed": STALLED_DAYS,
            "scenes/done/assets/.assets_ready": STALLED_DAYS,
            "scenes/done/assets/.regen3d_complete": 0.9,
            "scenes/done/usd/.usd_complete": 0.8,
            "scenes/done/replicator/.replicator_complete": 0.8,
            "scenes/done/isaac_lab/.isaac_lab_complete": 0.8,
            "scenes/done/variation_assets/.variation_pipeline_complete": 0.7,
            "scenes/done/episodes/.episodes_complete": 0.6,
            "scenes/done/geniesim/.geniesim_submitted": 0.6,
            "scenes/done/geniesim/.geniesim_complete": 0.5,
        },
    )
    result = reconcile(world)
    assert result.state == "SUCCEEDED", result.error
    assert result.result["scenes"] == 4
    assert result.result["redriven"] == 0
    assert world.env.executions.of(ROUTER) == []
    assert not [name for name in world.objects() if "/.reconciler/" in name]


def test_a_scene_that_keeps_failing_stops_after_the_limit_and_stays_visible(world: Pipeline) -> None:
    seed_scenes(world, {MARKER: STALLED_DAYS})
    world.env.executions.refuse_next(429, times=1000)  # nothing ever starts
    limit = PROD.reconciler.max_redrives
    for attempt in range(1, limit + 1):
        result = reconcile(world)
        assert result.state == "SUCCEEDED", result.error
        [failed] = _redrives(result, "failed")
        assert failed["redrives"] == attempt
        assert record(world, "s1", ".assets_ready")["redrives"] == attempt
    for _ in range(2):
        result = reconcile(world)
        [exhausted] = _redrives(result, "exhausted")
        assert exhausted["redrives"] == limit and exhausted["max_redrives"] == limit
        assert [e.severity for e in result.logs if e.payload == {**exhausted}] == ["ERROR"]
        assert result.result["exhausted"] == 1
        assert record(world, "s1", ".assets_ready")["redrives"] == limit


def test_a_rewritten_marker_gets_a_new_count(world: Pipeline) -> None:
    seed_scenes(world, {MARKER: STALLED_DAYS})
    world.env.executions.refuse_next(429, times=1000)
    for _ in range(PROD.reconciler.max_redrives + 1):
        reconcile(world)
    seed_scenes(world, {MARKER: STALLED_DAYS + 1})  # an operator rewrote the marker
    assert _redrives(reconcile(world), "failed")[0]["redrives"] == 1


def test_a_stage_threshold_from_config_applies(world: Pipeline) -> None:
    seed_scenes(world, {MARKER: 2 / 24})  # 2 h old: fresh by default (12 h)
    world.job_writes(JOB, OUTPUT)
    assert reconcile(world).result["redriven"] == 0
    config = dataclasses.replace(
        world.config, reconciler=ReconcilerConfig(stall_minutes={".assets_ready": 60})
    )
    stages = reconciler_stages(load_catalog(), config)
    assert stages["stages"]["assets/.assets_ready"]["stall_seconds"] == 3600
    from components.env import workflow_env

    env = workflow_env(world.spec(RECONCILER), config)
    assert reconcile(world, **env).result["redriven"] == 1
    assert _jobs(world, JOB) == 1


def test_an_unknown_stage_in_config_is_refused() -> None:
    config = dataclasses.replace(PROD, reconciler=ReconcilerConfig(stall_minutes={".asets_ready": 60}))
    with pytest.raises(ReconcilerError, match=r"unknown stages \['.asets_ready'\]; stages: .*\.assets_ready"):
        reconciler_stages(load_catalog(), config)


def test_concurrent_reconcilers_and_a_late_delivery_start_the_stage_once(
    fresh_pipeline: Callable[[], Pipeline],
) -> None:
    seen: set[int] = set()
    for seed in SEEDS:
        world = fresh_pipeline()
        deploy_router(world)
        seed_scenes(world, {MARKER: STALLED_DAYS})
        world.job_writes(JOB, OUTPUT)
        world.env.start(RECONCILER, {"bucket": world.bucket})
        world.env.start(RECONCILER, {"bucket": world.bucket})
        world.env.start(ROUTER, world.env.storage_event(MARKER))
        results = world.env.wait(seed=seed)
        assert [r.state for r in results] == ["SUCCEEDED"] * 3, (seed, [r.error for r in results])
        # A reconciler that lists after the late delivery took the lock leaves the scene alone.
        redriven = sum(r.result["redriven"] for r in results[:2])
        assert redriven <= 1, seed
        seen.add(redriven)
        kept = record(world, "s1", ".assets_ready")
        assert (kept or {}).get("redrives", 0) == redriven, seed
        assert len(world.env.executions.of("regen3d-pipeline")) == 1 + redriven, seed
        assert _jobs(world, JOB) == 1, seed
    assert seen == {0, 1}, "the seeds should cover both orders (re-drive first, delivery first)"


@pytest.mark.parametrize("experimental", [False, True])
def test_the_stages_follow_the_routers_enabled_workflows(experimental: bool) -> None:
    from components.config import ExperimentalConfig

    config = dataclasses.replace(PROD, experimental=ExperimentalConfig(shared=experimental))
    catalog = load_catalog()
    targets = {
        t["workflow"] for s in reconciler_stages(catalog, config)["stages"].values() for t in s["targets"]
    }
    assert ("dwm-preparation-pipeline" in targets) is experimental
