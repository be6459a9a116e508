"""Cloud Run job grants: where a workflow may run each job, and the job-level IAM member.

A workflow runs its jobs in the regions of its region routing (primary and secondary, the
legacy region, or its own). Stack config `jobRegions.<job>` says where a job is really
deployed; a workflow is granted a job only where both hold. Before any resource is
registered, `validate_job_regions` rejects `jobRegions` entries for unknown jobs and
workflows left with no region to run a job in. At `pulumi preview`/`up`, each grant reads
its job first (`cloudrunv2.getJob`), so a job missing where the config says it is stops
the run with a message naming the job, region, workflow and the fix, instead of a bare
404 from the IAM API.
"""

from __future__ import annotations

import pulumi
import pulumi_gcp as gcp

from components.catalog import Catalog, WorkflowSpec
from components.config import StackConfig


class JobRegionError(ValueError):
    """`jobRegions` disagrees with the catalog; the message says what to change."""


class MissingJobError(RuntimeError):
    """A Cloud Run job is not where the stack config says it is deployed."""


def workflow_regions(spec: WorkflowSpec, config: StackConfig) -> tuple[str, ...]:
    """The regions a workflow runs its Cloud Run jobs in, by its region routing."""
    if spec.region_routing == "primary-secondary":
        return (config.primary_region, config.secondary_region)
    if spec.region_routing == "legacy":
        return (config.legacy_region,)
    return (config.region,)


def run_regions(spec: WorkflowSpec, job: str, config: StackConfig) -> tuple[str, ...]:
    """Where the workflow may run `job`: its own regions that the job is deployed in
    (`jobRegions.<job>` in stack config; by default, all of the workflow's regions)."""
    deployed = config.job_regions.get(job)
    regions = workflow_regions(spec, config)
    return regions if deployed is None else tuple(r for r in regions if r in deployed)


def validate_job_regions(catalog: Catalog, config: StackConfig) -> None:
    """Raise JobRegionError listing every `jobRegions` problem against the catalog."""
    users: dict[str, list[WorkflowSpec]] = {}
    for spec in catalog.workflows.values():
        for job in spec.jobs:
            users.setdefault(job, []).append(spec)
    problems = [
        f"jobRegions.{job}: no workflow of workflows/catalog.yaml runs a job named {job!r} "
        f"(known jobs: {', '.join(sorted(users))})"
        for job in sorted(set(config.job_regions) - set(users))
    ]
    for job, deployed in sorted(config.job_regions.items()):
        for spec in users.get(job, []):
            if not run_regions(spec, job, config):
                needed = " or ".join(workflow_regions(spec, config))
                problems.append(
                    f"jobRegions.{job}: got {list(deployed)}; {spec.name} runs {job} in {needed} "
                    f"(regionRouting {spec.region_routing}), so the job must be deployed in one of them"
                )
    if problems:
        raise JobRegionError("invalid Cloud Run job regions:\n" + "\n".join(f"  - {p}" for p in problems))


def checked_job_name(job: str, region: str, config: StackConfig) -> str:
    """The job's name after reading it from Cloud Run; MissingJobError if it is not there."""
    fix = (
        f"deploy {job} in {region} first, or list the regions it is deployed in: "
        f"pulumi config set --path 'jobRegions.{job}[0]' <region>"
    )
    try:
        found = gcp.cloudrunv2.get_job(name=job, location=region, project=config.project)
    except Exception as exc:  # the provider's "not found" (or permission) error
        raise MissingJobError(
            f"Cloud Run job {job!r} cannot be read in {region} (project {config.project}): {exc}. {fix}"
        ) from exc
    if not found.uid:
        raise MissingJobError(
            f"Cloud Run job {job!r} does not exist in {region} (project {config.project}). {fix}"
        )
    return job


def job_member(
    resource_name: str,
    role: str,
    job: str,
    region: str,
    member: pulumi.Input[str],
    config: StackConfig,
    opts: pulumi.ResourceOptions,
) -> gcp.cloudrunv2.JobIamMember:
    """An additive member of one job's IAM policy, after checking the job exists there."""
    return gcp.cloudrunv2.JobIamMember(
        resource_name,
        project=config.project,
        location=region,
        name=checked_job_name(job, region, config),
        role=role,
        member=member,
        opts=opts,
    )
