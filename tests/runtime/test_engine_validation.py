"""Malformed workflows are rejected before running, with file, line and step name."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from workflow_runtime import Runtime, WorkflowDefinitionError


def rejection(source: str) -> WorkflowDefinitionError:
    """The WorkflowDefinitionError raised when loading `source`."""
    with pytest.raises(WorkflowDefinitionError) as caught:
        Runtime().load(textwrap.dedent(source).lstrip("\n"))
    return caught.value


# Each case: (source, expected line, words the message must contain).
CASES = {
    "unknown step key": (
        """
        - a:
            assign:
              - x: 1
            retries: 3
        """,
        4,
        ["'a'", "unknown key 'retries'"],
    ),
    "two kinds in one step": (
        """
        - ok:
            return: 1
        - both:
            assign:
              - x: 1
            return: 2
        """,
        3,
        ["'both'", "two kinds"],
    ),
    "args without call": (
        """
        - a:
            assign:
              - x: 1
            args:
              y: 2
        """,
        4,
        ["'a'", "'args' without 'call'"],
    ),
    "next to an unknown step": (
        """
        - a:
            assign:
              - x: 1
        - b:
            next: nowhere
        """,
        5,
        ["'b'", "nowhere"],
    ),
    "next into nested steps": (
        """
        - a:
            next: inner
        - b:
            steps:
              - inner:
                  return: 1
        """,
        2,
        ["'a'", "inner"],
    ),
    "call to an unknown function": (
        """
        - a:
            assign:
              - x: 1
        - b:
            call: sys.sleeep
            args:
              seconds: 1
        """,
        5,
        ["'b'", "sys.sleeep"],
    ),
    "call to an undefined subworkflow": (
        """
        main:
          steps:
            - a:
                call: helper
        """,
        4,
        ["'a'", "helper"],
    ),
    "unknown argument of a function": (
        """
        - a:
            call: sys.sleep
            args:
              secs: 1
        """,
        2,
        ["'a'", "secs"],
    ),
    "missing required subworkflow argument": (
        """
        main:
          steps:
            - a:
                call: greet
                args:
                  first: x
        greet:
          params: [first, last]
          steps:
            - r:
                return: 1
        """,
        4,
        ["'a'", "last"],
    ),
    "unknown function in an expression": (
        """
        - a:
            assign:
              - x: 1
              - y: ${nope.nothing(x)}
        """,
        4,
        ["'a'", "nope.nothing"],
    ),
    "expression syntax error": (
        """
        - a:
            assign:
              - x: 1
        - b:
            return:
              ok: 1
              bad: ${1 +}
        """,
        7,
        ["'b'", "invalid expression"],
    ),
    "duplicate step names in a subworkflow": (
        """
        - a:
            assign:
              - x: 1
        - outer:
            steps:
              - a:
                  return: 2
        """,
        6,
        ["duplicate step name 'a'"],
    ),
    "break outside a loop": (
        """
        - a:
            next: break
        """,
        2,
        ["'a'", "break"],
    ),
    "jump out of a for loop": (
        """
        - loop:
            for:
              value: v
              in: [1]
              steps:
                - inside:
                    next: after
        - after:
            return: 1
        """,
        7,
        ["'inside'", "after"],
    ),
    "more than 50 assignments": (
        "- a:\n    assign:\n" + "".join(f"      - x{i}: {i}\n" for i in range(51)),
        2,
        ["'a'", "51 assignments"],
    ),
    "bad assignment target": (
        """
        - a:
            assign:
              - f(x): 1
        """,
        3,
        ["'a'", "assignment target"],
    ),
    "branch writes a parent variable that is not shared": (
        """
        - init:
            assign:
              - total: 0
        - par:
            parallel:
              branches:
                - b1:
                    steps:
                      - write:
                          assign:
                            - total: 1
        """,
        9,
        ["'write'", "total", "shared"],
    ),
    "shared variable not initialised before the parallel step": (
        """
        - par:
            parallel:
              shared: [results]
              branches:
                - b1:
                    steps:
                      - write:
                          assign:
                            - results: 1
        """,
        1,
        ["'par'", "results", "before"],
    ),
    "more than 10 branches": (
        "- par:\n    parallel:\n      branches:\n"
        + "".join(
            f"        - b{i}:\n            steps:\n              - s{i}:\n                  return: 1\n"
            for i in range(11)
        ),
        3,
        ["'par'", "11 branches"],
    ),
    "unsupported exception policy": (
        """
        - par:
            parallel:
              exception_policy: cancelAll
              branches:
                - b1:
                    steps:
                      - s:
                          return: 1
        """,
        3,
        ["'par'", "cancelAll"],
    ),
    "for with both in and range": (
        """
        - loop:
            for:
              value: v
              in: [1]
              range: [1, 2]
              steps:
                - s:
                    return: 1
        """,
        2,
        ["'loop'", "exactly one of 'in' and 'range'"],
    ),
    "retry without max_retries": (
        """
        - t:
            try:
              call: sys.now
            retry:
              predicate: ${retry.always}
        """,
        4,
        ["'t'", "max_retries"],
    ),
    "except without steps": (
        """
        - t:
            try:
              call: sys.now
            except:
              as: e
        """,
        4,
        ["'t'", "'except' needs 'steps'"],
    ),
    "invalid YAML": (
        """
        - a:
            assign:
              - x: [1, 2
        - b:
            return: 1
        """,
        4,
        ["invalid YAML"],
    ),
    "map of subworkflows without main": (
        """
        helper:
          steps:
            - a:
                return: 1
        """,
        1,
        ["no 'main'"],
    ),
    "duplicate key": (
        """
        - a:
            assign:
              - x: 1
            assign:
              - y: 2
        """,
        4,
        ["duplicate key 'assign'"],
    ),
    "switch condition without action": (
        """
        - s:
            switch:
              - condition: true
        """,
        3,
        ["'s'", "action"],
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_rejected_with_line_and_step(case: str) -> None:
    source, line, words = CASES[case]
    error = rejection(source)
    assert error.line == line, str(error)
    for word in words:
        assert word in error.message, str(error)


def test_error_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("- a:\n    next: nowhere\n", encoding="utf-8")
    with pytest.raises(WorkflowDefinitionError) as caught:
        Runtime().load(path)
    assert str(caught.value).startswith(f"{path}:2: ")


def test_json_workflows_load_and_report_lines(tmp_path: Path) -> None:
    good = tmp_path / "good.json"
    good.write_text('[{"a": {"assign": [{"x": 2}]}}, {"b": {"return": "${x * 21}"}}]')
    assert Runtime().run(good).result == 42
    bad = tmp_path / "bad.json"
    bad.write_text('[\n  {"a": {"assign": [{"x": 2}]}},\n  {"b": {"next": "zzz"}}\n]\n')
    with pytest.raises(WorkflowDefinitionError) as caught:
        Runtime().load(bad)
    assert caught.value.line == 3


def test_json_indented_with_tabs_loads(tmp_path: Path) -> None:
    path = tmp_path / "tabs.json"
    path.write_text('[\n\t{"a": {\n\t\t"return": "${1 + 1}"\n\t}}\n]\n', encoding="utf-8")
    assert Runtime().run(path).result == 2


def test_a_valid_workflow_with_every_construct_loads() -> None:
    workflow = Runtime().load(
        textwrap.dedent(
            """
            main:
              params: [args]
              steps:
                - init:
                    assign:
                      - items: [1, 2]
                      - acc: []
                - loop:
                    for:
                      value: v
                      in: ${items}
                      steps:
                        - add:
                            assign:
                              - acc: ${list.concat(acc, v)}
                - par:
                    parallel:
                      shared: [acc]
                      branches:
                        - one:
                            steps:
                              - w:
                                  assign:
                                    - acc: ${list.concat(acc, 3)}
                - guarded:
                    try:
                      call: helper
                      args:
                        x: 1
                      result: r
                    retry: ${http.default_retry}
                    except:
                      as: e
                      steps:
                        - fail:
                            raise: ${e}
                - done:
                    return: ${r}
            helper:
              params: [x, y: 2]
              steps:
                - r:
                    return: ${x + y}
            """
        )
    )
    assert set(workflow.subworkflows) == {"main", "helper"}


def test_a_branch_may_create_names_that_are_only_assigned_after_the_parallel_step() -> None:
    workflow = textwrap.dedent(
        """
        - par:
            parallel:
              branches:
                - b1:
                    steps:
                      - local:
                          assign:
                            - tmp: 1
        - later:
            assign:
              - tmp: 2
        - done:
            return: ${tmp}
        """
    )
    assert Runtime().run(workflow).result == 2


# --- expression length --------------------------------------------------------------------


def _with_expression(length: int) -> str:
    """A workflow whose `greeting` value is one `${...}` of `length` characters, at line 5."""
    expression = '${"' + "a" * (length - 5) + '"}'
    assert len(expression) == length
    return textwrap.dedent(
        f"""
        - a:
            return:
              n: 1
              greeting: '{expression}'
        """
    ).lstrip("\n")


def test_an_expression_at_the_length_limit_loads() -> None:
    limit = Runtime().limits.max_expression_length
    assert limit == 400
    assert Runtime().run(_with_expression(limit)).result["greeting"] == "a" * (limit - 5)


def test_an_expression_one_over_the_length_limit_is_rejected_at_its_line() -> None:
    error = rejection(_with_expression(401))
    assert error.line == 4
    assert "step 'a'" in error.message
    assert "401 characters" in error.message
    assert "limit of 400" in error.message


def test_the_length_limit_covers_map_keys_and_nested_values() -> None:
    long = "${" + "x" * 399 + "}"
    error = rejection(
        f"""
        - a:
            assign:
              - m:
                  ok: 1
                  '{long}': 2
        """
    )
    assert error.line == 5
    error = rejection(
        f"""
        - a:
            switch:
              - condition: ${{true}}
                next: b
              - condition: '{long}'
                next: b
        - b:
            return: 1
        """
    )
    assert error.line == 5
