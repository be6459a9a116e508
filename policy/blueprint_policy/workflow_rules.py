"""Workflow settings: deletion protection in production, CANARY_PERCENT within 0..100."""

from __future__ import annotations

from collections.abc import Callable

from pulumi_policy import ReportViolation, ResourceValidationArgs, ResourceValidationPolicy

from .facts import StackFacts
from .props import WORKFLOW

CANARY_VARIABLE = "CANARY_PERCENT"


def deletion_protection(facts: Callable[[], StackFacts]) -> ResourceValidationPolicy:
    """Production workflows keep deletionProtection (pulumi-gcp's default is true)."""

    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        if args.resource_type != WORKFLOW or not facts().production:
            return
        # pulumi-gcp's Workflow docs: deletionProtection "Defaults to true".
        if args.props.get("deletionProtection") is False:
            report_violation(
                f"workflow {args.name} has deletionProtection false in production; a `pulumi destroy` or a "
                "replacement would delete it and its execution history. Remove the override.",
                None,
            )

    return ResourceValidationPolicy(
        name="deletion-protection-in-production",
        description="Workflows of the production environment keep deletion protection on.",
        validate=validate,
    )


def _canary_problem(value: object) -> str | None:
    if not isinstance(value, str) or not value.strip().isdigit():
        return f"got {value!r}; expected a whole number from 0 to 100"
    if not 0 <= int(value) <= 100:
        return f"got {value}; expected a whole number from 0 to 100"
    return None


def _validate_canary(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type != WORKFLOW:
        return
    env = args.props.get("userEnvVars") or {}
    if CANARY_VARIABLE in env and (problem := _canary_problem(env[CANARY_VARIABLE])):
        report_violation(
            f"workflow {args.name}: {CANARY_VARIABLE} {problem} (set it with "
            "`pulumi config set --path canary.percent <0-100>`).",
            None,
        )


CANARY_PERCENT_RANGE = ResourceValidationPolicy(
    name="canary-percent-range",
    description="A workflow's CANARY_PERCENT is a whole number from 0 to 100.",
    validate=_validate_canary,
)
