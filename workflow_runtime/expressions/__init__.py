"""Workflows expressions: parse `${...}` text, evaluate it, and the value/type rules.

Public API (see docs/runtime-interfaces.md): `parse_expression`, `evaluate`,
`compile_value`, `resolve`, `FunctionRef`, `type_name`, `ExpressionSyntaxError`,
`EvalContext`, `Expr`.
"""

from workflow_runtime.expressions.ast import Expr
from workflow_runtime.expressions.evaluator import EvalContext, evaluate
from workflow_runtime.expressions.lexer import ExpressionSyntaxError
from workflow_runtime.expressions.parser import parse_expression
from workflow_runtime.expressions.template import (
    Compiled,
    Constant,
    compile_value,
    expression_source,
    resolve,
)
from workflow_runtime.expressions.values import FunctionRef, type_name

__all__ = [
    "Compiled",
    "Constant",
    "EvalContext",
    "Expr",
    "ExpressionSyntaxError",
    "FunctionRef",
    "compile_value",
    "evaluate",
    "expression_source",
    "parse_expression",
    "resolve",
    "type_name",
]
