"""Workflows value model: type names, 64-bit integers, equality (operators: operators.py).

Workflows values are plain Python values (see docs/runtime-interfaces.md). Python's `bool`
is an `int`, so every rule here tests `bool` before `int`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, TypeGuard

from workflow_runtime.errors import WorkflowError, make_error

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1


@dataclass(frozen=True)
class FunctionRef:
    """A function used as a value, e.g. `${http.default_retry_predicate}`."""

    name: str


def type_name(value: Any) -> str:
    """Return the Workflows type name of a value ("int", "double", "string", ...)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "double"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bytes):
        return "bytes"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "map"
    if isinstance(value, FunctionRef):
        return "function"
    raise TypeError(f"not a Workflows value: {type(value).__name__}")


def is_int(value: Any) -> TypeGuard[int]:
    """True for a Workflows int (a Python int that is not a bool)."""
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: Any) -> TypeGuard[int | float]:
    """True for a Workflows int or double."""
    return is_int(value) or isinstance(value, float)


def check_int(value: int, what: str = "integer result") -> int:
    """Return `value` if it fits in a signed 64-bit integer, else raise ValueError."""
    if value < INT64_MIN or value > INT64_MAX:
        raise make_error("ValueError", f"{what} out of range (int is 64-bit): {value}")
    return value


def check_double(value: float) -> float:
    """Reject infinities and NaN, which Workflows doubles cannot hold (JSON has no form)."""
    if math.isinf(value) or math.isnan(value):
        raise make_error("ValueError", f"double overflow: result is {value}")
    return value


def copy_value(value: Any) -> Any:
    """A deep copy of a Workflows value (lists and maps copied; other values are immutable).

    Workflows values behave like values, not references: `b: ${a}` then `b[0]: 1` must
    leave `a` unchanged. Faster than copy.deepcopy for these plain structures.
    """
    # Inline rather than through copy_map: this runs on every assignment, and the extra
    # call per container measured ~5% slower.
    if isinstance(value, list):
        return [copy_value(item) for item in value]
    if isinstance(value, dict):
        return {key: copy_value(item) for key, item in value.items()}
    return value


def copy_map(value: dict[str, Any]) -> dict[str, Any]:
    """copy_value for a map, typed as one: a plain dict (never a LineDict)."""
    return {key: copy_value(item) for key, item in value.items()}


def values_equal(left: Any, right: Any) -> bool:
    """Workflows `==`: numbers compare by value (1 == 1.0), other types must match exactly."""
    if is_number(left) and is_number(right):
        return left == right
    if type_name(left) != type_name(right):
        return False
    if isinstance(left, list):
        return len(left) == len(right) and all(values_equal(a, b) for a, b in zip(left, right, strict=True))
    if isinstance(left, dict):
        return left.keys() == right.keys() and all(values_equal(left[k], right[k]) for k in left)
    return bool(left == right)


def describe(value: Any) -> str:
    """A short rendering of a value for error messages: its type, and the value if scalar.

    For example `int 5`, `string 'abc'`, `boolean true`, `null`, `list`, `map`.
    """
    kind = type_name(value)
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:57] + "..."
        return f"{kind} {shown!r}"
    if isinstance(value, bool):
        return f"{kind} {'true' if value else 'false'}"
    if isinstance(value, (int, float)):
        return f"{kind} {value!r}"
    return kind


def type_error(message: str) -> WorkflowError:
    """Shorthand for a TypeError-tagged WorkflowError."""
    return make_error("TypeError", message)


def format_scalar(value: Any) -> str:
    """How Workflows writes a scalar as text (true/false, shortest round-trip doubles)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return format_double(value)
    return str(value)


def format_double(value: float) -> str:
    """Shortest round-trip form of a double, like JSON encoders write it."""
    return repr(value)


def field_value(target: Any, name: str) -> Any:
    """`target.name`: only maps have fields."""
    if not isinstance(target, dict):
        raise make_error(
            "TypeError", f"cannot read field {name!r} of a {type_name(target)}: only maps have fields"
        )
    if name not in target:
        raise make_error("KeyError", f"key not found: {name}")
    return target[name]
