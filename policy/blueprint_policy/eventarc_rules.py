"""Eventarc: no retry policy towards workflows; Cloud Storage triggers where their bucket is."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pulumi_policy import ReportViolation, ResourceValidationArgs, ResourceValidationPolicy

from .facts import StackFacts
from .props import PIPELINE, TRIGGER, values_at

# Where each type names a workflow destination.
WORKFLOW_DESTINATIONS: Mapping[str, str] = {
    TRIGGER: "destination.workflow",
    PIPELINE: "destinations[].workflow",
}
STORAGE_EVENT_PREFIX = "google.cloud.storage.object.v1."


def _validate_retry(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    path = WORKFLOW_DESTINATIONS.get(args.resource_type)
    if path is None or not any(values_at(args.props, path)):
        return
    if args.props.get("retryPolicy"):
        # pulumi-gcp's Trigger docs: retryPolicy "Can only be set with Cloud Run destinations";
        # a redelivered event would also start the workflow a second time.
        report_violation(
            f"{args.resource_type.rsplit(':', 1)[-1]} {args.name} delivers to a workflow and sets "
            "retryPolicy; remove it (workflows handle their own retries).",
            None,
        )


NO_RETRY_TO_WORKFLOWS = ResourceValidationPolicy(
    name="no-eventarc-retry-to-workflows",
    description="Eventarc triggers and pipelines that deliver to a workflow set no retry policy.",
    validate=_validate_retry,
)


def storage_bucket(props: Mapping[str, Any]) -> str | None:
    """The bucket of a Cloud Storage trigger, or None for any other trigger."""
    criteria = {c.get("attribute"): c.get("value") for c in props.get("matchingCriterias") or []}
    event_type = criteria.get("type")
    if isinstance(event_type, str) and event_type.startswith(STORAGE_EVENT_PREFIX):
        return criteria.get("bucket")
    return None


def trigger_colocated(facts: Callable[[], StackFacts]) -> ResourceValidationPolicy:
    """A Cloud Storage trigger's location is its bucket's (Eventarc requires it)."""

    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        if args.resource_type != TRIGGER or (bucket := storage_bucket(args.props)) is None:
            return
        location = str(args.props.get("location") or "")
        expected = facts().bucket_locations.get(bucket)
        if expected is None:
            report_violation(
                f"trigger {args.name} watches bucket {bucket}, whose location the stack does not declare; "
                "set `bucket` and `bucketLocation` in stack config.",
                None,
            )
        elif location.lower() != expected.lower():
            report_violation(
                f"trigger {args.name} is in {location} but bucket {bucket} is in {expected.lower()}; "
                "a Cloud Storage trigger must be where its bucket is.",
                None,
            )

    return ResourceValidationPolicy(
        name="storage-trigger-colocated",
        description="A Cloud Storage trigger is located where its bucket is.",
        validate=validate,
    )
