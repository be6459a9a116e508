"""What a `for` loop may iterate over, and the errors for anything else.

Google's iteration page (workflows/docs/reference/syntax/iteration): `in` takes a list
(iterate a map's keys with `keys(map)`), `range` a list of two numbers, both ends
included.
"""

from __future__ import annotations

import pytest

from tests.runtime.helpers import result_of, run_error

LOOP = """
- init:
    assign:
      - seen: []
- loop:
    for:
      value: v
      KIND: '${ITEMS}'
      steps:
        - keep:
            assign:
              - seen: ${list.concat(seen, v)}
- out:
    return: ${seen}
"""


def _loop(kind: str, items: str) -> str:
    return LOOP.replace("KIND", kind).replace("ITEMS", items)


def test_in_over_a_map_is_a_type_error_pointing_at_keys() -> None:
    assert run_error(_loop("in", '{"a": 1}')) == {
        "tags": ["TypeError"],
        "message": "for: 'in' must be a list, got map (use keys(map) for a map)",
    }


def test_a_range_is_inclusive_of_both_ends() -> None:
    assert result_of(_loop("range", "[2, 5]")) == [2, 3, 4, 5]


@pytest.mark.parametrize("bounds", ["5", "[1, 2, 3]", "[1]", '["a", 3]', "[true, 3]", "[1, null]"])
def test_a_range_that_is_not_two_numbers_is_a_type_error(bounds: str) -> None:
    assert run_error(_loop("range", bounds)) == {
        "tags": ["TypeError"],
        "message": "for: 'range' must be [start, end] of numbers",
    }
