"""Cloud Monitoring / Cloud Logging list connectors: the exact error for each mistyped
argument, which arguments reach the service, and how a transient error is retried.

Documented: arguments are the REST method's path and query parameters (Workflows
connectors reference, "Invoke a connector call"); `pageSize` is an int32 and `orderBy` a
string (monitoring/api/ref_v3/rest/v3/projects.alertPolicies/list); list methods are GETs,
retried with `http.default_retry` (502 included) (workflows/docs/connectors, "Retries").
The message wording is this runtime's own.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from workflow_runtime.connectors import lookup_connector
from workflow_runtime.errors import WorkflowError
from workflow_runtime.fakes import FakeLogging, FakeMonitoring, Services
from workflow_runtime.testing import connector_context

DASHBOARDS = "googleapis.monitoring.v1.projects.dashboards.list"
POLICIES = "googleapis.monitoring.v3.projects.alertPolicies.list"
METRICS = "googleapis.logging.v2.projects.metrics.list"
PARENT_ARG = {DASHBOARDS: "parent", POLICIES: "name", METRICS: "parent"}
SERVICE = {DASHBOARDS: "monitoring", POLICIES: "monitoring", METRICS: "logging"}
LABEL = {DASHBOARDS: "dashboards.list", POLICIES: "alertPolicies.list", METRICS: "metrics.list"}
CONNECTORS = sorted(PARENT_ARG)


@pytest.fixture
def ctx() -> Any:
    return connector_context(Services(monitoring=FakeMonitoring(), logging=FakeLogging()))


def _call(ctx: Any, connector: str, **args: Any) -> Any:
    args = {PARENT_ARG[connector]: "projects/test-project", **args}
    return lookup_connector(connector).impl(ctx, args)  # type: ignore[union-attr]


def _error(ctx: Any, connector: str, **args: Any) -> dict[str, Any]:
    with pytest.raises(WorkflowError) as caught:
        _call(ctx, connector, **args)
    return caught.value.value


@pytest.mark.parametrize("connector", CONNECTORS)
def test_mistyped_arguments_name_the_connector(ctx: Any, connector: str) -> None:
    parent = PARENT_ARG[connector]
    assert _error(ctx, connector, **{parent: 5}) == {
        "tags": ["TypeError"],
        "message": f"{connector}: argument {parent} must be a string, got 5",
    }
    assert _error(ctx, connector, pageSize="many") == {
        "tags": ["TypeError"],
        "message": f"{connector}: argument pageSize must be an integer or a decimal string, got 'many'",
    }
    assert _error(ctx, connector, pageToken=5) == {
        "tags": ["TypeError"],
        "message": f"{connector}: argument pageToken must be a string, got 5",
    }


@pytest.mark.parametrize("arg", ["filter", "orderBy"])
def test_alert_policy_filter_and_order_by_must_be_strings(ctx: Any, arg: str) -> None:
    assert _error(ctx, POLICIES, **{arg: 5}) == {
        "tags": ["TypeError"],
        "message": f"{POLICIES}: argument {arg} must be a string, got 5",
    }


def test_order_by_reaches_the_service(ctx: Any) -> None:
    # The fake does not order alert policies and says so rather than ignore the argument.
    with pytest.raises(NotImplementedError, match="filter/orderBy"):
        _call(ctx, POLICIES, orderBy="display_name")


@pytest.mark.parametrize("connector", CONNECTORS)
def test_a_502_is_retried_as_an_idempotent_get_and_the_call_is_recorded_when_made(
    ctx: Any, connector: str
) -> None:
    fake = getattr(ctx.services, SERVICE[connector])
    fake.failures.fail_next(502, when=LABEL[connector])
    ctx.clock.advance(42)
    start = ctx.clock.now()
    _call(ctx, connector, pageSize="2")
    # The retry waits retry.default_backoff's first delay, 1 s.
    assert [(c.code, c.page_size, c.time - start) for c in fake.calls] == [(502, 2, 0.0), (200, 2, 1.0)]


@pytest.mark.parametrize("connector", CONNECTORS)
def test_without_the_service_the_error_says_how_to_configure_it(connector: str) -> None:
    ctx = connector_context(SimpleNamespace())  # type: ignore[arg-type]
    service = SERVICE[connector]
    assert _error(ctx, connector) == {
        "tags": ["ConnectionFailedError"],
        "message": f"no Cloud {service.capitalize()} fake is configured: give Services({service}=...)",
    }
