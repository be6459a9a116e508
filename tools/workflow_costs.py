"""Billed steps per pipeline workflow, measured on the local runtime against the Cloud
Storage emulator: the happy path, and an ignored object (a finalize event of an object
that is not the workflow's marker; for the manual and scheduled workflows, their no-op
run). Prints a Markdown table.

    .venv/bin/python -m tools.workflow_costs

Internal steps are what Cloud Workflows bills as internal (every step, each connector
poll and retry); external steps are HTTP calls outside Google APIs (none here). Job
durations are the fakes' defaults (60 s), so polling counts are those of short jobs; a
longer Cloud Run job adds one poll (four steps) per minute once the backoff reaches 60 s.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tools import markdown
from tools.pipeline_world import Pipeline, pipeline_worlds
from workflow_runtime.engine import ExecutionResult

QUALITY_REPORT = "scenes/s1/episode-generation-job/quality_gate_report.json"
PASSING = {"summary": {"can_proceed": True, "blocking_failures": 0}}


@dataclass(frozen=True)
class Scenario:
    """How to run one workflow's happy path and its ignored object."""

    marker: str | None = None  # GCS workflows: the marker object written and delivered
    payload: dict[str, Any] = field(default_factory=dict)  # merged into the argument
    ignored: Any = None  # the argument of the ignored / no-op run (GCS: a near miss object)
    env: dict[str, str] = field(default_factory=dict)
    setup: Callable[[Pipeline], None] = lambda pipeline: None


def _gke(pipeline: Pipeline) -> None:
    for cluster, zone in (
        ("blueprint-cluster", "us-central1-a"),
        ("blueprint-cluster-secondary", "us-east1-b"),
    ):
        added = pipeline.env.gke.add_cluster(cluster, zone, namespaces=("blueprint",))
        added.add_node(
            "gpu-1", {"cloud.google.com/gke-accelerator": "nvidia-tesla-t4"}, {"nvidia.com/gpu": "1"}
        )


def _report(pipeline: Pipeline) -> None:
    pipeline.env.put_json(QUALITY_REPORT, PASSING)


SCENARIOS: dict[str, Scenario] = {
    "arena-export-pipeline": Scenario("scenes/s1/usd/.usd_complete", ignored="scenes/s1/usd/scene.usda"),
    "dream2flow-preparation-pipeline": Scenario(
        "scenes/s1/assets/.regen3d_complete",
        ignored="scenes/s1/assets/mesh.glb",
        env={"ENABLE_DREAM2FLOW": "true"},
    ),
    "dwm-preparation-pipeline": Scenario(
        "scenes/s1/assets/.regen3d_complete", ignored="scenes/s1/assets/mesh.glb", env={"ENABLE_DWM": "true"}
    ),
    "episode-generation-pipeline": Scenario(
        "scenes/s1/usd/.usd_complete",
        ignored="scenes/s1/usd/scene.usda",
        env={"BP_ENV": "staging"},
        setup=_gke,
    ),
    "interactive-pipeline": Scenario(
        "scenes/s1/assets/scene_assets.json", ignored="scenes/s1/assets/mesh.glb"
    ),
    "objects-pipeline": Scenario("scenes/s1/layout/scene_layout.json", ignored="scenes/s1/layout/room.json"),
    "regen3d-pipeline": Scenario(
        "scenes/s1/assets/.assets_ready",
        ignored="scenes/s1/assets/mesh.glb",
        setup=lambda p: p.job_writes("regen3d-adapter-job", {"scenes/s1/assets/.regen3d_complete": {}}),
    ),
    "scale-pipeline": Scenario("scenes/s1/layout/scene_layout.json", ignored="scenes/s1/layout/room.json"),
    "usd-assembly-pipeline": Scenario(
        "scenes/s1/assets/.regen3d_complete",
        ignored="scenes/s1/assets/mesh.glb",
        setup=lambda p: p.job_writes("simready-job", {"scenes/s1/assets/.simready_complete": {}}),
    ),
    "variation-assets-pipeline": Scenario(
        "scenes/s1/replicator/.replicator_complete",
        ignored="scenes/s1/replicator/frame_0.png",
        setup=lambda p: p.job_writes(
            "variation-gen-job", {"scenes/s1/variation_assets/variation_assets.json": {"assets": []}}
        ),
    ),
    "training-pipeline": Scenario(
        payload={
            "job_id": "job-1",
            "scene_id": "s1",
            "output_path": "scenes/s1/episodes/x",
            "episode_count": 40,
        },
        ignored={
            "job_id": "job-1",
            "scene_id": "s1",
            "output_path": "scenes/s1/episodes/x",
            "episode_count": 0,
        },
        setup=_report,
    ),
    "upsell-features-pipeline": Scenario(
        "scenes/s1/episodes/.episodes_complete",
        payload={"bundle_tier": "pro"},
        ignored="scenes/s1/episodes/episode_0.json",
        setup=_report,
    ),
    "scene-generation-pipeline": Scenario(payload={"scenes_per_run": 10}, ignored={"dry_run": True}),
}


@dataclass(frozen=True)
class Cost:
    """Billed steps of one execution."""

    internal: int
    external: int
    outcome: str


def _cost(result: ExecutionResult) -> Cost:
    if result.state != "SUCCEEDED":
        raise RuntimeError(f"{result.workflow_id} failed while measuring: {result.error}")
    status = str(result.result.get("status") if isinstance(result.result, dict) else result.result)
    return Cost(
        result.steps.internal, result.steps.external, status if len(status) < 32 else status[:28] + "..."
    )


def measure(make: Callable[[], Pipeline], name: str, scenario: Scenario) -> tuple[Cost, Cost]:
    """(happy path, ignored object) costs of workflow `name`, each in a fresh world."""
    happy_world = make()
    scenario.setup(happy_world)
    if scenario.marker:
        argument: Any = {**happy_world.marker(scenario.marker), **scenario.payload}
    else:
        argument = scenario.payload
    happy = _cost(happy_world.run(name, argument, **scenario.env))
    ignored_world = make()
    scenario.setup(ignored_world)
    if isinstance(scenario.ignored, str):
        ignored_argument: Any = ignored_world.marker(scenario.ignored)
    else:
        ignored_argument = scenario.ignored
    ignored = _cost(ignored_world.run(name, ignored_argument, **scenario.env))
    return happy, ignored


def main() -> None:
    """Print the table."""
    with pipeline_worlds("costs") as make:
        print(
            "| workflow | happy path: internal steps | (result) | ignored object: internal steps | (result) |"
        )
        print("| --- | ---: | --- | ---: | --- |")
        for name, scenario in SCENARIOS.items():
            happy, ignored = measure(make, name, scenario)
            external = happy.external + ignored.external
            note = f" (+{external} external)" if external else ""
            cells = [name, f"{happy.internal}{note}", happy.outcome, str(ignored.internal), ignored.outcome]
            print(markdown.row(cells))


if __name__ == "__main__":
    main()
