"""The exact text of expression errors: what a workflow author reads when one fails.

Each message names the operation, the value it got (type and, for scalars, the value as
`describe` writes it) and, where one exists, the fix. Google's wording for these errors
is not documented; the tags are (TypeError, ...), the texts are this runtime's own.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.runtime.helpers import ev, ev_error, run
from workflow_runtime import WorkflowDefinitionError
from workflow_runtime.errors import WorkflowError
from workflow_runtime.expressions import (
    ExpressionSyntaxError,
    FunctionRef,
    compile_value,
    parse_expression,
    resolve,
    type_name,
)
from workflow_runtime.expressions.values import describe
from workflow_runtime.stdlib.context import MappingContext


@pytest.mark.parametrize(
    ("source", "variables", "message"),
    [
        ("{k: 1}", {"k": 1}, "map keys must be strings, got int 1"),
        (
            "not 1",
            {},
            "'not' needs a boolean, got int 1; `not` binds tighter than comparisons and `in`, "
            "so write `not (a in b)` rather than `not a in b`",
        ),
        ('-"a"', {}, "unary '-' needs a number, got string 'a'"),
        ("-true", {}, "unary '-' needs a number, got boolean true"),
        ('lst["a"]', {"lst": [1]}, "list index must be an int, got string 'a'"),
        ("m[1]", {"m": {}}, "map key must be a string, got int 1"),
        ("1 in 2", {}, "'in' needs a list or a map on its right, got int"),
        (
            '1 < "a"',
            {},
            "'<' not supported between int and string: "
            "only numbers with numbers and strings with strings can be ordered",
        ),
        ('"a" - "b"', {}, "unsupported operand types for '-': string and string"),
        ("1 and true", {}, "'and' needs booleans, got int 1"),
        ("true and 1", {}, "'and' needs booleans, got int 1"),
        ('false or "x"', {}, "'or' needs booleans, got string 'x'"),
    ],
)
def test_type_error_messages(source: str, variables: dict[str, Any], message: str) -> None:
    error = ev_error(source, **variables)
    assert error["tags"] == ["TypeError"]
    assert error["message"] == message


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (None, "null"),
        (True, "boolean true"),
        (False, "boolean false"),
        (0, "int 0"),
        (-2.5, "double -2.5"),
        ("", "string ''"),
        ("x" * 60, "string '" + "x" * 60 + "'"),
        # Longer strings are cut to 57 characters and an ellipsis: 60 in all.
        ("x" * 61, "string '" + "x" * 57 + "...'"),
        ("é" * 100, "string '" + "é" * 57 + "...'"),
        ([1], "list"),
        ({"k": 1}, "map"),
        (b"\x00", "bytes"),
        (FunctionRef("retry.always"), "function"),
    ],
)
def test_describe(value: Any, shown: str) -> None:
    assert describe(value) == shown


def test_a_python_value_outside_the_workflows_types_is_named() -> None:
    with pytest.raises(TypeError) as caught:
        type_name(object())
    assert str(caught.value) == "not a Workflows value: object"


@pytest.mark.parametrize(
    ("source", "message"),
    [
        # Every token is quoted as it was written, never as the parsed Python value.
        ("1 1", "unexpected '1' after a complete expression (at character 2)"),
        ("1 1e3", "unexpected '1e3' after a complete expression (at character 2)"),
        ("1 true", "unexpected 'true' after a complete expression (at character 2)"),
        ("1 TRUE", "unexpected 'TRUE' after a complete expression (at character 2)"),
        ("1 null", "unexpected 'null' after a complete expression (at character 2)"),
        ("1 x", "unexpected 'x' after a complete expression (at character 2)"),
        ("1 )", "unexpected ')' after a complete expression (at character 2)"),
        ('1 "a"', "unexpected string 'a' after a complete expression (at character 2)"),
        ("[1 2]", "expected ']' to close the list, found '2' (at character 3)"),
        ("(1", "expected ')' to close the parenthesis, found end of expression (at character 2)"),
        ("a.", "expected a field name after '.', found end of expression (at character 2)"),
        ("1 +", "unexpected end of expression (at character 3)"),
    ],
)
def test_syntax_error_messages(source: str, message: str) -> None:
    with pytest.raises(ExpressionSyntaxError) as caught:
        parse_expression(source)
    assert str(caught.value) == message


def test_a_syntax_error_reaches_the_deploy_error_with_its_position() -> None:
    with pytest.raises(WorkflowDefinitionError) as caught:
        run(
            """
            main:
              steps:
                - done:
                    return: ${1 true}
            """
        )
    assert str(caught.value) == (
        "<string>:5: step 'done': invalid expression '${1 true}': "
        "unexpected 'true' after a complete expression (at character 2)"
    )


def test_values_nested_too_deeply_to_compare_raise_a_recursion_error() -> None:
    deep: list[Any] = []
    other: list[Any] = []
    for _ in range(20_000):
        deep, other = [deep], [other]
    error = ev_error("x == y", x=deep, y=other)
    assert error == {"tags": ["RecursionError"], "message": "value nested too deeply to evaluate"}


def test_integer_results_reach_both_int64_limits_and_no_further() -> None:
    big = 2**63 - 1
    assert ev("big + 0", big=big) == big
    assert ev("-big - 1", big=big) == -(2**63)
    assert ev_error("big + 1", big=big) == {
        "tags": ["ValueError"],
        "message": f"integer result out of range (int is 64-bit): {2**63}",
    }


def test_a_dynamic_map_key_must_be_a_string() -> None:
    # Google's maps page allows `"${key}": value`; the key must evaluate to a string.
    with pytest.raises(WorkflowError) as caught:
        resolve(compile_value({"${k}": 1}), MappingContext({"k": 1}))
    assert caught.value.value == {"tags": ["TypeError"], "message": "map keys must be strings, got int 1"}
