"""The whole pack: every policy, in the order the CLI reports them."""

from __future__ import annotations

from collections.abc import Callable

from pulumi_policy import Policy

from .eventarc_rules import NO_RETRY_TO_WORKFLOWS, trigger_colocated
from .facts import StackFacts
from .iam_rules import NO_BROAD_ROLES
from .identity import OWN_SERVICE_ACCOUNT
from .label_rules import REQUIRED_LABELS
from .scheduler_rules import SCHEDULER_JOB_IDENTITY
from .workflow_rules import CANARY_PERCENT_RANGE, deletion_protection

PACK_NAME = "blueprint-workflows-policy"


def policies(facts: Callable[[], StackFacts]) -> list[Policy]:
    """Every policy of the pack; `facts` tells the stack-dependent ones about the stack."""
    return [
        NO_BROAD_ROLES,
        OWN_SERVICE_ACCOUNT,
        deletion_protection(facts),
        REQUIRED_LABELS,
        CANARY_PERCENT_RANGE,
        NO_RETRY_TO_WORKFLOWS,
        trigger_colocated(facts),
        SCHEDULER_JOB_IDENTITY,
    ]
