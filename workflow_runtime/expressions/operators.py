"""Binary operators as data: Google's "Implicit data type conversions" tables.

Source: cloud.google.com/workflows/docs/reference/syntax/datatypes (section "Implicit data
type conversions"): one table per operator giving the result type for each pair of
operand types, rows = left operand, columns = right operand. Each table below is written
the way the page writes it, and `binary_op` does exactly what the cell says:

- INTEGER: integer arithmetic, 64-bit checked (ValueError when the result does not fit);
- DOUBLE: floating-point arithmetic (ValueError when the result is not finite);
- STRING: concatenation, numbers and booleans converted as `string()` converts them;
- BOOL: a comparison result;
- ERROR: a TypeError.

Only the `+` table could be read from Google's page (see CONFIRMED). The other tables
are the behaviour this runtime chose where the page could not be read; each says why.
Operands of other types (null, list, map, bytes, functions) are outside the tables:
`==`, `!=` compare them, `in` searches lists and maps, every other operator rejects them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from workflow_runtime.errors import make_error
from workflow_runtime.expressions.values import (
    check_double,
    check_int,
    format_scalar,
    is_int,
    type_error,
    type_name,
    values_equal,
)

INTEGER, DOUBLE, STRING, BOOL, ERROR = "INTEGER", "DOUBLE", "STRING", "BOOL", "ERROR"
TYPES = (INTEGER, DOUBLE, STRING, BOOL)

Table = dict[tuple[str, str], str]


def _table(text: str) -> Table:
    """Read a table laid out like Google's: a header of right types, then one row per left."""
    header, *rows = (line.split() for line in text.strip().splitlines())
    if tuple(header) != TYPES:
        raise ValueError(f"table header must be {TYPES}, got {header}")
    table: Table = {}
    for left, *cells in rows:
        if left not in TYPES or len(cells) != len(TYPES):
            raise ValueError(f"bad table row: {left} {cells}")
        for right, cell in zip(TYPES, cells, strict=True):
            if cell not in (*TYPES, ERROR):
                raise ValueError(f"bad table cell: {cell}")
            table[(left, right)] = cell
    if len(table) != len(TYPES) ** 2:
        raise ValueError("table must have one row per type")
    return table


# Documented (Google's table, quoted cell for cell).
_ADD = _table("""
            INTEGER  DOUBLE  STRING  BOOL
    INTEGER INTEGER  DOUBLE  STRING  ERROR
    DOUBLE  DOUBLE   DOUBLE  STRING  ERROR
    STRING  STRING   STRING  STRING  STRING
    BOOL    ERROR    ERROR   STRING  ERROR
""")

# NOT CONFIRMED: `-`, `*`, `//`, `%`. Chosen: the numeric cells follow the documented `+`
# table (int with int stays int, a double makes a double); strings and booleans stay
# errors, as they were here before, because the only text conversion documented is `+`
# (the Expressions page: "+: arithmetic addition and string concatenation"), and guessing
# `"a" * 3` repetition or boolean arithmetic would accept workflows Google may reject.
_ARITHMETIC = _table("""
            INTEGER  DOUBLE  STRING  BOOL
    INTEGER INTEGER  DOUBLE  ERROR   ERROR
    DOUBLE  DOUBLE   DOUBLE  ERROR   ERROR
    STRING  ERROR    ERROR   ERROR   ERROR
    BOOL    ERROR    ERROR   ERROR   ERROR
""")

# NOT CONFIRMED: `/`. Chosen: always a double, as the Expressions page documents `/` as
# "float division"; strings and booleans are errors (see above).
_DIVIDE = _table("""
            INTEGER  DOUBLE  STRING  BOOL
    INTEGER DOUBLE   DOUBLE  ERROR   ERROR
    DOUBLE  DOUBLE   DOUBLE  ERROR   ERROR
    STRING  ERROR    ERROR   ERROR   ERROR
    BOOL    ERROR    ERROR   ERROR   ERROR
""")

# NOT CONFIRMED: `<`, `<=`, `>`, `>=`. Chosen: numbers order with numbers (1 < 1.5) and
# strings with strings (code-point order); any other pair, booleans included, is an
# error rather than a guessed order.
_ORDER = _table("""
            INTEGER  DOUBLE  STRING  BOOL
    INTEGER BOOL     BOOL    ERROR   ERROR
    DOUBLE  BOOL     BOOL    ERROR   ERROR
    STRING  ERROR    ERROR   BOOL    ERROR
    BOOL    ERROR    ERROR   ERROR   ERROR
""")

# NOT CONFIRMED: `==`, `!=`. Chosen: any two values can be compared for equality; values
# of different types are unequal, except an int and a double, which compare by value.
_EQUALITY = _table("""
            INTEGER  DOUBLE  STRING  BOOL
    INTEGER BOOL     BOOL    BOOL    BOOL
    DOUBLE  BOOL     BOOL    BOOL    BOOL
    STRING  BOOL     BOOL    BOOL    BOOL
    BOOL    BOOL     BOOL    BOOL    BOOL
""")

# NOT CONFIRMED: `in`. Chosen: membership needs a list or a map on the right (Google's
# `in()` helper "checks whether a given key is present in a list or map"), so every
# scalar right operand is an error; lists and maps are handled before the table.
_IN = _table("""
            INTEGER  DOUBLE  STRING  BOOL
    INTEGER ERROR    ERROR   ERROR   ERROR
    DOUBLE  ERROR    ERROR   ERROR   ERROR
    STRING  ERROR    ERROR   ERROR   ERROR
    BOOL    ERROR    ERROR   ERROR   ERROR
""")

TABLES: dict[str, Table] = {
    "+": _ADD,
    "-": _ARITHMETIC,
    "*": _ARITHMETIC,
    "/": _DIVIDE,
    "//": _ARITHMETIC,
    "%": _ARITHMETIC,
    "<": _ORDER,
    "<=": _ORDER,
    ">": _ORDER,
    ">=": _ORDER,
    "==": _EQUALITY,
    "!=": _EQUALITY,
    "in": _IN,
}

# Operators whose table was read from Google's page; the others are this runtime's choice.
CONFIRMED = frozenset({"+"})


def table_type(value: Any) -> str | None:
    """The table type of a value (INTEGER, DOUBLE, STRING, BOOL), None for other types."""
    if isinstance(value, bool):
        return BOOL
    if is_int(value):
        return INTEGER
    if isinstance(value, float):
        return DOUBLE
    if isinstance(value, str):
        return STRING
    return None


def to_text(value: Any) -> str:
    """A STRING cell's conversion: what `string()` returns for the value."""
    return format_scalar(value)


def _zero_check(op: str, right: Any) -> None:
    if op in ("/", "//", "%") and right == 0:
        message = "division by zero" if op == "/" else "integer division or modulo by zero"
        raise make_error("ZeroDivisionError", message)


# How each arithmetic operator computes, in integers and in doubles. Python's `//` and `%`
# floor, as Workflows' "floor division" does. Int `/` int divides exactly before rounding.
_INTEGER_OPS: dict[str, Callable[[int, int], int]] = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "//": lambda a, b: a // b,
    "%": lambda a, b: a % b,
}
_DOUBLE_OPS: dict[str, Callable[[Any, Any], float]] = {
    "+": lambda a, b: float(a + b),
    "-": lambda a, b: float(a - b),
    "*": lambda a, b: float(a * b),
    "/": lambda a, b: float(a / b),
    "//": lambda a, b: float(a // b),
    "%": lambda a, b: float(a % b),
}
_ORDERINGS: dict[str, Callable[[Any, Any], bool]] = {
    "<": lambda a, b: bool(a < b),
    "<=": lambda a, b: bool(a <= b),
    ">": lambda a, b: bool(a > b),
    ">=": lambda a, b: bool(a >= b),
}


# Both bind `compute` (and `op`) as default arguments, not closure cells: these run for
# every int-int operation, and a local read is the cheaper one.
def _range_checked(compute: Callable[[int, int], int]) -> Callable[[int, int], int]:
    """`compute`, with its result held to the int64 range."""

    def checked(a: int, b: int, compute: Callable[[int, int], int] = compute) -> int:
        return check_int(compute(a, b))

    return checked


def _zero_and_range_checked(op: str, compute: Callable[[int, int], int]) -> Callable[[int, int], int]:
    """`compute` for `//` and `%`: a zero divisor raises ZeroDivisionError first."""

    def divide(a: int, b: int, op: str = op, compute: Callable[[int, int], int] = compute) -> int:
        if b == 0:
            _zero_check(op, b)
        return check_int(compute(a, b))

    return divide


def _int_pair_shortcuts() -> dict[str, Callable[[int, int], Any]]:
    """The operators whose (INTEGER, INTEGER) cell needs no check but int64 range, read
    from the tables (so they cannot disagree): the hot path of loops and counters."""
    shortcuts: dict[str, Callable[[int, int], Any]] = {
        # Two ints are equal exactly when Python says so (values_equal agrees).
        "==": lambda a, b: a == b,
        "!=": lambda a, b: a != b,
    }
    for op, table in TABLES.items():
        cell = table[(INTEGER, INTEGER)]
        if cell == INTEGER and op in ("+", "-", "*"):
            shortcuts[op] = _range_checked(_INTEGER_OPS[op])
        elif cell == INTEGER and op in ("//", "%"):
            shortcuts[op] = _zero_and_range_checked(op, _INTEGER_OPS[op])
        elif cell == BOOL and op in _ORDERINGS:
            shortcuts[op] = _ORDERINGS[op]
    return shortcuts


def binary_op(op: str, left: Any, right: Any) -> Any:
    """Apply a non-logical binary operator to two evaluated values, by its table."""
    if type(left) is int and type(right) is int and op in _INT_PAIR_SHORTCUTS:
        return _INT_PAIR_SHORTCUTS[op](left, right)
    if op in ("==", "!="):
        equal = values_equal(left, right)
        return equal if op == "==" else not equal
    if op == "in" and isinstance(right, (list, dict)):
        return _contains(left, right)
    left_type, right_type = table_type(left), table_type(right)
    cell = ERROR
    if left_type is not None and right_type is not None:
        cell = TABLES[op][(left_type, right_type)]
    if cell == ERROR:
        raise _operand_error(op, left, right)
    if cell == STRING:
        return to_text(left) + to_text(right)
    if cell == BOOL:
        return _ORDERINGS[op](left, right)
    _zero_check(op, right)
    if cell == INTEGER:
        return check_int(_INTEGER_OPS[op](left, right))
    return check_double(_DOUBLE_OPS[op](left, right))


_INT_PAIR_SHORTCUTS = _int_pair_shortcuts()


def _contains(item: Any, container: list[Any] | dict[str, Any]) -> bool:
    if isinstance(container, list):
        return any(values_equal(item, element) for element in container)
    return isinstance(item, str) and item in container


def _operand_error(op: str, left: Any, right: Any) -> Exception:
    pair = f"{type_name(left)} and {type_name(right)}"
    if op == "in":
        return type_error(f"'in' needs a list or a map on its right, got {type_name(right)}")
    if op in _ORDERINGS:
        return make_error(
            "TypeError",
            f"'{op}' not supported between {pair}: "
            "only numbers with numbers and strings with strings can be ordered",
        )
    return type_error(f"unsupported operand types for '{op}': {pair}")
