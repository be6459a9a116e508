"""Billed steps of the Genie Sim workflows on the local runtime (staging config, 60 s fake
jobs, a completed GPU job whose import succeeds): export stable / canary by allow-list /
canary by percentage (each including the wait for its import), a redelivery after
completion, the import, and poller runs.

Run: `.venv/bin/python -m tools.geniesim_costs` (starts its own fake-gcs-server).
"""

from __future__ import annotations

from typing import Any

from tools.geniesim_world import (
    EXPORT,
    IMPORT,
    POLLER,
    deploy_geniesim,
    seed_completed_job,
    seed_export_scene,
)
from workflow_runtime.connectors.gcs_client import GcsClient
from workflow_runtime.connectors.gcs_emulator import GcsEmulator
from workflow_runtime.testing import WorkflowEnv

# sha256(id) % 100 under staging's 25% rollout: scene_45 is 57 (stable), scene_44 is 23.
EXPORTS = (
    ("export, stable (hash computed)", "scene_45"),
    ("export, canary by allow-list", "scene_canary_001"),
    ("export, canary by percentage", "scene_44"),
)


def _env(storage: GcsClient, bucket: str) -> WorkflowEnv:
    storage.create_bucket(bucket)
    env = WorkflowEnv(storage, bucket)
    deploy_geniesim(env)
    return env


def measure(storage: GcsClient) -> list[tuple[str, int, Any]]:
    """(what, billed steps, result status) rows."""
    rows: list[tuple[str, int, Any]] = []
    for index, (what, scene) in enumerate(EXPORTS):
        env = _env(storage, f"costs-export-{index}")
        event = seed_export_scene(env, scene, "job_1")
        outcome = env.run(EXPORT, event)
        rows.append((what, outcome.steps.total, outcome.result["status"]))
        if index == 0:
            (imported,) = env.executions.of(IMPORT)
            rows.append(
                ("import (started by the export)", imported.outcome.steps.total, imported.result["status"])
            )
            again = env.run(EXPORT, event)
            rows.append(("export, redelivered after completion", again.steps.total, again.result["status"]))
    env = _env(storage, "costs-poller")
    seed_completed_job(env, "scene_1", "job_1")
    first = env.run(POLLER, {})
    rows.append(("poller, 1 job file, import started", first.steps.total, first.result["counts"]))
    second = env.run(POLLER, {})
    rows.append(("poller, 1 job file, already imported", second.steps.total, second.result["counts"]))
    return rows


def main() -> int:
    """Print the table."""
    emulator = GcsEmulator()
    emulator.start()
    try:
        rows = measure(GcsClient(emulator.url))
    finally:
        emulator.stop()
    print("run | billed steps | result")
    for what, steps, result in rows:
        print(f"{what} | {steps} | {result}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
