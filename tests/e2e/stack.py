"""The throwaway stack of the end-to-end suite: its config, its program copy, its routes.

Plain functions, so tests/program/test_e2e_stack.py checks them offline.
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from components.stack_files import ROOT, engine_config, project_name
from tests.e2e.settings import E2ESettings
from tools.mock_engine import set_config_path

# What the Pulumi CLI needs of the repository to run the program (copied: the Automation API
# writes the throwaway stack's settings file into its work_dir, never into the repository).
PROGRAM_FILES = ("Pulumi.yaml", "__main__.py", "requirements.txt", "components", "workflows")
BASE_STACK = "staging"  # its config, with the project and bucket replaced
MARKER = "scenes/*/layout/scene_layout.json"
ROUTER = "marker-router"


def stack_config(settings: E2ESettings, bucket: str) -> dict[str, str]:
    """The throwaway stack's config as the CLI hands it over: the base stack's, on the e2e
    project and bucket, then E2E_CONFIG's paths (e.g. jobRegions for where the jobs are)."""
    overrides: dict[str, Any] = {
        "gcp:project": settings.project,
        "gcp:region": settings.region,
        "bucket": bucket,
        "bucketLocation": settings.region,
        **json.loads(settings.config_json or "{}"),
    }
    engine = engine_config(BASE_STACK)
    for path, value in overrides.items():
        engine = set_config_path(engine, path, value, project_name())
    return engine


def program_copy(tmp_path: Path) -> Path:
    """A copy of the program to run the throwaway stack from, with the test interpreter as .venv."""
    copy = tmp_path / "program"
    copy.mkdir()
    for name in PROGRAM_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, copy / name)
    # Pulumi.yaml names `.venv`: the interpreter running the tests has the program's pins.
    (copy / ".venv").symlink_to(Path(sys.prefix), target_is_directory=True)
    return copy


def routed_workflows(inventory: Mapping[str, Any], marker: str) -> list[str]:
    """The workflows the inventory says the marker router starts for `marker` (a pattern)."""
    return sorted(name for name, w in inventory["workflows"].items() if f"marker {marker}" in w["triggers"])
