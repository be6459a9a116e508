"""A canary rollout edits one stack value; exactly one input of one resource must change."""

from __future__ import annotations

import pytest

from tools.mock_engine import Evaluation, evaluate_cached


def input_diff(before: Evaluation, after: Evaluation) -> list[tuple[str, str, str]]:
    """(resource type, name, input key) of every top-level input that differs."""
    old = {(r.type, r.name): r.inputs for r in before.resources}
    new = {(r.type, r.name): r.inputs for r in after.resources}
    assert old.keys() == new.keys(), "the set of resources changed"
    changed = []
    for key in old:
        names = set(old[key]) | set(new[key])
        changed.extend(
            (key[0], key[1], name) for name in sorted(names) if old[key].get(name) != new[key].get(name)
        )
    return changed


@pytest.mark.parametrize(("stack", "percent"), [("prod", 25), ("prod", 100), ("staging", 0)])
def test_canary_percent_changes_one_input_of_one_resource(stack: str, percent: int) -> None:
    """Only genie-sim-export's user_env_vars change, and within them only CANARY_PERCENT."""
    before = evaluate_cached(stack)
    after = evaluate_cached(stack, (("canary.percent", percent),))
    assert len(before.resources) > 100
    assert input_diff(before, after) == [
        ("gcp:workflows/workflow:Workflow", "genie-sim-export-pipeline", "userEnvVars")
    ]
    old_env = before.named("genie-sim-export-pipeline").inputs["userEnvVars"]
    new_env = after.named("genie-sim-export-pipeline").inputs["userEnvVars"]
    assert {k for k in old_env if old_env[k] != new_env[k]} == {"CANARY_PERCENT"}
    assert new_env["CANARY_PERCENT"] == str(percent)


def test_the_diff_sees_changes() -> None:
    """The differ is not blind: changing the bucket changes many inputs."""
    before = evaluate_cached("prod")
    after = evaluate_cached("prod", (("bucket", "another-bucket-name"),))
    assert len(input_diff(before, after)) > 20
