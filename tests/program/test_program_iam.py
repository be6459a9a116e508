"""Least privilege as registered: per-workflow roles exactly as the table says, Cloud Run only
on the jobs (in the regions each workflow may run them), no primitive roles, no project-wide
storage or Cloud Run roles, additive members only."""

from __future__ import annotations

import pytest

from components import iam
from components.catalog import load_catalog
from components.config import StackConfig
from components.stack_files import load_stack
from tests.program.resource_types import (
    BUCKET_MEMBER,
    CUSTOM_ROLE,
    JOB_MEMBER,
    PROJECT_MEMBER,
    SA_MEMBER,
)
from tools.mock_engine import Evaluation

MEMBER_TYPES = (PROJECT_MEMBER, BUCKET_MEMBER, SA_MEMBER, JOB_MEMBER)


def grants_of(run: Evaluation, email: str) -> set[tuple[str, str]]:
    """(scope, role) of every IAM member resource naming this service account; the scope
    of a job grant is `job <name> <region>`."""
    found = set()
    for resource in run.resources:
        if resource.type not in MEMBER_TYPES or resource.inputs.get("member") != f"serviceAccount:{email}":
            continue
        scope = {
            BUCKET_MEMBER: "bucket",
            JOB_MEMBER: f"job {resource.inputs.get('name')} {resource.inputs.get('location')}",
        }.get(resource.type, "project")
        found.add((scope, resource.inputs["role"]))
    return found


def expected_grants(grants: list[iam.Grant]) -> set[tuple[str, str]]:
    """The (scope, role) pairs of iam.py's grants, spelled as grants_of spells them."""
    return {(f"job {g.job} {g.region}" if g.scope == "job" else g.scope, g.role) for g in grants}


def test_only_additive_members_are_used(run: Evaluation) -> None:
    """No authoritative IAMPolicy / IAMBinding resources anywhere."""
    types = {r.type for r in run.resources}
    assert not [t for t in types if "IAMPolicy" in t or "IAMBinding" in t or "iamPolicy" in t]
    assert not [t for t in types if t.endswith(("IamPolicy", "IamBinding"))]
    assert set(MEMBER_TYPES) <= types


def test_no_primitive_or_project_wide_storage_or_cloud_run_roles(run: Evaluation) -> None:
    """Owner/editor/viewer never appear; storage roles only on the bucket; no predefined
    Cloud Run role on the project, and the one project custom role holds only
    run.operations.get of Cloud Run's permissions."""
    members = [r for r in run.resources if r.type in MEMBER_TYPES]
    assert len(members) > 80
    assert not [
        r.name for r in members if r.inputs["role"] in ("roles/owner", "roles/editor", "roles/viewer")
    ]
    project_roles = {r.inputs["role"] for r in run.of_type(PROJECT_MEMBER)}
    assert not [role for role in project_roles if role.startswith(("roles/storage.", "roles/run."))]
    permissions = {r.outputs["name"]: set(r.inputs["permissions"]) for r in run.of_type(CUSTOM_ROLE)}
    for role in project_roles & set(permissions):
        run_permissions = {p for p in permissions[role] if p.startswith("run.")}
        assert run_permissions == {"run.operations.get"}, role
    assert {r.inputs["role"] for r in run.of_type(JOB_MEMBER)} == {
        next(name for name in permissions if name.endswith("/blueprintWorkflowJobRunner"))
    }


def test_each_workflow_gets_exactly_its_table_roles(run: Evaluation, stack: str) -> None:
    """Registered grants per workflow account equal iam.workflow_grants(spec), nothing more."""
    config = load_stack(stack)
    for name, spec in load_catalog().workflows.items():
        email = run.named(f"{name}-sa").outputs["email"]
        assert grants_of(run, email) == expected_grants(iam.workflow_grants(spec, config)), name
    buckets = {r.inputs["bucket"] for r in run.of_type(BUCKET_MEMBER)}
    assert buckets == {config.bucket}


def explicit(config: StackConfig) -> dict[str, set[tuple[str, str]]]:
    """The table spelled out for workflows that exercise every row (independent of iam.py)."""
    runner = f"projects/{config.project}/roles/blueprintWorkflowJobRunner"
    operations = ("project", f"projects/{config.project}/roles/blueprintRunOperationsViewer")
    base = {("bucket", "roles/storage.objectUser"), ("project", "roles/logging.logWriter")}
    return {
        # primary-secondary: the job in both regions.
        "genie-sim-export-pipeline": base
        | {
            ("job genie-sim-export-job us-central1", runner),
            ("job genie-sim-export-job us-east1", runner),
            operations,
            ("project", "roles/workflows.invoker"),
            ("project", "roles/container.developer"),  # the GPU Job through the Kubernetes API
        },
        # legacy: the job in the legacy region only.
        "genie-sim-import-pipeline": base
        | {
            ("job genie-sim-import-job us-central1", runner),
            operations,
            ("project", "roles/eventarc.messageBusUser"),
        },
        "episode-generation-pipeline": base
        | {
            ("job quality-gate-job us-central1", runner),
            operations,
            ("project", "roles/container.developer"),
            ("project", "roles/monitoring.viewer"),
            ("project", "roles/logging.viewer"),
        },
        # No Cloud Run jobs: no Cloud Run grants at all.
        "genie-sim-import-poller": base | {("project", "roles/workflows.invoker")},
        "objects-pipeline": base
        | {
            ("job objects-job us-central1", runner),
            ("job objects-job us-east1", runner),
            operations,
        },
        "usd-assembly-pipeline": base
        | {(f"job {job} us-central1", runner) for job in ("usd-assembly-job", "simready-job")}
        | {(f"job {job} us-central1", runner) for job in ("replicator-job", "isaac-lab-job")}
        | {operations},
    }


@pytest.mark.parametrize("workflow", sorted(explicit(load_stack("prod"))))
def test_roles_of_representative_workflows(run: Evaluation, stack: str, workflow: str) -> None:
    """Hand-written expectations for the workflows that use each catalog field."""
    email = run.named(f"{workflow}-sa").outputs["email"]
    assert grants_of(run, email) == explicit(load_stack(stack))[workflow]


def test_custom_roles_hold_exactly_the_cited_permissions(run: Evaluation) -> None:
    """The registered custom roles are iam.py's, permission for permission."""
    registered = {r.inputs["roleId"]: sorted(r.inputs["permissions"]) for r in run.of_type(CUSTOM_ROLE)}
    assert registered == {
        "blueprintWorkflowJobRunner": [
            "run.executions.get",
            "run.jobs.get",
            "run.jobs.run",
            "run.jobs.runWithOverrides",
        ],
        "blueprintRunOperationsViewer": ["run.operations.get"],
    }
    for role in iam.CUSTOM_ROLES:
        assert all(page.startswith("run/docs/reference/") for page in role.permissions.values())


def test_job_grants_wait_for_the_custom_roles(run: Evaluation) -> None:
    """A grant naming a custom role is registered after the role exists."""
    roles = {r.urn for r in run.of_type(CUSTOM_ROLE)}
    for member in run.of_type(JOB_MEMBER):
        assert roles <= set(member.dependencies), member.name


def test_platform_identities(run: Evaluation) -> None:
    """Cloud Storage trigger identity: eventReceiver + workflows.invoker; the pipelines'
    OAuth identity and the scheduler's: workflows.invoker only; the Eventarc agent mints
    tokens of the pipelines' identity alone."""
    eventarc = run.named("eventarc-invoker").outputs["email"]
    pipelines = run.named("pipeline-invoker").outputs["email"]
    scheduler = run.named("scheduler-invoker").outputs["email"]
    assert grants_of(run, eventarc) == {
        ("project", "roles/eventarc.eventReceiver"),
        ("project", "roles/workflows.invoker"),
    }
    assert grants_of(run, pipelines) == {("project", "roles/workflows.invoker")}
    assert grants_of(run, scheduler) == {("project", "roles/workflows.invoker")}
    (token,) = run.of_type(SA_MEMBER)
    assert token.inputs["role"] == "roles/iam.serviceAccountTokenCreator"
    assert token.inputs["serviceAccountId"] == run.named("pipeline-invoker").outputs["name"]
    assert token.inputs["member"].endswith("@gcp-sa-eventarc.iam.gserviceaccount.com")


@pytest.mark.parametrize(
    ("grant", "message"),
    [
        (iam.Grant("roles/editor", "project", "x"), "primitive"),
        (iam.Grant("roles/storage.objectAdmin", "project", "x"), "on the bucket"),
        (iam.Grant("roles/run.viewer", "project", "x"), "on the jobs"),
        (iam.Grant("roles/run.jobsExecutorWithOverrides", "project", "x"), "on the jobs"),
        (iam.Grant("roles/run.invoker", "project", "x"), "on the jobs"),
        (iam.Grant(iam.JOB_RUNNER.name("p"), "project", "x"), r"run\.jobs\.get"),
        (iam.Grant("projects/p/roles/somethingElse", "project", "x"), "not defined"),
        (iam.Grant(iam.JOB_RUNNER.name("p"), "job", "x", job="objects-job"), "region"),
    ],
)
def test_the_least_privilege_check_rejects_bad_grants(grant: iam.Grant, message: str) -> None:
    """The guard in iam.py refuses primitive roles, project-level storage and Cloud Run
    roles (predefined or custom), unknown custom roles and job grants without a region."""
    with pytest.raises(iam.IamError, match=message):
        iam.check_least_privilege([grant])


def test_the_least_privilege_check_accepts_the_narrow_forms() -> None:
    """The same roles where they belong pass: a control for the test above."""
    iam.check_least_privilege(
        [
            iam.Grant("roles/storage.objectUser", "bucket", "x"),
            iam.Grant(iam.JOB_RUNNER.name("p"), "job", "x", job="objects-job", region="us-east1"),
            iam.Grant(iam.RUN_OPERATIONS.name("p"), "project", "x"),
        ]
    )


def test_every_project_role_in_the_plan_has_its_page(run: Evaluation) -> None:
    """The remaining project-level roles are exactly those iam.py documents (with the page
    saying no narrower grant exists), plus its project custom role."""
    project_roles = {r.inputs["role"] for r in run.of_type(PROJECT_MEMBER)}
    predefined = {role for role in project_roles if role.startswith("roles/")}
    assert predefined <= set(iam.PROJECT_LEVEL_ROLES), predefined - set(iam.PROJECT_LEVEL_ROLES)
    custom = project_roles - predefined
    assert {iam.custom_role(name).role_id for name in custom} == {iam.RUN_OPERATIONS.role_id}
    assert all("cloud.google.com/" in page for page in iam.PROJECT_LEVEL_ROLES.values())


def test_an_undocumented_project_role_is_refused() -> None:
    with pytest.raises(iam.IamError, match="add it to PROJECT_LEVEL_ROLES"):
        iam.check_least_privilege([iam.Grant("roles/pubsub.editor", "project", "x")])
