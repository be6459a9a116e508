"""Running workflows/run-canary-staging.sh against stub gcloud and jq (tests/runbook/stubs)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from components.stack_files import ROOT

SCRIPT = ROOT / "workflows" / "run-canary-staging.sh"
STUBS = Path(__file__).parent / "stubs"
# The system tools the script uses besides gcloud and jq (PATH holds only these and stubs).
TOOLS = ("bash", "env", "date", "mkdir", "dirname", "grep", "sleep", "cat")
MARKER = "scenes/scene_canary_001/geniesim/.canary_rollback_validation"
BASE_ENV = {
    "PROJECT_ID": "blueprint-pipeline-staging",
    "BUCKET": "blueprint-pipeline-staging-scenes",
    "CANARY_SCENE_ID": "scene_canary_001",
    "STABLE_SCENE_ID": "scene_stable_001",
    "CANARY_ROLLBACK_MARKER": MARKER,
    "STUB_EXISTING": MARKER,  # the operator created the rollback marker
    "LOG_POLL_SECONDS": "0",
    "LOG_WAIT_SECONDS": "1",
}


def _bin(tmp_path: Path, without: tuple[str, ...] = ()) -> Path:
    """A PATH directory with the system tools, python3 and the stubs (minus `without`)."""
    directory = tmp_path / "bin"
    directory.mkdir(exist_ok=True)
    for tool in TOOLS:
        found = shutil.which(tool)
        assert found, f"the test needs {tool} on this machine"
        (directory / tool).symlink_to(found)
    (directory / "python3").symlink_to(sys.executable)
    for stub in ("gcloud", "jq"):
        if stub not in without:
            (directory / stub).symlink_to(STUBS / stub)
    return directory


def run(
    tmp_path: Path,
    env: Mapping[str, str | None] | None = None,
    without: tuple[str, ...] = (),
    script: Path = SCRIPT,
) -> subprocess.CompletedProcess[str]:
    """Run the script against the stubs; `env` overrides BASE_ENV (None removes a variable)."""
    state = tmp_path / "state"
    state.mkdir(exist_ok=True)
    merged = {**BASE_ENV, "ARTIFACT_ROOT": str(tmp_path / "artifacts"), **(env or {})}
    full = {key: value for key, value in merged.items() if value is not None}
    full.update({"PATH": str(_bin(tmp_path, without)), "STUB_STATE": str(state), "HOME": str(tmp_path)})
    return subprocess.run(
        [str(script)], env=full, capture_output=True, text=True, timeout=60, check=False, cwd=tmp_path
    )


def calls(tmp_path: Path) -> list[list[str]]:
    """Every gcloud call the script made, in order."""
    path = tmp_path / "state" / "calls.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def payloads(tmp_path: Path) -> list[dict]:
    """The --data of each `gcloud workflows run`."""
    return [
        json.loads(arg.split("=", 1)[1])
        for call in calls(tmp_path)
        if call[:2] == ["workflows", "run"]
        for arg in call
        if arg.startswith("--data=")
    ]
