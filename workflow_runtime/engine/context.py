"""What the engine hands to every runtime-bound builtin and connector."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from workflow_runtime.engine.accounting import StepCounter
from workflow_runtime.engine.clock import VirtualClock


@dataclass(frozen=True)
class LogEntry:
    """One `sys.log` record, stamped with virtual time."""

    time: float
    severity: str
    payload: Any
    # Where Cloud Logging stores the payload: "jsonPayload" or "textPayload" (sys.log:
    # `json` and a map given as `data` are JSON, everything else is text).
    payload_field: str


@dataclass
class CallContext:
    """Clock, step counter, services and environment of the running execution."""

    clock: VirtualClock
    steps: StepCounter
    services: Any
    env: Mapping[str, str]
    logs: list[LogEntry] = field(default_factory=list)
    # Seeded per execution so uuid.generate() is reproducible.
    rng: random.Random = field(default_factory=lambda: random.Random(0))
    execution_id: str = ""
    workflow_id: str = ""
    # The Runtime running this execution, for connectors that start other executions.
    runtime: Any = None

    def log(self, severity: str, payload: Any, payload_field: str) -> None:
        """Record a log entry at the current virtual time; `payload_field` says where Cloud
        Logging puts it ("jsonPayload" or "textPayload", sys.log decides)."""
        self.logs.append(LogEntry(self.clock.now(), severity, payload, payload_field))
