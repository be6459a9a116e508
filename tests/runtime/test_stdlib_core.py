"""Expression helpers (int, double, string, default, if, keys, len, get_type), the registry,
argument-count checks for every function, and stdlib members used as values."""

from __future__ import annotations

from typing import Any

import pytest

from tests.runtime.helpers import ev, ev_error
from workflow_runtime.errors import WorkflowError
from workflow_runtime.expressions import FunctionRef
from workflow_runtime.stdlib import (
    PURE_FUNCTIONS,
    STDLIB_MODULES,
    FunctionSpec,
    call_pure,
    lookup_function,
)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # Conversions, from the syntax cheat sheet and the expression helpers page.
        ('double("2.7")', 2.7),
        ("double(3)", 3.0),
        ('double("-1e3")', -1000.0),
        ('double(".5")', 0.5),
        ("double(2.5)", 2.5),
        ("int(2.7)", 2),
        ("int(-2.7)", -2),
        ('int("42")', 42),
        ('int("-7")', -7),
        ("int(5)", 5),
        ("string(1.7)", "1.7"),
        ("string(42)", "42"),
        ("string(-3)", "-3"),
        ("string(true)", "true"),
        ("string(false)", "false"),
        ('string("already")', "already"),
        # Data type functions
        ('keys({"b": 1, "a": 2})', ["b", "a"]),
        ("keys({})", []),
        ('len("hello")', 5),
        ('len("été")', 3),
        ("len([1, 2, 3])", 3),
        ('len({"a": 1})', 1),
        # Conditional functions
        ("default(null, 5)", 5),
        ('default("x", 5)', "x"),
        ("default(false, true)", False),
        ('default(map.get({"Key1": "v"}, "Key2"), "Couldn\'t find key!")', "Couldn't find key!"),
        ('if(true, "yes", "no")', "yes"),
        ('if(false, "yes", "no")', "no"),
        ('if(null, "yes", "no")', "no"),
        ('if(1 < 2, 1, "x")', 1),
        # Type functions
        ("get_type(1)", "integer"),
        ("get_type(1.5)", "double"),
        ('get_type("s")', "string"),
        ("get_type(true)", "boolean"),
        ("get_type(null)", "null"),
        ("get_type([1])", "list"),
        ("get_type({})", "map"),
        ('get_type(text.encode("x"))', "bytes"),
    ],
)
def test_expression_helpers(source: str, expected: Any) -> None:
    result = ev(source)
    assert result == expected
    assert type(result) is type(expected)


@pytest.mark.parametrize(
    ("source", "tag", "fragment"),
    [
        ('int("2.7")', "ValueError", "not an integer"),
        ('int("abc")', "ValueError", "cannot convert"),
        ('int(" 4")', "ValueError", "cannot convert"),
        ('int("1_000")', "ValueError", "cannot convert"),
        ('int("99999999999999999999")', "ValueError", "64-bit"),
        ("int(1e300)", "ValueError", "64-bit"),
        ("int(true)", "TypeError", "argument 'value'"),
        ("int(null)", "TypeError", "got null"),
        ("int([1])", "TypeError", "got list"),
        ('double("x1")', "ValueError", "cannot convert"),
        ('double("nan")', "ValueError", "cannot convert"),
        ('double("1e999")', "ValueError", "cannot convert"),
        ("double(true)", "TypeError", "boolean"),
        ("double({})", "TypeError", "map"),
        ("string(null)", "TypeError", "null"),
        ("string([1])", "TypeError", "list"),
        ("string({})", "TypeError", "map"),
        ("keys([1])", "TypeError", "must be a map"),
        ("keys(null)", "TypeError", "got null"),
        ("len(5)", "TypeError", "argument 'value'"),
        ("len(null)", "TypeError", "null"),
        ('len(text.encode("x"))', "TypeError", "bytes"),
        ('if("yes", 1, 2)', "TypeError", "boolean or null"),
        ("if(1, 1, 2)", "TypeError", "boolean or null"),
        # Not documented by Google, so not functions at all.
        ("type(1)", "KeyError", "function not found: type"),
        ('bool("true")', "KeyError", "function not found: bool"),
    ],
)
def test_expression_helper_errors(source: str, tag: str, fragment: str) -> None:
    error = ev_error(source)
    assert error["tags"] == [tag]
    assert fragment in error["message"]


def test_registry_specs_are_consistent() -> None:
    assert len(PURE_FUNCTIONS) >= 40
    for name, spec in PURE_FUNCTIONS.items():
        assert isinstance(spec, FunctionSpec)
        assert spec.name == name
        assert 0 <= spec.required <= len(spec.params)
        assert lookup_function(name) is spec
        if "." in name:
            assert name.split(".")[0] in STDLIB_MODULES
    assert lookup_function("sys.now") is None  # runtime-bound: PART 2's table
    assert lookup_function("nope") is None


def test_named_parameters_follow_the_reference_pages() -> None:
    expected = {
        "default": ("val", "defaultVal"),
        "if": ("condition", "ifTrue", "ifFalse"),
        "map.get": ("map", "keys"),
        "map.merge": ("first", "second"),
        "list.concat": ("objs", "val"),
        "text.find_all_regex": ("source", "regexp"),
        "text.replace_all_regex": ("source", "regexp", "repl"),
        "hash.compute_checksum": ("data", "algorithm"),
        "hash.compute_hmac": ("key", "data", "algorithm"),
        "json.encode": ("data", "indent"),
        "base64.decode": ("data", "padding"),
        "time.format": ("seconds", "timezone"),
        "time.parse": ("value",),
        # http/default_retry_predicate(_non_idempotent) pages name the argument `exception`.
        "http.default_retry_predicate": ("exception",),
        "http.default_retry_predicate_non_idempotent": ("exception",),
    }
    for name, params in expected.items():
        assert PURE_FUNCTIONS[name].params == params, name
    assert PURE_FUNCTIONS["json.encode"].required == 1
    assert PURE_FUNCTIONS["time.format"].required == 1


@pytest.mark.parametrize("name", sorted(PURE_FUNCTIONS))
def test_every_function_checks_its_argument_count(name: str) -> None:
    spec = PURE_FUNCTIONS[name]
    too_many = [None] * (len(spec.params) + 1)
    with pytest.raises(WorkflowError) as caught:
        call_pure(name, too_many)
    assert caught.value.tags == ["TypeError"]
    assert f"{name}(" in caught.value.value["message"]
    if spec.required:
        with pytest.raises(WorkflowError) as caught:
            call_pure(name, [None] * (spec.required - 1))
        assert caught.value.tags == ["TypeError"]
        assert "were given" in caught.value.value["message"]


def test_specs_accept_named_arguments() -> None:
    # `call:` steps pass `args:` by name; the engine calls impl(ctx, **args).
    assert PURE_FUNCTIONS["text.to_upper"].impl(None, source="abc") == "ABC"
    assert PURE_FUNCTIONS["default"].impl(None, val=None, defaultVal=3) == 3
    assert PURE_FUNCTIONS["map.get"].impl(None, map={"a": 1}, keys="a") == 1


def test_unknown_function_is_a_key_error() -> None:
    with pytest.raises(WorkflowError) as caught:
        call_pure("text.nope", [])
    assert caught.value.tags == ["KeyError"]


def test_stdlib_members_as_values() -> None:
    assert ev("retry.never") == FunctionRef("retry.never")
    assert ev("text.split") == FunctionRef("text.split")
    error = ev_error("math.nope")
    assert error["tags"] == ["KeyError"]
