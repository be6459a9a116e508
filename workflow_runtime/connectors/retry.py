"""The retry policy every connector applies to its own requests.

Documented (cloud.google.com/workflows/docs/connectors, "Retries"): GET requests use the
idempotent policy (`http.default_retry`: 429, 502, 503, 504, ConnectionError,
ConnectionFailedError, TimeoutError), every other method the non-idempotent one
(`http.default_retry_non_idempotent`: 429, 503, ConnectionFailedError); both retry at most
5 times with `retry.default_backoff` (1 s, x1.25, at most 60 s). Each retry sleeps on the
virtual clock and is billed as one internal step.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from workflow_runtime.connectors.context import ConnectorContext
from workflow_runtime.errors import WorkflowError

T = TypeVar("T")

MAX_RETRIES = 5
BACKOFF_INITIAL = 1.0
BACKOFF_MULTIPLIER = 1.25
BACKOFF_MAX = 60.0

_IDEMPOTENT_CODES = frozenset({429, 502, 503, 504})
_IDEMPOTENT_TAGS = frozenset({"ConnectionError", "ConnectionFailedError", "TimeoutError"})
_NON_IDEMPOTENT_CODES = frozenset({429, 503})
_NON_IDEMPOTENT_TAGS = frozenset({"ConnectionFailedError"})


def is_retryable(error: WorkflowError, *, idempotent: bool) -> bool:
    """Whether the connector's default policy for this kind of request retries `error`."""
    codes = _IDEMPOTENT_CODES if idempotent else _NON_IDEMPOTENT_CODES
    tags = _IDEMPOTENT_TAGS if idempotent else _NON_IDEMPOTENT_TAGS
    if "HttpError" in error.tags and isinstance(error.value, dict):
        return error.value.get("code") in codes
    return any(tag in tags for tag in error.tags)


def with_retries(ctx: ConnectorContext, method: str, send: Callable[[], T]) -> T:
    """Run `send` (one request) under the connector retry policy for `method`."""
    idempotent = method.upper() == "GET"
    delay = BACKOFF_INITIAL
    attempt = 0
    while True:
        try:
            return send()
        except WorkflowError as error:
            if attempt >= MAX_RETRIES or not is_retryable(error, idempotent=idempotent):
                raise
        attempt += 1
        ctx.clock.sleep(delay)
        ctx.steps.internal()
        delay = min(delay * BACKOFF_MULTIPLIER, BACKOFF_MAX)
