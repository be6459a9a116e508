"""Expression helpers: `int`, `double`, `string`, `default`, `if`, `keys`, `len`, `get_type`.

Google documents exactly these (stdlib "Expression helpers" page). There is no `type()`
and no `bool()` there, so neither exists here: a workflow calling one fails as unknown.
"""

from __future__ import annotations

import math
import re
from typing import Any

from workflow_runtime.expressions.values import (
    INT64_MAX,
    INT64_MIN,
    check_double,
    describe,
    format_scalar,
    is_int,
    type_name,
)
from workflow_runtime.stdlib.spec import Registry, expect, value_error

registry = Registry()


# Parameter names are the documented ones (`default(val, defaultVal)`,
# `if(condition, ifTrue, ifFalse)`), since `call:` steps may pass them by name.
@registry.function("default")
def default(ctx: Any, val: Any, defaultVal: Any) -> Any:
    """`val` unless it is null, else `defaultVal`."""
    return defaultVal if val is None else val


@registry.function("if")
def if_(ctx: Any, condition: Any, ifTrue: Any, ifFalse: Any) -> Any:
    """`ifTrue` when `condition` is true; `ifFalse` when it is false or null."""
    expect("if", "condition", condition, "boolean", "null")
    return ifTrue if condition else ifFalse


@registry.function("keys")
def keys(ctx: Any, map_: Any) -> list[str]:
    """The keys of a map, in insertion order."""
    expect("keys", "map", map_, "map")
    return list(map_)


@registry.function("len")
def len_(ctx: Any, value: Any) -> int:
    """Number of elements of a list or map, or of characters of a string."""
    expect("len", "value", value, "string", "list", "map")
    return len(value)


@registry.function("get_type")
def get_type(ctx: Any, value: Any) -> str:
    """The Workflows type name of `value`."""
    return _GET_TYPE_NAMES[type_name(value)]


# get_type() spells two names differently from type_name(): see its reference page.
_GET_TYPE_NAMES = {
    "int": "integer",
    "double": "double",
    "string": "string",
    "boolean": "boolean",
    "list": "list",
    "map": "map",
    "null": "null",
    "bytes": "bytes",
    "function": "function",
}


@registry.function("int")
def int_(ctx: Any, value: Any) -> int:
    """Convert a string, double (truncating toward zero) or int to an int."""
    expect("int", "value", value, "string", "number")
    if is_int(value):
        return value
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            raise value_error("int", f"cannot convert {value} to int")
        result = int(value)
    else:
        try:
            # Only plain decimal integers: Python's int() would also take "1_000" and spaces.
            if not re.fullmatch(r"[+-]?[0-9]+", value):
                raise ValueError(value)
            result = int(value, 10)
        except ValueError:
            raise value_error("int", f"cannot convert {describe(value)} to int: not an integer") from None
    if not INT64_MIN <= result <= INT64_MAX:
        raise value_error("int", f"{describe(value)} is out of the 64-bit int range")
    return result


@registry.function("double")
def double(ctx: Any, value: Any) -> float:
    """Convert a string or int to a double."""
    expect("double", "value", value, "string", "number")
    if isinstance(value, str):
        try:
            if not _DOUBLE_TEXT.fullmatch(value):
                raise ValueError(value)
            result = float(value)
        except ValueError:
            raise value_error("double", f"cannot convert {describe(value)} to double") from None
        if math.isnan(result) or math.isinf(result):
            raise value_error("double", f"cannot convert {describe(value)} to double")
        return result
    return check_double(float(value))


_DOUBLE_TEXT = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")


@registry.function("string")
def string(ctx: Any, value: Any) -> str:
    """Convert an int, double, boolean or string to a string."""
    expect("string", "value", value, "string", "number", "boolean")
    return format_scalar(value)
