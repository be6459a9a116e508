"""Cloud Scheduler: an explicit time zone and an OAuth identity on every job."""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs, ResourceValidationPolicy

from .props import SCHEDULER_JOB, is_set


def _validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type != SCHEDULER_JOB:
        return
    if not is_set(args.props, "timeZone"):
        report_violation(
            f"scheduler job {args.name} has no timeZone (it would run in UTC by default); set it explicitly.",
            None,
        )
    if not is_set(args.props, "httpTarget.oauthToken.serviceAccountEmail"):
        report_violation(
            f"scheduler job {args.name} has no httpTarget.oauthToken.serviceAccountEmail; Google APIs "
            "(workflowexecutions.googleapis.com) take an OAuth token of a dedicated invoker account.",
            None,
        )


SCHEDULER_JOB_IDENTITY = ResourceValidationPolicy(
    name="scheduler-timezone-and-oauth",
    description="Cloud Scheduler jobs set an explicit time zone and call with an OAuth token.",
    validate=_validate,
)
