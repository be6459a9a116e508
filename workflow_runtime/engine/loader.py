"""Read a workflow source (YAML or JSON) into Python values that remember their lines.

Maps become `LineDict` and lists `LineList`: ordinary dict/list subclasses carrying the
1-based line of the node and of each key/item, taken from PyYAML's node marks. JSON is
read by the same loader (a JSON document is a YAML flow document), so both formats report
the same line numbers. Duplicate map keys are rejected: Google's parser rejects them and
PyYAML would silently keep the last one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from workflow_runtime.errors import WorkflowDefinitionError


class LineDict(dict):
    """A YAML map with `line` (the map's own line) and `key_lines` (line of each key)."""

    line: int = 0
    key_lines: dict[str, int]


class LineList(list):
    """A YAML sequence with `line` and `item_lines` (line of each item)."""

    line: int = 0
    item_lines: list[int]


_BREAKS = "\0\r\n\x85\u2028\u2029"


class _LineLoader(yaml.SafeLoader):
    """SafeLoader producing LineDict/LineList and refusing duplicate keys.

    Its scanner also reads a `${...}` expression inside an unquoted scalar as one piece,
    as Google's parser does: `args: [${x}, "ERROR"]` (from Google's sys.log examples) and
    `return: ${{"a": 1}}` are valid workflows although plain YAML stops at the `{`, `,`
    or `: ` inside the expression.
    """

    def scan_plain(self) -> yaml.ScalarToken:
        """PyYAML's plain-scalar scanner, with `${...}` consumed whole."""
        chunks: list[str] = []
        start_mark = self.get_mark()
        end_mark = start_mark
        indent = self.indent + 1
        spaces: list[str] = []
        stops = "\0 \t\r\n\x85\u2028\u2029"
        while True:
            length = 0
            if self.peek() == "#":
                break
            while True:
                ch = self.peek(length)
                if ch == "$" and self.peek(length + 1) == "{":
                    end = self._expression_end(length + 2)
                    if end is not None:
                        length = end
                        continue
                if (
                    ch in stops
                    or (ch == ":" and self.peek(length + 1) in stops + (",[]{}" if self.flow_level else ""))
                    or (self.flow_level and ch in ",?[]{}")
                ):
                    break
                length += 1
            if length == 0:
                break
            self.allow_simple_key = False
            chunks.extend(spaces)
            chunks.append(self.prefix(length))
            self.forward(length)
            end_mark = self.get_mark()
            spaces = self.scan_plain_spaces(indent, start_mark)
            if not spaces or self.peek() == "#" or (not self.flow_level and self.column < indent):
                break
        return yaml.ScalarToken("".join(chunks), True, start_mark, end_mark)

    def scan_to_next_token(self) -> None:
        """PyYAML's version, also skipping tabs inside flow collections (JSON indented with
        tabs is valid JSON, and YAML 1.2 allows tabs as separators there)."""
        if self.index == 0 and self.peek() == "\ufeff":
            self.forward()
        while True:
            while self.peek() == " " or (self.flow_level and self.peek() == "\t"):
                self.forward()
            if self.peek() == "#":
                while self.peek() not in _BREAKS:
                    self.forward()
            if self.scan_line_break():
                if not self.flow_level:
                    self.allow_simple_key = True
            else:
                return

    def _expression_end(self, offset: int) -> int | None:
        """Offset just past the `}` closing an expression body starting at `offset`.

        None when the expression does not close on this line (then plain YAML rules apply).
        """
        depth = 1
        quote = ""
        while True:
            ch = self.peek(offset)
            if ch in _BREAKS:
                return None
            if quote:
                if ch == "\\":
                    offset += 1
                elif ch == quote:
                    quote = ""
            elif ch in "\"'":
                quote = ch
            elif ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
                if depth == 0:
                    return offset + 1
            offset += 1


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
        raise WorkflowDefinitionError(file, line, f"invalid YAML/JSON: {exc.problem}") from None
    except yaml.YAMLError as exc:
        raise WorkflowDefinitionError(file, 1, f"invalid YAML/JSON: {exc}") from None


def plain(value: Any) -> Any:
    """Strip line annotations: LineDict/LineList back to plain dict/list."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value
