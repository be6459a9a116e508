"""Binary operators against Google's "Implicit data type conversions" tables, cell by cell.

Source: cloud.google.com/workflows/docs/reference/syntax/datatypes, section "Implicit data
type conversions" (rows = left operand, columns = right operand). Each test below is one
operator's table: every cell holds the value the expression must give, or ERROR for a
TypeError; the value's type is the table's result type (int = INTEGER, float = DOUBLE,
str = STRING, bool = BOOL).

Only the `+` table could be read from the page (the stored copies stop after it). Every
other table is marked NOT CONFIRMED with the behaviour chosen and why; when Google's
tables can be read, replace those cells with the documented ones.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.runtime.helpers import ev, ev_error
from workflow_runtime.expressions import type_name

ERROR = "ERROR"
TYPES = ("INTEGER", "DOUBLE", "STRING", "BOOL")
TYPE_OF = {int: "int", float: "double", str: "string", bool: "boolean"}

# One operand of each table type, written as expression literals. Left and right differ
# so that ordering and arithmetic give telling results (7 - 2, "a" < "b").
LEFT = {"INTEGER": "7", "DOUBLE": "2.5", "STRING": '"a"', "BOOL": "true"}
RIGHT = {"INTEGER": "2", "DOUBLE": "0.5", "STRING": '"b"', "BOOL": "false"}
# For `==` and `!=`: equal-looking operands, so that only the types decide.
SAME = {"INTEGER": "1", "DOUBLE": "1.0", "STRING": '"1"', "BOOL": "true"}


def cells(op: str, rows: list[tuple[Any, ...]], left=LEFT, right=RIGHT) -> list[Any]:
    """pytest params for every cell of a 4x4 table of expected values."""
    assert len(rows) == 4 and all(len(row) == 4 for row in rows)
    return [
        pytest.param(f"{left[lt]} {op} {right[rt]}", rows[i][j], id=f"{lt}{op}{rt}")
        for i, lt in enumerate(TYPES)
        for j, rt in enumerate(TYPES)
    ]


def check(source: str, expected: Any) -> None:
    if expected == ERROR:
        assert ev_error(source)["tags"] == ["TypeError"]
        return
    result = ev(source)
    assert type_name(result) == TYPE_OF[type(expected)]
    assert result == expected


# `+`: DOCUMENTED, every cell. Google's table:
#            INTEGER  DOUBLE  STRING  BOOL
#   INTEGER  INTEGER  DOUBLE  STRING  ERROR
#   DOUBLE   DOUBLE   DOUBLE  STRING  ERROR
#   STRING   STRING   STRING  STRING  STRING
#   BOOL     ERROR    ERROR   STRING  ERROR
# Numbers and booleans become text as string() writes them (2.5 -> "2.5", true -> "true").
PLUS = [
    (9, 7.5, "7b", ERROR),
    (4.5, 3.0, "2.5b", ERROR),
    ("a2", "a0.5", "ab", "afalse"),
    (ERROR, ERROR, "trueb", ERROR),
]


@pytest.mark.parametrize(("source", "expected"), cells("+", PLUS))
def test_plus(source: str, expected: Any) -> None:
    check(source, expected)


# `-`: NOT CONFIRMED. Chosen: numbers as for `+` (int op int is int, a double makes a
# double); strings and booleans are TypeErrors, since the page documents text conversion
# only for `+` (concatenation). Same choice for `*`, `//`, `%`.
MINUS = [
    (5, 6.5, ERROR, ERROR),
    (0.5, 2.0, ERROR, ERROR),
    (ERROR, ERROR, ERROR, ERROR),
    (ERROR, ERROR, ERROR, ERROR),
]


@pytest.mark.parametrize(("source", "expected"), cells("-", MINUS))
def test_minus(source: str, expected: Any) -> None:
    check(source, expected)


# `*`: NOT CONFIRMED (choice as for `-`; no `"a" * 3` repetition).
TIMES = [
    (14, 3.5, ERROR, ERROR),
    (5.0, 1.25, ERROR, ERROR),
    (ERROR, ERROR, ERROR, ERROR),
    (ERROR, ERROR, ERROR, ERROR),
]


@pytest.mark.parametrize(("source", "expected"), cells("*", TIMES))
def test_times(source: str, expected: Any) -> None:
    check(source, expected)


# `/`: NOT CONFIRMED. Chosen: always a double, int / int included, because the
# Expressions page lists `/` as "float division"; strings and booleans are TypeErrors.
DIVIDE = [
    (3.5, 14.0, ERROR, ERROR),
    (1.25, 5.0, ERROR, ERROR),
    (ERROR, ERROR, ERROR, ERROR),
    (ERROR, ERROR, ERROR, ERROR),
]


@pytest.mark.parametrize(("source", "expected"), cells("/", DIVIDE))
def test_divide(source: str, expected: Any) -> None:
    check(source, expected)


# `//`: NOT CONFIRMED (choice as for `-`): int // int is an int, a double makes a double.
FLOOR_DIVIDE = [
    (3, 14.0, ERROR, ERROR),
    (1.0, 5.0, ERROR, ERROR),
    (ERROR, ERROR, ERROR, ERROR),
    (ERROR, ERROR, ERROR, ERROR),
]


@pytest.mark.parametrize(("source", "expected"), cells("//", FLOOR_DIVIDE))
def test_floor_divide(source: str, expected: Any) -> None:
    check(source, expected)


# `%`: NOT CONFIRMED (choice as for `-`).
REMAINDER = [
    (1, 0.0, ERROR, ERROR),
    (0.5, 0.0, ERROR, ERROR),
    (ERROR, ERROR, ERROR, ERROR),
    (ERROR, ERROR, ERROR, ERROR),
]


@pytest.mark.parametrize(("source", "expected"), cells("%", REMAINDER))
def test_remainder(source: str, expected: Any) -> None:
    check(source, expected)


# `<`, `<=`, `>`, `>=`: NOT CONFIRMED. Chosen: numbers order with numbers (int against
# double by value), strings with strings; every other pair, booleans with booleans
# included, is a TypeError rather than a guessed order.
LESS = [
    (False, False, ERROR, ERROR),
    (False, False, ERROR, ERROR),
    (ERROR, ERROR, True, ERROR),
    (ERROR, ERROR, ERROR, ERROR),
]
LESS_EQUAL = LESS
GREATER = [
    (True, True, ERROR, ERROR),
    (True, True, ERROR, ERROR),
    (ERROR, ERROR, False, ERROR),
    (ERROR, ERROR, ERROR, ERROR),
]
GREATER_EQUAL = GREATER


@pytest.mark.parametrize(("source", "expected"), cells("<", LESS))
def test_less(source: str, expected: Any) -> None:
    check(source, expected)


@pytest.mark.parametrize(("source", "expected"), cells("<=", LESS_EQUAL))
def test_less_equal(source: str, expected: Any) -> None:
    check(source, expected)


@pytest.mark.parametrize(("source", "expected"), cells(">", GREATER))
def test_greater(source: str, expected: Any) -> None:
    check(source, expected)


@pytest.mark.parametrize(("source", "expected"), cells(">=", GREATER_EQUAL))
def test_greater_equal(source: str, expected: Any) -> None:
    check(source, expected)


def test_ordering_at_equality() -> None:
    # The tables above never hit equal operands; `<=` and `>=` must include them.
    assert ev("2 <= 2.0") is True and ev("2 < 2.0") is False
    assert ev('"a" >= "a"') is True and ev('"a" > "a"') is False


# `==`, `!=`: NOT CONFIRMED. Chosen: every pair compares (never an error); different
# types are unequal ("1" == 1 is false), except int and double, which compare by value.
EQUAL = [
    (True, True, False, False),
    (True, True, False, False),
    (False, False, True, False),
    (False, False, False, True),
]
NOT_EQUAL = [tuple(not cell for cell in row) for row in EQUAL]


@pytest.mark.parametrize(("source", "expected"), cells("==", EQUAL, SAME, SAME))
def test_equal(source: str, expected: Any) -> None:
    check(source, expected)


@pytest.mark.parametrize(("source", "expected"), cells("!=", NOT_EQUAL, SAME, SAME))
def test_not_equal(source: str, expected: Any) -> None:
    check(source, expected)


# `in`: NOT CONFIRMED. Chosen: the right side must be a list or a map (the `in()` helper
# "checks whether a given key is present in a list or map"), so a scalar right side is a
# TypeError, strings included (no substring test).
IN = [
    (ERROR, ERROR, ERROR, ERROR),
    (ERROR, ERROR, ERROR, ERROR),
    (ERROR, ERROR, ERROR, ERROR),
    (ERROR, ERROR, ERROR, ERROR),
]


@pytest.mark.parametrize(("source", "expected"), cells("in", IN))
def test_in(source: str, expected: Any) -> None:
    check(source, expected)


# Beyond the tables.


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # `+` is left-associative: numbers add until a string joins in.
        ('1 + 2 + "x"', "3x"),
        ('"x" + 1 + 2', "x12"),
        ('"x" + 0.1 + 0.2', "x0.10.2"),
        ('"n=" + -3', "n=-3"),
        ('"" + 2.0', "2.0"),
        ('"" + 1e21', "1e+21"),
        ('"" + 1e-7', "1e-07"),
        ('"id-" + (1 + 1)', "id-2"),
        ('false + ""', "false"),
    ],
)
def test_plus_converts_like_string(source: str, expected: str) -> None:
    assert ev(source) == expected


@pytest.mark.parametrize("value", [0, -5, 2**63 - 1, 0.1, 2.0, -0.0, 1e16, 1e-7, 1.5e300, True, False])
def test_plus_text_is_exactly_string(value: Any) -> None:
    # Concatenation and string() must never disagree on how a value is written.
    assert ev('"" + v', v=value) == ev("string(v)", v=value)
    assert ev('v + ""', v=value) == ev("string(v)", v=value)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        # Types outside the tables (null, list, map) stay errors for every arithmetic op.
        ('"a" + null', "string and null"),
        ("null + 1", "null and int"),
        ('"a" + [1]', "string and list"),
        ('{"k": 1} + "a"', "map and string"),
        ("[1] + [2]", "list and list"),
        ("true + 1", "boolean and int"),
        ('"a" - "b"', "string and string"),
        ("null < 1", "'<' not supported between null and int"),
    ],
)
def test_operands_outside_the_tables(source: str, message: str) -> None:
    error = ev_error(source)
    assert error["tags"] == ["TypeError"]
    assert message in error["message"]


@pytest.mark.parametrize(
    ("source", "tag"),
    [
        # Overflow in integer or double arithmetic is an error, never a wrapped or
        # infinite value (the page's sentence after the `+` table starts "In the case of
        # integer or double addition, overflow"; its end could not be read).
        ("big + 1", "ValueError"),
        ("-big - 2", "ValueError"),
        ("big * 2", "ValueError"),
        ("1.7e308 + 1.7e308", "ValueError"),
        ("-1.7e308 - 1.7e308", "ValueError"),
        ("1e308 * 10", "ValueError"),
        ("1e308 / 1e-308", "ValueError"),
        ("1e308 // 1e-308", "ValueError"),
    ],
)
def test_overflow_is_an_error(source: str, tag: str) -> None:
    assert ev_error(source, big=2**63 - 1)["tags"] == [tag]


def test_int_plus_double_rounds_once() -> None:
    # The DOUBLE cell: the int joins double arithmetic, the result is a double.
    assert ev("big + 0.0", big=2**63 - 1) == float(2**63)
    assert ev("big / 1", big=2**63 - 1) == float(2**63 - 1)
