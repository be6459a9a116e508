"""Tokenizing details the literal tests do not reach."""

from __future__ import annotations

import pytest

from tests.runtime.helpers import ev
from workflow_runtime.expressions import ExpressionSyntaxError, parse_expression


def test_a_double_may_start_with_its_point_anywhere_in_an_expression() -> None:
    # `.5` is a double at the start of an expression (test_expressions_syntax); it is one
    # after an operator, a bracket or a comma too.
    assert ev("1 + .5") == 1.5
    assert ev("[.5, -.25]") == [0.5, -0.25]


@pytest.mark.parametrize("source", ['"abc', '"abc\\'])
def test_an_unterminated_string_is_a_syntax_error(source: str) -> None:
    # A trailing backslash escapes nothing: the string is still unterminated.
    with pytest.raises(ExpressionSyntaxError) as caught:
        parse_expression(source)
    assert str(caught.value) == "unterminated string literal: add the closing '\"' (at character 0)"
