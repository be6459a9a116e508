"""Evaluation of Workflows expressions: operators, type rules, access, calls, errors."""

from __future__ import annotations

from typing import Any

import pytest

from workflow_runtime.errors import WorkflowError
from workflow_runtime.expressions import FunctionRef, evaluate, parse_expression, type_name
from workflow_runtime.stdlib.context import MappingContext

VARS: dict[str, Any] = {
    "i": 7,
    "d": 2.5,
    "s": "hello",
    "b": True,
    "n": None,
    "lst": ["zero", "one", "two"],
    "m": {"Key1": "hello", "nested": {"deep": [10, 20]}, "special!key": 1},
    "big": 2**63 - 1,
}


def ev(source: str, **extra: Any) -> Any:
    return evaluate(parse_expression(source), MappingContext({**VARS, **extra}))


def error_of(source: str, **extra: Any) -> dict[str, Any]:
    with pytest.raises(WorkflowError) as caught:
        ev(source, **extra)
    value = caught.value.value
    assert isinstance(value, dict) and isinstance(value["message"], str) and value["message"]
    return value


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # int op int stays int, except `/`
        ("1 + 2", 3),
        ("5 - 8", -3),
        ("6 * 7", 42),
        ("7 / 2", 3.5),
        ("6 / 3", 2.0),
        ("7 // 2", 3),
        ("-7 // 2", -4),
        ("7 % 3", 1),
        ("-7 % 3", 2),
        # any double makes a double
        ("1 + 2.0", 3.0),
        ("2.5 * 2", 5.0),
        ("7.5 // 2", 3.0),
        ("7.5 % 2", 1.5),
        ("d - i", -4.5),
        # precedence and grouping (Google's order of operations table)
        ("1 + 2 * 3", 7),
        ("(1 + 2) * 3", 9),
        ("10 - 4 - 3", 3),
        ("2 * 3 % 4", 2),
        ("-2 * 3", -6),
        ("-(2 + 3)", -5),
        ("--4", 4),
        ("-i", -7),
        ("-d", -2.5),
        # strings
        ('"Hello, " + s', "Hello, hello"),
        ('s + " " + "world"', "hello world"),
        ('s + " " + string(i)', "hello 7"),
        ('s + " " + i', "hello 7"),
        ('"d=" + d', "d=2.5"),
        ('"b=" + b', "b=true"),
    ],
)
def test_arithmetic(source: str, expected: Any) -> None:
    result = ev(source)
    assert result == expected
    assert type(result) is type(expected)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("1 == 1", True),
        ("1 == 1.0", True),
        ("1 != 2", True),
        ('"a" == "a"', True),
        ('"1" == 1', False),
        ("null == null", True),
        ("n == null", True),
        ("null == 0", False),
        ("true == 1", False),
        ("[1, [2]] == [1, [2.0]]", True),
        ("[1, 2] == [2, 1]", False),
        ('{"a": 1, "b": 2} == {"b": 2, "a": 1}', True),
        ('{"a": 1} != {"a": 2}', True),
        ("1 < 2", True),
        ("2 <= 2.0", True),
        ("3 > 2.5", True),
        ("3 >= 4", False),
        ('"abc" < "abd"', True),
        ('"b" > "abc"', True),
        ("1 + 1 == 2 and 3 > 2", True),
    ],
)
def test_comparisons(source: str, expected: bool) -> None:
    assert ev(source) is expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("true and false", False),
        ("true or false", True),
        ("not true", False),
        ("NOT false", True),
        ("true AND true", True),
        ("false OR false", False),
        ("b and not false", True),
        ("false or true and false", False),
        ("(false or true) and true", True),
        # `not` binds tighter than comparisons in Google's table: (not true) == false
        ("not true == false", True),
        ('not ("Key1" in m)', False),
    ],
)
def test_logic(source: str, expected: bool) -> None:
    assert ev(source) is expected


def test_and_or_short_circuit_the_right_side() -> None:
    assert ev("false and undefined_var") is False
    assert ev("true or 1 / 0 == 1") is True
    assert ev('"k" in m and m.k == 1', m={}) is False


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('"Key1" in m', True),
        ('"hello" in m', False),
        ("1 in m", False),
        ('"one" in lst', True),
        ('"three" in lst', False),
        ("2 in [1, 2.0]", True),
        ("[1] in [[1], [2]]", True),
        ('"Key1" in keys(m)', True),
    ],
)
def test_in(source: str, expected: bool) -> None:
    assert ev(source) is expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("lst[0]", "zero"),
        ("lst[i - 5]", "two"),
        ("lst[len(lst) - 1]", "two"),
        ('m["Key1"]', "hello"),
        ("m.Key1", "hello"),
        ('m["special!key"]', 1),
        ('m["Ke" + "y1"]', "hello"),
        ("m.nested.deep[1]", 20),
        ('m["nested"]["deep"][0]', 10),
        ("[[10, 11], [20, 21]][1][0]", 20),
        ('{"a": {"b": 1}}.a.b', 1),
    ],
)
def test_access(source: str, expected: Any) -> None:
    assert ev(source) == expected


def test_function_calls_with_nested_expressions() -> None:
    assert ev('default(map.get(m, "missing"), "Couldn\'t find key!")') == "Couldn't find key!"
    assert ev('len(text.split(s + ",x,y", ","))') == 3
    assert ev("int(double(i) / 2)") == 3


def test_stdlib_members_are_values() -> None:
    assert ev("http.default_retry_predicate") == FunctionRef("http.default_retry_predicate")
    assert ev("retry.always") == FunctionRef("retry.always")
    # Runtime-bound modules (owned by the engine) still name functions.
    assert ev("sys.now") == FunctionRef("sys.now")
    policy = ev("http.default_retry")
    assert policy["max_retries"] == 5
    assert policy["backoff"] == {"initial_delay": 1, "max_delay": 60, "multiplier": 1.25}
    assert ev("http.default_retry.backoff.multiplier") == 1.25
    # Each reference is a fresh copy: changing one does not change the next.
    policy["max_retries"] = 0
    assert ev("http.default_retry")["max_retries"] == 5


def test_a_variable_shadows_a_module_name() -> None:
    assert ev("text.value", text={"value": "mine"}) == "mine"
    assert ev("map", map=[1]) == [1]


@pytest.mark.parametrize(
    ("source", "tag", "fragment"),
    [
        # TypeError: mixing types
        # (string + number is concatenation per Google's `+` table: test_expressions_operators)
        ('"a" + null', "TypeError", "string and null"),
        ("[1] + [2]", "TypeError", "list and list"),
        ("null + 1", "TypeError", "null and int"),
        ("true + 1", "TypeError", "boolean and int"),
        ('"a" * 3', "TypeError", "string and int"),
        ('-"a"', "TypeError", "unary '-'"),
        ('1 < "2"', "TypeError", "'<' not supported between int and string"),
        ("null < 1", "TypeError", "null and int"),
        ("true > false", "TypeError", "boolean and boolean"),
        ("[1] <= [2]", "TypeError", "list and list"),
        ("1 and true", "TypeError", "'and' needs booleans"),
        ("true and 1", "TypeError", "'and' needs booleans"),
        ("null or true", "TypeError", "'or' needs booleans"),
        ("not 0", "TypeError", "'not' needs a boolean"),
        ('not "Key1" in m', "TypeError", "write `not (a in b)`"),
        ('1 in "abc"', "TypeError", "'in' needs a list or a map"),
        ('lst["0"]', "TypeError", "list index must be an int"),
        ("lst[1.0]", "TypeError", "list index must be an int"),
        ("m[1]", "TypeError", "map key must be a string"),
        ("s[0]", "TypeError", "cannot index a string"),
        ("i.field", "TypeError", "cannot read field 'field' of a int"),
        ("lst.first", "TypeError", "only maps have fields"),
        ("{1: 2}", "TypeError", "map keys must be strings"),
        ("text", "TypeError", "standard library module"),
        # KeyError: missing keys and variables
        ("undefined_var", "KeyError", "undefined_var"),
        ("m.missing", "KeyError", "missing"),
        ('m["missing"]', "KeyError", "missing"),
        ("m.nested.nope", "KeyError", "nope"),
        ("text.no_such_member", "KeyError", "text.no_such_member"),
        ("no_such_function(1)", "KeyError", "no_such_function"),
        # IndexError
        ("lst[3]", "IndexError", "out of range"),
        ("lst[-1]", "IndexError", "out of range"),
        ("[][0]", "IndexError", "0 elements"),
        # ZeroDivisionError
        ("1 / 0", "ZeroDivisionError", "division by zero"),
        ("1.5 / 0.0", "ZeroDivisionError", "division by zero"),
        ("1 // 0", "ZeroDivisionError", "by zero"),
        ("1 % 0", "ZeroDivisionError", "by zero"),
        ("2.5 % 0", "ZeroDivisionError", "by zero"),
        # ValueError: 64-bit int overflow
        ("big + 1", "ValueError", "out of range"),
        ("-big - 2", "ValueError", "out of range"),
        ("big * 2", "ValueError", "out of range"),
        ("1e308 * 10", "ValueError", "double overflow"),
    ],
)
def test_runtime_errors(source: str, tag: str, fragment: str) -> None:
    error = error_of(source)
    assert error["tags"] == [tag]
    assert fragment in error["message"]


def test_the_int64_range_edges_are_exact() -> None:
    assert ev("big") == 2**63 - 1
    assert ev("-big - 1") == -(2**63)
    assert ev("(-big - 1) // 1") == -(2**63)
    assert error_of("(-big - 1) // -1")["tags"] == ["ValueError"]
    assert error_of("-(-big - 1)")["tags"] == ["ValueError"]


@pytest.mark.parametrize(
    ("value", "name"),
    [
        (None, "null"),
        (True, "boolean"),
        (0, "int"),
        (0.0, "double"),
        ("", "string"),
        (b"", "bytes"),
        ([], "list"),
        ({}, "map"),
        (FunctionRef("retry.always"), "function"),
    ],
)
def test_type_name(value: Any, name: str) -> None:
    assert type_name(value) == name


@pytest.mark.parametrize(
    "source",
    ["lst", "m.nested", 'm["nested"]["deep"]', "[lst]", '{"k": m}', "default(lst, [])"],
)
def test_results_never_alias_variables(source: str) -> None:
    # Workflows values are values: changing what `${...}` returned leaves variables alone.
    variables = {"lst": [[1], [2]], "m": {"nested": {"deep": [10, 20]}}}
    ctx = MappingContext(variables)
    result = evaluate(parse_expression(source), ctx)
    stack = [result]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
            item.append("changed")
        elif isinstance(item, dict):
            stack.extend(item.values())
            item["changed"] = True
    assert variables == {"lst": [[1], [2]], "m": {"nested": {"deep": [10, 20]}}}
