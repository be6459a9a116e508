"""No Python exception escapes the stdlib or the operators: bad input is a workflow error.

Each function and operator is called with every combination of a sample of values of every type;
the result must be a Workflows value or a WorkflowError carrying a tagged error map.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from workflow_runtime.errors import WorkflowError
from workflow_runtime.expressions import FunctionRef, evaluate, parse_expression, type_name
from workflow_runtime.stdlib import PURE_FUNCTIONS, call_pure
from workflow_runtime.stdlib.context import MappingContext

SAMPLES: list[Any] = [
    None,
    True,
    0,
    -1,
    2**63 - 1,
    -(2**63),
    1.5,
    -0.0,
    1e308,
    "",
    "abc",
    "é\n",
    "1",
    "(",
    "UTF-8",
    b"",
    b"\xff",
    [],
    [1, "a"],
    {},
    {"a": {"b": 1}, "indent": "  "},
    FunctionRef("retry.always"),
]
SMALL_SAMPLES: list[Any] = [None, False, 7, 2.5, "", "a(", "x", b"k", [0], {"k": "v"}]

KNOWN_TAGS = {"TypeError", "ValueError", "KeyError", "IndexError", "RecursionError"}


def assert_workflow_value(value: Any) -> None:
    type_name(value)  # raises TypeError for anything that is not a Workflows value
    if isinstance(value, list):
        for item in value:
            assert_workflow_value(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            assert isinstance(key, str)
            assert_workflow_value(item)


@pytest.mark.parametrize("name", sorted(PURE_FUNCTIONS))
def test_function_never_leaks_a_python_exception(name: str) -> None:
    spec = PURE_FUNCTIONS[name]
    for count in range(spec.required, len(spec.params) + 1):
        samples = SAMPLES if count <= 2 else SMALL_SAMPLES
        for args in itertools.product(samples, repeat=count):
            try:
                result = call_pure(name, list(args))
            except WorkflowError as error:
                assert error.tags and set(error.tags) <= KNOWN_TAGS, (name, args, error.value)
                assert isinstance(error.value["message"], str)
            else:
                assert_workflow_value(result)


OPERATORS = ["+", "-", "*", "/", "//", "%", "==", "!=", "<", "<=", ">", ">=", "in", "and", "or"]


@pytest.mark.parametrize("op", OPERATORS)
def test_operators_never_leak_a_python_exception(op: str) -> None:
    expr = parse_expression(f"a {op} b")
    for a, b in itertools.product(SAMPLES, repeat=2):
        try:
            result = evaluate(expr, MappingContext({"a": a, "b": b}))
        except WorkflowError as error:
            assert set(error.tags) <= KNOWN_TAGS | {"ZeroDivisionError"}, (op, a, b)
        else:
            assert_workflow_value(result)


@pytest.mark.parametrize("source", ["-a", "not a", "a[b]", "a.b", "len(a)", "{a: b}", "[a, b]"])
def test_unary_and_access_never_leak_a_python_exception(source: str) -> None:
    expr = parse_expression(source)
    for a, b in itertools.product(SAMPLES, repeat=2):
        try:
            assert_workflow_value(evaluate(expr, MappingContext({"a": a, "b": b})))
        except WorkflowError as error:
            assert set(error.tags) <= KNOWN_TAGS, (source, a, b)
