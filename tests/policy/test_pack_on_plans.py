"""The whole pack against both stacks' offline plans: clean as committed, and each policy
fires on the real plan when the resource it guards is changed to break it."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest

from components.stack_files import STACKS
from policy.blueprint_policy.pack import policies
from policy.blueprint_policy.props import SCHEDULER_JOB, TRIGGER, WORKFLOW
from tools.mock_engine import Registered, evaluate_cached
from tools.policy_check import Violation, check, check_stack, facts_for, main


@pytest.mark.parametrize("stack", STACKS)
def test_both_stacks_pass_the_whole_pack(stack: str) -> None:
    assert check_stack(stack) == []


def test_a_violating_config_is_reported_per_resource(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--stack", "prod", "--set", 'labels={"team":"robotics-data"}']) == 1
    out = capsys.readouterr().out
    assert "❌ blueprint-workflows-policy" in out
    assert (
        "- [mandatory]  required-labels  (gcp:workflows/workflow:Workflow: genie-sim-export-pipeline)" in out
    )
    assert "Workflow genie-sim-export-pipeline lacks the label(s) cost-center" in out


def _with(resource: Registered, **changes: Any) -> Registered:
    return dataclasses.replace(
        resource, inputs={**resource.inputs, **changes}, outputs={**resource.outputs, **changes}
    )


def _first(
    resources: list[Registered], type_: str, change: Callable[[Registered], Registered]
) -> list[Registered]:
    index = next(i for i, r in enumerate(resources) if r.type == type_)
    return [*resources[:index], change(resources[index]), *resources[index + 1 :]]


def _workflow_named(
    name: str, change: Callable[[Registered], Registered]
) -> Callable[[list[Registered]], list[Registered]]:
    return lambda rs: [change(r) if r.type == WORKFLOW and r.name == name else r for r in rs]


def _share_account(rs: list[Registered]) -> list[Registered]:
    email = next(r for r in rs if r.type == WORKFLOW and r.name == "scene-batch").inputs["serviceAccount"]
    return _workflow_named("training-pipeline", lambda r: _with(r, serviceAccount=email))(rs)


def _env(r: Registered, **env: str) -> Registered:
    return _with(r, userEnvVars={**r.inputs["userEnvVars"], **env})


BREAKAGES: dict[str, Callable[[list[Registered]], list[Registered]]] = {
    "no-primitive-or-project-storage-roles": lambda rs: _first(
        rs, "gcp:projects/iAMMember:IAMMember", lambda r: _with(r, role="roles/storage.admin")
    ),
    "workflow-own-service-account": _share_account,
    "workflow-own-service-account (impersonation)": lambda rs: _first(
        rs,
        "gcp:serviceaccount/iAMMember:IAMMember",
        lambda r: _with(
            r, serviceAccountId=next(w for w in rs if w.type == WORKFLOW).inputs["serviceAccount"]
        ),
    ),
    "deletion-protection-in-production": _workflow_named(
        "scene-batch", lambda r: _with(r, deletionProtection=False)
    ),
    "required-labels": _workflow_named("scene-batch", lambda r: _with(r, labels={"team": "robotics-data"})),
    "canary-percent-range": _workflow_named(
        "genie-sim-export-pipeline", lambda r: _env(r, CANARY_PERCENT="150")
    ),
    "no-eventarc-retry-to-workflows": lambda rs: _first(
        rs, TRIGGER, lambda r: _with(r, retryPolicy={"maxAttempts": 3})
    ),
    "storage-trigger-colocated": lambda rs: _first(rs, TRIGGER, lambda r: _with(r, location="europe-west1")),
    "scheduler-timezone-and-oauth": lambda rs: _first(rs, SCHEDULER_JOB, lambda r: _with(r, timeZone="")),
}


def test_every_policy_has_a_breakage() -> None:
    assert {name.split(" ")[0] for name in BREAKAGES} == {p.name for p in policies(lambda: facts_for("prod"))}


@pytest.mark.parametrize("policy", sorted(BREAKAGES))
def test_each_policy_fires_on_the_real_prod_plan_broken_for_it(policy: str) -> None:
    facts = facts_for("prod")
    broken = BREAKAGES[policy](list(evaluate_cached("prod").resources))
    found: list[Violation] = check(policies(lambda: facts), broken)
    assert found, f"{policy} reported nothing"
    assert {v.policy for v in found} == {policy.split(" ")[0]}
