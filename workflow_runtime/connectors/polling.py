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
from typing import Any

from workflow_runtime.connectors.args import ConnectorParams
from workflow_runtime.connectors.context import ConnectorContext
from workflow_runtime.connectors.retry import with_retries
from workflow_runtime.errors import make_error


def wait_for_operation(
    ctx: ConnectorContext,
    connector: str,
    operation: dict[str, Any],
    get_operation: Callable[[], dict[str, Any]],
    params: ConnectorParams,
) -> dict[str, Any]:
    """Poll until `operation` is done; return the final operation or raise."""
    deadline = ctx.clock.now() + params.timeout
    delay = params.initial_delay
    while not operation.get("done"):
        remaining = deadline - ctx.clock.now()
        if remaining <= 0:
            raise make_error(
                "TimeoutError",
                f"{connector}: operation {operation.get('name')} did not finish within "
                f"{params.timeout:g} s (connector_params.timeout)",
            )
        ctx.clock.sleep(min(delay, remaining))
        ctx.steps.internal()
        operation = with_retries(ctx, "GET", get_operation)
        delay = min(delay * params.multiplier, params.max_delay)
    if operation.get("error"):
        error = operation["error"]
        message = error.get("message") if isinstance(error, dict) else str(error)
        raise make_error(
            "OperationError",
            f"{connector}: operation {operation.get('name')} failed: {message}",
            operation=operation,
        )
    return operation
