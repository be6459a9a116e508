"""Compile YAML values that hold `${...}` expressions, and resolve them at run time.

Workflows evaluates a string only when the whole string is one expression: `"${a + b}"`.
A string with text around an expression, like `"Hello ${name}"`, is an ordinary string
and stays as written (Google does no string interpolation). A string that starts with
`${` and ends with `}` but is not one well-formed expression is rejected at load time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from workflow_runtime.expressions.ast import Expr
from workflow_runtime.expressions.evaluator import EvalContext, evaluate
from workflow_runtime.expressions.lexer import ExpressionSyntaxError
from workflow_runtime.expressions.parser import parse_expression
from workflow_runtime.expressions.values import copy_value, describe, type_error


@dataclass(frozen=True)
class CompiledExpression:
    """A string value that is one expression."""

    expr: Expr


@dataclass(frozen=True)
class CompiledList:
    """A list with at least one expression inside."""

    items: tuple[Compiled, ...]


@dataclass(frozen=True)
class CompiledMap:
    """A map with at least one expression in its keys or values.

    Keys may be expressions too: `{"${dynamicKey}": "myValue"}` (Google's maps page).
    """

    entries: tuple[tuple[Compiled, Compiled], ...]


@dataclass(frozen=True)
class Constant:
    """A value with no expression inside; resolve() returns a fresh copy of it."""

    value: Any


Compiled = CompiledExpression | CompiledList | CompiledMap | Constant


def expression_source(value: str) -> str | None:
    """The text inside `${...}` when the whole string is one expression, else None."""
    if value.startswith("${") and value.endswith("}"):
        return value[2:-1]
    return None


def compile_value(value: Any) -> Compiled:
    """Compile a YAML/JSON value; raise ExpressionSyntaxError for a malformed expression.

    The error's offset counts from the start of the inner expression text.
    """
    if isinstance(value, str):
        source = expression_source(value)
        if source is None:
            return Constant(value)
        return CompiledExpression(parse_expression(source))
    if isinstance(value, list):
        items = tuple(compile_value(item) for item in value)
        if all(isinstance(item, Constant) for item in items):
            return Constant(value)
        return CompiledList(items)
    if isinstance(value, dict):
        entries = tuple((compile_value(str(key)), compile_value(item)) for key, item in value.items())
        if all(isinstance(k, Constant) and isinstance(v, Constant) for k, v in entries):
            return Constant(value)
        return CompiledMap(entries)
    return Constant(value)


def resolve(compiled: Compiled, ctx: EvalContext) -> Any:
    """Evaluate every expression inside a compiled value and return the plain value."""
    if isinstance(compiled, CompiledExpression):
        return evaluate(compiled.expr, ctx)
    if isinstance(compiled, Constant):
        # A copy, so that assignments into the result never alter the workflow definition.
        return copy_value(compiled.value)
    if isinstance(compiled, CompiledList):
        return [resolve(item, ctx) for item in compiled.items]
    result: dict[str, Any] = {}
    for key_compiled, item in compiled.entries:
        key = resolve(key_compiled, ctx)
        if not isinstance(key, str):
            raise type_error(f"map keys must be strings, got {describe(key)}")
        result[key] = resolve(item, ctx)
    return result


__all__ = [
    "Compiled",
    "CompiledExpression",
    "CompiledList",
    "CompiledMap",
    "Constant",
    "ExpressionSyntaxError",
    "compile_value",
    "expression_source",
    "resolve",
]
