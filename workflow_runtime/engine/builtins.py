"""Runtime-bound builtins: the stdlib functions that need the clock, logs, env or I/O.

`sys.*`, `uuid.generate`, `http.*` (see http_builtins) and `events.*` (see callbacks).
Each takes the execution's CallContext as first argument, with the same FunctionSpec
shape as the pure stdlib.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from workflow_runtime.engine.callbacks import registry as events_registry
from workflow_runtime.engine.context import CallContext
from workflow_runtime.engine.http_builtins import registry as http_registry
from workflow_runtime.errors import make_error
from workflow_runtime.stdlib.spec import FunctionSpec, Registry, expect

registry = Registry()

SEVERITIES = (
    "DEFAULT",
    "DEBUG",
    "INFO",
    "NOTICE",
    "WARNING",
    "ERROR",
    "CRITICAL",
    "ALERT",
    "EMERGENCY",
)


@registry.function("sys.now")
def sys_now(ctx: CallContext) -> float:
    """Seconds since the epoch, in virtual time."""
    return ctx.clock.now()


@registry.function("sys.sleep")
def sys_sleep(ctx: CallContext, seconds: Any) -> None:
    """Block for `seconds` of virtual time (non-negative int or double)."""
    expect("sys.sleep", "seconds", seconds, "number")
    if seconds < 0:
        raise make_error("ValueError", f"sys.sleep: seconds must be >= 0, got {seconds}")
    ctx.clock.sleep(float(seconds))


@registry.function("sys.sleep_until")
def sys_sleep_until(ctx: CallContext, time: Any) -> None:
    """Block until an RFC 3339 timestamp in virtual time (returns at once if past)."""
    expect("sys.sleep_until", "time", time, "string")
    try:
        moment = datetime.fromisoformat(time)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise make_error(
            "ValueError",
            f"sys.sleep_until: '{time}' is not an RFC 3339 timestamp with a zone "
            "(for example 2025-01-01T00:00:00Z)",
        )
    ctx.clock.sleep_until(moment.timestamp())


@registry.function("sys.get_env")
def sys_get_env(ctx: CallContext, name: Any, default: Any = None) -> Any:
    """An environment variable (user_env_vars or GOOGLE_CLOUD_*), else `default`."""
    expect("sys.get_env", "name", name, "string")
    if default is not None:
        expect("sys.get_env", "default", default, "string")
    return ctx.env.get(name, default)


@registry.function("sys.log")
def sys_log(
    ctx: CallContext,
    data: Any = None,
    severity: Any = "DEFAULT",
    text: Any = None,
    json: Any = None,
    timeout: Any = None,
) -> None:
    """Record one log entry; exactly one of `data`, `text` and `json` is the payload.

    `timeout` is accepted for compatibility: writing to the local log cannot time out.
    """
    given = [v for v in (data, text, json) if v is not None]
    if len(given) != 1:
        raise make_error(
            "TypeError", f"sys.log: give exactly one of data, text and json ({len(given)} given)"
        )
    for name, value in (("data", data), ("text", text)):
        if value is not None:
            expect("sys.log", name, value, "int", "double", "boolean", "string", "list", "map")
    if json is not None:
        expect("sys.log", "json", json, "map")
    if timeout is not None:
        expect("sys.log", "timeout", timeout, "number")
    expect("sys.log", "severity", severity, "string")
    if severity not in SEVERITIES:
        raise make_error(
            "ValueError",
            f"sys.log: unknown severity '{severity}' (use one of {', '.join(SEVERITIES)})",
        )
    # cloud.google.com/workflows/docs/reference/stdlib/sys/log: `data` maps and `json` go to
    # jsonPayload; `text` (whatever its type) and other `data` go to textPayload.
    as_json = json is not None or (data is not None and isinstance(data, dict))
    ctx.log(severity, given[0], "jsonPayload" if as_json else "textPayload")


@registry.function("uuid.generate")
def uuid_generate(ctx: CallContext) -> str:
    """A random (version 4) UUID from the execution's seeded generator."""
    return str(uuid.UUID(int=ctx.rng.getrandbits(128), version=4))


RUNTIME_FUNCTIONS: dict[str, FunctionSpec] = {
    **registry.specs,
    **http_registry.specs,
    **events_registry.specs,
}
