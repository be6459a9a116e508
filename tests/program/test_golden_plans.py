"""Golden plans (plans/<stack>.json): current, deterministic, and a canary edit is one line."""

from __future__ import annotations

import difflib
import json
from pathlib import Path

import pytest

from components.stack_files import STACKS
from tools.golden_plans import REFRESH_COMMAND, golden, main, plan_path, render
from tools.mock_engine import evaluate, evaluate_cached


@pytest.mark.parametrize("stack", STACKS)
def test_the_committed_plan_is_current(stack: str) -> None:
    committed = plan_path(stack).read_text() if plan_path(stack).exists() else ""
    if committed != render(evaluate_cached(stack)):
        pytest.fail(f"{plan_path(stack).name} is stale; refresh both plans with: {REFRESH_COMMAND}")


def test_a_plan_renders_the_same_bytes_on_every_run() -> None:
    assert render(evaluate("staging")) == render(evaluate_cached("staging"))


def test_a_canary_edit_is_a_one_line_change_of_one_resource() -> None:
    before = evaluate_cached("prod")
    after = evaluate_cached("prod", (("canary.percent", 25),))
    diff = [
        line
        for line in difflib.unified_diff(
            render(before).splitlines(), render(after).splitlines(), lineterm="", n=0
        )
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert diff == ['-          "CANARY_PERCENT": "5",', '+          "CANARY_PERCENT": "25",']
    old, new = golden(before)["resources"], golden(after)["resources"]
    changed = [urn for urn in old if old[urn] != new[urn]]
    assert [old[urn]["name"] for urn in changed] == ["genie-sim-export-pipeline"]
    assert old[changed[0]]["type"] == "gcp:workflows/workflow:Workflow"


def test_check_names_a_stale_plan_and_the_refresh_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stale_dir = tmp_path
    (stale_dir / "staging.json").write_text(render(evaluate_cached("staging")))
    document = json.loads(render(evaluate_cached("prod")))
    document["resources"].popitem()
    (stale_dir / "prod.json").write_text(json.dumps(document))
    monkeypatch.setattr("tools.golden_plans.PLANS_DIR", stale_dir)
    monkeypatch.setattr("tools.golden_plans.evaluate", evaluate_cached)
    monkeypatch.setattr("tools.golden_plans.ROOT", stale_dir.parent)
    assert main(["--check"]) == 1
    assert (
        capsys.readouterr().out
        == f"{stale_dir.name}/prod.json is stale; refresh both with: {REFRESH_COMMAND}\n"
    )
