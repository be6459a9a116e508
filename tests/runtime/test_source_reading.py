"""How a workflow source is read: path or inline text, and the errors of the YAML reader.

Google's syntax overview ("File structure"): a source is a YAML or JSON file. The runtime
takes a path (Path or str) or the text itself, and reports a character YAML forbids at
its own line.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from workflow_runtime import Runtime, WorkflowDefinitionError
from workflow_runtime.engine.loader import parse_document, read_source

SOURCE = "- a:\n    return: 7\n"


def test_a_str_path_is_read_as_a_file_and_labelled_with_its_path(tmp_path: Path) -> None:
    path = tmp_path / "wf.yaml"
    path.write_text(SOURCE, encoding="utf-8")
    assert read_source(str(path)) == (str(path), SOURCE)
    assert read_source(path) == (str(path), SOURCE)
    assert Runtime().run(str(path)).result == 7


@pytest.mark.parametrize("text", ['[{"a": {"return": 7}}]', '  [{"a": {"return": 7}}]', "- a: {return: 7}"])
def test_one_line_inline_text_is_a_source_not_a_path(text: str) -> None:
    assert read_source(text) == ("<string>", text)
    assert Runtime().run(text).result == 7


def test_a_forbidden_character_is_reported_at_its_line() -> None:
    source = '\n- a:\n    return: "\x07"\n- b:\n    return: 1\n\n'
    with pytest.raises(WorkflowDefinitionError) as caught:
        parse_document("wf.yaml", source)
    assert (caught.value.file, caught.value.line) == ("wf.yaml", 3)
    assert caught.value.message == (
        "invalid YAML/JSON: unacceptable character #x0007: special characters are not allowed"
    )


def test_map_keys_that_are_not_strings_become_strings_with_their_lines() -> None:
    document = parse_document("wf.yaml", "- a:\n    return:\n      1: x\n      2.5: y\n")
    returned = document[0]["a"]["return"]
    assert returned == {"1": "x", "2.5": "y"}
    assert returned.key_lines == {"1": 3, "2.5": 4}


def test_a_map_key_that_is_a_collection_is_refused_at_its_line() -> None:
    with pytest.raises(WorkflowDefinitionError) as caught:
        parse_document("wf.yaml", "- a:\n    return:\n      ok: 1\n      [1]: x\n")
    assert (caught.value.line, caught.value.message) == (4, "invalid YAML/JSON: map keys must be scalars")


def test_a_byte_order_mark_before_the_source_is_skipped() -> None:
    # Editors on Windows save UTF-8 with a BOM; YAML 1.1 (section 5.2) allows one at the start.
    assert Runtime().run("\ufeff- a:\n    return: 7\n").result == 7
