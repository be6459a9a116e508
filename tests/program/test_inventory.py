"""Inventories (tests/program/inventory/<stack>.yaml) and README's resource-count row are current."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from components.stack_files import ROOT, STACKS
from tools import inventory as inv
from tools.mock_engine import evaluate_cached

README = ROOT / "README.md"


@pytest.mark.parametrize("stack", STACKS)
def test_the_committed_inventory_matches_the_plan(stack: str) -> None:
    committed = inv.inventory_path(stack).read_text() if inv.inventory_path(stack).exists() else ""
    if committed != inv.render(evaluate_cached(stack)):
        pytest.fail(f"{inv.inventory_path(stack).name} is stale; refresh it with: {inv.REFRESH_COMMAND}")


def test_the_inventory_holds_what_reviewers_check() -> None:
    prod = inv.inventory(evaluate_cached("prod"))
    export = prod["workflows"]["genie-sim-export-pipeline"]
    assert export["canaryPercent"] == 5
    assert export["serviceAccount"] == "wf-genie-sim-export@blueprint-pipeline-prod.iam.gserviceaccount.com"
    assert "genie-sim-export-job in us-central1" in export["jobGrants"]
    assert prod["workflows"]["scene-batch"]["triggers"] == ["manual"]
    assert prod["workflows"]["genie-sim-import-poller"]["triggers"][0].startswith("scheduler ")
    assert prod["workflows"]["training-pipeline"]["triggers"][0].startswith("eventarc-advanced ")
    assert sum(prod["counts"].values()) == prod["resources"]
    assert len(prod["workflows"]) == prod["counts"]["gcp:workflows/workflow:Workflow"]


def test_a_canary_edit_moves_exactly_one_inventory_value() -> None:
    before = inv.inventory(evaluate_cached("prod"))
    after = inv.inventory(evaluate_cached("prod", (("canary.percent", 25),)))
    assert after["workflows"]["genie-sim-export-pipeline"]["canaryPercent"] == 25
    after["workflows"]["genie-sim-export-pipeline"]["canaryPercent"] = 5
    assert after == before


def test_check_names_a_stale_inventory_and_the_refresh_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "staging.yaml").write_text(inv.render(evaluate_cached("staging")))
    (tmp_path / "prod.yaml").write_text(
        inv.render(evaluate_cached("prod")).replace("canaryPercent: 5", "canaryPercent: 6")
    )
    monkeypatch.setattr(inv, "INVENTORY_DIR", tmp_path)
    monkeypatch.setattr(inv, "ROOT", tmp_path.parent)
    assert inv.main(["--check"]) == 1
    assert (
        capsys.readouterr().out
        == f"{tmp_path.name}/prod.yaml is stale; refresh with: {inv.REFRESH_COMMAND}\n"
    )


def test_the_readme_resource_count_row_is_the_inventory() -> None:
    expected = inv.readme_row({stack: inv.load(stack) for stack in STACKS})
    if inv.measurement(README.read_text()) != expected:
        pytest.fail(f"README.md's {inv.README_ROW!r} row is stale; refresh it with: {inv.REFRESH_COMMAND}")


def test_refreshing_rewrites_only_the_latest_cell_of_the_row() -> None:
    text = "intro\n| what | latest |\n| other | `x` | 1 |\n| resources per stack | `make plan` | 9 |\nend"
    updated = inv.with_measurement(text, "186 resources")
    assert updated == text.replace("| `make plan` | 9 |", "| `make plan` | 186 resources |")
    assert inv.measurement(updated) == "186 resources"
    with pytest.raises(ValueError, match="no Measurements row 'resources per stack'"):
        inv.with_measurement("| other | `x` | 1 |", "186")


def test_the_readme_row_names_every_type_the_program_registers() -> None:
    row = inv.measurement(README.read_text())
    counts = inv.load("prod")["counts"]
    named = {
        label: int(count)
        for count, label in re.findall(r"(\d+) ([A-Za-z][\w -]*?)(?: \(staging \d+\))?(?:,|$)", row)
    }
    assert {inv.README_LABELS[type_]: count for type_, count in counts.items()} == named


def test_a_type_without_a_readme_label_is_named() -> None:
    prod = {"resources": 1, "components": 0, "counts": {"gcp:new/thing:Thing": 1}}
    with pytest.raises(ValueError, match=r"gcp:new/thing:Thing: add it to tools/inventory\.README_LABELS"):
        inv.readme_row({"prod": prod, "staging": prod})


def test_check_names_a_stale_readme_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(inv.with_measurement(README.read_text(), "166 resources + 20 components"))
    monkeypatch.setattr(inv, "README", readme)
    assert inv.main(["--check"]) == 1
    assert (
        capsys.readouterr().out
        == f"README.md's 'resources per stack' row is stale; refresh with: {inv.REFRESH_COMMAND}\n"
    )
    monkeypatch.setattr(inv, "INVENTORY_DIR", tmp_path / "inventory")
    monkeypatch.setattr(inv, "ROOT", tmp_path)
    assert inv.main([]) == 0
    assert readme.read_text() == README.read_text()
