"""Evaluate expression syntax trees against an EvalContext."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from workflow_runtime.errors import make_error
from workflow_runtime.expressions.ast import (
    Attribute,
    Binary,
    Call,
    Expr,
    Index,
    ListLiteral,
    Literal,
    MapLiteral,
    Name,
    Unary,
)
from workflow_runtime.expressions.modules import STDLIB_MODULES
from workflow_runtime.expressions.operators import binary_op
from workflow_runtime.expressions.values import (
    check_int,
    copy_value,
    describe,
    field_value,
    is_int,
    type_error,
    type_name,
)


class EvalContext(Protocol):
    """What the evaluator needs from the engine: variables, function calls and the
    standard library's module members."""

    def get_variable(self, name: str) -> Any:
        """Return the variable's value; raise a KeyError-tagged WorkflowError if undefined."""

    def has_variable(self, name: str) -> bool:
        """True if `name` is defined in the current scope."""

    def call_function(self, name: str, args: list[Any]) -> Any:
        """Call the function with a dotted name and positional arguments."""

    def module_member(self, path: list[str]) -> Any:
        """The value of a module member reference such as ["http", "default_retry"]."""


def evaluate(expr: Expr, ctx: EvalContext) -> Any:
    """Evaluate one expression tree; errors are raised as WorkflowError error maps.

    The result never shares lists or maps with variables: `${a}` is a copy of `a`.
    """
    try:
        value = _eval(expr, ctx)
        # Scalars are immutable: only lists and maps need the copy.
        return copy_value(value) if isinstance(value, _CONTAINERS) else value
    except RecursionError:
        # Comparing or copying values nested thousands deep exhausts Python's stack.
        raise make_error("RecursionError", "value nested too deeply to evaluate") from None


_CONTAINERS = (list, dict)


def _eval(expr: Expr, ctx: EvalContext) -> Any:
    return _EVALUATORS[type(expr)](expr, ctx)


def _literal(expr: Literal, ctx: EvalContext) -> Any:
    return expr.value


def _list(expr: ListLiteral, ctx: EvalContext) -> Any:
    return [_eval(item, ctx) for item in expr.items]


def _map(expr: MapLiteral, ctx: EvalContext) -> Any:
    result: dict[str, Any] = {}
    for key_expr, value_expr in expr.entries:
        key = _eval(key_expr, ctx)
        if not isinstance(key, str):
            raise type_error(f"map keys must be strings, got {describe(key)}")
        result[key] = _eval(value_expr, ctx)
    return result


def _name(expr: Name, ctx: EvalContext) -> Any:
    name = expr.name
    if name in STDLIB_MODULES and not ctx.has_variable(name):
        raise type_error(
            f"{name} is a standard library module, not a value; "
            f"use one of its members such as {name}.<function>"
        )
    return ctx.get_variable(name)


def _attribute(expr: Attribute, ctx: EvalContext) -> Any:
    member = _module_member(expr, ctx)
    if member is not _NOT_A_MEMBER:
        return member
    return field_value(_eval(expr.target, ctx), expr.name)


_NOT_A_MEMBER = object()


def _module_member(expr: Attribute, ctx: EvalContext) -> Any:
    """`http.default_retry` style references: a stdlib constant or a FunctionRef.

    Fields of a constant may follow, as in `http.default_retry.max_retries`.
    """
    parts: list[str] = [expr.name]
    node: Expr = expr.target
    while isinstance(node, Attribute):
        parts.append(node.name)
        node = node.target
    if not isinstance(node, Name) or node.name not in STDLIB_MODULES:
        return _NOT_A_MEMBER
    if ctx.has_variable(node.name):
        return _NOT_A_MEMBER
    parts.append(node.name)
    parts.reverse()
    return ctx.module_member(parts)


def _index(expr: Index, ctx: EvalContext) -> Any:
    target = _eval(expr.target, ctx)
    index = _eval(expr.index, ctx)
    return index_value(target, index)


def index_value(target: Any, index: Any) -> Any:
    """`target[index]` with Workflows' rules: lists by int, maps by string key."""
    if isinstance(target, list):
        if not is_int(index):
            raise type_error(f"list index must be an int, got {describe(index)}")
        if index < 0 or index >= len(target):
            raise make_error(
                "IndexError", f"list index {index} out of range (list has {len(target)} elements)"
            )
        return target[index]
    if isinstance(target, dict):
        if not isinstance(index, str):
            raise type_error(f"map key must be a string, got {describe(index)}")
        if index not in target:
            raise make_error("KeyError", f"key not found: {index}")
        return target[index]
    raise type_error(f"cannot index a {type_name(target)}: only lists and maps can be indexed")


def _call(expr: Call, ctx: EvalContext) -> Any:
    args = [_eval(arg, ctx) for arg in expr.args]
    return ctx.call_function(expr.function, args)


def _unary(expr: Unary, ctx: EvalContext) -> Any:
    value = _eval(expr.operand, ctx)
    if expr.op == "not":
        if not isinstance(value, bool):
            raise type_error(
                f"'not' needs a boolean, got {describe(value)}; `not` binds tighter than "
                "comparisons and `in`, so write `not (a in b)` rather than `not a in b`"
            )
        return not value
    if is_int(value):
        return check_int(-value)
    if isinstance(value, float):
        return -value
    raise type_error(f"unary '-' needs a number, got {describe(value)}")


def _binary(expr: Binary, ctx: EvalContext) -> Any:
    op = expr.op
    left = _eval(expr.left, ctx)
    if op in ("and", "or"):
        if not isinstance(left, bool):
            raise type_error(f"'{op}' needs booleans, got {describe(left)}")
        # Short circuit: the right side is not evaluated when the left decides.
        if (op == "and" and not left) or (op == "or" and left):
            return left
        right = _eval(expr.right, ctx)
        if not isinstance(right, bool):
            raise type_error(f"'{op}' needs booleans, got {describe(right)}")
        return right
    right = _eval(expr.right, ctx)
    return binary_op(op, left, right)


_EVALUATORS: dict[type, Callable[[Any, EvalContext], Any]] = {
    Literal: _literal,
    ListLiteral: _list,
    MapLiteral: _map,
    Name: _name,
    Attribute: _attribute,
    Index: _index,
    Call: _call,
    Unary: _unary,
    Binary: _binary,
}
