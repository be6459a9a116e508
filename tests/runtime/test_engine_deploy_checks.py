"""What Google refuses at deploy time is refused at load time, and what it accepts loads.

Sources: the expressions reference ("Important" note on colons), the syntax cheat sheet,
the variables reference ("Variable scope"), the catching-errors page ("Variable scope"),
the parallel steps page and its shared-variables sample, the troubleshooting page
("Deployment errors"), and Google's workflows JSON schema (connector call names).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tests.runtime.helpers import result_of, run
from workflow_runtime import Runtime, WorkflowDefinitionError
from workflow_runtime.cli import main
from workflow_runtime.errors import UnemulatedConnectorError
from workflow_runtime.fakes import Services

CORPUS = Path(__file__).resolve().parent / "corpus"


def rejection(source: str) -> WorkflowDefinitionError:
    """The WorkflowDefinitionError raised when loading `source` (dedented, first line 1)."""
    with pytest.raises(WorkflowDefinitionError) as caught:
        Runtime().load(textwrap.dedent(source).lstrip("\n"))
    return caught.value


def loads(source: str) -> None:
    """Load `source` (dedented); fails the test if it is refused."""
    Runtime().load(textwrap.dedent(source).lstrip("\n"))


# --- YAML is read as standard YAML ------------------------------------------------------

# (source, line of PyYAML's error): unquoted expressions that standard YAML reads as a map
# or refuses. Google's expressions reference: "expressions containing colons can cause
# unexpected behaviour when the colon is interpreted as defining a map".
UNQUOTED = {
    "colon in a block value": ('- a:\n    assign:\n      - msg: ${"foo: " + "x"}\n', 3),
    "expression in a flow list": ('- a:\n    call: sys.log\n    args: [${"x"}, "ERROR"]\n', 3),
    "expression in a flow map": ("- a:\n    assign:\n      - m: {k: ${1 + 1}}\n", 3),
    "map literal expression": ('- a:\n    assign:\n      - x: 1\n- b:\n    return: ${{"k": 1}}\n', 5),
}


@pytest.mark.parametrize("case", sorted(UNQUOTED))
def test_unquoted_expressions_standard_yaml_refuses_are_refused_at_pyyamls_line(case: str) -> None:
    source, line = UNQUOTED[case]
    with pytest.raises(WorkflowDefinitionError) as caught:
        Runtime().load(source)
    assert caught.value.line == line
    assert caught.value.message.startswith("invalid YAML/JSON: ")
    assert "quote" in caught.value.message  # says how to fix it


def test_the_quoted_forms_google_recommends_load_and_evaluate() -> None:
    # Expressions reference: `'${"foo: " + myVar}'`; cheat sheet: `'${"a: " +my_string}'`.
    assert result_of(
        """
        - a:
            assign:
              - myVar: bar
              - my_string: b
              - recommended: '${"foo: " + myVar}'
              - string_escaped: '${"a: " +my_string}'
              - in_flow: ['${1 + 1}', "two", {k: '${myVar}'}]
              - map_literal: '${{"k": [1, 2]}}'
        - b:
            return: ${[recommended, string_escaped, in_flow, map_literal]}
        """
    ) == ["foo: bar", "a: b", [2, "two", {"k": "bar"}], {"k": [1, 2]}]


def test_tabs_are_accepted_only_inside_json_flow_collections() -> None:
    # The loader's one extension (JSON may be indented with tabs) does not reach block YAML.
    assert Runtime().run('[\n\t{"a": {"return": 1}}\n]\n').result == 1
    with pytest.raises(WorkflowDefinitionError) as caught:
        Runtime().load("- a:\n\treturn: 1\n")
    assert caught.value.line == 2
    assert "invalid YAML/JSON" in caught.value.message


# --- undefined names and scope ----------------------------------------------------------

# (source, line of the reference, symbol). Each is a deployment error on Google's pages.
REFUSED = {
    "troubleshooting page: undefined varC": (
        """
        - step1:
            assign:
            - varA: "Hello"
            - varB: "World"
        - step2:
            return: ${varC + varB}
        """,
        6,
        "varC",
    ),
    "variable created in a for loop read after it": (
        """
        - loop:
            for:
              value: v
              in: [1, 2]
              steps:
                - inside:
                    assign:
                      - last: ${v}
        - after:
            return: ${last}
        """,
        10,
        "last",
    ),
    "for index read after the loop": (
        """
        - loop:
            for:
              value: v
              index: i
              range: [1, 3]
              steps:
                - s:
                    assign:
                      - x: ${v + i}
        - after:
            return: ${i}
        """,
        11,
        "i",
    ),
    "variable created in an except block read after it": (
        """
        - t:
            try:
              call: sys.now
            except:
              as: e
              steps:
                - keep:
                    assign:
                      - message: ${e.message}
        - after:
            return: ${message}
        """,
        11,
        "message",
    ),
    "another branch's variable (parallel shared-variables sample)": (
        """
        - par:
            parallel:
              branches:
                - getStock:
                    steps:
                      - a:
                          assign:
                            - temp2: foo
                - orderStock:
                    steps:
                      - b:
                          assign:
                            - temp: ${temp2}
        """,
        13,
        "temp2",
    ),
    "parallel for value read after the loop": (
        """
        - par:
            parallel:
              for:
                value: item
                in: [1, 2]
                steps:
                  - s:
                      assign:
                        - y: ${item}
        - after:
            return: ${item}
        """,
        11,
        "item",
    ),
    "a caller's variable in a subworkflow": (
        """
        main:
          steps:
            - a:
                assign:
                  - secret: 1
            - b:
                call: peek
                result: r
            - c:
                return: ${r}
        peek:
          steps:
            - r:
                return: ${secret}
        """,
        14,
        "secret",
    ),
    "undefined name in a map key": (
        """
        - a:
            assign:
              - m:
                  fixed: 1
                  '${dynamic}': 2
        """,
        5,
        "dynamic",
    ),
    "undefined name in an assignment target's index": (
        """
        - a:
            assign:
              - m: {}
              - m[key]: 1
        """,
        4,
        "key",
    ),
    "undefined name in a switch condition": (
        """
        - a:
            switch:
              - condition: ${ready}
                return: 1
        """,
        3,
        "ready",
    ),
    "undefined name in a for's in": (
        """
        - a:
            for:
              value: v
              in: ${items}
              steps:
                - s:
                    return: ${v}
        """,
        4,
        "items",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_names_no_visible_scope_assigns_are_refused_with_line_and_symbol(case: str) -> None:
    source, line, symbol = REFUSED[case]
    error = rejection(source)
    assert error.line == line, str(error)
    assert f"symbol '{symbol}' is neither a variable nor a sub-workflow name" in error.message


def test_the_message_says_where_a_local_variable_lives_and_how_to_fix_it() -> None:
    error = rejection(REFUSED["variable created in a for loop read after it"][0])
    assert "step 'after'" in error.message
    assert "only inside for loop 'loop' (line 2)" in error.message
    assert "assign it before" in error.message
    error = rejection(REFUSED["troubleshooting page: undefined varC"][0])
    assert "no step assigns it" in error.message


def test_google_samples_scoping_forms_load() -> None:
    # Variables assigned in a try body (error_catch sample: API_response), in a switch
    # branch, in nested steps, or assigned before an except (catching-errors page) are
    # visible after them; loop and branch steps read enclosing variables.
    loads(
        """
        main:
          params: [args]
          steps:
            - init:
                assign:
                  - failure: null
                  - results: {}
            - read_item:
                try:
                  call: http.get
                  args:
                    url: ${args.url}
                  result: API_response
                except:
                  as: e
                  steps:
                    - keep:
                        assign:
                          - failure: ${e}
            - pick:
                switch:
                  - condition: ${failure == null}
                    assign:
                      - picked: ${API_response.body}
                  - condition: true
                    steps:
                      - nested:
                          assign:
                            - picked: null
            - loop:
                for:
                  value: v
                  in: ${args.items}
                  steps:
                    - inner:
                        for:
                          value: w
                          in: ${v}
                          steps:
                            - use:
                                assign:
                                  - total: ${len(args.items) + w + len(v)}
            - par:
                parallel:
                  shared: [results]
                  branches:
                    - one:
                        steps:
                          - w1:
                              assign:
                                - local: 1
                                - results["one"]: ${local + len(args.items)}
            - done:
                return: ${[picked, failure, results, http.default_retry, helper]}
        helper:
          params: [x, y: 2]
          steps:
            - r:
                return: ${x + y}
        """
    )


def test_open_cases_are_accepted() -> None:
    # No Google page settles these (docs/runtime-interfaces.md, "Deploy-time checks"):
    # a name assigned later in source order but run first through `next`, and the `as`
    # variable of an except read after the try step.
    loads(
        """
        - start:
            next: setup
        - use:
            return: ${[ready, e]}
        - setup:
            assign:
              - ready: true
        - t:
            try:
              call: sys.now
            except:
              as: e
              steps:
                - s:
                    next: use
        - fallback:
            next: use
        """
    )


def test_errors_inside_a_library_subworkflow_name_the_library_file(tmp_path: Path) -> None:
    lib = tmp_path / "lib.yaml"
    lib.write_text("helper:\n  steps:\n    - r:\n        return: ${nowhere}\n", encoding="utf-8")
    with pytest.raises(WorkflowDefinitionError) as caught:
        Runtime(library=[lib]).load("- a:\n    return: 1\n")
    assert str(caught.value).startswith(f"{lib}:4: step 'r': symbol 'nowhere'")


# --- connectors: accepted at load time like Google's schema, refused when run ----------


def test_any_googleapis_connector_loads_and_fails_loudly_when_run() -> None:
    source = """
    - guarded:
        try:
          call: googleapis.bigquery.v2.jobs.insert
          args:
            projectId: p
            body: {}
          result: job
        except:
          as: e
          steps:
            - swallowed:
                return: caught
    - done:
        return: ${job}
    """
    loads(source)
    # Not a workflow error: the try must not turn an emulation gap into a passing run.
    with pytest.raises(UnemulatedConnectorError) as caught:
        run(source, services=Services())
    assert caught.value.connector == "googleapis.bigquery.v2.jobs.insert"
    assert "googleapis.bigquery.v2.jobs.insert" in str(caught.value)
    assert "not emulated" in str(caught.value)


def test_connector_helpers_in_expressions_load_and_fail_loudly_when_run() -> None:
    name = "googleapis.secretmanager.v1.projects.secrets.versions.accessString"
    source = f'- a:\n    return: ${{{name}("s", "latest", "p")}}\n'
    loads(source)
    with pytest.raises(UnemulatedConnectorError) as caught:
        run(source)
    assert caught.value.connector == name


def test_kubernetes_api_connector_functions_load() -> None:
    loads(
        "- a:\n    call: gke.request\n    args:\n      cluster_id: c\n      method: GET\n      path: /api\n"
    )


@pytest.mark.parametrize("name", ["googleapis", "googleapi.storage.v1.objects.get", "gke.unknown"])
def test_names_outside_the_connector_pattern_are_still_unknown(name: str) -> None:
    error = rejection(f"- a:\n    call: {name}\n")
    assert error.line == 2
    assert f"unknown function or subworkflow '{name}'" in error.message


def test_emulated_connectors_still_run() -> None:
    # workflow_executions is emulated: a bad parent is the connector's own error, not an
    # UnemulatedConnectorError.
    outcome = run(
        """
        - a:
            call: googleapis.workflowexecutions.v1.projects.locations.workflows.executions.create
            args:
              parent: not-a-parent
              body: {}
        """
    )
    assert outcome.state == "FAILED"


# --- the regression corpus --------------------------------------------------------------


def test_check_accepts_every_workflow_of_the_regression_corpus(capsys: pytest.CaptureFixture[str]) -> None:
    files = sorted(str(p) for p in CORPUS.iterdir() if p.suffix in (".yaml", ".json"))
    assert len(files) >= 10, files
    assert any(f.endswith(".json") for f in files)
    assert main(["check", *files]) == 0, capsys.readouterr().err


def test_check_reports_file_line_and_symbol_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = CORPUS / "nested_scopes.yaml"
    bad = tmp_path / "leak.yaml"
    bad.write_text(good.read_text(encoding="utf-8").replace("error: ${last_error}", "error: ${cell}"))
    assert main(["check", str(good), str(bad)]) == 2
    err = capsys.readouterr().err
    line = next(n for n, text in enumerate(bad.read_text().splitlines(), 1) if "${cell}" in text)
    assert err.startswith(f"{bad}:{line}: step 'done': symbol 'cell' is neither a variable")
