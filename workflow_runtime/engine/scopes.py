"""Variable scopes, with Google's visibility rules.

A subworkflow call starts a fresh root frame (callers' variables are invisible). Nested
`steps`, `switch`, `try` and `except` share the enclosing frame. Each `for` iteration and
each parallel branch/iteration gets a child frame: it reads every enclosing variable,
writes an existing enclosing variable in place, and keeps variables it creates to itself,
so they vanish when the loop or branch ends. A parallel frame is a write barrier: only the
parallel step's `shared` variables can be written through it.

A frame is also the EvalContext the expression evaluator reads variables from.
"""

from __future__ import annotations

import base64
import json
from typing import Any, Protocol

from workflow_runtime.engine import model as m
from workflow_runtime.engine.accounting import Limits
from workflow_runtime.engine.context import CallContext
from workflow_runtime.engine.control import Control
from workflow_runtime.errors import make_error
from workflow_runtime.expressions import FunctionRef
from workflow_runtime.stdlib import member_value


class Runner(Protocol):
    """What frames and the control-flow helpers (parallel, retry) need from the running
    execution; `executor.Execution` is the one implementation. Naming it here keeps the
    helpers from importing the executor back."""

    workflow: m.Workflow
    ctx: CallContext
    limits: Limits

    def run_block(self, block: m.Block, frame: Frame) -> Control:
        """Run a block's steps from the first, following jumps."""

    def run_step(self, step: m.Step, frame: Frame) -> Control:
        """Run one step (billing it)."""

    def call_ref(self, ref: Any, args: list[Any], frame: Frame) -> Any:
        """Call a function value (a FunctionRef) with positional args."""

    def call_positional(self, name: str, args: list[Any], frame: Frame) -> Any:
        """Call a subworkflow or builtin by name with positional args."""


class Frame:
    """One scope level; `shared` is set on a parallel branch/iteration frame."""

    __slots__ = (
        "caller",
        "depth",
        "exe",
        "parallel_depth",
        "parent",
        "shared",
        "sizes",
        "total",
        "vars",
    )

    def __init__(
        self,
        exe: Runner,
        parent: Frame | None = None,
        *,
        shared: frozenset[str] | None = None,
        depth: int | None = None,
        parallel_depth: int | None = None,
        caller: Frame | None = None,
    ) -> None:
        self.exe = exe
        # The calling subworkflow's frame, kept so the memory limit sees its variables.
        self.caller = caller
        self.parent = parent
        self.shared = shared
        self.vars: dict[str, Any] = {}
        # JSON size of each variable and their sum, kept current on every write so the
        # memory limit costs O(size of the written value), not O(all variables).
        self.sizes: dict[str, int] = {}
        self.total = 0
        # Call depth and parallel nesting are inherited unless given.
        self.depth: int = depth if depth is not None else (parent.depth if parent else 1)
        self.parallel_depth: int = (
            parallel_depth if parallel_depth is not None else (parent.parallel_depth if parent else 0)
        )

    def child(self, *, shared: frozenset[str] | None = None, parallel: bool) -> Frame:
        """A nested frame: a loop iteration, or a parallel branch when `parallel`."""
        return Frame(
            self.exe,
            self,
            shared=shared if parallel else None,
            parallel_depth=self.parallel_depth + (1 if parallel else 0),
        )

    def set(self, name: str, value: Any, size: int | None = None) -> None:
        """Assign `name`: in place where it exists and is writable, else in this frame.

        `size` is the value's JSON size when the caller already knows it.
        """
        frame: Frame | None = self
        while frame is not None:
            if name in frame.vars:
                frame.define(name, value, size)
                return
            if frame.shared is not None and name not in frame.shared:
                break
            frame = frame.parent
        self.define(name, value, size)

    def define(self, name: str, value: Any, size: int | None = None) -> None:
        """Create or overwrite `name` in this very frame."""
        self.vars[name] = value
        if size is None:
            size = json_size(value)
        self.total += size - self.sizes.get(name, 0)
        self.sizes[name] = size

    def size_of(self, name: str) -> int:
        """The recorded JSON size of the visible variable `name`."""
        frame: Frame | None = self
        while frame is not None:
            if name in frame.vars:
                return frame.sizes[name]
            frame = frame.parent
        raise make_error("KeyError", f"variable not found: {name}")

    # --- EvalContext -----------------------------------------------------------------

    def has_variable(self, name: str) -> bool:
        """True if `name` is a visible variable."""
        frame: Frame | None = self
        while frame is not None:
            if name in frame.vars:
                return True
            frame = frame.parent
        return False

    def get_variable(self, name: str) -> Any:
        """The visible variable's value; a subworkflow name reads as a FunctionRef."""
        frame: Frame | None = self
        while frame is not None:
            variables = frame.vars
            if name in variables:
                return variables[name]
            frame = frame.parent
        if name in self.exe.workflow.subworkflows:
            return FunctionRef(name)
        raise make_error("KeyError", f"variable not found: {name}")

    def call_function(self, name: str, args: list[Any]) -> Any:
        """Call a subworkflow or builtin from an expression, positional arguments."""
        return self.exe.call_positional(name, args, self)

    def module_member(self, path: list[str]) -> Any:
        """A standard library member (`http.default_retry`): a constant or a function."""
        return member_value(path)

    def live_size(self) -> int:
        """JSON size of the variables of this frame, its parents and its callers."""
        total = 0
        frame: Frame | None = self
        while frame is not None:
            total += frame.total
            frame = frame.parent if frame.parent is not None else frame.caller
        return total


def json_size(value: Any) -> int:
    """Size of a value serialised as compact JSON (strings approximated by length)."""
    kind = type(value)
    if kind is str:
        return len(value) + 2
    if kind is int:
        return len(str(value))
    if kind is bool:
        return 4 if value else 5
    if value is None:
        return 4
    if isinstance(value, str):  # a str subclass: same size as the text
        return len(value) + 2
    if isinstance(value, bytes):
        return (len(value) + 2) // 3 * 4 + 2
    return len(json.dumps(value, default=json_default, separators=(",", ":")))


def json_default(value: Any) -> Any:
    """`json.dumps(default=...)` for Workflows values: bytes as base64 (like Google's
    execution output), a function as its name."""
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, FunctionRef):
        return value.name
    raise TypeError(f"not JSON serializable: {type(value).__name__}")
