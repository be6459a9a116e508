"""The GitHub Actions workflows: valid YAML, actions pinned by version, secrets documented,
and the deploy's order, approvals, identity, policy pack, concurrency and summary."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from components.stack_files import ROOT

WORKFLOWS_DIR = ROOT / ".github" / "workflows"
FILES = sorted(WORKFLOWS_DIR.glob("*.yml"))
# owner/repo[/path]@vMAJOR[.MINOR[.PATCH]] or a full commit sha; never a branch.
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$")
SECRET = re.compile(r"secrets\.([A-Z][A-Z0-9_]*)")


def load(path: Path) -> dict[str, Any]:
    """A workflow file as data (`on` stays a string key)."""
    document = yaml.load(path.read_text(), Loader=yaml.BaseLoader)
    assert isinstance(document, dict), f"{path.name} is not a mapping"
    return document


def steps(document: dict[str, Any]) -> list[dict[str, Any]]:
    """Every step of every job."""
    return [step for job in document["jobs"].values() for step in job.get("steps", [])]


def test_there_are_the_three_workflows() -> None:
    assert [p.name for p in FILES] == ["pulumi-deploy.yml", "pulumi-preview.yml", "pulumi-stack.yml"]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_workflow_is_valid_yaml_with_jobs(path: Path) -> None:
    document = load(path)
    assert {"name", "on", "jobs"} <= set(document)
    for name, job in document["jobs"].items():
        assert ("steps" in job and "runs-on" in job) or "uses" in job, f"{path.name}: job {name}"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def _schema_check(*paths: Path) -> subprocess.CompletedProcess[str]:
    tool = Path(sys.executable).parent / "check-jsonschema"
    command = [str(tool), "--builtin-schema", "vendor.github-workflows", *map(str, paths)]
    return subprocess.run(command, capture_output=True, text=True, check=False, timeout=60)


def test_every_workflow_matches_githubs_workflow_schema() -> None:
    result = _schema_check(*FILES)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_schema_check_rejects_a_misspelt_key(tmp_path: Path) -> None:
    broken = tmp_path / "pulumi-stack.yml"
    broken.write_text((WORKFLOWS_DIR / "pulumi-stack.yml").read_text().replace("runs-on:", "runs_on:"))
    result = _schema_check(broken)
    assert result.returncode == 1 and "'runs-on' is a required property" in result.stdout


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_action_is_pinned_by_version(path: Path) -> None:
    document = load(path)
    uses = [s["uses"] for s in steps(document) if "uses" in s]
    uses += [j["uses"] for j in document["jobs"].values() if "uses" in j]
    assert uses
    for action in uses:
        assert action.startswith("./") or PINNED.match(action), f"{path.name}: {action} is not pinned"


def test_every_secret_read_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("### Deploys (GitHub Actions)", 1)[1].split("\n## ", 1)[0]
    names: set[str] = set()
    for path in FILES:
        text = path.read_text()
        names |= set(SECRET.findall(text))
        names |= set(re.findall(r"_secret: ([A-Z][A-Z0-9_]*)", text))  # secrets[matrix.*_secret]
    assert names >= {"PULUMI_ACCESS_TOKEN", "GCP_WIF_PROVIDER", "GCP_DEPLOYER"}
    missing = sorted(n for n in names if f"`{n}`" not in section)
    assert not missing, f"secrets read by the workflows but not documented in README: {missing}"


def test_no_workflow_uses_a_service_account_key() -> None:
    for path in FILES:
        assert "credentials_json" not in path.read_text(), path.name


def test_deploys_run_on_main_staging_then_prod_behind_reviewers() -> None:
    deploy = load(WORKFLOWS_DIR / "pulumi-deploy.yml")
    assert deploy["on"] == {"push": {"branches": ["main"]}}
    assert deploy["permissions"]["id-token"] == "write"
    jobs = deploy["jobs"]
    assert jobs["staging"]["needs"] == "test" and jobs["prod"]["needs"] == "staging"
    assert jobs["staging"]["with"] == {"stack": "staging", "environment": "staging"}
    assert jobs["prod"]["with"] == {"stack": "prod", "environment": "production"}
    assert {jobs[s]["uses"] for s in ("staging", "prod")} == {"./.github/workflows/pulumi-stack.yml"}
    readme = (ROOT / "README.md").read_text()
    assert "`production` GitHub environment" in readme and "required reviewers" in readme


def test_a_stack_deploy_is_serialized_authenticated_and_policy_checked() -> None:
    stack = load(WORKFLOWS_DIR / "pulumi-stack.yml")
    (job,) = stack["jobs"].values()
    assert job["environment"] == "${{ inputs.environment }}"
    assert job["concurrency"] == {"group": "pulumi-deploy-${{ inputs.stack }}", "cancel-in-progress": "false"}
    by_action = [s.get("uses", "").split("@")[0] for s in job["steps"]]
    auth = job["steps"][by_action.index("google-github-actions/auth")]
    assert set(auth["with"]) == {"workload_identity_provider", "service_account"}
    pulumi = [s for s in job["steps"] if s.get("uses", "").startswith("pulumi/actions@")]
    assert [s["with"]["command"] for s in pulumi] == ["preview", "up"]
    assert all(s["with"]["policyPacks"] == "policy" for s in pulumi)
    assert by_action.index("google-github-actions/auth") < by_action.index("pulumi/actions")
    summary = next(s for s in job["steps"] if "GITHUB_STEP_SUMMARY" in s.get("run", ""))
    assert summary["env"]["PREVIEW"] == "${{ steps.preview.outputs.output }}"
    assert pulumi[0]["id"] == "preview" and pulumi[0]["with"]["diff"] == "true"


def test_pull_request_previews_run_the_policy_pack() -> None:
    preview = load(WORKFLOWS_DIR / "pulumi-preview.yml")
    pulumi = [s for s in steps(preview) if s.get("uses", "").startswith("pulumi/actions@")]
    assert pulumi and all(s["with"].get("policyPacks") == "policy" for s in pulumi)
