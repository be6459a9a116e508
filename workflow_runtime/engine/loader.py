"""Read a workflow source (YAML or JSON) into Python values that remember their lines.

Maps become `LineDict` and lists `LineList`: ordinary dict/list subclasses carrying the
1-based line of the node and of each key/item, taken from PyYAML's node marks. JSON is
read by the same loader (a JSON document is a YAML flow document), so both formats report
the same line numbers. Duplicate map keys are rejected: Google's parser rejects them and
PyYAML would silently keep the last one.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from workflow_runtime.errors import WorkflowDefinitionError


class LineDict(dict[str, Any]):
    """A YAML map with `line` (the map's own line) and `key_lines` (line of each key)."""

    line: int = 0
    key_lines: dict[str, int]


class LineList(list[Any]):
    """A YAML sequence with `line` and `item_lines` (line of each item)."""

    line: int = 0
    item_lines: list[int]


_BREAKS = "\0\r\n\x85\u2028\u2029"


class _LineLoader(yaml.SafeLoader):
    """SafeLoader producing LineDict/LineList and refusing duplicate keys.

    Plain scalars are scanned exactly as PyYAML does: Google reads sources as standard
    YAML, so an unquoted `${"a: " + b}` is a map or an error there too (expressions
    reference, "Important" note: wrap such expressions in single quotes,
    cloud.google.com/workflows/docs/reference/syntax/expressions). The one departure from
    PyYAML is for JSON sources, in `scan_to_next_token`.
    """

    def scan_to_next_token(self) -> None:
        """PyYAML's version, also skipping tabs inside flow collections.

        Google's syntax overview (cloud.google.com/workflows/docs/reference/syntax, "File
        structure") says a source is "either a valid YAML or JSON file", and JSON indented
        with tabs is valid JSON (RFC 8259 whitespace); YAML 1.2 also allows tabs as
        separators there, only PyYAML's YAML 1.1 does not. Outside flow collections
        nothing changes: a tab in block YAML is still refused.
        """
        if self.index == 0 and self.peek() == "\ufeff":
            self.forward()
        while True:
            while self.peek() == " " or (self.flow_level and self.peek() == "\t"):
                self.forward()
            if self.peek() == "#":
                while self.peek() not in _BREAKS:
                    self.forward()
            # types-PyYAML leaves Scanner.scan_line_break unannotated; PyYAML returns the
            # break it consumed ("" when there is none), so only its truthiness is used.
            if self.scan_line_break():  # type: ignore[no-untyped-call]
                if not self.flow_level:
                    self.allow_simple_key = True
            else:
                return


def _construct_map(loader: _LineLoader, node: yaml.MappingNode) -> Any:
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    yield result
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | float | bool) and key is not None:
            raise yaml.constructor.ConstructorError(
                None, None, "map keys must be scalars", key_node.start_mark
            )
        key = str(key) if not isinstance(key, str) else key
        if key in result:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key '{key}'", key_node.start_mark)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1


def _construct_seq(loader: _LineLoader, node: yaml.SequenceNode) -> Any:
    result = LineList()
    result.line = node.start_mark.line + 1
    result.item_lines = [item.start_mark.line + 1 for item in node.value]
    yield result
    result.extend(loader.construct_object(item, deep=True) for item in node.value)


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)


def read_source(path_or_text: str | Path) -> tuple[str, str]:
    """Return (file label, text) for a path or for inline workflow text."""
    if isinstance(path_or_text, Path):
        return str(path_or_text), path_or_text.read_text(encoding="utf-8")
    text = path_or_text
    # Inline text always has a newline or a YAML/JSON opener; a path never does.
    if "\n" in text or text.lstrip().startswith(("-", "{", "[")):
        return "<string>", text
    return text, Path(text).read_text(encoding="utf-8")


def parse_document(file: str, text: str) -> Any:
    """Parse YAML/JSON text into line-annotated values (WorkflowDefinitionError if bad)."""
    try:
        return yaml.load(text, Loader=_LineLoader)  # a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        message = f"invalid YAML/JSON: {exc.problem}"
        if _has_unquoted_expression(text, line):
            message += f"; {_QUOTE_HINT}"
        raise WorkflowDefinitionError(file, line, message) from None
    except yaml.reader.ReaderError as exc:
        # The one PyYAML error without a mark (a character YAML forbids, like a control
        # character): it knows the character's offset, from which the line follows.
        line = text.count("\n", 0, exc.position) + 1
        reason = str(exc).splitlines()[0]
        raise WorkflowDefinitionError(file, line, f"invalid YAML/JSON: {reason}") from None


_QUOTE_HINT = (
    "quote a ${...} that contains ': ' or ' #', and any ${...} written inside [...] or "
    "{...}: write '${\"foo: \" + myVar}' (Google's expressions reference)"
)


def _has_unquoted_expression(text: str, line: int) -> bool:
    """Whether the 1-based `line` of `text` (or the one before it, where PyYAML often
    points) holds a `${` that is not inside quotes (any of them: `['${a}', ${b}]` has one)."""
    lines = text.splitlines()
    for number in (line, line - 1):
        if 1 <= number <= len(lines):
            content = lines[number - 1]
            for match in re.finditer(r"\$\{", content):
                before = content[: match.start()]
                if before.count("'") % 2 == 0 and before.count('"') % 2 == 0:
                    return True
    return False


def plain(value: Any) -> Any:
    """Strip line annotations: LineDict/LineList back to plain dict/list."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value
