"""Concurrent executions on the seeded scheduler, and the control tests that prove a race
can be seen: an unguarded read-modify-write loses updates, a generation-guarded one never.

A JSON counter object is incremented by 20 concurrent executions. Cloud Storage's
generation preconditions are what make the guarded version safe (Google's "Request
preconditions" page: `ifGenerationMatch` makes a write fail with 412 when the object
changed since it was read, and `ifGenerationMatch=0` only creates).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from workflow_runtime.testing import WorkflowEnv

COUNTER = "counters/count.json"
COPIES = 20

# Read the count, add one, write it back: no precondition, so two executions that read the
# same value both write value + 1 and one increment is lost.
UNGUARDED = """
main:
  params: [args]
  steps:
    - read:
        call: googleapis.storage.v1.objects.get
        args:
          bucket: ${args.bucket}
          object: ${text.url_encode(args.object)}
          alt: media
        result: counter
    - write:
        call: googleapis.storage.v1.objects.insert
        args:
          bucket: ${args.bucket}
          name: ${args.object}
          uploadType: media
          body:
            count: ${counter.count + 1}
    - done:
        return: ${counter.count + 1}
"""

# The same increment, guarded: read the generation, read the content at that generation,
# write only if the object is still at it (HTTP 412 otherwise), and start over on 412.
GUARDED = """
main:
  params: [args]
  steps:
    - init:
        assign:
          - attempts: 0
    - attempt:
        try:
          steps:
            - count_attempt:
                assign:
                  - attempts: ${attempts + 1}
            - read_generation:
                call: googleapis.storage.v1.objects.get
                args:
                  bucket: ${args.bucket}
                  object: ${text.url_encode(args.object)}
                result: meta
            - read:
                call: googleapis.storage.v1.objects.get
                args:
                  bucket: ${args.bucket}
                  object: ${text.url_encode(args.object)}
                  alt: media
                  ifGenerationMatch: ${meta.generation}
                result: counter
            - write:
                call: googleapis.storage.v1.objects.insert
                args:
                  bucket: ${args.bucket}
                  name: ${args.object}
                  uploadType: media
                  ifGenerationMatch: ${meta.generation}
                  body:
                    count: ${counter.count + 1}
        retry:
          predicate: ${lost_the_race}
          max_retries: 60
          backoff:
            initial_delay: 0.05
            max_delay: 1
            multiplier: 1.25
    - done:
        return: ${attempts}

lost_the_race:
  params: [e]
  steps:
    - check:
        switch:
          - condition: ${"code" in e and e.code == 412}
            return: true
    - other:
        return: false
"""


def _increment_concurrently(workflow_env: WorkflowEnv, path: Path, seed: int) -> tuple[int, list]:
    """Start COPIES increments at once under `seed`; the final count and the results."""
    workflow_env.put_json(COUNTER, {"count": 0})
    for _ in range(COPIES):
        workflow_env.start(path, {"bucket": workflow_env.bucket, "object": COUNTER})
    results = workflow_env.wait(seed=seed)
    assert [r.state for r in results] == ["SUCCEEDED"] * COPIES, [r.error for r in results]
    return workflow_env.get_json(COUNTER)["count"], results


@pytest.fixture
def unguarded(tmp_path: Path) -> Path:
    path = tmp_path / "unguarded.yaml"
    path.write_text(UNGUARDED)
    return path


@pytest.fixture
def guarded(tmp_path: Path) -> Path:
    path = tmp_path / "guarded.yaml"
    path.write_text(GUARDED)
    return path


def test_unguarded_read_modify_write_loses_updates(workflow_env: WorkflowEnv, unguarded: Path) -> None:
    finals = {seed: _increment_concurrently(workflow_env, unguarded, seed)[0] for seed in range(5)}
    print(f"unguarded counter after {COPIES} concurrent increments, by seed: {finals}")
    lossy = [seed for seed, final in finals.items() if final < COPIES]
    assert lossy, f"no seed showed a lost update: {finals}"
    assert all(1 <= final <= COPIES for final in finals.values())


@pytest.mark.parametrize("seed", range(50))
def test_guarded_read_modify_write_never_loses_an_update(
    workflow_env: WorkflowEnv, guarded: Path, seed: int
) -> None:
    final, results = _increment_concurrently(workflow_env, guarded, seed)
    assert final == COPIES
    # Some execution had to retry: the race was there, the precondition caught it.
    assert max(r.result for r in results) > 1


def test_a_seed_replays_exactly_and_seeds_differ(workflow_env: WorkflowEnv, unguarded: Path) -> None:
    def trace(seed: int) -> tuple[int, list[tuple[float, int]]]:
        final, results = _increment_concurrently(workflow_env, unguarded, seed)
        return final, [(r.virtual_seconds, r.result) for r in results]

    assert trace(7) == trace(7)
    assert len({str(trace(seed)) for seed in range(6)}) > 1


SLEEPER = """
main:
  params: [args]
  steps:
    - nap:
        call: sys.sleep
        args:
          seconds: ${args.seconds}
    - done:
        return: ${args.seconds}
"""

WAITS_FOR_CHILD = """
main:
  steps:
    - child:
        call: googleapis.workflowexecutions.v1.projects.locations.workflows.executions.run
        args:
          workflow_id: sleeper
          argument:
            seconds: 30
        result: answer
    - done:
        return: ${answer}
"""


def test_executions_overlap_in_virtual_time(workflow_env: WorkflowEnv, tmp_path: Path) -> None:
    path = tmp_path / "sleeper.yaml"
    path.write_text(SLEEPER)
    start = workflow_env.clock.now()
    for seconds in (10, 20, 5):
        workflow_env.start(path, {"seconds": seconds})
    results = workflow_env.wait(seed=3)
    assert [r.result for r in results] == [10, 20, 5]  # start order, whatever ended first
    assert workflow_env.clock.now() - start == pytest.approx(20)  # not 35: they overlapped


def test_executions_run_blocks_only_its_caller(workflow_env: WorkflowEnv, tmp_path: Path) -> None:
    sleeper = tmp_path / "sleeper.yaml"
    sleeper.write_text(SLEEPER)
    parent = tmp_path / "parent.yaml"
    parent.write_text(WAITS_FOR_CHILD)
    workflow_env.deploy("sleeper", sleeper)
    workflow_env.start(parent)
    workflow_env.start(sleeper, {"seconds": 1})
    waiting, quick = workflow_env.wait(seed=1)
    assert waiting.result == 30
    assert quick.result == 1
    assert quick.virtual_seconds == pytest.approx(1)  # it ran while the parent waited
    assert waiting.virtual_seconds >= 30


def test_event_deliveries_run_concurrently(workflow_env: WorkflowEnv, tmp_path: Path) -> None:
    path = tmp_path / "sleeper.yaml"
    path.write_text(SLEEPER.replace("${args.seconds}", "${args.data.seconds}"))
    workflow_env.deploy("on-event", path, event_types=["test.sleep"])
    start = workflow_env.clock.now()
    for _ in range(3):
        workflow_env.publish("test.sleep", {"seconds": 10}, drain=False)
    workflow_env.wait(seed=0)
    records = workflow_env.executions.of("on-event")
    assert [r.state for r in records] == ["SUCCEEDED"] * 3
    assert workflow_env.clock.now() - start == pytest.approx(10, abs=1)  # together, not 30 s


def test_run_still_means_one_execution_and_what_it_started(workflow_env: WorkflowEnv, tmp_path: Path) -> None:
    sleeper = tmp_path / "sleeper.yaml"
    sleeper.write_text(SLEEPER)
    starter = tmp_path / "starter.yaml"
    starter.write_text(
        "main:\n  steps:\n    - go:\n"
        "        call: googleapis.workflowexecutions.v1.projects.locations.workflows.executions.create\n"
        "        args:\n          parent: projects/test-project/locations/us-central1/workflows/sleeper\n"
        "          body: {argument: '{\"seconds\": 50}'}\n"
        "    - done:\n        return: started\n"
    )
    workflow_env.deploy("sleeper", sleeper)
    result = workflow_env.run(starter)
    assert result.result == "started"
    assert result.virtual_seconds < 1  # create does not wait for the child
    [child] = workflow_env.executions.of("sleeper")
    assert (child.state, child.result) == ("SUCCEEDED", 50)  # but run() waited for it


def test_wait_inside_an_execution_is_refused(workflow_env: WorkflowEnv) -> None:
    with workflow_env.clock.task(), pytest.raises(RuntimeError, match="outside executions"):
        workflow_env.runtime.wait()
