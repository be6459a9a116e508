"""The outcome of one workflow execution."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from workflow_runtime.engine.accounting import StepCounts
from workflow_runtime.engine.context import LogEntry


@dataclass
class ExecutionResult:
    """State, result or error, logs, billed steps and virtual duration of an execution."""

    execution_id: str
    workflow_id: str
    state: str  # "SUCCEEDED" | "FAILED"
    result: Any = None
    error: Any = None
    logs: list[LogEntry] = field(default_factory=list)
    steps: StepCounts = field(default_factory=StepCounts)
    virtual_seconds: float = 0.0
