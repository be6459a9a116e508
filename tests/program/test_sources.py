"""Deployable sources: body + the library subworkflows it calls, merged; errors for clashes,
unknown calls and oversized sources; and the real bodies are valid, minimal workflows."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from components.catalog import WORKFLOWS_DIR, load_catalog
from components.sources import LIB_DIR, MAX_SOURCE_BYTES, SourceError, called_subworkflows, workflow_source
from workflow_runtime import Runtime

CATALOG = load_catalog()
ROUTER = WORKFLOWS_DIR / "marker-router.yaml"
REAL_BODIES = [spec.path for spec in CATALOG.workflows.values()] + [ROUTER]

LIB_A = """\
# file header comment
helper_a:
  # calls helper_b, which lives in another library file
  params: [x]
  steps:
    - call_b:
        call: helper_b
        args:
          x: ${x}
        result: y
    - done:
        return: ${y}

unused_c:
  steps:
    - done:
        return: 1
"""
LIB_B = """\
helper_b:
  params: [x]
  steps:
    - log:
        call: sys.log
        args:
          data: ${x}
    - done:
        return: ${x + 1}
"""
BODY = """\
# body header
main:
  params: [event]
  steps:
    - go:
        call: helper_a
        args:
          x: 1
        result: r
    - local:
        call: own_step
        result: s
    - done:
        return: ${r + s}

own_step:
  steps:
    - done:
        return: 2
"""


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "a.yaml").write_text(LIB_A)
    (lib / "b.yaml").write_text(LIB_B)
    (tmp_path / "body.yaml").write_text(BODY)
    return tmp_path


def test_merge_adds_called_library_subworkflows_transitively(tree: Path) -> None:
    source = workflow_source(tree / "body.yaml", tree / "lib")
    merged = yaml.safe_load(source)
    assert list(merged) == ["main", "own_step", "helper_a", "helper_b"]
    assert merged["helper_b"] == yaml.safe_load(LIB_B)["helper_b"]
    assert "unused_c" not in merged
    assert source.startswith(BODY.rstrip("\n"))  # the body is kept verbatim, comments included
    assert "# calls helper_b, which lives in another library file" in source


def test_merge_is_deterministic(tree: Path) -> None:
    assert workflow_source(tree / "body.yaml", tree / "lib") == workflow_source(
        tree / "body.yaml", tree / "lib"
    )


def test_body_without_library_calls_is_returned_unchanged(tree: Path) -> None:
    (tree / "plain.yaml").write_text("main:\n  steps:\n    - done:\n        return: 1\n")
    assert (
        workflow_source(tree / "plain.yaml", tree / "lib")
        == "main:\n  steps:\n    - done:\n        return: 1\n"
    )


def test_name_clash_between_body_and_library_names_both_files(tree: Path) -> None:
    (tree / "body.yaml").write_text(BODY + "\nhelper_b:\n  steps:\n    - done:\n        return: 0\n")
    with pytest.raises(SourceError) as caught:
        workflow_source(tree / "body.yaml", tree / "lib")
    message = str(caught.value)
    assert "body.yaml" in message and "b.yaml" in message and "'helper_b'" in message


def test_same_name_in_two_library_files_is_an_error(tree: Path) -> None:
    (tree / "lib" / "c.yaml").write_text(LIB_B)
    with pytest.raises(SourceError, match=r"'helper_b' is defined in both .*b\.yaml and .*c\.yaml"):
        workflow_source(tree / "body.yaml", tree / "lib")


def test_unknown_subworkflow_call_is_an_error_naming_caller_and_target(tree: Path) -> None:
    (tree / "body.yaml").write_text(BODY.replace("call: own_step", "call: own_stpe"))
    with pytest.raises(SourceError, match=r"body\.yaml: subworkflow 'main' calls 'own_stpe'"):
        workflow_source(tree / "body.yaml", tree / "lib")


def test_unknown_call_inside_a_library_subworkflow_names_the_library_file(tree: Path) -> None:
    (tree / "lib" / "b.yaml").write_text(LIB_B.replace("call: sys.log", "call: log_it"))
    with pytest.raises(SourceError, match=r"b\.yaml: subworkflow 'helper_b' calls 'log_it'"):
        workflow_source(tree / "body.yaml", tree / "lib")


def test_calls_are_found_in_nested_blocks_and_dotted_calls_are_not_subworkflows() -> None:
    definition = yaml.safe_load(
        """
        steps:
          - loop:
              for:
                value: v
                in: [1]
                steps:
                  - t:
                      try:
                        call: inner_one
                      except:
                        steps:
                          - s:
                              switch:
                                - condition: true
                                  steps:
                                    - c:
                                        call: inner_two
          - p:
              parallel:
                branches:
                  - b1:
                      steps:
                        - x:
                            call: http.get
                        - y:
                            call: googleapis.run.v2.projects.locations.jobs.run
        """
    )
    assert called_subworkflows(definition) == {"inner_one", "inner_two"}


def test_a_retry_predicate_naming_a_library_subworkflow_is_merged(tree: Path) -> None:
    (tree / "lib" / "p.yaml").write_text(
        "my_predicate:\n  params: [e]\n  steps:\n    - no:\n        return: false\n"
    )
    (tree / "retrying.yaml").write_text(
        "main:\n  steps:\n    - t:\n        try:\n          call: http.get\n          args:\n"
        "            url: https://example.com\n        retry:\n          predicate: ${my_predicate}\n"
        "          max_retries: 1\n          backoff:\n            initial_delay: 1\n"
        "            max_delay: 1\n            multiplier: 1\n"
    )
    merged = yaml.safe_load(workflow_source(tree / "retrying.yaml", tree / "lib"))
    assert list(merged) == ["main", "my_predicate"]
    # Google's own predicates are functions, not subworkflows: nothing to merge.
    assert called_subworkflows({"retry": {"predicate": "${http.default_retry_predicate}"}}) == set()


def test_body_without_main_is_an_error(tree: Path) -> None:
    (tree / "nomain.yaml").write_text("helper:\n  steps:\n    - done:\n        return: 1\n")
    with pytest.raises(SourceError, match="needs a `main` subworkflow"):
        workflow_source(tree / "nomain.yaml", tree / "lib")


def test_source_over_128_kb_is_an_error(tree: Path) -> None:
    padding = "".join(f"# padding line {i:06d} {'x' * 60}\n" for i in range(2100))
    (tree / "big.yaml").write_text(padding + BODY)
    assert len((tree / "big.yaml").read_bytes()) > MAX_SOURCE_BYTES
    with pytest.raises(SourceError, match=r"big\.yaml: merged source is \d+ bytes, above .* 131072 bytes"):
        workflow_source(tree / "big.yaml", tree / "lib")
    # Just under the limit once merged is fine: the check is on the merged size.
    merged_rest = len(workflow_source(tree / "body.yaml", tree / "lib").encode()) - len(BODY.encode())
    fitting = padding[: MAX_SOURCE_BYTES - len(BODY.encode()) - merged_rest - 100]
    fitting = fitting[: fitting.rfind("\n") + 1]
    (tree / "fits.yaml").write_text(fitting + BODY)
    assert len(workflow_source(tree / "fits.yaml", tree / "lib").encode()) <= MAX_SOURCE_BYTES


# --- the real bodies ---------------------------------------------------------------------


@pytest.mark.parametrize("path", REAL_BODIES, ids=lambda p: p.stem)
def test_real_sources_assemble_and_are_valid_workflows(path: Path) -> None:
    source = workflow_source(path)
    assert len(source.encode()) < MAX_SOURCE_BYTES
    workflow = Runtime().load(source, name=path.stem)  # the local runtime's validator
    assert workflow is not None
    merged = yaml.safe_load(source)
    assert "main" in merged and all("steps" in sub for sub in merged.values())


@pytest.mark.parametrize("spec", list(CATALOG.workflows.values()), ids=lambda s: s.name)
def test_bodies_take_their_original_parameter_log_the_start_and_parse_the_trigger(spec) -> None:
    body = yaml.safe_load(spec.path.read_text())
    param = "args" if spec.name in ("scene-batch", "scene-generation-pipeline") else "event"
    assert body["main"]["params"] == [param]
    first = body["main"]["steps"][0]
    assert first == {"log_start": {"call": "sys.log", "args": {"severity": "INFO", "data": f"${{{param}}}"}}}
    parser = (
        "parse_gcs_trigger"
        if spec.trigger.kind == "gcs" or spec.name == "upsell-features-pipeline"
        else "parse_event"
    )
    assert parser in called_subworkflows(body["main"])
    # What each body returns is tested per workflow on the runtime (tests/pipeline).
    assert any("return" in step for step in _steps(body["main"]["steps"]))


def test_every_gcs_body_skips_other_objects_with_a_not_a_marker_message() -> None:
    for spec in CATALOG.by_trigger("gcs"):
        text = spec.path.read_text()
        assert "status: SKIPPED" in text and "message: '${\"Not a" in text, spec.name


@pytest.mark.parametrize("path", REAL_BODIES, ids=lambda p: p.stem)
def test_step_names_are_unique_in_each_subworkflow_of_each_deployed_source(path: Path) -> None:
    """Duplicate step names were one of the original's invalid constructs. Google's rule:
    "Step names must be unique at the subworkflow level" (a step `init` may be in main and
    in a subworkflow; cloud.google.com/workflows/docs/reference/syntax/steps, Step names)."""
    for name, sub in yaml.safe_load(workflow_source(path)).items():
        names = _step_names(sub["steps"])
        assert len(names) == len(set(names)), (name, sorted(n for n in names if names.count(n) > 1))


def test_library_step_names_are_unique_in_each_subworkflow() -> None:
    for file in LIB_DIR.glob("*.yaml"):
        for name, sub in yaml.safe_load(file.read_text()).items():
            names = _step_names(sub["steps"])
            assert len(names) == len(set(names)), (file.name, name)


def test_every_library_subworkflow_is_used_by_some_workflow() -> None:
    library = set()
    for file in LIB_DIR.glob("*.yaml"):
        library |= set(yaml.safe_load(file.read_text()))
    used = set()
    for path in REAL_BODIES:
        # What the merge added: a body's own subworkflows are not library ones.
        used |= set(yaml.safe_load(workflow_source(path))) - set(yaml.safe_load(path.read_text()))
    assert library and library == used


def _steps(steps: list) -> list[dict]:
    """Every step body, nested ones included."""
    found = []
    for item in steps:
        for body in item.values():
            found.append(body)
            found += _steps(body.get("steps", []))
            for branch in body.get("switch", []):
                found += _steps(branch.get("steps", []))
    return found


def _step_names(steps: list) -> list[str]:
    """Every step name, nested ones included (switch, for, try/except, parallel branches)."""
    names = []
    for item in steps:
        for name, body in item.items():
            names.append(name)
            names += _nested_names(body)
    return names


def _nested_names(value: object) -> list[str]:
    if isinstance(value, dict):
        found = _step_names(value["steps"]) if isinstance(value.get("steps"), list) else []
        for key, item in value.items():
            if key != "steps":
                found += _nested_names(item)
        return found
    if isinstance(value, list):
        return [name for item in value for name in _nested_names(item)]
    return []
