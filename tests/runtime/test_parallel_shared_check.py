"""The load-time check of what a parallel branch or iteration may write.

Google's parallel steps page ("Shared variables") and its shared-variables sample: a
variable of the enclosing scope may be assigned inside a branch or iteration only if the
parallel step lists it in `shared`, and a shared variable must exist before the step.
"Before" is source order, which is not line order: a JSON source may be on one line.
"""

from __future__ import annotations

import json
import textwrap

import pytest

from workflow_runtime import Runtime, WorkflowDefinitionError


def _one_line_json(shared: list[str]) -> str:
    """init assigns total; a parallel step (sharing `shared`) writes it; done returns it."""
    branch = {"b": {"steps": [{"w": {"assign": [{"total": 1}]}}]}}
    parallel: dict[str, object] = {"branches": [branch]}
    if shared:
        parallel["shared"] = shared
    steps = [
        {"init": {"assign": [{"total": 0}]}},
        {"par": {"parallel": parallel}},
        {"done": {"return": "${total}"}},
    ]
    return json.dumps(steps) + "\n"


def test_a_one_line_json_source_may_share_a_variable_assigned_before_the_step() -> None:
    assert Runtime().run(_one_line_json(["total"])).result == 1


def test_a_one_line_json_branch_writing_an_unshared_variable_is_refused() -> None:
    with pytest.raises(WorkflowDefinitionError) as caught:
        Runtime().load(_one_line_json([]))
    assert (caught.value.line, caught.value.message) == (
        1,
        "step 'w': assigns 'total', a variable of the enclosing scope; add it to 'shared' of "
        "parallel step 'par'",
    )


def _load(source: str) -> None:
    Runtime().load(textwrap.dedent(source).lstrip("\n"))


def test_a_branch_writing_a_param_needs_it_shared() -> None:
    source = """
        main:
          params: [args]
          steps:
            - par:
                parallel:
                  branches:
                    - b:
                        steps:
                          - w:
                              assign:
                                - args: 1
        """
    with pytest.raises(WorkflowDefinitionError) as caught:
        _load(source)
    assert caught.value.line == 9
    assert "assigns 'args'" in caught.value.message
    _load(source.replace("parallel:\n", "parallel:\n                  shared: [args]\n"))


def test_an_iteration_may_write_its_own_value_and_index_even_if_the_scope_has_them() -> None:
    # The loop's value and index are the iteration's own (variables reference, "Variable
    # scope": a for loop's variables are local to it), whatever the enclosing scope holds.
    _load(
        """
        - init:
            assign:
              - v: 0
              - i: 0
        - par:
            parallel:
              for:
                value: v
                index: i
                in: [1, 2]
                steps:
                  - w:
                      assign:
                        - v: ${v + 1}
                        - i: ${i + 1}
        """
    )


WRITES_BY_KIND = {
    "call result": "- w:\n    call: sys.now\n    result: total\n",
    "call result in a try body": (
        "- w:\n    try:\n      call: sys.now\n      result: total\n    retry: ${http.default_retry}\n"
    ),
    "assign in an except block": (
        "- t:\n    try:\n      call: sys.now\n    except:\n      as: e\n      steps:\n"
        "        - w:\n            assign:\n              - total: 1\n"
    ),
    "except as": (
        "- w:\n    try:\n      call: sys.now\n    except:\n      as: total\n"
        "      steps:\n        - s:\n            return: 1\n"
    ),
}


@pytest.mark.parametrize("kind", sorted(WRITES_BY_KIND))
def test_a_result_or_except_variable_counts_as_a_write(kind: str) -> None:
    branch_steps = textwrap.indent(WRITES_BY_KIND[kind], " " * 12)
    source = "- init:\n    assign:\n      - total: 0\n- par:\n    parallel:\n      branches:\n"
    source += "        - b:\n            steps:\n" + branch_steps
    with pytest.raises(WorkflowDefinitionError) as caught:
        Runtime().load(source)
    assert (caught.value.line, caught.value.message) == (
        {"assign in an except block": 15, "call result in a try body": 10}.get(kind, 9),
        "step 'w': assigns 'total', a variable of the enclosing scope; add it to 'shared' of "
        "parallel step 'par'",
    )
