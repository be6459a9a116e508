"""Least privilege as registered: per-workflow roles exactly as the table says, no primitive
roles, no project-wide storage roles, additive members only."""

from __future__ import annotations

import pytest

from components import iam
from components.catalog import load_catalog
from components.stack_files import load_stack
from tests.program.resource_types import BUCKET_MEMBER, PROJECT_MEMBER, SA_MEMBER
from tools.mock_engine import Evaluation


def grants_of(run: Evaluation, email: str) -> set[tuple[str, str]]:
    """(scope, role) of every IAM member resource naming this service account."""
    found = set()
    for resource in run.resources:
        if resource.inputs.get("member") != f"serviceAccount:{email}":
            continue
        scope = "bucket" if resource.type == BUCKET_MEMBER else "project"
        found.add((scope, resource.inputs["role"]))
    return found


def test_only_additive_members_are_used(run: Evaluation) -> None:
    """No authoritative IAMPolicy / IAMBinding resources anywhere."""
    types = {r.type for r in run.resources}
    assert not [t for t in types if "IAMPolicy" in t or "IAMBinding" in t or "iamPolicy" in t]
    assert {PROJECT_MEMBER, BUCKET_MEMBER, SA_MEMBER} <= types


def test_no_primitive_or_project_wide_storage_roles(run: Evaluation) -> None:
    """Owner/editor/viewer never appear; storage roles are only on the bucket."""
    members = [r for r in run.resources if r.type in (PROJECT_MEMBER, BUCKET_MEMBER, SA_MEMBER)]
    assert len(members) > 80
    assert not [
        r.name for r in members if r.inputs["role"] in ("roles/owner", "roles/editor", "roles/viewer")
    ]
    project_storage = [
        r.name for r in run.of_type(PROJECT_MEMBER) if r.inputs["role"].startswith("roles/storage.")
    ]
    assert project_storage == []


def test_each_workflow_gets_exactly_its_table_roles(run: Evaluation, stack: str) -> None:
    """Registered grants per workflow account equal iam.workflow_grants(spec), nothing more."""
    config = load_stack(stack)
    for name, spec in load_catalog().workflows.items():
        email = run.named(f"{name}-sa").outputs["email"]
        expected = {(g.scope, g.role) for g in iam.workflow_grants(spec)}
        assert grants_of(run, email) == expected, name
    buckets = {r.inputs["bucket"] for r in run.of_type(BUCKET_MEMBER)}
    assert buckets == {config.bucket}


# The table spelled out for workflows that exercise every row (independent of iam.py).
EXPLICIT = {
    "genie-sim-export-pipeline": {
        ("bucket", "roles/storage.objectUser"),
        ("project", "roles/logging.logWriter"),
        ("project", "roles/run.jobsExecutorWithOverrides"),
        ("project", "roles/run.viewer"),
        ("project", "roles/workflows.invoker"),
        ("project", "roles/cloudbuild.builds.editor"),
    },
    "genie-sim-import-pipeline": {
        ("bucket", "roles/storage.objectUser"),
        ("project", "roles/logging.logWriter"),
        ("project", "roles/run.jobsExecutorWithOverrides"),
        ("project", "roles/run.viewer"),
        ("project", "roles/eventarc.messageBusUser"),
    },
    "episode-generation-pipeline": {
        ("bucket", "roles/storage.objectUser"),
        ("project", "roles/logging.logWriter"),
        ("project", "roles/run.jobsExecutorWithOverrides"),
        ("project", "roles/run.viewer"),
        ("project", "roles/cloudbuild.builds.editor"),
        ("project", "roles/container.clusterViewer"),
        ("project", "roles/monitoring.viewer"),
    },
    # No Cloud Run jobs: no Cloud Run roles.
    "genie-sim-import-poller": {
        ("bucket", "roles/storage.objectUser"),
        ("project", "roles/logging.logWriter"),
        ("project", "roles/workflows.invoker"),
    },
    "objects-pipeline": {
        ("bucket", "roles/storage.objectUser"),
        ("project", "roles/logging.logWriter"),
        ("project", "roles/run.jobsExecutorWithOverrides"),
        ("project", "roles/run.viewer"),
    },
}


@pytest.mark.parametrize("workflow", sorted(EXPLICIT))
def test_roles_of_representative_workflows(run: Evaluation, workflow: str) -> None:
    """Hand-written expectations for the workflows that use each catalog field."""
    email = run.named(f"{workflow}-sa").outputs["email"]
    assert grants_of(run, email) == EXPLICIT[workflow]


def test_platform_identities(run: Evaluation) -> None:
    """Eventarc invoker: eventReceiver + workflows.invoker; scheduler invoker: invoker only."""
    eventarc = run.named("eventarc-invoker").outputs["email"]
    scheduler = run.named("scheduler-invoker").outputs["email"]
    assert grants_of(run, eventarc) == {
        ("project", "roles/eventarc.eventReceiver"),
        ("project", "roles/workflows.invoker"),
    }
    assert grants_of(run, scheduler) == {("project", "roles/workflows.invoker")}
    token = run.named("eventarc-agent-tokenCreator")
    assert token.inputs["role"] == "roles/iam.serviceAccountTokenCreator"
    assert token.inputs["serviceAccountId"] == run.named("eventarc-invoker").outputs["name"]
    assert token.inputs["member"].endswith("@gcp-sa-eventarc.iam.gserviceaccount.com")


def test_the_least_privilege_check_rejects_bad_grants() -> None:
    """The guard in iam.py refuses primitive roles and project-level storage roles."""
    with pytest.raises(iam.IamError, match="primitive"):
        iam.check_least_privilege([iam.Grant("roles/editor", "project", "x")])
    with pytest.raises(iam.IamError, match="bucket"):
        iam.check_least_privilege([iam.Grant("roles/storage.objectAdmin", "project", "x")])
