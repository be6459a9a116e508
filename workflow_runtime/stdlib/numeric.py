"""`math` module: abs, floor, max, min (Google documents no other math function)."""

from __future__ import annotations

import math as _math
from typing import Any

from workflow_runtime.expressions.values import check_int, is_int
from workflow_runtime.stdlib.spec import Registry, expect

registry = Registry()


@registry.function("math.abs")
def math_abs(ctx: Any, x: Any) -> int | float:
    """Absolute value; an int stays an int."""
    expect("math.abs", "x", x, "number")
    return check_int(abs(x)) if is_int(x) else abs(x)


@registry.function("math.floor")
def math_floor(ctx: Any, x: Any) -> int:
    """Largest int not greater than x."""
    expect("math.floor", "x", x, "number")
    return check_int(_math.floor(x))


@registry.function("math.max")
def math_max(ctx: Any, x: Any, y: Any) -> int | float:
    """The larger of two numbers: an int if both are ints, otherwise a double."""
    expect("math.max", "x", x, "number")
    expect("math.max", "y", y, "number")
    return _same_kind(x, y, max(x, y))


@registry.function("math.min")
def math_min(ctx: Any, x: Any, y: Any) -> int | float:
    """The smaller of two numbers: an int if both are ints, otherwise a double."""
    expect("math.min", "x", x, "number")
    expect("math.min", "y", y, "number")
    return _same_kind(x, y, min(x, y))


def _same_kind(x: int | float, y: int | float, result: int | float) -> int | float:
    return result if is_int(x) and is_int(y) else float(result)
