"""`list`, `map` and `math` modules, with the examples of Google's reference pages."""

from __future__ import annotations

from typing import Any

import pytest

from tests.runtime.helpers import ev, ev_error


def test_list_functions_copy_and_leave_the_argument_alone() -> None:
    my_list = ["zero", "one", "two"]
    assert ev("list.prepend(my_list, val)", my_list=my_list, val="three") == [
        "three",
        "zero",
        "one",
        "two",
    ]
    assert ev("list.concat(my_list, 3)", my_list=my_list) == ["zero", "one", "two", 3]
    assert ev("list.concat([], [1])") == [[1]]
    assert my_list == ["zero", "one", "two"]
    nested = [[1]]
    result = ev("list.concat(l, 2)", l=nested)
    result[0].append(9)
    assert nested == [[1]]


@pytest.mark.parametrize(
    ("source", "fragment"),
    [
        ('list.concat("abc", 1)', "argument 'objs' must be a list"),
        ("list.prepend({}, 1)", "got map"),
        ("list.concat(null, 1)", "got null"),
    ],
)
def test_list_errors(source: str, fragment: str) -> None:
    error = ev_error(source)
    assert error["tags"] == ["TypeError"]
    assert fragment in error["message"]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # map.get reference page example
        ('map.get({"key1": "hello", "key2": "world"}, "key2")', "world"),
        ('map.get({"key1": "hello"}, "missing")', None),
        ('map.get({"a": {"b": {"c": 1}}}, ["a", "b", "c"])', 1),
        ('map.get({"a": {"b": 1}}, ["a", "x"])', None),
        ('map.get({"a": {"b": 1}}, ["a", "b", "c"])', None),
        ('map.get({"a": 1}, [])', {"a": 1}),
        # A safe lookup: a non-map input gives null, not an error.
        ('map.get(null, "k")', None),
        ('map.get([1], "k")', None),
        ('map.get({"a": null}, "a")', None),
    ],
)
def test_map_get(source: str, expected: Any) -> None:
    assert ev(source) == expected


@pytest.mark.parametrize(
    ("source", "fragment"),
    [
        ("map.get({}, 1)", "argument 'keys' must be a string or list"),
        ('map.get({}, ["a", 1])', "argument 'keys' must be a string"),
        ("map.get({}, null)", "got null"),
    ],
)
def test_map_get_errors(source: str, fragment: str) -> None:
    error = ev_error(source)
    assert error["tags"] == ["TypeError"]
    assert fragment in error["message"]


def test_map_merge_is_shallow_and_second_wins() -> None:
    first = {"a": 1, "n": {"x": 1}}
    assert ev("map.merge(first, second)", first=first, second={"b": 2, "n": {"y": 2}}) == {
        "a": 1,
        "n": {"y": 2},
        "b": 2,
    }
    assert first == {"a": 1, "n": {"x": 1}}


def test_map_merge_nested_examples_from_the_reference_page() -> None:
    assert ev('map.merge_nested({"key1": {"key2": "value2"}}, {"key1": {"key3": "value3"}})') == {
        "key1": {"key2": "value2", "key3": "value3"}
    }
    assert ev('map.merge_nested({"key1": "value1"}, {"key1": "value2"})') == {"key1": "value2"}
    # A map replaces a scalar and a scalar replaces a map; lists are replaced, not merged.
    assert ev('map.merge_nested({"k": 1, "l": [1]}, {"k": {"x": 1}, "l": [2]})') == {
        "k": {"x": 1},
        "l": [2],
    }
    first = {"k": {"x": {"deep": 1}}}
    ev('map.merge_nested(first, {"k": {"x": {"more": 2}}})', first=first)
    assert first == {"k": {"x": {"deep": 1}}}


def test_map_delete() -> None:
    source = {"a": 1, "b": 2}
    assert ev('map.delete(m, "a")', m=source) == {"b": 2}
    assert ev('map.delete(m, "zzz")', m=source) == {"a": 1, "b": 2}
    assert source == {"a": 1, "b": 2}


@pytest.mark.parametrize(
    ("source", "fragment"),
    [
        ("map.merge([], {})", "argument 'first' must be a map"),
        ("map.merge({}, null)", "argument 'second' must be a map"),
        ("map.merge_nested({}, 1)", "argument 'second'"),
        ('map.delete("m", "a")', "argument 'map' must be a map"),
        ("map.delete({}, 1)", "argument 'key' must be a string"),
    ],
)
def test_map_errors(source: str, fragment: str) -> None:
    error = ev_error(source)
    assert error["tags"] == ["TypeError"]
    assert fragment in error["message"]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("math.abs(-3)", 3),
        ("math.abs(-3.5)", 3.5),
        ("math.abs(2)", 2),
        ("math.floor(2.7)", 2),
        ("math.floor(-2.1)", -3),
        ("math.floor(5)", 5),
        ("math.abs(-123)", 123),  # reference page example
        ("math.max(1, 2)", 2),
        ("math.max(2.5, 2)", 2.5),
        # Reference page: ints give an int, otherwise a double.
        ("math.max(123, -456.7)", 123.0),
        ("math.max(3, 3.0)", 3.0),
        ("math.min(1, 2)", 1),
        ("math.min(-1.5, 2)", -1.5),
        ("math.min(2, 7.5)", 2.0),
    ],
)
def test_math(source: str, expected: Any) -> None:
    result = ev(source)
    assert result == expected
    assert type(result) is type(expected)


@pytest.mark.parametrize(
    ("source", "tag", "fragment"),
    [
        ('math.abs("1")', "TypeError", "must be a number"),
        ("math.floor(null)", "TypeError", "got null"),
        ("math.max(1, true)", "TypeError", "argument 'y'"),
        ("math.min([], 1)", "TypeError", "argument 'x'"),
        ("math.sqrt(4)", "KeyError", "function not found: math.sqrt"),
        ("math.abs(-9223372036854775807 - 1)", "ValueError", "out of range"),
    ],
)
def test_math_errors(source: str, tag: str, fragment: str) -> None:
    error = ev_error(source)
    assert error["tags"] == [tag]
    assert fragment in error["message"]
