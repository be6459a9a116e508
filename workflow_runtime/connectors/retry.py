"""The retry policy every connector applies to its own requests.

Documented (cloud.google.com/workflows/docs/connectors, "Retries"): GET requests use the
idempotent policy (`http.default_retry`: 429, 502, 503, 504, ConnectionError,
ConnectionFailedError, TimeoutError), every other method the non-idempotent one
(`http.default_retry_non_idempotent`: 429, 503, ConnectionFailedError); both retry at most
5 times with `retry.default_backoff` (1 s, x1.25, at most 60 s). Each retry sleeps on the
virtual clock and is billed as one internal step.

Every attempt first spends the clock's network latency (`transit()`): the point where the
scheduler may run another execution, so concurrent read-modify-writes can race as they do
against the real APIs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from workflow_runtime.connectors.context import ConnectorContext
from workflow_runtime.connectors.errors import ApiError, from_api_error
from workflow_runtime.errors import WorkflowError
from workflow_runtime.stdlib.retry import (
    default_retry_predicate,
    default_retry_predicate_non_idempotent,
)

T = TypeVar("T")

MAX_RETRIES = 5
BACKOFF_INITIAL = 1.0
BACKOFF_MULTIPLIER = 1.25
BACKOFF_MAX = 60.0


def is_retryable(error: WorkflowError, *, idempotent: bool) -> bool:
    """Whether the connector's default policy for this kind of request retries `error`."""
    predicate = default_retry_predicate if idempotent else default_retry_predicate_non_idempotent
    return predicate(None, error.value)


def with_retries(ctx: ConnectorContext, method: str, send: Callable[[], T]) -> T:
    """Run `send` (one request to a local service) under the connector retry policy for
    `method`; an ApiError it raises becomes the workflow's HttpError map."""
    idempotent = method.upper() == "GET"
    delay = BACKOFF_INITIAL
    attempt = 0
    while True:
        ctx.clock.transit()
        try:
            return _as_http_error(send)
        except WorkflowError as error:
            if attempt >= MAX_RETRIES or not is_retryable(error, idempotent=idempotent):
                raise
        attempt += 1
        ctx.clock.sleep(delay)
        ctx.steps.internal()
        delay = min(delay * BACKOFF_MULTIPLIER, BACKOFF_MAX)


def _as_http_error(send: Callable[[], T]) -> T:
    try:
        return send()
    except ApiError as error:
        raise from_api_error(error) from None
