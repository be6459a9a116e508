"""run-canary-staging.sh on the real genie-sim-export workflow's logs: the three payloads the
script sends run on the local runtime (staging env, emulated bucket), their log entries are
handed back as Cloud Logging entries by the stub gcloud, and the script's assertions pass on
them; without the rollback marker object the rollback run's line is missing and it fails."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.runbook.helpers import MARKER, payloads, run
from tools.geniesim_world import EXPORT, deploy_geniesim, seed_export_scene
from workflow_runtime.testing import WorkflowEnv

STABLE, CANARY = "scene_stable_001", "scene_canary_001"


def _cloud_logging(outcome: Any) -> list[dict[str, Any]]:
    """The execution's log entries as `gcloud logging read --format=json` prints them: text
    logs as textPayload, maps as jsonPayload."""
    return [
        {"severity": e.severity, "textPayload": e.payload}
        if isinstance(e.payload, str)
        else {"severity": e.severity, "jsonPayload": e.payload}
        for e in outcome.logs
    ]


def _record(env: WorkflowEnv, sent: list[dict[str, Any]], directory: Path) -> Path:
    directory.mkdir()
    for label, payload in zip(("stable", "canary", "rollback"), sent, strict=True):
        outcome = env.run(EXPORT, payload)
        (directory / f"{label}.json").write_text(json.dumps(_cloud_logging(outcome)))
    return directory


def test_the_script_passes_on_the_workflows_own_log_lines(workflow_env: WorkflowEnv, tmp_path: Path) -> None:
    env = workflow_env
    deploy_geniesim(env)
    seed_export_scene(env, STABLE, "job_s")
    seed_export_scene(env, CANARY, "job_c")
    env.put_text(MARKER, "")
    script_env = {"BUCKET": env.bucket, "STUB_EXISTING": MARKER}
    emulated = tmp_path / "emulated"
    emulated.mkdir()
    assert run(emulated, script_env).returncode == 0
    sent = payloads(emulated)

    logs = _record(env, sent, tmp_path / "logs")
    real = tmp_path / "real"
    real.mkdir()
    result = run(real, {**script_env, "STUB_LOGS_DIR": str(logs)})
    assert result.returncode == 0, result.stderr
    assert "canary validation passed (stable, canary, rollback)" in result.stdout

    env.delete(MARKER)
    missing = _record(env, sent, tmp_path / "logs-without-marker")
    again = tmp_path / "again"
    again.mkdir()
    result = run(again, {**script_env, "STUB_LOGS_DIR": str(missing)})
    assert result.returncode == 1
    assert (
        f"the rollback run (execution rollback-0001) did not log: Rollback marker present at {MARKER}."
        in (result.stderr)
    )
