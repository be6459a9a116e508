"""Waiting for a long-running operation the way Google's connectors do.

Documented (cloud.google.com/workflows/docs/connectors, "Long-running operations"): the
call blocks until the operation is done, polling with exponential backoff (by default 1 s,
x1.25, at most 60 s; `connector_params.polling_policy` changes it); each poll is a billed
step and is itself retried like any GET; the whole call times out after
`connector_params.timeout` (default 1800 s) with a TimeoutError; a failed operation raises
OperationError whose `operation` field holds the failed operation.

Timing here: the first poll happens `initial_delay` after the start; the last poll happens
exactly at the deadline, and if the operation is still not done the call raises.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from workflow_runtime.connectors.args import ConnectorParams
from workflow_runtime.connectors.context import ConnectorContext
from workflow_runtime.connectors.retry import with_retries
from workflow_runtime.errors import make_error

T = TypeVar("T")


def wait_for_operation(
    ctx: ConnectorContext,
    connector: str,
    operation: dict[str, Any],
    get_operation: Callable[[], dict[str, Any]],
    params: ConnectorParams,
) -> dict[str, Any]:
    """Poll until `operation` is done; return the final operation or raise."""
    operation = poll_until(
        ctx,
        connector,
        operation,
        lambda: with_retries(ctx, "GET", get_operation),
        lambda op: bool(op.get("done")),
        params,
        what=f"operation {operation.get('name')}",
        timeout_source="connector_params.timeout",
    )
    if operation.get("error"):
        error = operation["error"]
        message = error.get("message") if isinstance(error, dict) else str(error)
        raise make_error(
            "OperationError",
            f"{connector}: operation {operation.get('name')} failed: {message}",
            operation=operation,
        )
    return operation


def poll_until(
    ctx: ConnectorContext,
    connector: str,
    state: T,
    fetch: Callable[[], T],
    finished: Callable[[T], bool],
    params: ConnectorParams,
    *,
    what: str,
    timeout_source: str,
) -> T:
    """Re-`fetch` the state of `what` with the polling backoff of `params` (one billed
    step per poll) until `finished(state)`; a TimeoutError at `params.timeout`."""
    deadline = ctx.clock.now() + params.timeout
    delay = params.initial_delay
    while not finished(state):
        remaining = deadline - ctx.clock.now()
        if remaining <= 0:
            raise make_error(
                "TimeoutError",
                f"{connector}: {what} did not finish within {params.timeout:g} s ({timeout_source})",
            )
        ctx.clock.sleep(min(delay, remaining))
        ctx.steps.internal()
        state = fetch()
        delay = min(delay * params.multiplier, params.max_delay)
    return state
