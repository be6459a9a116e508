"""Safe deletion: in prod, every service account, the bus, enrollments, pipelines, Scheduler
jobs and custom roles carry deletion_policy PREVENT (like the workflows' deletion
protection); staging keeps DELETE so it is easy to tear down."""

from __future__ import annotations

from components.stack_files import load_stack
from tests.program.resource_types import (
    ACCOUNT,
    ALERT_POLICY,
    CUSTOM_ROLE,
    DASHBOARD,
    ENROLLMENT,
    JOB,
    LOG_METRIC,
    MESSAGE_BUS,
    NOTIFICATION_CHANNEL,
    PIPELINE,
    WORKFLOW,
)
from tools.mock_engine import Evaluation

PROTECTED_TYPES = (ACCOUNT, MESSAGE_BUS, ENROLLMENT, PIPELINE, JOB, CUSTOM_ROLE)
# Observability (issue #13): metrics, alert policies, channels and dashboards likewise.
PROTECTED_TYPES += (LOG_METRIC, ALERT_POLICY, NOTIFICATION_CHANNEL, DASHBOARD)


def test_deletion_policy_follows_the_stack(run: Evaluation, stack: str) -> None:
    """PREVENT exactly where the stack protects its workflows, on every protected type."""
    protected = load_stack(stack).deletion_protection
    assert protected is (stack == "prod")
    expected = "PREVENT" if protected else "DELETE"
    for type_ in PROTECTED_TYPES:
        resources = run.of_type(type_)
        assert resources, type_
        assert {r.name: r.inputs.get("deletionPolicy") for r in resources} == {
            r.name: expected for r in resources
        }
    assert {r.inputs["deletionProtection"] for r in run.of_type(WORKFLOW)} == {protected}


def test_every_service_account_is_covered(run: Evaluation) -> None:
    """Workflow accounts, the router's and the three invokers: 22 accounts, all with a policy."""
    accounts = run.of_type(ACCOUNT)
    assert len(accounts) == 22
    assert all(r.inputs.get("deletionPolicy") in ("PREVENT", "DELETE") for r in accounts)
