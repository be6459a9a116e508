"""Argument checking for connector calls: clear errors that name the connector and the arg.

Google's connectors reject a call with unknown or mistyped arguments; so do these, with a
TypeError / ValueError map a workflow can catch and a message that says what to fix.
"""

from __future__ import annotations

import re
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
# The JSON form of an int64 (protobuf JSON mapping): an optional minus and decimal digits.
_DECIMAL = re.compile(r"-?[0-9]+")


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
    connector_params: bool = True,
) -> None:
    """Reject missing and unknown arguments (`connector_params` is allowed unless the
    function is not a googleapis connector and takes no such argument)."""
    if not isinstance(args, Mapping):
        raise make_error("TypeError", f"{connector}: args must be a map, got {args!r}")
    required = tuple(required)
    allowed = set(required) | set(optional) | ({"connector_params"} if connector_params else set())
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


def project_and_location(
    connector: str, args: Mapping[str, Any], env: Mapping[str, str], project_arg: str = "project"
) -> tuple[str, str]:
    """The call's project and location arguments; each defaults to the calling execution's
    own (GOOGLE_CLOUD_PROJECT_ID, GOOGLE_CLOUD_LOCATION), as the connector references say
    ("if not present, the current project ID [location] is used")."""
    project = string_arg(connector, args, project_arg) or env.get("GOOGLE_CLOUD_PROJECT_ID")
    location = string_arg(connector, args, "location") or env.get("GOOGLE_CLOUD_LOCATION")
    if not project or not location:
        raise make_error(
            "ValueError",
            f"{connector}: give {project_arg} and location; the workflow's own are unknown in this context",
        )
    return project, location


def required_string_arg(connector: str, args: Mapping[str, Any], name: str) -> str:
    """A string argument that must be present (check_args' message when it is not)."""
    value = string_arg(connector, args, name)
    if value is None:
        raise make_error("ValueError", f"{connector}: missing required argument(s) {name}")
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
    # ASCII digits only: str.isdigit() also accepts "²" and "٣", and lstrip("-") accepts
    # "--5"; int() then raised a Python ValueError or read a non-decimal digit.
    if isinstance(value, str) and _DECIMAL.fullmatch(value):
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
    skip = raw.get("skip_polling", False)
    if not isinstance(skip, bool):
        raise make_error("TypeError", f"{connector}: connector_params.skip_polling must be a bool")
    return _with_policy(
        connector, "connector_params.polling_policy", raw.get("polling_policy"), timeout, skip
    )


def polling_args(connector: str, args: Mapping[str, Any], *, default_timeout: float) -> ConnectorParams:
    """The waiting policy of a function that takes `timeout` (at most one year) and
    `polling_policy` as plain arguments (gke.await_job) instead of connector_params."""
    timeout = timeout_arg(connector, args, default=default_timeout, maximum=MAX_TIMEOUT)
    return _with_policy(connector, "polling_policy", args.get("polling_policy"), timeout, False)


def timeout_arg(connector: str, args: Mapping[str, Any], *, default: float, maximum: float) -> float:
    """A positive `timeout` argument in seconds; ValueError above `maximum`."""
    timeout = _positive(connector, "timeout", args.get("timeout"), default)
    if timeout > maximum:
        raise make_error(
            "ValueError", f"{connector}: timeout {timeout:g} exceeds the maximum of {maximum:g} s"
        )
    return timeout


def simple_map_arg(connector: str, args: Mapping[str, Any], name: str) -> dict[str, Any] | None:
    """A map argument whose values are simple types (string, number, boolean), or None."""
    value = args.get(name)
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise make_error("TypeError", f"{connector}: argument {name} must be a map, got {value!r}")
    for key, item in value.items():
        if isinstance(item, list | dict | bytes):
            raise make_error(
                "TypeError",
                f"{connector}: argument {name}.{key} must be a string, number or boolean, got {item!r}",
            )
    return dict(value)


def _with_policy(connector: str, label: str, policy: Any, timeout: float, skip: bool) -> ConnectorParams:
    policy = policy or {}
    if not isinstance(policy, Mapping) or set(policy) - _POLLING_KEYS:
        raise make_error(
            "ValueError",
            f"{connector}: {label} must be a map with keys {', '.join(sorted(_POLLING_KEYS))}",
        )
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
