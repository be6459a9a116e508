"""Claims and locks under CONCURRENT executions, over a sweep of scheduler seeds (every
connector call is a switch point with seeded latency): two deliveries of the same marker
start exactly one run of each workflow, N racers get one lock, two takers of an expired
lock get it once. A control shows that the seeds do interleave a check-then-act."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tools.pipeline_world import Pipeline

SEEDS = range(20)
ENABLED = {"ENABLE_EXPERIMENTAL": "true"}

# workflow -> (marker it gets, the job a run starts first, its lock)
LOCKED = {
    "regen3d-pipeline": ("scenes/s1/assets/.assets_ready", "regen3d-adapter-job", "regen3d"),
    "objects-pipeline": ("scenes/s1/layout/scene_layout.json", "objects-job", "objects"),
    "scale-pipeline": ("scenes/s1/layout/scene_layout.json", "scale-job", "scale"),
    "interactive-pipeline": ("scenes/s1/assets/scene_assets.json", "interactive-job", "interactive"),
    "variation-assets-pipeline": (
        "scenes/s1/replicator/.replicator_complete",
        "variation-gen-job",
        "variation-assets",
    ),
    "usd-assembly-pipeline": ("scenes/s1/assets/.regen3d_complete", "usd-assembly-job", "usd-assembly"),
    "arena-export-pipeline": ("scenes/s1/usd/.usd_complete", "arena-export-job", "arena-export"),
    "dream2flow-preparation-pipeline": (
        "scenes/s1/assets/.regen3d_complete",
        "dream2flow-preparation-job",
        "dream2flow-prep",
    ),
    "dwm-preparation-pipeline": ("scenes/s1/assets/.regen3d_complete", "dwm-preparation-job", "dwm-prep"),
}


# Outputs the jobs write that a run waits for (the fake jobs write them when they finish).
JOB_OUTPUTS = {
    "regen3d-pipeline": ("regen3d-adapter-job", {"scenes/s1/assets/.regen3d_complete": {}}),
    "usd-assembly-pipeline": ("simready-job", {"scenes/s1/assets/.simready_complete": {}}),
}


@pytest.mark.parametrize("workflow", sorted(LOCKED))
def test_two_concurrent_deliveries_of_a_marker_are_one_run(
    fresh_pipeline: Callable[[], Pipeline], workflow: str
) -> None:
    marker, job, lock = LOCKED[workflow]
    for seed in SEEDS:
        world = fresh_pipeline()
        event = world.marker(marker)
        if workflow in JOB_OUTPUTS:
            world.job_writes(*JOB_OUTPUTS[workflow])
        world.env.start(workflow, event, env=ENABLED)
        world.env.start(workflow, event, env=ENABLED)
        results = world.env.wait(seed=seed)
        assert [r.state for r in results] == ["SUCCEEDED", "SUCCEEDED"], (seed, [r.error for r in results])
        # One run's worth: usd-assembly runs its job twice (convert, then assembly).
        assert len(world.cloud_run.runs_of(job)) == (2 if workflow == "usd-assembly-pipeline" else 1), seed
        skipped = [
            r.result for r in results if isinstance(r.result, dict) and r.result.get("status") == "SKIPPED"
        ]
        assert [s["message"] for s in skipped] == [
            f"Lock already exists for scene s1 at scenes/s1/locks/{lock}.lock"
        ]
        assert not world.env.exists(f"scenes/s1/locks/{lock}.lock"), seed  # released


def _acquire_workflow(tmp_path: Path) -> Path:
    path = tmp_path / "acquire.yaml"
    path.write_text(
        """
main:
  params: [args]
  steps:
    - take:
        call: acquire_lock
        args:
          bucket: ${args.bucket}
          scene_id: s1
          lock: race
          workflow: race-test
          ttl_seconds: 600
        result: held
    - done:
        return: ${held.acquired}
"""
    )
    return path


@pytest.mark.parametrize("expired_first", [False, True], ids=["fresh", "expired"])
def test_racing_acquirers_get_a_lock_exactly_once(
    fresh_pipeline: Callable[[], Pipeline], tmp_path: Path, expired_first: bool
) -> None:
    path = _acquire_workflow(tmp_path)
    for seed in SEEDS:
        world = fresh_pipeline()
        world.env.deploy("acquire", path)
        if expired_first:  # a crashed run's lock: every racer tries the take-over
            world.env.put_json("scenes/s1/locks/race.lock", {"expires_at": "2000-01-01T00:00:00Z"})
        for _ in range(4):
            world.env.start("acquire", {"bucket": world.bucket})
        results = world.env.wait(seed=seed)
        assert sorted(r.result for r in results) == [False, False, False, True], seed


CHECK_THEN_ACT = """
main:
  params: [args]
  steps:
    - look:
        call: object_exists
        args:
          bucket: ${args.bucket}
          name: scenes/s1/claimed
        result: taken
    - act:
        switch:
          - condition: ${not taken}
            steps:
              - claim:
                  call: write_json_object
                  args:
                    bucket: ${args.bucket}
                    name: scenes/s1/claimed
                    body: {}
              - won:
                  return: true
    - lost:
        return: false
"""


def test_control_check_then_act_without_a_precondition_does_race(
    fresh_pipeline: Callable[[], Pipeline], tmp_path: Path
) -> None:
    # The same two concurrent executions with an exists-check instead of a create-only
    # write: some seed lets both see "absent", so the sweep above can catch a broken lock.
    path = tmp_path / "check_then_act.yaml"
    path.write_text(CHECK_THEN_ACT)
    doubled = []
    for seed in SEEDS:
        world = fresh_pipeline()
        world.env.deploy("check-then-act", path)
        world.env.start("check-then-act", {"bucket": world.bucket})
        world.env.start("check-then-act", {"bucket": world.bucket})
        if [r.result for r in world.env.wait(seed=seed)] == [True, True]:
            doubled.append(seed)
    assert doubled, "no seed interleaved the two executions"


def test_two_concurrent_usd_markers_create_one_gpu_job(fresh_pipeline: Callable[[], Pipeline]) -> None:
    for seed in SEEDS:
        world = fresh_pipeline()
        for cluster, zone in (
            ("blueprint-cluster", "us-central1-a"),
            ("blueprint-cluster-secondary", "us-east1-b"),
        ):
            added = world.env.gke.add_cluster(cluster, zone, namespaces=("blueprint",))
            added.add_node(
                "gpu-1", {"cloud.google.com/gke-accelerator": "nvidia-tesla-t4"}, {"nvidia.com/gpu": "1"}
            )
        event = world.marker("scenes/s1/usd/.usd_complete")
        world.env.start("episode-generation-pipeline", event, env={"BP_ENV": "staging"})
        world.env.start("episode-generation-pipeline", event, env={"BP_ENV": "staging"})
        results = world.env.wait(seed=seed)
        assert sorted(r.result["status"] for r in results) == ["SKIPPED", "SUCCESS"], seed
        assert len(world.env.gke.created_jobs()) == 1, seed
