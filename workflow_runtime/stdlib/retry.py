"""`retry` predicates and the predefined HTTP retry policies and predicates.

Which errors the HTTP predicates retry is Google's documented list (see
/work/shared/spec/GCP-FACTS.md): `http.default_retry_predicate` retries HTTP 429, 502,
503 and 504, ConnectionError, ConnectionFailedError and TimeoutError;
`http.default_retry_predicate_non_idempotent` only 429 and 503 and ConnectionFailedError.
"""

from __future__ import annotations

from typing import Any

from workflow_runtime.expressions.values import FunctionRef, is_int
from workflow_runtime.stdlib.spec import Registry

registry = Registry()

_IDEMPOTENT_CODES = frozenset({429, 502, 503, 504})
_IDEMPOTENT_TAGS = frozenset({"ConnectionError", "ConnectionFailedError", "TimeoutError"})
_NON_IDEMPOTENT_CODES = frozenset({429, 503})
_NON_IDEMPOTENT_TAGS = frozenset({"ConnectionFailedError"})


@registry.function("retry.always")
def always(ctx: Any, e: Any) -> bool:
    """Retry predicate that retries every error."""
    return True


@registry.function("retry.never")
def never(ctx: Any, e: Any) -> bool:
    """Retry predicate that retries no error."""
    return False


def _matches(error: Any, codes: frozenset[int], tags: frozenset[str]) -> bool:
    if not isinstance(error, dict):
        return False
    code = error.get("code")
    if is_int(code) and code in codes:
        return True
    error_tags = error.get("tags")
    return isinstance(error_tags, list) and any(tag in tags for tag in error_tags)


# The parameter is named `exception` as on the predicates' reference pages, so a `call:`
# step can pass it by name.
@registry.function("http.default_retry_predicate")
def default_retry_predicate(ctx: Any, exception: Any) -> bool:
    """True for errors worth retrying on an idempotent request."""
    return _matches(exception, _IDEMPOTENT_CODES, _IDEMPOTENT_TAGS)


@registry.function("http.default_retry_predicate_non_idempotent")
def default_retry_predicate_non_idempotent(ctx: Any, exception: Any) -> bool:
    """True for errors safe to retry even when the request is not idempotent."""
    return _matches(exception, _NON_IDEMPOTENT_CODES, _NON_IDEMPOTENT_TAGS)


# `retry.default_backoff`: the backoff both predefined HTTP policies use (their pages say
# "backoff as per retry.default_backoff").
_DEFAULT_BACKOFF = {"initial_delay": 1, "max_delay": 60, "multiplier": 1.25}


def _policy(predicate: str) -> dict[str, Any]:
    return {"predicate": FunctionRef(predicate), "max_retries": 5, "backoff": _DEFAULT_BACKOFF}


# Objects usable as values, e.g. `retry: ${http.default_retry}`; module_member() copies them.
CONSTANTS: dict[str, Any] = {
    "retry.default_backoff": _DEFAULT_BACKOFF,
    "http.default_retry": _policy("http.default_retry_predicate"),
    "http.default_retry_non_idempotent": _policy("http.default_retry_predicate_non_idempotent"),
}
