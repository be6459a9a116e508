"""workflows/README.md's Mermaid trigger map is the catalog's, and says how to regenerate it."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from components.catalog import Catalog, CatalogError, load_catalog
from tools import trigger_diagram
from tools.trigger_diagram import README, REGENERATE, current_block, mermaid, readme_block, updated_readme

CATALOG = load_catalog()
_NODE = re.compile(r"^  (\w+)[\[\(\{]")
_EDGE = re.compile(r"^  (\w+) (?:-->|-\. starts \.->) (\w+)$")


def test_readme_diagram_is_current() -> None:
    block = current_block(README.read_text(encoding="utf-8"))
    assert block is not None, f"workflows/README.md lost its diagram block; run {REGENERATE}"
    assert block == readme_block(CATALOG), (
        f"workflows/README.md's trigger diagram is stale; regenerate it with: {REGENERATE}"
    )


def test_check_command_reports_a_stale_readme(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Control: a README whose diagram misses a workflow fails --check with the command."""
    stale = README.read_text(encoding="utf-8").replace('  wf_scene_batch["scene-batch<br/>(manual)"]\n', "")
    copy = tmp_path / "README.md"
    copy.write_text(stale, encoding="utf-8")
    monkeypatch.setattr(trigger_diagram, "README", copy)
    assert trigger_diagram.main(["--check"]) == 1
    assert REGENERATE in capsys.readouterr().err
    assert trigger_diagram.main(["--write"]) == 0
    assert trigger_diagram.main(["--check"]) == 0
    assert copy.read_text(encoding="utf-8") == README.read_text(encoding="utf-8")


def test_every_workflow_trigger_and_output_is_drawn() -> None:
    lines = mermaid(CATALOG).splitlines()
    nodes = [m.group(1) for line in lines if (m := _NODE.match(line))]
    edges = {(m.group(1), m.group(2)) for line in lines if (m := _EDGE.match(line))}
    assert len(nodes) == len(set(nodes)), "a node is declared twice"
    assert {a for edge in edges for a in edge} <= set(nodes), "an edge points at an undeclared node"
    text = "\n".join(lines)
    for spec in CATALOG.workflows.values():
        node = "wf_" + re.sub(r"\W+", "_", spec.name)
        assert node in nodes
        for marker in (*spec.trigger.markers, *spec.writes_markers):
            assert f'"{marker}"' in text
        for event in (
            *spec.publishes_events,
            *([spec.trigger.event_type] if spec.trigger.event_type else []),
        ):
            assert f'"{event}"' in text
        incoming = [a for a, b in edges if b == node and not a.startswith("wf_")]
        # Manual workflows have nothing pointing at them; every other one has its trigger.
        assert (len(incoming) == 0) == (spec.trigger.kind == "manual"), spec.name


def test_experimental_and_manual_workflows_are_marked() -> None:
    text = mermaid(CATALOG)
    assert "class wf_dream2flow_preparation_pipeline,wf_dwm_preparation_pipeline experimental" in text
    assert '"dream2flow-preparation-pipeline<br/>(experimental: dream2flow)"' in text
    assert "class wf_scene_batch,wf_upsell_features_pipeline manual" in text


def test_chains_follow_written_markers() -> None:
    """regen3d writes .regen3d_complete, which starts usd-assembly, dream2flow and dwm."""
    edges = {(m.group(1), m.group(2)) for line in mermaid(CATALOG).splitlines() if (m := _EDGE.match(line))}
    marker = "m_scenes_assets_regen3d_complete"
    assert ("wf_regen3d_pipeline", marker) in edges
    assert {b for a, b in edges if a == marker} == {
        "wf_usd_assembly_pipeline",
        "wf_dream2flow_preparation_pipeline",
        "wf_dwm_preparation_pipeline",
    }


def test_a_catalog_change_changes_the_diagram() -> None:
    spec = CATALOG.workflows["objects-pipeline"]
    changed = Catalog({**CATALOG.workflows, spec.name: dataclasses.replace(spec, writes_markers=())})
    assert readme_block(changed) != readme_block(CATALOG)
    assert "objects/.objects_complete" not in mermaid(changed)


def test_write_refuses_a_readme_without_the_block() -> None:
    with pytest.raises(ValueError, match=r"no .* block to replace"):
        updated_readme("# workflows\n", CATALOG)


def test_catalog_rejects_a_malformed_written_marker(tmp_path: Path) -> None:
    body = (
        "workflows:\n  objects-pipeline:\n    file: objects-pipeline.yaml\n    description: d\n"
        "    trigger: {kind: manual}\n    writesMarkers: [scenes/**/objects/.done]\n"
    )
    (tmp_path / "objects-pipeline.yaml").write_text("main:\n  steps: []\n")
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(body)
    with pytest.raises(CatalogError, match=r"writesMarkers entry 'scenes/\*\*/objects/.done' must look like"):
        load_catalog(catalog)
