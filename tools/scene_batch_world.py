"""Scene-batch test helpers: manifests, per-scene job outcomes and what the runs did."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from tools.pipeline_world import Pipeline
from workflow_runtime.fakes.cloud_run import JobOutcome, JobRun

MANIFEST = "scene-batches/manifest.json"
REPORT = "batch_reports/batch_report.json"
JOB = "scene-batch-job"


def scene_ids(count: int) -> list[str]:
    """`count` distinct scene ids in manifest order."""
    return [f"scene-{number:04d}" for number in range(count)]


def put_manifest(pipeline: Pipeline, value: Any, content_type: str = "application/json") -> None:
    """Upload the manifest as JSON text with `content_type` (raw bytes when given bytes)."""
    data = value if isinstance(value, bytes) else json.dumps(value).encode()
    pipeline.env.put_bytes(MANIFEST, data, content_type=content_type)


def batch_args(**params: Any) -> dict[str, Any]:
    """The manual run's argument: the manifest plus `params`."""
    return {"manifest_object": MANIFEST, **params}


def scene_of(run: JobRun) -> str:
    """The one scene a scene-batch-job run was started for."""
    scenes = json.loads(run.env["SCENE_LIST_JSON"])["scenes"]
    assert len(scenes) == 1, scenes
    return str(scenes[0])


def script_by_scene(
    pipeline: Pipeline, outcomes: Mapping[str, list[JobOutcome]], duration: float = 60.0
) -> None:
    """Each run of the batch job takes the next outcome listed for its scene (success
    after `duration` once a scene's list is used up), whatever order the runs start in."""
    cloud_run = pipeline.cloud_run
    original = cloud_run.run_job
    remaining = {scene: list(items) for scene, items in outcomes.items()}

    def run_job(name: str, body: Mapping[str, Any] | None, now: float) -> dict[str, Any]:
        env = {
            item["name"]: item.get("value")
            for container in ((body or {}).get("overrides") or {}).get("containerOverrides", [])
            for item in container.get("env", [])
        }
        scene = json.loads(env.get("SCENE_LIST_JSON") or '{"scenes": [null]}')["scenes"][0]
        queue = remaining.get(scene)
        outcome = queue.pop(0) if queue else JobOutcome("succeed", duration)
        cloud_run.script(name.rsplit("/", 1)[-1], outcome)
        return original(name, body, now)

    cloud_run.run_job = run_job  # type: ignore[method-assign]


def max_in_flight(runs: list[JobRun]) -> int:
    """The most runs that were executing at one instant."""
    edges = sorted([(run.started_at, 1) for run in runs] + [(run.finishes_at, -1) for run in runs])
    current = most = 0
    for _, step in edges:
        current += step
        most = max(most, current)
    return most
