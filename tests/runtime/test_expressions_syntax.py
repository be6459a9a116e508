"""Parsing of Workflows expressions and of `${...}` values: what is accepted, what is not."""

from __future__ import annotations

from typing import Any

import pytest

from tests.runtime.helpers import ev
from workflow_runtime.expressions import (
    ExpressionSyntaxError,
    compile_value,
    parse_expression,
    resolve,
)
from workflow_runtime.stdlib.context import MappingContext


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("null", None),
        ("true", True),
        ("True", True),
        ("TRUE", True),
        ("false", False),
        ("False", False),
        ("FALSE", False),
        ("0", 0),
        ("42", 42),
        ("-5", -5),
        ("9223372036854775807", 2**63 - 1),
        ("-9223372036854775807", -(2**63) + 1),
        ("4.1", 4.1),
        ("1e3", 1000.0),
        ("2.5E-1", 0.25),
        (".5", 0.5),
        ('"hello"', "hello"),
        ('""', ""),
        ('"a\\"b"', 'a"b'),
        ('"tab\\tnew\\nline"', "tab\tnew\nline"),
        ('"back\\\\slash"', "back\\slash"),
        ('"\\u00e9t\\u00E9"', "été"),
        ('"caf\u00e9"', "café"),
        ("[]", []),
        ('[1, "two", [3]]', [1, "two", [3]]),
        ("{}", {}),
        ('{"a": 1, "b": {"c": [true]}}', {"a": 1, "b": {"c": [True]}}),
    ],
)
def test_literals(source: str, expected: Any) -> None:
    result = ev(source)
    assert result == expected
    assert type(result) is type(expected)


def test_braces_inside_strings_and_maps_do_not_end_the_expression() -> None:
    assert resolve(compile_value('${ {"a": "}"} }'), MappingContext()) == {"a": "}"}
    assert resolve(compile_value('${"}" + "{"}'), MappingContext()) == "}{"
    assert resolve(compile_value('${ {"k": {"n": "}}"}}.k.n }'), MappingContext()) == "}}"


def test_only_a_whole_string_expression_is_evaluated() -> None:
    ctx = MappingContext({"name": "Ada"})
    assert resolve(compile_value("${name}"), ctx) == "Ada"
    # Google does no interpolation: text around ${...} keeps the string literal.
    assert resolve(compile_value("Hello ${name}"), ctx) == "Hello ${name}"
    assert resolve(compile_value("${name} says hi"), ctx) == "${name} says hi"
    assert resolve(compile_value("$name"), ctx) == "$name"


def test_compile_value_walks_lists_and_maps_including_keys() -> None:
    ctx = MappingContext({"dynamicKey": "myKey", "n": 2})
    compiled = compile_value(
        {
            "plain": "text",
            "${dynamicKey}": "myValue",
            '${dynamicKey + "Apple"}': ["${n * 2}", 3, {"deep": "${n}"}],
        }
    )
    assert resolve(compiled, ctx) == {
        "plain": "text",
        "myKey": "myValue",
        "myKeyApple": [4, 3, {"deep": 2}],
    }


def test_constants_resolve_to_fresh_copies() -> None:
    compiled = compile_value({"list": [1, 2]})
    first = resolve(compiled, MappingContext())
    first["list"].append(3)
    assert resolve(compiled, MappingContext()) == {"list": [1, 2]}


def test_a_dynamic_key_must_evaluate_to_a_string() -> None:
    from workflow_runtime.errors import WorkflowError

    with pytest.raises(WorkflowError) as caught:
        resolve(compile_value({"${n}": 1}), MappingContext({"n": 5}))
    assert caught.value.tags == ["TypeError"]


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("", "empty expression"),
        ("   ", "empty expression"),
        ("1 +", "unexpected end of expression"),
        ("(1 + 2", "expected ')'"),
        ("[1, 2", "expected ']'"),
        ('{"a" 1}', "expected ':'"),
        ('{"a": 1', "expected '}'"),
        ('"unterminated', "unterminated string"),
        ('"bad \\q escape"', "unknown escape"),
        ('"\\u12"', "\\u escape"),
        ("1 2", "after a complete expression"),
        ("a.", "expected a field name"),
        ("a @ b", "unexpected character '@'"),
        ("9223372036854775808", "does not fit in a 64-bit int"),
        ("12abc", "malformed number"),
        ("(1)(2)", "only named functions can be called"),
        ("[1][0](2)", "only named functions can be called"),
        ("'single'", "unexpected character"),
        ("a ? b : c", "unexpected character '?'"),
        ("a && b", "unexpected character '&'"),
        ("f(1,)", "unexpected"),
        ("(" * 150 + "1" + ")" * 150, "nested too deeply"),
    ],
)
def test_syntax_errors(source: str, message: str) -> None:
    with pytest.raises(ExpressionSyntaxError) as caught:
        parse_expression(source)
    assert message in caught.value.message
    assert 0 <= caught.value.offset <= len(source)


def test_syntax_error_offset_points_at_the_problem() -> None:
    with pytest.raises(ExpressionSyntaxError) as caught:
        parse_expression("a + ) b")
    assert caught.value.offset == 4


def test_compile_value_reports_malformed_expressions_at_load_time() -> None:
    with pytest.raises(ExpressionSyntaxError):
        compile_value({"ok": 1, "bad": ["${1 +}"]})
    # Two expressions in one string are not one expression: rejected, like Google does.
    with pytest.raises(ExpressionSyntaxError):
        compile_value("${a} and ${b}")


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # Mixed-case keywords are plain names, so these are variable lookups.
        ("And", "v1"),
        ("Null", "v2"),
    ],
)
def test_mixed_case_words_are_names(source: str, expected: str) -> None:
    assert ev(source, And="v1", Null="v2") == expected


def test_keywords_may_be_field_names_after_a_dot() -> None:
    assert ev("m.in + m.null", m={"in": 1, "null": 2}) == 3


def test_multi_line_expression_example_from_the_expressions_page() -> None:
    # The page builds "SELECT * from customers\nWHERE id=7" from an expression that
    # spans several lines; line breaks between tokens are whitespace.
    value = '${\n"SELECT * from " + table +\n"\\nWHERE id=" + string(id)\n}'
    ctx = MappingContext({"table": "customers", "id": 7})
    assert resolve(compile_value(value), ctx) == "SELECT * from customers\nWHERE id=7"


def test_cheat_sheet_expressions() -> None:
    ctx = MappingContext(
        {
            "my_string": "hello",
            "my_integer": 1,
            "my_list": ["zero", "one", "two"],
            "my_map": {"Key1": "hello"},
            "var": {"key": {"special!key": "Bar"}},
        }
    )
    cases = {
        '${my_string+" "+"world"}': "hello world",
        '${my_string+" "+string(my_integer)}': "hello 1",
        '${"a: " +my_string}': "a: hello",
        '${"Key1" in my_list}': False,
        '${"Key1" in my_map}': True,
        "${keys(my_map)}": ["Key1"],
        '${default(map.get(my_map, "Key1"), "Couldn\'t find key!")}': "hello",
        '${"fruit" + var.key["special!key"]}': "fruitBar",
        "${len(my_list) - 1}": 2,
    }
    for source, expected in cases.items():
        assert resolve(compile_value(source), ctx) == expected, source


def test_parser_raises_only_syntax_errors_on_random_text() -> None:
    import random

    rng = random.Random(20261127)
    alphabet = [*'abcxyz019 ."\\()[]{},:+-*/%<>=!_', "and", "or", "not", "in", "null"]
    parsed = 0
    for _ in range(5000):
        source = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12)))
        try:
            parse_expression(source)
            parsed += 1
        except ExpressionSyntaxError as error:
            assert 0 <= error.offset <= len(source)
    assert parsed > 0  # the generator does produce valid expressions too


def test_maps_page_example_with_a_dynamic_key() -> None:
    my_map = {
        "FirstName": "John",
        "${dynamicKey}": "Apple",
        "LastName": "Smith",
        "Age": 26,
        "Address": {"Street": "Flower Road 12", "City": "Superville", "Country": "Atlantis"},
    }
    ctx = MappingContext({"dynamicKey": "MiddleName"})
    result = resolve(compile_value(my_map), ctx)
    assert list(result) == ["FirstName", "MiddleName", "LastName", "Age", "Address"]
    assert result["MiddleName"] == "Apple"
    ctx.variables["myMap"] = result
    assert resolve(compile_value("${myMap.Address.Country}"), ctx) == "Atlantis"
    assert (
        resolve(
            compile_value('${"foo" + var.key["special!key"]}'),
            MappingContext({"var": {"key": {"special!key": "bar"}}}),
        )
        == "foobar"
    )
