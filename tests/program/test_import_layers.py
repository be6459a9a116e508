"""The program's import-linter contract places every module of components/: import-linter
checks only the modules a layers contract lists, so a new module left out would be free
to import anything."""

from __future__ import annotations

import configparser

from components.stack_files import ROOT


def _program_layers() -> list[set[str]]:
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter")
    raw = config["importlinter:contract:program-layers"]["layers"]
    return [
        {name.strip() for name in line.replace("|", ":").split(":")}
        for line in raw.splitlines()
        if line.strip()
    ]


def test_every_component_module_sits_in_one_program_layer() -> None:
    modules = {f"components.{path.stem}" for path in (ROOT / "components").glob("*.py")}
    layers = _program_layers()
    listed = [name for layer in layers for name in layer]
    assert sorted(modules - set(listed)) == [], "add these to the program-layers contract in .importlinter"
    assert sorted(set(listed) - modules) == [], "the contract names modules that no longer exist"
    assert len(listed) == len(set(listed)), "a module is listed in two layers"


def test_program_layers_run_from_components_down_to_config() -> None:
    layers = _program_layers()
    assert "components.pipeline_workflow" in layers[0]
    assert {"components.triggers", "components.routing"} <= layers[1]
    assert {"components.iam", "components.sources", "components.env"} <= layers[2]
    assert {"components.config", "components.catalog", "components.naming"} <= layers[-1]
