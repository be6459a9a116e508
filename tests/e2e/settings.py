"""Settings of the opt-in end-to-end suite, read from the environment (README: "End-to-end test").

Skipped unless `E2E_PROJECT` names a project. Once it is set, a missing prerequisite (the
Pulumi CLI, the Google Cloud clients, Application Default Credentials) fails the run with
what to install, instead of silently skipping what the caller asked for.
"""

from __future__ import annotations

import importlib.util
import shutil
from collections.abc import Mapping
from dataclasses import dataclass

import pytest

SKIP_REASON = (
    "end-to-end suite: set E2E_PROJECT (a throwaway Google Cloud project) and Application "
    "Default Credentials to deploy a real stack; see README.md, 'End-to-end test'"
)
# Imported lazily by the tests: not in requirements (only this opt-in suite needs them).
CLIENT_PACKAGES = {
    "google.cloud.storage": "google-cloud-storage",
    "google.cloud.workflows.executions_v1": "google-cloud-workflows",
}


@dataclass(frozen=True)
class E2ESettings:
    """Where the throwaway stack goes."""

    project: str
    region: str = "us-central1"
    backend_url: str | None = None
    config_json: str | None = None


def settings_from(environ: Mapping[str, str]) -> E2ESettings:
    """The settings; pytest.skip without E2E_PROJECT, pytest.fail on a missing prerequisite."""
    project = environ.get("E2E_PROJECT", "").strip()
    if not project:
        pytest.skip(SKIP_REASON)
    if shutil.which("pulumi") is None:
        pytest.fail(
            "E2E_PROJECT is set but the Pulumi CLI is not on PATH: install it (pulumi.com/docs/install)"
        )
    missing = [package for module, package in CLIENT_PACKAGES.items() if not _importable(module)]
    if missing:
        pytest.fail(
            f"E2E_PROJECT is set but {', '.join(missing)} is missing: pip install {' '.join(missing)}"
        )
    import google.auth
    import google.auth.exceptions

    try:
        google.auth.default()
    except google.auth.exceptions.DefaultCredentialsError as error:
        pytest.fail(f"E2E_PROJECT is set but {error}: run `gcloud auth application-default login`")
    return E2ESettings(
        project=project,
        region=environ.get("E2E_REGION") or "us-central1",
        backend_url=environ.get("E2E_PULUMI_BACKEND_URL") or None,
        config_json=environ.get("E2E_CONFIG") or None,
    )


def _importable(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False
