"""A minimal EvalContext over a dict of variables and the pure standard library.

The engine has its own context (scopes, runtime-bound builtins); this one serves tests
and tools that evaluate expressions without running a workflow.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from workflow_runtime import stdlib as _stdlib
from workflow_runtime.errors import make_error


class MappingContext:
    """Variables from a mapping; functions from the pure standard library only."""

    def __init__(self, variables: Mapping[str, Any] | None = None) -> None:
        self.variables: dict[str, Any] = dict(variables or {})

    def get_variable(self, name: str) -> Any:
        """Return the variable or raise a KeyError-tagged WorkflowError."""
        if name not in self.variables:
            raise make_error("KeyError", f"variable not found: {name}")
        return self.variables[name]

    def has_variable(self, name: str) -> bool:
        """True if the variable is defined."""
        return name in self.variables

    def call_function(self, name: str, args: list[Any]) -> Any:
        """Call a pure stdlib function with positional arguments."""
        return _stdlib.call_pure(name, args)

    def module_member(self, path: list[str]) -> Any:
        """A standard library member (`http.default_retry`)."""
        return _stdlib.member_value(path)
