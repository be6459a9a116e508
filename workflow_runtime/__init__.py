"""A local Cloud Workflows runtime that follows Google's documented semantics.

See docs/runtime-interfaces.md for how the parts fit together. The names most users need:
`Runtime` (load and run workflows), `ExecutionResult`, `VirtualClock`, `Limits`, and the
errors `WorkflowError` / `WorkflowDefinitionError`.
"""

from workflow_runtime.engine import (
    CallContext,
    ExecutionResult,
    Limits,
    LogEntry,
    Runtime,
    StepCounts,
    VirtualClock,
    Workflow,
)
from workflow_runtime.errors import WorkflowDefinitionError, WorkflowError, make_error

__all__ = [
    "CallContext",
    "ExecutionResult",
    "Limits",
    "LogEntry",
    "Runtime",
    "StepCounts",
    "VirtualClock",
    "Workflow",
    "WorkflowDefinitionError",
    "WorkflowError",
    "make_error",
]
