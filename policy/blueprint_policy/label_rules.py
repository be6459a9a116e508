"""Required labels on every labelled resource (cost reports and ownership use them)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pulumi_policy import (
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
)

from .props import ENROLLMENT, MESSAGE_BUS, PIPELINE, TRIGGER, WORKFLOW

# The resource types of the program that carry labels.
LABELLED_TYPES = frozenset({WORKFLOW, TRIGGER, PIPELINE, ENROLLMENT, MESSAGE_BUS})
# `team` and `cost-center` come from stack config `labels`; the program adds `managed-by`.
DEFAULT_REQUIRED = ("team", "cost-center", "managed-by")


def missing_labels(labels: object, required: Sequence[str]) -> list[str]:
    """The required keys absent (or empty) in a labels map."""
    present = labels if isinstance(labels, Mapping) else {}
    return [key for key in required if not present.get(key)]


def _validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type not in LABELLED_TYPES:
        return
    required = args.get_config().get("labels") or DEFAULT_REQUIRED
    missing = missing_labels(args.props.get("labels"), required)
    if missing:
        report_violation(
            f"{args.resource_type.rsplit(':', 1)[-1]} {args.name} lacks the label(s) {', '.join(missing)}; "
            "set them in stack config `labels` (managed-by is added by the program).",
            None,
        )


REQUIRED_LABELS = ResourceValidationPolicy(
    name="required-labels",
    description="Workflows and Eventarc resources carry the required labels (team, cost-center, managed-by).",
    validate=_validate,
    config_schema=PolicyConfigSchema(
        properties={
            "labels": {"type": "array", "items": {"type": "string"}, "default": list(DEFAULT_REQUIRED)}
        }
    ),
)
