"""Tokenizing details the literal tests do not reach."""

from __future__ import annotations

from tests.runtime.helpers import ev


def test_a_double_may_start_with_its_point_anywhere_in_an_expression() -> None:
    # `.5` is a double at the start of an expression (test_expressions_syntax); it is one
    # after an operator, a bracket or a comma too.
    assert ev("1 + .5") == 1.5
    assert ev("[.5, -.25]") == [0.5, -0.25]
