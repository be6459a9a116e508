"""Argument checking for connector calls: clear errors that name the connector and the arg.

Google's connectors reject a call with unknown or mistyped arguments; so do these, with a
TypeError / ValueError map a workflow can catch and a message that says what to fix.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from workflow_runtime.errors import make_error

# Documented defaults (cloud.google.com/workflows/docs/connectors): every request and, for
# long-running operations, the whole call time out after 1800 s unless connector_params
# says otherwise (at most one year); polling starts at 1 s and backs off x1.25 to 60 s.
DEFAULT_TIMEOUT = 1800.0
MAX_TIMEOUT = 31_536_000.0
DEFAULT_POLL_INITIAL = 1.0
DEFAULT_POLL_MULTIPLIER = 1.25
DEFAULT_POLL_MAX = 60.0

_CONNECTOR_PARAM_KEYS = {"timeout", "polling_policy", "skip_polling", "scopes"}
_POLLING_KEYS = {"initial_delay", "multiplier", "max_delay"}


@dataclass(frozen=True)
class ConnectorParams:
    """The parsed `connector_params` block of a connector call."""

    timeout: float = DEFAULT_TIMEOUT
    initial_delay: float = DEFAULT_POLL_INITIAL
    multiplier: float = DEFAULT_POLL_MULTIPLIER
    max_delay: float = DEFAULT_POLL_MAX
    skip_polling: bool = False


def check_args(
    connector: str,
    args: Mapping[str, Any],
    *,
    required: Iterable[str] = (),
    optional: Iterable[str] = (),
) -> None:
    """Reject missing and unknown arguments (`connector_params` is always allowed)."""
    if not isinstance(args, Mapping):
        raise make_error("TypeError", f"{connector}: args must be a map, got {args!r}")
    required = tuple(required)
    allowed = set(required) | set(optional) | {"connector_params"}
    unknown = sorted(set(args) - allowed)
    if unknown:
        raise make_error(
            "ValueError",
            f"{connector}: unknown argument(s) {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}",
        )
    missing = [name for name in required if args.get(name) is None]
    if missing:
        raise make_error("ValueError", f"{connector}: missing required argument(s) {', '.join(missing)}")


def string_arg(connector: str, args: Mapping[str, Any], name: str) -> str | None:
    """A string argument, or None when absent."""
    value = args.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise make_error("TypeError", f"{connector}: argument {name} must be a string, got {value!r}")
    return value


def int_arg(connector: str, args: Mapping[str, Any], name: str) -> int | None:
    """An int64 argument given as an int or a decimal string (the API's int64 format)."""
    value = args.get(name)
    if value is None:
        return None
    if isinstance(value, bool):
        raise make_error("TypeError", f"{connector}: argument {name} must be an integer")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    raise make_error(
        "TypeError",
        f"{connector}: argument {name} must be an integer or a decimal string, got {value!r}",
    )


def connector_params(connector: str, args: Mapping[str, Any]) -> ConnectorParams:
    """Parse and validate `connector_params` (timeout, polling_policy, skip_polling)."""
    raw = args.get("connector_params")
    if raw is None:
        return ConnectorParams()
    if not isinstance(raw, Mapping):
        raise make_error("TypeError", f"{connector}: connector_params must be a map")
    unknown = sorted(set(raw) - _CONNECTOR_PARAM_KEYS)
    if unknown:
        raise make_error(
            "ValueError",
            f"{connector}: unknown connector_params key(s) {', '.join(unknown)}; "
            f"allowed: {', '.join(sorted(_CONNECTOR_PARAM_KEYS))}",
        )
    timeout = _positive(connector, "connector_params.timeout", raw.get("timeout"), DEFAULT_TIMEOUT)
    if timeout > MAX_TIMEOUT:
        raise make_error(
            "ValueError",
            f"{connector}: connector_params.timeout {timeout} exceeds one year ({MAX_TIMEOUT:.0f})",
        )
    policy = raw.get("polling_policy") or {}
    if not isinstance(policy, Mapping) or set(policy) - _POLLING_KEYS:
        raise make_error(
            "ValueError",
            f"{connector}: connector_params.polling_policy must be a map with keys "
            f"{', '.join(sorted(_POLLING_KEYS))}",
        )
    skip = raw.get("skip_polling", False)
    if not isinstance(skip, bool):
        raise make_error("TypeError", f"{connector}: connector_params.skip_polling must be a bool")
    return ConnectorParams(
        timeout=timeout,
        initial_delay=_positive(
            connector,
            "polling_policy.initial_delay",
            policy.get("initial_delay"),
            DEFAULT_POLL_INITIAL,
        ),
        multiplier=_positive(
            connector,
            "polling_policy.multiplier",
            policy.get("multiplier"),
            DEFAULT_POLL_MULTIPLIER,
        ),
        max_delay=_positive(connector, "polling_policy.max_delay", policy.get("max_delay"), DEFAULT_POLL_MAX),
        skip_polling=skip,
    )


def _positive(connector: str, name: str, value: Any, default: float) -> float:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise make_error("ValueError", f"{connector}: {name} must be a positive number, got {value!r}")
    return float(value)
