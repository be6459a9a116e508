"""The engine: loader and validator, step executor, scopes, parallel steps, retries,
virtual clock, step accounting, limits and the runtime-bound builtins."""

from workflow_runtime.engine.accounting import Limits, StepCounter, StepCounts
from workflow_runtime.engine.clock import VirtualClock
from workflow_runtime.engine.context import CallContext, LogEntry
from workflow_runtime.engine.model import Workflow
from workflow_runtime.engine.result import ExecutionResult
from workflow_runtime.engine.runtime import Runtime

__all__ = [
    "CallContext",
    "ExecutionResult",
    "Limits",
    "LogEntry",
    "Runtime",
    "StepCounter",
    "StepCounts",
    "VirtualClock",
    "Workflow",
]
