"""The opt-in e2e suite's offline parts (tests/e2e): its stack config, program copy and skip."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from components.stack_files import ROOT
from tests.e2e import settings as e2e_settings
from tests.e2e.settings import E2ESettings, settings_from
from tests.e2e.stack import MARKER, PROGRAM_FILES, program_copy, routed_workflows, stack_config
from tools.inventory import inventory
from tools.mock_engine import evaluate

SETTINGS = E2ESettings(project="bp-e2e-sandbox", region="us-central1", config_json='{"canary.percent": 0}')


def test_the_e2e_config_is_the_base_stack_on_the_e2e_project_and_bucket() -> None:
    run = evaluate("staging", config=stack_config(SETTINGS, "bp-e2e-bucket"))
    workflows = run.of_type("gcp:workflows/workflow:Workflow")
    assert {w.inputs["project"] for w in workflows} == {"bp-e2e-sandbox"}
    export = next(w for w in workflows if w.name == "genie-sim-export-pipeline")
    assert export.inputs["userEnvVars"]["CANARY_PERCENT"] == "0"
    triggers = run.of_type("gcp:eventarc/trigger:Trigger")
    buckets = {
        c["value"] for t in triggers for c in t.inputs["matchingCriterias"] if c["attribute"] == "bucket"
    }
    assert buckets == {"bp-e2e-bucket"}


def test_the_e2e_marker_is_routed_to_the_layout_workflows() -> None:
    planned = inventory(evaluate("staging", config=stack_config(SETTINGS, "bp-e2e-bucket")))
    assert routed_workflows(planned, MARKER) == ["objects-pipeline", "scale-pipeline"]
    assert routed_workflows(planned, "scenes/*/nothing/.here") == []


def test_the_program_copy_holds_every_local_module_the_program_imports(tmp_path: Path) -> None:
    imported = {
        (node.module if isinstance(node, ast.ImportFrom) else node.names[0].name).split(".")[0]
        for node in ast.walk(ast.parse((ROOT / "__main__.py").read_text()))
        if isinstance(node, ast.Import | ast.ImportFrom)
        and (not isinstance(node, ast.ImportFrom) or node.module)
    }
    local = {name for name in imported if (ROOT / name).is_dir() or (ROOT / f"{name}.py").is_file()}
    assert local <= set(PROGRAM_FILES)
    copy = program_copy(tmp_path)
    assert sorted(p.name for p in copy.iterdir()) == sorted([*PROGRAM_FILES, ".venv"])
    assert (copy / ".venv" / "bin" / "python").exists()
    assert not list(copy.glob("Pulumi.*.yaml")), "the copy must not carry the real stacks' files"


def test_without_e2e_project_the_suite_is_skipped_naming_what_to_set() -> None:
    with pytest.raises(pytest.skip.Exception, match="set E2E_PROJECT"):
        settings_from({})


def test_with_e2e_project_a_missing_client_fails_naming_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(e2e_settings.shutil, "which", lambda _name: "/usr/bin/pulumi")
    monkeypatch.setattr(e2e_settings, "CLIENT_PACKAGES", {"no_such_module.at_all": "no-such-package"})
    with pytest.raises(pytest.fail.Exception, match="pip install no-such-package"):
        settings_from({"E2E_PROJECT": "bp-e2e-sandbox"})


def test_with_e2e_project_a_missing_pulumi_cli_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(e2e_settings.shutil, "which", lambda _name: None)
    with pytest.raises(pytest.fail.Exception, match="Pulumi CLI is not on PATH"):
        settings_from({"E2E_PROJECT": "bp-e2e-sandbox"})
