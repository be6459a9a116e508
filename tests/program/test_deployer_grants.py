"""The deployer's grants (components/deployer.py) match what the program creates, and
`python -m tools.deployer_grants` prints them as gcloud commands in first-deploy order."""

from __future__ import annotations

import pytest

from components.catalog import load_catalog
from components.deployer import ACT_AS_ROLE, BUCKET_ROLE, JOB_ROLE, deployer_grants, gcloud_commands
from components.stack_files import load_stack
from tests.program.resource_types import ACCOUNT, JOB_MEMBER
from tools import deployer_grants as cli
from tools.mock_engine import Evaluation

PRINCIPAL = "serviceAccount:deployer@ci-project.iam.gserviceaccount.com"


def test_the_project_roles_are_the_documented_least_privilege_set() -> None:
    grants = deployer_grants(load_catalog(), load_stack("prod"))
    assert [role for role, _ in grants.project_roles] == [
        "roles/serviceusage.serviceUsageAdmin",
        "roles/iam.serviceAccountAdmin",
        "roles/iam.roleAdmin",
        "roles/resourcemanager.projectIamAdmin",
        "roles/workflows.editor",
        "roles/eventarc.developer",
        "roles/eventarc.messageBusAdmin",
        "roles/eventarc.messageBusUser",
        "roles/cloudscheduler.admin",
        "roles/logging.configWriter",
        "roles/monitoring.alertPolicyEditor",
        "roles/monitoring.notificationChannelEditor",
        "roles/monitoring.dashboardEditor",
    ]


def test_jobs_and_accounts_are_exactly_what_the_plan_creates(run: Evaluation, stack: str) -> None:
    """Every granted (job, region) and every created account, no more: derived, not listed."""
    grants = deployer_grants(load_catalog(), load_stack(stack))
    planned_jobs = {(r.inputs["name"], r.inputs["location"]) for r in run.of_type(JOB_MEMBER)}
    assert set(grants.jobs) == planned_jobs
    assert len(grants.jobs) == len(planned_jobs) > 20
    assert set(grants.service_accounts) == {r.outputs["email"] for r in run.of_type(ACCOUNT)}


def test_gcloud_commands_grant_each_scope_to_the_principal(stack: str) -> None:
    grants = deployer_grants(load_catalog(), load_stack(stack))
    commands = gcloud_commands(grants, PRINCIPAL)
    assert len(commands) == len(grants.project_roles) + 1 + len(grants.jobs) + len(grants.service_accounts)
    assert all(f"--member={PRINCIPAL}" in command for command in commands)
    assert commands[0] == (
        f"gcloud projects add-iam-policy-binding {grants.project} --member={PRINCIPAL} "
        "--role=roles/serviceusage.serviceUsageAdmin --condition=None"
    )
    bucket = [c for c in commands if c.startswith("gcloud storage buckets")]
    assert bucket == [
        f"gcloud storage buckets add-iam-policy-binding gs://{grants.bucket} "
        f"--member={PRINCIPAL} --role={BUCKET_ROLE}"
    ]
    job, region = grants.jobs[0]
    assert (
        f"gcloud run jobs add-iam-policy-binding {job} --project={grants.project} --region={region} "
        f"--member={PRINCIPAL} --role={JOB_ROLE}"
    ) in commands
    act_as = [c for c in commands if c.startswith("gcloud iam service-accounts")]
    assert len(act_as) == len(grants.service_accounts)
    assert all(c.endswith(f"--role={ACT_AS_ROLE}") for c in act_as)


def test_the_command_line_prints_the_script_in_first_deploy_order(
    capsys: pytest.CaptureFixture[str], run: Evaluation, stack: str
) -> None:
    assert cli.main(["--stack", stack, "--principal", PRINCIPAL]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    order = [
        next(i for i, line in enumerate(lines) if line.startswith(prefix))
        for prefix in (
            "gcloud projects",
            "gcloud storage buckets",
            "gcloud run jobs",
            f"pulumi up --stack {stack} --target",
            "gcloud iam service-accounts",
            f"pulumi up --stack {stack}",
        )
    ]
    assert order[:-1] == sorted(order[:-1]) and lines[-1] == f"pulumi up --stack {stack}"
    target_line = lines[order[3]]
    for account in run.of_type(ACCOUNT):
        assert f"--target '{account.urn}'" in target_line
    assert "gcp:workflows/workflow:Workflow" not in target_line


def test_a_malformed_principal_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--stack", "prod", "--principal", "alice@example.com"]) == 2
    assert "--principal 'alice@example.com': expected IAM principals such as" in capsys.readouterr().err


def test_without_a_stack_every_stack_is_printed(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--principal", PRINCIPAL]) == 0
    out = capsys.readouterr().out
    for stack in ("staging", "prod"):
        project = load_stack(stack).project
        assert f"# Deployer grants for stack {stack} (project {project}) to {PRINCIPAL}" in out
        assert f"gcloud projects add-iam-policy-binding {project} " in out
