"""Assigning into maps and lists (`m.k: v`, `l[i]: v`): what each bad target raises.

Google's variables reference ("Assign variables", "Update a list/map"): a map key is a
string, a list index an integer within the list; a missing map key is created.
"""

from __future__ import annotations

import pytest

from tests.runtime.helpers import result_of, run_error

SETUP = """
main:
  steps:
    - init:
        assign:
          - m: {"a": {"b": 1}}
          - l: [10, 20, 30]
          - n: 5
    - write:
        assign:
          - TARGET: 1
    - out:
        return: ${[m, l]}
sub:
  steps:
    - r:
        return: 1
"""


def _write(target: str) -> str:
    return SETUP.replace("TARGET", target)


def test_an_index_at_the_end_of_a_list_is_an_index_error() -> None:
    assert run_error(_write("l[3]")) == {
        "tags": ["IndexError"],
        "message": "list index 3 out of range (list has 3 elements)",
    }
    assert result_of(_write("l[2]"))[1] == [10, 20, 1]


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ('l["x"]', "list index must be an int, got string"),
        ("l[true]", "list index must be an int, got boolean"),
        ("m[1]", "map key must be a string, got int"),
        ("m[1].c", "map key must be a string, got int"),
        ("n.c.d", "cannot index a int"),
        ("n.c", "cannot assign into a int"),
    ],
)
def test_a_mistyped_key_or_container_is_a_type_error(target: str, message: str) -> None:
    assert run_error(_write(target)) == {"tags": ["TypeError"], "message": message}


def test_a_subworkflow_name_is_not_a_variable_to_assign_into() -> None:
    # `sub` reads as a function value in expressions, but holds nothing to write into.
    assert run_error(_write("sub.x")) == {"tags": ["KeyError"], "message": "variable not found: sub"}
