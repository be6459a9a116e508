"""Waiting for a long-running operation (workflow_runtime.connectors.polling): when the
last poll happens, how a poll that hits a transient error is retried, and the exact
TimeoutError / OperationError a workflow sees.

Documented (cloud.google.com/workflows/docs/reference/googleapis, "Long-running
operations" and "Retries"): the call polls with the polling policy until the operation is
done, each poll retried like any GET (so a 502 is retried), the whole call bounded by
`connector_params.timeout` (TimeoutError); a failed operation raises OperationError whose
`operation` field holds the failed operation. The message wording is this runtime's own.
"""

from __future__ import annotations

from typing import Any

import pytest

from workflow_runtime.connectors.args import ConnectorParams
from workflow_runtime.connectors.errors import ApiError, api_error
from workflow_runtime.connectors.polling import wait_for_operation
from workflow_runtime.errors import WorkflowError
from workflow_runtime.fakes import Services
from workflow_runtime.testing import connector_context

C = "googleapis.run.v2.projects.locations.jobs.run"
STEADY = ConnectorParams(timeout=10.0, initial_delay=1.0, multiplier=1.0, max_delay=1.0)
Answer = dict[str, Any] | ApiError  # what one poll returns, or raises


def _wait(
    answers: list[dict[str, Any] | ApiError], params: ConnectorParams = STEADY
) -> tuple[Any, list[float]]:
    """Wait for operations/op-1 whose polls return (or raise) `answers` in turn (the last
    one repeats); the result and the seconds after the start at which each poll ran."""
    ctx = connector_context(Services())
    start = ctx.clock.now()
    times: list[float] = []

    def get_operation() -> dict[str, Any]:
        times.append(ctx.clock.now() - start)
        answer = answers[min(len(times), len(answers)) - 1]
        if isinstance(answer, ApiError):
            raise answer
        return answer

    result = wait_for_operation(ctx, C, {"name": "operations/op-1", "done": False}, get_operation, params)
    return result, times


def _wait_error(answers: list[Answer], params: ConnectorParams = STEADY) -> dict[str, Any]:
    with pytest.raises(WorkflowError) as caught:
        _wait(answers, params)
    return caught.value.value


def test_the_last_poll_happens_exactly_at_the_deadline() -> None:
    pending = {"name": "operations/op-1", "done": False}
    done = {"name": "operations/op-1", "done": True, "response": {"ok": 1}}
    result, times = _wait([pending] * 9 + [done])
    assert result == done
    assert times == [float(n) for n in range(1, 11)]


def test_an_operation_still_running_at_the_deadline_is_a_timeout_error() -> None:
    error = _wait_error([{"name": "operations/op-1", "done": False}])
    assert error["tags"] == ["TimeoutError"]
    assert error["message"] == (
        f"{C}: operation operations/op-1 did not finish within 10 s (connector_params.timeout)"
    )


def test_a_poll_answered_with_502_is_retried_like_any_get() -> None:
    # 502 is in http.default_retry (GET) but not in the non-idempotent policy.
    done = {"name": "operations/op-1", "done": True}
    result, times = _wait([api_error(502, "bad gateway"), done])
    assert result == done
    assert len(times) == 2


@pytest.mark.parametrize(
    ("error", "shown"),
    [({"code": 9, "message": "task exited 1"}, "task exited 1"), ("quota", "quota")],
)
def test_a_failed_operation_is_an_operation_error_holding_it(error: Any, shown: str) -> None:
    failed = {"name": "operations/op-1", "done": True, "error": error}
    value = _wait_error([failed])
    assert value["tags"] == ["OperationError"]
    assert value["message"] == f"{C}: operation operations/op-1 failed: {shown}"
    assert value["operation"] == failed
