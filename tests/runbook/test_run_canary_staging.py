"""workflows/run-canary-staging.sh with stub gcloud and jq on PATH: the pass and every failure."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.runbook.helpers import MARKER, SCRIPT, STUBS, calls, payloads, run


def test_the_three_runs_pass_and_leave_their_artifacts(tmp_path: Path) -> None:
    result = run(tmp_path)
    assert result.returncode == 0, result.stderr
    assert "canary validation passed (stable, canary, rollback)" in result.stdout
    artifacts = sorted(p.name for p in (tmp_path / "artifacts").iterdir())
    assert artifacts == sorted(
        f"{label}-{kind}.json"
        for label in ("stable", "canary", "rollback")
        for kind in ("execution", "execution-describe", "workflow-logs")
    )
    logs = json.loads((tmp_path / "artifacts" / "canary-workflow-logs.json").read_text())
    assert any("canary_enabled=true, image_tag=isaacsim-canary," in e.get("textPayload", "") for e in logs)


def test_the_rollback_marker_goes_to_the_rollback_run_only(tmp_path: Path) -> None:
    assert run(tmp_path).returncode == 0
    sent = payloads(tmp_path)
    assert [(p["canary_enabled"], p.get("canary_rollback_marker")) for p in sent] == [
        (False, None),
        (True, None),
        (True, MARKER),
    ]
    # The canary runs allow-list their scene, so they route to the canary at any percentage.
    assert [p.get("canary_scene_ids") for p in sent] == [None, "scene_canary_001", "scene_canary_001"]
    scenes = [p["data"]["name"].split("/")[1] for p in sent]
    assert scenes == ["scene_stable_001", "scene_canary_001", "scene_canary_001"]
    assert {p["data"]["bucket"] for p in sent} == {"blueprint-pipeline-staging-scenes"}
    assert {p["canary_percent"] for p in sent} == {"5"}


def test_logs_are_read_with_a_filter_on_workflows_execution_logs(tmp_path: Path) -> None:
    assert run(tmp_path).returncode == 0
    filters = [call[2] for call in calls(tmp_path) if call[:2] == ["logging", "read"]]
    assert filters and all(
        re.fullmatch(
            r'resource\.type="workflows\.googleapis\.com/Workflow" AND '
            r'labels\."workflows\.googleapis\.com/execution_id"="(stable|canary|rollback)-0001"',
            f,
        )
        for f in filters
    )


def test_without_a_marker_there_is_no_rollback_run(tmp_path: Path) -> None:
    result = run(tmp_path, {"CANARY_ROLLBACK_MARKER": None})
    assert result.returncode == 0, result.stderr
    assert "canary validation passed (stable, canary);" in result.stdout
    assert len(payloads(tmp_path)) == 2


def test_defaults_project_from_gcloud_and_artifacts_next_to_the_script(tmp_path: Path) -> None:
    copy = tmp_path / "repo" / "workflows" / SCRIPT.name
    copy.parent.mkdir(parents=True)
    shutil.copy2(SCRIPT, copy)
    result = run(
        tmp_path,
        {"PROJECT_ID": None, "ARTIFACT_ROOT": None, "STUB_DEFAULT_PROJECT": "from-gcloud-config"},
        script=copy,
    )
    assert result.returncode == 0, result.stderr
    runs = [c for c in calls(tmp_path) if c[:2] == ["workflows", "run"]]
    assert all("--project=from-gcloud-config" in c and "--location=us-central1" in c for c in runs)
    (stamp,) = (copy.parent / "artifacts" / "canary-validation").iterdir()
    assert re.fullmatch(r"\d{8}-\d{6}", stamp.name)
    assert (stamp / "rollback-workflow-logs.json").exists()


def test_logs_that_arrive_late_are_waited_for(tmp_path: Path) -> None:
    result = run(tmp_path, {"STUB_BREAK": "stable:logs-late=2", "LOG_WAIT_SECONDS": "60"})
    assert result.returncode == 0, result.stderr
    reads = [c for c in calls(tmp_path) if c[:2] == ["logging", "read"] and "stable-0001" in c[2]]
    assert len(reads) >= 3


@pytest.mark.parametrize(
    ("env", "without", "message"),
    [
        ({"BUCKET": None}, (), "BUCKET is not set: export BUCKET=<the staging data bucket>"),
        ({"CANARY_SCENE_ID": None}, (), "CANARY_SCENE_ID is not set: export CANARY_SCENE_ID=<"),
        ({"STABLE_SCENE_ID": ""}, (), "STABLE_SCENE_ID is not set: export STABLE_SCENE_ID=<"),
        ({"PROJECT_ID": None}, (), "PROJECT_ID is not set and gcloud has no default project"),
        ({"CANARY_PERCENT": "101"}, (), "CANARY_PERCENT is '101': expected a whole number from 0 to 100"),
        ({"CANARY_PERCENT": "five"}, (), "CANARY_PERCENT is 'five': expected a whole number from 0 to 100"),
        ({"LOG_WAIT_SECONDS": "1m"}, (), "LOG_WAIT_SECONDS and LOG_POLL_SECONDS must be whole numbers"),
        ({}, ("gcloud",), "gcloud is not on PATH; install it"),
        ({}, ("jq",), "jq is not on PATH; install it"),
    ],
)
def test_missing_tools_and_bad_variables_fail_before_any_run(
    tmp_path: Path, env: dict[str, str | None], without: tuple[str, ...], message: str
) -> None:
    result = run(tmp_path, env, without)
    assert result.returncode == 1
    assert message in result.stderr
    assert payloads(tmp_path) == []


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        ("stable:run-fails", "the stable run failed to start (gcloud workflows run)"),
        ("canary:no-name", "the canary run printed no execution name"),
        (
            "stable:no-routing-line",
            "the stable run (execution stable-0001) did not log: Genie Sim export routing for scene "
            "scene_stable_001: canary_enabled=false, image_tag=isaacsim,",
        ),
        (
            "canary:wrong-tag",
            "the canary run (execution canary-0001) did not log: Genie Sim export routing for scene "
            "scene_canary_001: canary_enabled=true, image_tag=isaacsim-canary,",
        ),
        ("stable:logs-never", "the stable run (execution stable-0001) did not log: Genie Sim export routing"),
    ],
)
def test_each_failure_exits_non_zero_naming_it(tmp_path: Path, fault: str, message: str) -> None:
    result = run(tmp_path, {"STUB_BREAK": fault})
    assert result.returncode == 1
    assert message in result.stderr
    assert "canary validation passed" not in result.stdout


def test_a_rollback_marker_that_does_not_exist_fails_the_rollback_run(tmp_path: Path) -> None:
    result = run(tmp_path, {"STUB_EXISTING": ""})
    assert result.returncode == 1
    assert (
        f"the rollback run (execution rollback-0001) did not log: Rollback marker present at {MARKER}. "
        "Skipping Genie Sim export." in result.stderr
    )


def test_a_marker_at_the_stacks_path_skipping_the_canary_run_is_named(tmp_path: Path) -> None:
    default = "scenes/scene_canary_001/geniesim/.canary_rollback"
    result = run(tmp_path, {"STUB_EXISTING": f"{MARKER},{default}"})
    assert result.returncode == 1
    assert "the canary run (execution canary-0001) was skipped by a rollback marker" in result.stderr
    assert "canary validation passed" not in result.stdout


def test_a_stable_image_tag_other_than_the_default_is_asserted(tmp_path: Path) -> None:
    result = run(tmp_path, {"STABLE_IMAGE_TAG": "isaacsim-2026", "STUB_STABLE_TAG": "isaacsim-2026"})
    assert result.returncode == 0, result.stderr
    again = tmp_path / "again"
    again.mkdir()
    mismatch = run(again, {"STABLE_IMAGE_TAG": "isaacsim-2026"})
    assert mismatch.returncode == 1
    assert "canary_enabled=false, image_tag=isaacsim-2026," in mismatch.stderr


def test_the_jq_stub_implements_exactly_the_scripts_programs() -> None:
    script_programs = set(re.findall(r"^readonly JQ_\w+='(.*)'$", SCRIPT.read_text(), re.MULTILINE))
    stub = (STUBS / "jq").read_text()
    namespace: dict = {}
    exec(compile(stub.split("\ndef main")[0], "jq", "exec"), namespace)
    assert set(namespace["PROGRAMS"]) == script_programs


def test_the_script_is_shellcheck_clean_and_strict() -> None:
    shellcheck = Path(sys.executable).parent / "shellcheck"
    result = subprocess.run([str(shellcheck), str(SCRIPT)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout
    assert "\nset -euo pipefail\n" in SCRIPT.read_text()
    assert os.access(SCRIPT, os.X_OK)
