"""Cost benchmarks of the deployed workflows on the local runtime; prints one Markdown table.

    make bench-costs        (or: .venv/bin/python -m tools.bench_costs)

Rows:
- an ignored object write (a finalize event of an object that is no marker), whole
  deployment: router mode (the marker router's run) vs direct mode (every enabled Cloud
  Storage workflow started for it), in the same run;
- one scene end to end (tools/scene_e2e), per workflow: billed steps and API calls;
- scene-batch, 100 scenes, max_concurrent 10, every job 600 virtual seconds: virtual wall
  time against the ideal ceil(N / C) x duration, and the steps billed (children included);
- retention-cleanup on buckets of 1,000 / 10,000 / 100,000 objects, 1% expired: API calls
  and steps (all executions). The buckets are in memory (tools/in_memory_bucket); at
  1,000 objects the same run on the emulator must give the same counts, or this fails.

Steps are Cloud Workflows' billed internal steps (every step, connector poll and retry).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable

from components.catalog import WORKFLOWS_DIR, routed_workflows
from components.routing import router_env
from tools import markdown
from tools.in_memory_bucket import InMemoryBucket
from tools.pipeline_world import CATALOG, PROD, Pipeline, pipeline_worlds
from tools.retention_world import DAY, age
from tools.scene_batch_world import put_manifest, scene_ids
from tools.scene_e2e import count_api_calls, experimental_config, prepare, run_scene
from workflow_runtime.engine import Limits

IGNORED = "scenes/s1/layout/room.json"
BATCH_SCENES, BATCH_CONCURRENT, JOB_SECONDS = 100, 10, 600.0
RETENTION_SIZES = (1_000, 10_000, 100_000)
# One scene's objects: folder -> how many; geniesim is never a retention candidate.
SCENE_OBJECTS = {
    "input": 1,
    "layout": 2,
    "seg": 1,
    "assets": 2,
    "usd": 1,
    "episodes": 1,
    "logs": 1,
    "geniesim": 1,
}

Row = tuple[str, str, str, str]


def ignored_object(make: Callable[..., Pipeline]) -> list[Row]:
    """Router vs direct mode for one non-marker object, whole deployment."""
    world = make()
    world.env.deploy(
        "marker-router", WORKFLOWS_DIR / "marker-router.yaml", env=router_env(CATALOG, world.config)
    )
    event = world.marker(IGNORED)
    routed = world.run("marker-router", event)
    direct = [spec.name for spec in routed_workflows(CATALOG, world.config)]
    steps = 0
    for name in direct:
        result = world.run(name, event)
        if result.state != "SUCCEEDED":
            raise RuntimeError(f"{name} failed on an ignored object: {result.error}")
        steps += result.steps.internal
    return [
        ("ignored object write", "router mode (1 trigger)", f"{routed.steps.internal} steps", "0 API calls"),
        ("ignored object write", f"direct mode ({len(direct)} triggers)", f"{steps} steps", "0 API calls"),
    ]


def scene_end_to_end(make: Callable[..., Pipeline], experimental: bool) -> list[Row]:
    """Steps and API calls per workflow of one scene from its layout on."""
    world = make(experimental_config() if experimental else PROD)
    prepare(world, "s1")
    run = run_scene(world, "s1")
    label = "scene end to end" + (" (experimental on)" if experimental else "")
    rows = []
    for workflow in ["marker-router", *dict.fromkeys(run.order)]:
        runs = run.router_runs if workflow == "marker-router" else run.order.count(workflow)
        rows.append(
            (
                label,
                f"{workflow} (x{runs})",
                f"{run.steps[workflow]} steps",
                f"{run.api_calls[workflow]} API calls",
            )
        )
    total_steps, total_calls = sum(run.steps.values()), sum(run.api_calls.values())
    rows.append((label, "total", f"{total_steps} steps", f"{total_calls} API calls"))
    return rows


def scene_batch(make: Callable[..., Pipeline]) -> list[Row]:
    """100 scenes at max_concurrent 10, jobs of a fixed virtual duration, vs the ideal."""
    world = make()
    world.cloud_run.default_duration = JOB_SECONDS
    put_manifest(world, scene_ids(BATCH_SCENES))
    calls = count_api_calls(world.env)
    result = world.run(
        "scene-batch", {"manifest_object": "scene-batches/manifest.json", "max_concurrent": BATCH_CONCURRENT}
    )
    if result.state != "SUCCEEDED" or result.result["success"] != BATCH_SCENES:
        raise RuntimeError(f"scene-batch did not run every scene: {result.error or result.result}")
    children = [r for r in world.env.executions.records if r.workflow == "scene-batch"]
    steps = result.steps.internal + sum(child.outcome.steps.internal for child in children)
    ideal = math.ceil(BATCH_SCENES / BATCH_CONCURRENT) * JOB_SECONDS
    wall = result.virtual_seconds
    what = f"{BATCH_SCENES} scenes, max_concurrent {BATCH_CONCURRENT}, jobs {JOB_SECONDS:g} s"
    return [
        (
            "scene-batch",
            f"{what}: wall {wall:.0f} s / ideal {ideal:.0f} s = {wall / ideal:.3f}",
            f"{steps} steps ({len(children)} child executions)",
            f"{sum(calls.values())} API calls",
        )
    ]


def _retention_objects(total: int) -> dict[str, float]:
    """`total` objects (name -> age in days) over whole scenes, 1% expired."""
    per_scene = sum(SCENE_OBJECTS.values())
    names = [
        f"scenes/s{scene:06d}/{folder}/f{index}.json"
        for scene in range(math.ceil(total / per_scene))
        for folder, count in SCENE_OBJECTS.items()
        for index in range(count)
    ][:total]
    candidates = [name for name in names if "/geniesim/" not in name]
    expired = set(candidates[:: max(1, round(len(candidates) / (total / 100)))][: total // 100])
    return {name: (400.0 if name in expired else 1.0) for name in names}


def _retention_run(world: Pipeline) -> tuple[int, int, Counter[str]]:
    calls = count_api_calls(world.env)
    result = world.run("retention-cleanup", {})
    records = [r for r in world.env.executions.records if r.workflow == "retention-cleanup"]
    final = records[-1].result if records else result.result
    if result.state != "SUCCEEDED" or any(r.state != "SUCCEEDED" for r in records):
        raise RuntimeError(f"retention-cleanup failed: {result.error}")
    steps = result.steps.internal + sum(r.outcome.steps.internal for r in records)
    return steps, int(final["deleted"]), calls


def retention(make: Callable[..., Pipeline]) -> list[Row]:
    """API calls and steps on buckets of each size with 1% expired."""
    rows = []
    for total in RETENTION_SIZES:
        ages = _retention_objects(total)
        world = make()
        bucket = InMemoryBucket(world.bucket)
        now = world.env.runtime.clock.now()
        for name, days in ages.items():
            bucket.put(name, {}, now - days * DAY)
        world.env.services.connectors = bucket.connectors(world.env.services.connectors)
        world.env.runtime.limits = Limits()
        steps, deleted, calls = _retention_run(world)
        if total == RETENTION_SIZES[0]:
            _check_against_the_emulator(make, ages, steps, deleted, calls)
        expected = sum(1 for days in ages.values() if days > 365)
        if deleted != expected:
            raise RuntimeError(f"retention deleted {deleted} of {expected} expired objects")
        listed = calls["retention-cleanup"]
        rows.append(
            (
                "retention-cleanup",
                f"{total:,} objects, {deleted} expired",
                f"{steps} steps",
                f"{listed} API calls",
            )
        )
    return rows


def _check_against_the_emulator(
    make: Callable[..., Pipeline], ages: dict[str, float], steps: int, deleted: int, calls: Counter[str]
) -> None:
    world = make()
    for name in ages:
        world.env.put_json(name, {})
    age(world, ages)
    real = _retention_run(world)
    if real != (steps, deleted, calls):
        raise RuntimeError(
            f"the in-memory bucket disagrees with the emulator: {real} vs {(steps, deleted, calls)}"
        )


def main() -> None:
    """Print the table."""
    with pipeline_worlds("bench-costs") as make:
        rows = [
            *ignored_object(make),
            *scene_end_to_end(make, experimental=False),
            *scene_end_to_end(make, experimental=True),
            *scene_batch(make),
            *retention(make),
        ]
    print(markdown.table(("benchmark", "case", "steps", "API calls"), ("---", "---", "---:", "---:"), rows))


if __name__ == "__main__":
    main()
