"""Billed steps of one scene-reconciler run for 10, 100 and 1,000 active scenes; prints a
Markdown table.

    .venv/bin/python -m tools.bench_reconciler

Each scene holds its control objects (a mix: 10% stalled and re-driven, the others fresh,
running under a lock, or done through the whole chain) and DATA_PER_SCENE data objects the
reconciler must never list. The buckets are in memory (tools/in_memory_bucket); at 10 scenes
the same run on the emulator must give the same counts, or this fails. The marker router
is deployed with an empty route table, so a re-drive's router run costs its two steps and
starts nothing (the row counts the reconciler's own steps).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from components.catalog import WORKFLOWS_DIR
from tools import markdown
from tools.in_memory_bucket import InMemoryBucket
from tools.pipeline_world import Pipeline, pipeline_worlds
from tools.reconciler_world import RECONCILER, ROUTER, reconcile, seed_scenes
from tools.retention_world import DAY
from tools.scene_e2e import count_api_calls
from workflow_runtime.engine import Limits

SIZES = (10, 100, 1_000)
DATA_PER_SCENE = 40
# Control objects per scene profile (relative name -> age in days); every tenth is stalled.
PROFILES: dict[str, dict[str, float]] = {
    "stalled": {"assets/.assets_ready": 1.0, "layout/scene_layout.json": 1.1, "layout/.scale_complete": 1.0},
    "running": {"assets/.assets_ready": 1.0, "locks/regen3d.lock": 0.5},
    "fresh": {"layout/scene_layout.json": 0.1},
    "done": {
        "layout/scene_layout.json": 3.0,
        "layout/.scale_complete": 2.9,
        "objects/.objects_complete": 2.9,
        "assets/.assets_ready": 2.9,
        "assets/.regen3d_complete": 2.8,
        "usd/.usd_complete": 2.7,
        "replicator/.replicator_complete": 2.7,
        "isaac_lab/.isaac_lab_complete": 2.7,
        "variation_assets/.variation_pipeline_complete": 2.6,
        "episodes/.episodes_complete": 2.5,
        "geniesim/.geniesim_submitted": 2.5,
        "geniesim/.geniesim_complete": 2.4,
    },
}
MIX = ("stalled", "running", "fresh", "done", "done", "done", "fresh", "running", "done", "done")

Result = tuple[int, int, Counter[str]]  # steps, scenes re-driven, API calls


def bucket_objects(scenes: int) -> dict[str, float]:
    """name -> age in days: each scene's control objects by MIX, plus its data objects."""
    objects: dict[str, float] = {}
    for scene in range(scenes):
        prefix = f"scenes/s{scene:05d}/"
        for name, days in PROFILES[MIX[scene % len(MIX)]].items():
            objects[prefix + name] = days
        for index in range(DATA_PER_SCENE):
            objects[f"{prefix}assets/mesh_{index:03d}.glb"] = 5.0
    return objects


@contextmanager
def _worlds() -> Iterator[Callable[[], Pipeline]]:
    with pipeline_worlds("bench-reconciler") as make:

        def with_router() -> Pipeline:
            world = make()
            world.env.deploy(ROUTER, WORKFLOWS_DIR / "marker-router.yaml", env={"MARKER_ROUTES": "{}"})
            return world

        yield with_router


def _run(world: Pipeline) -> Result:
    calls = count_api_calls(world.env)
    result = reconcile(world)
    if result.state != "SUCCEEDED":
        raise RuntimeError(f"{RECONCILER} failed: {result.error}")
    return result.steps.internal, int(result.result["redriven"]), calls


def in_memory(make: Callable[[], Pipeline], scenes: int) -> Result:
    """One run over `scenes` scenes in an in-memory bucket."""
    world = make()
    bucket = InMemoryBucket(world.bucket)
    now = world.env.runtime.clock.now()
    for name, days in bucket_objects(scenes).items():
        bucket.put(name, {}, now - days * DAY)
    world.env.services.connectors = bucket.connectors(world.env.services.connectors)
    world.env.runtime.limits = Limits()
    return _run(world)


def on_the_emulator(make: Callable[[], Pipeline], scenes: int) -> Result:
    """The same run against the storage emulator."""
    world = make()
    seed_scenes(world, bucket_objects(scenes))
    return _run(world)


def main() -> None:
    """Print the table."""
    rows = []
    with _worlds() as make:
        for scenes in SIZES:
            steps, redriven, calls = in_memory(make, scenes)
            if scenes == SIZES[0]:
                real = on_the_emulator(make, scenes)
                if real != (steps, redriven, calls):
                    raise RuntimeError(
                        f"in-memory bucket disagrees with the emulator: {real} vs {steps, calls}"
                    )
            expected = sum(1 for scene in range(scenes) if MIX[scene % len(MIX)] == "stalled")
            if redriven != expected:
                raise RuntimeError(f"{redriven} scenes re-driven, expected {expected}")
            objects = scenes * DATA_PER_SCENE + sum(len(PROFILES[MIX[s % len(MIX)]]) for s in range(scenes))
            rows.append((f"{scenes:,}", f"{objects:,}", str(redriven), str(steps), str(sum(calls.values()))))
    header = ("active scenes", "objects in bucket", "re-driven", "billed steps", "API calls")
    print(markdown.table(header, ("---:",) * len(header), rows))


if __name__ == "__main__":
    main()
