"""The slice of the engine's CallContext that connectors use.

Connectors depend on this protocol, not on the engine, so they can be exercised alone with
any object that has a clock, a step counter, the services and the environment.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from workflow_runtime.errors import make_error


class Clock(Protocol):
    """Virtual time: `now()` in epoch seconds, `sleep()` blocks in virtual time only,
    `transit()` spends one API call's network latency (a scheduler switch point)."""

    def now(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...

    def transit(self) -> None: ...


class Steps(Protocol):
    """Billed step counter."""

    def internal(self, n: int = 1) -> None: ...

    def external(self, n: int = 1) -> None: ...


class ConnectorContext(Protocol):
    """What a connector needs from the running execution."""

    clock: Clock
    steps: Steps
    services: Any
    env: Mapping[str, str]


def service(ctx: ConnectorContext, name: str, missing: str) -> Any:
    """`ctx.services.<name>`, or a ConnectionFailedError with message `missing` without one."""
    found = getattr(ctx.services, name, None)
    if found is None:
        raise make_error("ConnectionFailedError", missing)
    return found
