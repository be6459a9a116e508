"""How operators.py builds its tables and its int-int fast path, called directly.

`_table` and `_int_pair_shortcuts` run once, when operators.py is imported; the tests of
test_expressions_operators.py only see their results. These call them again, so that a
table laid out wrongly is refused with a message naming the fault, and so that the fast
path for two ints agrees with the generic, table-driven path on every operator, at the
int64 limits and with a zero divisor included.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from tests.runtime.helpers import ev_error
from workflow_runtime.errors import WorkflowError
from workflow_runtime.expressions import operators
from workflow_runtime.expressions.values import INT64_MAX, INT64_MIN

HEADER = "        INTEGER DOUBLE STRING BOOL"
ROWS = {
    "INTEGER": "INTEGER INTEGER  DOUBLE  STRING  ERROR",
    "DOUBLE": "DOUBLE  DOUBLE   DOUBLE  STRING  ERROR",
    "STRING": "STRING  STRING   STRING  STRING  STRING",
    "BOOL": "BOOL    ERROR    ERROR   STRING  ERROR",
}


def layout(header: str = HEADER, rows: list[str] | None = None) -> str:
    """A table text as operators.py writes one (Google's `+` table by default)."""
    return "\n".join([header, *(list(ROWS.values()) if rows is None else rows)])


def test_a_table_is_read_cell_by_cell() -> None:
    table = operators._table(layout())
    assert table == operators._ADD
    assert len(table) == 16
    assert table[("INTEGER", "DOUBLE")] == "DOUBLE"
    assert table[("BOOL", "STRING")] == "STRING"
    assert table[("DOUBLE", "BOOL")] == "ERROR"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            layout(header="        INTEGER DOUBLE BOOL STRING"),
            "table header must be ('INTEGER', 'DOUBLE', 'STRING', 'BOOL'), "
            "got ['INTEGER', 'DOUBLE', 'BOOL', 'STRING']",
        ),
        (
            layout(rows=[*ROWS.values(), "FLOAT DOUBLE DOUBLE STRING ERROR"]),
            "bad table row: FLOAT ['DOUBLE', 'DOUBLE', 'STRING', 'ERROR']",
        ),
        (
            layout(rows=[ROWS["INTEGER"], ROWS["DOUBLE"], ROWS["STRING"], "BOOL ERROR ERROR"]),
            "bad table row: BOOL ['ERROR', 'ERROR']",
        ),
        (
            layout(rows=[ROWS["INTEGER"], ROWS["DOUBLE"], ROWS["STRING"], "BOOL ERROR ERROR STRING NUMBER"]),
            "bad table cell: NUMBER",
        ),
        (
            layout(rows=[ROWS["INTEGER"], ROWS["DOUBLE"], ROWS["STRING"]]),
            "table must have one row per type",
        ),
        (
            layout(rows=[ROWS["INTEGER"], ROWS["DOUBLE"], ROWS["STRING"], ROWS["STRING"]]),
            "table must have one row per type",
        ),
    ],
    ids=["header", "unknown-row-type", "short-row", "unknown-cell", "missing-row", "duplicate-row"],
)
def test_a_malformed_table_is_refused(text: str, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        operators._table(text)
    assert str(caught.value) == message


# int64 limits, their neighbours, zero and small values of both signs.
SAMPLE_INTS = (0, 1, -1, 2, -2, 7, -7, 2**32, INT64_MAX, INT64_MAX - 1, INT64_MIN, INT64_MIN + 1)


def outcome(op: str, left: int, right: int) -> tuple[Any, ...]:
    """What `left op right` gives through binary_op: its value and type, or its error."""
    try:
        value = operators.binary_op(op, left, right)
    except WorkflowError as error:
        return ("error", error.value["tags"], error.value["message"])
    return ("value", type(value), value)


def test_the_int_pair_fast_path_covers_every_int_operator_but_division_and_in() -> None:
    # `/` always makes a double and `in` always fails on ints: both go through the tables.
    shortcuts = operators._int_pair_shortcuts()
    assert set(shortcuts) == set(operators.TABLES) - {"/", "in"}


@pytest.mark.parametrize("op", sorted(operators.TABLES))
def test_the_int_pair_fast_path_agrees_with_the_tables(op: str, monkeypatch: pytest.MonkeyPatch) -> None:
    pairs = list(itertools.product(SAMPLE_INTS, repeat=2))
    monkeypatch.setattr(operators, "_INT_PAIR_SHORTCUTS", operators._int_pair_shortcuts())
    fast = [outcome(op, left, right) for left, right in pairs]
    monkeypatch.setattr(operators, "_INT_PAIR_SHORTCUTS", {})
    generic = [outcome(op, left, right) for left, right in pairs]
    assert fast == generic
    # The samples reach each kind of result the table allows for this operator.
    kinds = {result[0] if result[0] == "error" else result[1] for result in generic}
    expected_kinds = {
        "INTEGER": {int, "error"},  # overflow, or a zero divisor for // and %
        "DOUBLE": {float, "error"},
        "BOOL": {bool},
        "ERROR": {"error"},
    }[operators.TABLES[op][("INTEGER", "INTEGER")]]
    if op in ("+", "-", "*", "//", "%", "/"):
        assert kinds == expected_kinds
    else:
        assert kinds <= expected_kinds


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("1 / 0", "division by zero"),
        ("1.5 / 0", "division by zero"),
        ("1 // 0", "integer division or modulo by zero"),
        ("1 % 0", "integer division or modulo by zero"),
    ],
)
def test_division_by_zero_messages(source: str, message: str) -> None:
    error = ev_error(source)
    assert error["tags"] == ["ZeroDivisionError"]
    assert error["message"] == message
