"""Cloud Run job grants follow where the stack says each job is deployed, and a job missing
there stops the program with a message naming the job, the region and the fix."""

from __future__ import annotations

import pytest

from components.run_grants import JobRegionError, MissingJobError
from tests.program.resource_types import JOB_MEMBER
from tools.mock_engine import Evaluation, ProgramFailed, evaluate, evaluate_cached


def job_grants(run: Evaluation, workflow: str) -> set[tuple[str, str]]:
    """(job, region) of every job-level grant of one workflow's service account."""
    email = run.named(f"{workflow}-sa").outputs["email"]
    return {
        (r.inputs["name"], r.inputs["location"])
        for r in run.of_type(JOB_MEMBER)
        if r.inputs["member"] == f"serviceAccount:{email}"
    }


def test_by_default_jobs_are_granted_in_every_region_of_the_workflow(stack: str) -> None:
    """primary-secondary: both regions; legacy: the legacy region; as the regions config says."""
    run = evaluate_cached(stack)
    both = {("objects-job", "us-central1"), ("objects-job", "us-east1")}
    assert job_grants(run, "objects-pipeline") == both
    assert job_grants(run, "training-pipeline") == {("training-job", "us-central1")}
    moved = evaluate_cached(stack, (("regions.secondary", "us-west1"),))
    moved_both = {("objects-job", "us-central1"), ("objects-job", "us-west1")}
    assert job_grants(moved, "objects-pipeline") == moved_both


def test_job_regions_narrow_the_grants_to_where_the_job_is_deployed() -> None:
    """objects-job only in the primary region: no grant (and no lookup) in the secondary."""
    run = evaluate("prod", overrides={"jobRegions": {"objects-job": ["us-central1"]}})
    assert job_grants(run, "objects-pipeline") == {("objects-job", "us-central1")}
    # Other jobs keep their defaults.
    assert ("scene-batch-job", "us-east1") in job_grants(run, "scene-batch")


def test_a_job_shared_by_two_workflows_is_granted_to_each() -> None:
    """simready-job runs in usd-assembly and variation-assets: each account gets it."""
    run = evaluate_cached("prod")
    for workflow in ("usd-assembly-pipeline", "variation-assets-pipeline"):
        assert ("simready-job", "us-central1") in job_grants(run, workflow)


def _error(overrides: dict, **kwargs) -> Exception:
    with pytest.raises(ProgramFailed) as caught:
        evaluate("prod", overrides=overrides, **kwargs)
    return caught.value.error


def test_job_regions_for_an_unknown_job_fail_before_any_resource() -> None:
    """A typo in jobRegions is named, with the jobs the catalog knows."""
    with pytest.raises(ProgramFailed) as caught:
        evaluate("prod", overrides={"jobRegions": {"objects-jbo": ["us-central1"]}})
    assert isinstance(caught.value.error, JobRegionError)
    assert "jobRegions.objects-jbo: no workflow of workflows/catalog.yaml runs a job named" in str(
        caught.value.error
    )
    assert "objects-job" in str(caught.value.error)
    assert caught.value.resources == []


def test_a_workflow_left_without_a_region_for_its_job_fails_clearly() -> None:
    """training-job deployed only in us-east1 while training-pipeline runs it in us-central1."""
    error = _error({"jobRegions": {"training-job": ["us-east1"]}})
    assert isinstance(error, JobRegionError)
    assert (
        "jobRegions.training-job: got ['us-east1']; training-pipeline runs training-job in us-central1 "
        "(regionRouting legacy)"
    ) in str(error)


def test_a_job_missing_in_cloud_run_stops_the_program_with_the_fix() -> None:
    """The job lookup before the grant turns the provider's "not found" into a message that
    names the job, region, project and the config command; no grant of it is registered."""
    with pytest.raises(ProgramFailed) as caught:
        evaluate("prod", missing_jobs=frozenset({("objects-job", "us-east1")}))
    error = caught.value.error
    assert isinstance(error, MissingJobError)
    message = str(error)
    assert "job 'objects-job' cannot be read in us-east1 (project blueprint-pipeline-prod)" in message
    assert "locations/us-east1/jobs/objects-job not found" in message
    assert "pulumi config set --path 'jobRegions.objects-job[0]' <region>" in message
    granted = {(r.inputs.get("name"), r.inputs.get("location")) for r in caught.value.resources}
    assert ("objects-job", "us-east1") not in granted


def test_the_missing_job_is_tolerated_once_the_config_says_where_it_is() -> None:
    """The same missing job with jobRegions listing only where it exists: the program runs."""
    run = evaluate(
        "prod",
        overrides={"jobRegions": {"objects-job": ["us-central1"]}},
        missing_jobs=frozenset({("objects-job", "us-east1")}),
    )
    assert job_grants(run, "objects-pipeline") == {("objects-job", "us-central1")}
