"""`math` module."""

from __future__ import annotations

import math as _math
from typing import Any

from workflow_runtime.expressions.values import check_int, is_int
from workflow_runtime.stdlib.spec import Registry, expect, value_error

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
    """The larger of two numbers (returned with its own type)."""
    expect("math.max", "x", x, "number")
    expect("math.max", "y", y, "number")
    return y if y > x else x


@registry.function("math.min")
def math_min(ctx: Any, x: Any, y: Any) -> int | float:
    """The smaller of two numbers (returned with its own type)."""
    expect("math.min", "x", x, "number")
    expect("math.min", "y", y, "number")
    return y if y < x else x


@registry.function("math.sqrt")
def math_sqrt(ctx: Any, x: Any) -> float:
    """Square root as a double; negative input is a ValueError."""
    expect("math.sqrt", "x", x, "number")
    if x < 0:
        raise value_error("math.sqrt", f"square root of a negative number ({x})")
    return _math.sqrt(x)
