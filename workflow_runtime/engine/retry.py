"""`try` + `retry`: re-run the try body while the predicate accepts the error.

The delay before retry n (1-based) is initial_delay * multiplier^(n-1), capped at
max_delay, slept on the virtual clock. The predicate sees every error; the step fails
with the last error when the predicate refuses it or max_retries retries are spent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from workflow_runtime.engine import model as m
from workflow_runtime.engine.control import Control
from workflow_runtime.engine.scopes import Frame, Runner
from workflow_runtime.errors import WorkflowError, make_error
from workflow_runtime.expressions import resolve, type_name


@dataclass(frozen=True)
class RetryPolicy:
    """A resolved retry policy."""

    predicate: Any
    max_retries: int
    initial_delay: float
    max_delay: float
    multiplier: float


def parse_policy(value: Any, step: str) -> RetryPolicy:
    """Check and unpack a resolved `retry:` value (TypeError/ValueError if malformed)."""
    if not isinstance(value, dict):
        raise make_error("TypeError", f"step '{step}': retry policy must be a map")
    max_retries = value.get("max_retries")
    if not isinstance(max_retries, int) or isinstance(max_retries, bool) or max_retries < 0:
        raise make_error("ValueError", f"step '{step}': max_retries must be an int >= 0, got {max_retries!r}")
    backoff = value.get("backoff") or {}
    if not isinstance(backoff, dict):
        raise make_error("TypeError", f"step '{step}': backoff must be a map")
    numbers = {}
    for key, default in (("initial_delay", 0.0), ("max_delay", float("inf")), ("multiplier", 1.0)):
        number = backoff.get(key, default)
        if not isinstance(number, int | float) or isinstance(number, bool) or number < 0:
            raise make_error(
                "ValueError",
                f"step '{step}': backoff {key} must be a non-negative number, "
                f"got {type_name(number)} {number!r}",
            )
        numbers[key] = float(number)
    return RetryPolicy(
        value.get("predicate"),
        max_retries,
        numbers["initial_delay"],
        numbers["max_delay"],
        numbers["multiplier"],
    )


def run_with_retry(exe: Runner, step: m.TryStep, frame: Frame) -> Control:
    """Run the try body, retrying per the step's policy."""
    assert step.retry is not None and step.body is not None
    policy = parse_policy(resolve(step.retry, frame), step.name)
    delay = policy.initial_delay
    retries = 0
    while True:
        try:
            return exe.run_step(step.body, frame)
        except WorkflowError as error:
            verdict = exe.call_ref(policy.predicate, [error.value], frame)
            if not isinstance(verdict, bool):
                raise make_error(
                    "TypeError",
                    f"step '{step.name}': retry predicate returned {type_name(verdict)}, not a boolean",
                ) from None
            if not verdict or retries >= policy.max_retries:
                raise
            exe.ctx.clock.sleep(min(delay, policy.max_delay))
            delay = min(delay * policy.multiplier, policy.max_delay)
            retries += 1
