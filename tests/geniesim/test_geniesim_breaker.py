"""The Genie Sim circuit breaker under concurrent executions: no lost counts, early exit when
open, closed by a success, half-open after the cool-down with exactly one trial."""

from __future__ import annotations

from typing import Any

import pytest

from tests.geniesim.support import EXPORT, breaker_of, deploy_geniesim, seed_export_scene
from workflow_runtime.connectors.names import rfc3339
from workflow_runtime.testing import WorkflowEnv

SCENE = "scene_45"  # stable under staging's 25% canary (sha256 % 100 == 57)
BREAKER = f"scenes/{SCENE}/geniesim/.circuit_breaker.json"
OPEN_MESSAGE = f"Circuit breaker open for scene {SCENE}. Skipping Genie Sim export."


@pytest.fixture
def env(workflow_env: WorkflowEnv) -> WorkflowEnv:
    deploy_geniesim(workflow_env)
    return workflow_env


def _open_breaker(env: WorkflowEnv, *, failures: int = 3, age: float = 10, **extra: Any) -> None:
    env.put_json(
        BREAKER,
        {
            "scene_id": SCENE,
            "failure_count": failures,
            "threshold": 3,
            "status": "open",
            "updated_at": rfc3339(env.clock.now() - age),
            "last_failure_at": rfc3339(env.clock.now() - age),
            "last_failure_reason": "geniesim_export_failed",
            "last_success_at": None,
        }
        | extra,
    )


@pytest.mark.parametrize("seed", range(6))
def test_20_concurrent_failing_exports_count_20(env: WorkflowEnv, seed: int) -> None:
    event = seed_export_scene(env, SCENE)
    for _ in range(20):
        env.cloud_run.fail("genie-sim-export-job")
        env.start(EXPORT, event)
    results = env.wait(seed=seed)
    assert [r.result["status"] for r in results] == ["FAILED"] * 20
    breaker = breaker_of(env, SCENE)
    assert (breaker["failure_count"], breaker["status"], breaker["last_failure_reason"]) == (
        20,
        "open",
        "geniesim_export_failed",
    )


def test_an_open_breaker_exits_early_with_the_original_line_and_value(env: WorkflowEnv) -> None:
    event = seed_export_scene(env, SCENE)
    _open_breaker(env)
    outcome = env.run(EXPORT, event)
    assert outcome.result == OPEN_MESSAGE
    errors = [e.payload for e in outcome.logs if e.severity == "ERROR"]
    assert errors == [
        f"Circuit breaker open for scene {SCENE} (failures=3, threshold=3). Skipping Genie Sim export."
    ]
    assert f"Circuit breaker state for scene {SCENE}: failures=3, threshold=3, object={BREAKER}" in [
        e.payload for e in outcome.logs
    ]
    assert env.cloud_run.runs_of("genie-sim-export-job") == []


def test_a_success_closes_the_breaker(env: WorkflowEnv) -> None:
    event = seed_export_scene(env, SCENE)
    _open_breaker(env, failures=2)
    assert env.run(EXPORT, event).result["status"] == "SUCCESS"
    breaker = breaker_of(env, SCENE)
    assert (breaker["failure_count"], breaker["status"], breaker["last_failure_reason"]) == (
        0,
        "closed",
        None,
    )
    assert breaker["last_success_at"] is not None and breaker["last_failure_at"] is not None


@pytest.mark.parametrize("seed", range(4))
def test_after_the_cool_down_exactly_one_trial_runs_and_its_success_closes(
    env: WorkflowEnv, seed: int
) -> None:
    event = seed_export_scene(env, SCENE)
    _open_breaker(env, age=3601)  # cool-down 3600 s
    for _ in range(5):
        env.start(EXPORT, event)
    results = env.wait(seed=seed)
    assert sorted(str(r.result) == OPEN_MESSAGE for r in results) == [False, True, True, True, True]
    assert len(env.cloud_run.runs_of("genie-sim-export-job")) == 1
    assert breaker_of(env, SCENE)["status"] == "closed"


def test_a_failed_trial_reopens_for_another_cool_down(env: WorkflowEnv) -> None:
    event = seed_export_scene(env, SCENE)
    _open_breaker(env, age=3601)
    env.cloud_run.fail("genie-sim-export-job")
    assert env.run(EXPORT, event).result["status"] == "FAILED"
    breaker = breaker_of(env, SCENE)
    assert (breaker["failure_count"], breaker["status"]) == (4, "open")
    assert env.run(EXPORT, event).result == OPEN_MESSAGE  # the cool-down starts again
    env.clock.advance(3601)
    assert env.run(EXPORT, event).result["status"] == "SUCCESS"


def test_a_trial_that_never_reported_back_is_replaced(env: WorkflowEnv) -> None:
    event = seed_export_scene(env, SCENE)
    _open_breaker(env, status="half_open", half_open_at=rfc3339(env.clock.now() - 60))
    assert env.run(EXPORT, event).result == OPEN_MESSAGE  # a trial is in flight
    _open_breaker(env, status="half_open", half_open_at=rfc3339(env.clock.now() - 3601))
    assert env.run(EXPORT, event).result["status"] == "SUCCESS"
