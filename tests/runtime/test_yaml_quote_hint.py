"""A YAML error caused by an unquoted `${...}` says to quote it; other YAML errors do not.

Google reads sources as standard YAML (expressions reference, "Important" note: an
unquoted expression with a colon can be read as a map; write `'${"foo: " + myVar}'`), so
the runtime refuses what PyYAML refuses, at PyYAML's line. The hint is added when that
line, or the line before it (where PyYAML often points), holds a `${` outside quotes.
"""

from __future__ import annotations

import pytest

from workflow_runtime.engine.loader import parse_document
from workflow_runtime.errors import WorkflowDefinitionError

HINT = (
    "quote a ${...} that contains ': ' or ' #', and any ${...} written inside [...] or "
    "{...}: write '${\"foo: \" + myVar}' (Google's expressions reference)"
)

# name -> (source, line of PyYAML's error, whether the message carries the quoting hint)
CASES: dict[str, tuple[str, int, bool]] = {
    "no expression anywhere": ("- a:\n    assign:\n      - x: [1, 2\n- b:\n    return: 1\n", 4, False),
    "expression on the first line": ("{k: ${x}}\n", 1, True),
    "expression at the start of the line": ("- a:\n    return: [1,\n${x}]\n", 3, True),
    "two single quotes before the expression": ("- a:\n    assign:\n      - m: {a: 'x', k: ${b}}\n", 3, True),
    "two double quotes before the expression": ('- a:\n    assign:\n      - m: {a: "x", k: ${b}}\n', 3, True),
    "a quoted then an unquoted expression": ("- a:\n    assign:\n      - m: ['${a}', ${b}]\n", 3, True),
    "only an expression in single quotes": ("- a:\n    assign:\n      - m: {k: '${b}', j: [}\n", 3, False),
    "only an expression in double quotes": ('- a:\n    assign:\n      - m: {k: "${b}", j: [}\n', 3, False),
    "unquoted expression on the line before": (
        "- a:\n    assign:\n      - m: ${x}\n      - n: [1, }\n",
        4,
        True,
    ),
    "unquoted expression only on the line after": (
        "- a:\n    assign:\n      - m: [1, }\n      - n: ${x}\n",
        3,
        False,
    ),
    "unquoted expression two lines before": (
        "- a:\n    return: ${x}\n    assign:\n      - n: [1, }\n",
        4,
        False,
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_quoting_hint_appears_exactly_when_an_unquoted_expression_is_at_the_error(case: str) -> None:
    source, line, hinted = CASES[case]
    with pytest.raises(WorkflowDefinitionError) as caught:
        parse_document("wf.yaml", source)
    error = caught.value
    assert (error.file, error.line) == ("wf.yaml", line)
    assert error.message.startswith("invalid YAML/JSON: ")
    assert error.message.endswith(f"; {HINT}") is hinted
