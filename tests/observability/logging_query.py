"""An evaluator for the subset of Cloud Logging's query language the program's filters use,
and for log-based metric extractors.

Source: "Logging query language" (cloud.google.com/logging/docs/view/logging-query-language)
and LogMetric (cloud.google.com/logging/docs/reference/v2/rest/v2/projects.metrics).

The subset, and what the page says about each part:
- Boolean operators `AND`, `OR`, `NOT` (upper case only, as the page requires) and
  parentheses. Where a filter mixes them, the page gives `NOT` the highest precedence,
  then `OR`, then `AND`; that is what `parse_filter` does. Two comparisons side by side
  without an operator (the page's implicit AND) are refused, so a filter says what it means.
- Comparisons `FIELD OP VALUE` with OP one of `=`, `>`, `>=`, `<`, `<=`. `!=`, `:`
  (has), `=~` / `!~` (regular expressions) and the functions (`SEARCH`, `log_id`, ...)
  are outside the subset and refused with an error naming them.
- FIELD is a dotted path of LogEntry fields: `resource.type`, `resource.labels.<k>`,
  `logName`, `severity`, `labels.<k>`, `textPayload`, `jsonPayload.<path>`.
- VALUE is a double-quoted string (backslash escapes), a number, or a bare word; a bare
  `true`/`false` compared with a boolean JSON field is that boolean.
- Types follow the field's value in the entry: a number field compares numerically with
  a numeric VALUE; a boolean field only with true/false; a string field compares as text,
  without regard to case ("String comparisons are not case-sensitive", the page's first
  example); `severity` compares by level (DEFAULT < DEBUG < ... < EMERGENCY).
- A comparison with a field the entry does not have is false. The page does not settle
  ordering comparisons between mismatched types (a string field `> 0.8`); they are false
  here, and the program's filters only compare numbers with numeric fields.

Extractors: `EXTRACT(field)` gives the field's value; `REGEXP_EXTRACT(field, "re")` takes
the field converted to a string and returns the one capture group of an RE2 match
(exactly one capture group is required, as the LogMetric reference says). The reference
does not say whether the regex must match the whole value; `regexp_extract` searches
(partial match), and the metric tests also check that the program's regexes give the same
answer when matched in full.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import re2

MAX_FILTER_LENGTH = 20_000  # the page's limit on a query's length
SEVERITIES = ("DEFAULT", "DEBUG", "INFO", "NOTICE", "WARNING", "ERROR", "CRITICAL", "ALERT", "EMERGENCY")
_ROOTS = ("resource", "logName", "severity", "labels", "textPayload", "jsonPayload")
_TOKEN = re.compile(
    r"""\s*(?:
        (?P<string>"(?:[^"\\]|\\.)*")
      | (?P<op>>=|<=|!=|=~|!~|[=<>:()])
      | (?P<word>[^\s"=<>!:()]+)
    )""",
    re.VERBOSE,
)
_NUMBER = re.compile(r"^-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$")
_SUPPORTED_OPS = ("=", ">", ">=", "<", "<=")


class FilterError(ValueError):
    """A filter outside the supported subset, or malformed; the message says where."""


@dataclass(frozen=True)
class Comparison:
    """`path op value` (path split on dots; value as written, `quoted` if it was a string)."""

    path: tuple[str, ...]
    op: str
    value: str
    quoted: bool


@dataclass(frozen=True)
class BoolOp:
    """AND / OR of two or more operands."""

    op: str
    operands: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    """NOT of one operand."""

    operand: Node


Node = Comparison | BoolOp | Not


def parse_filter(text: str) -> Node:
    """Parse a filter of the supported subset; FilterError names what is outside it."""
    if len(text) > MAX_FILTER_LENGTH:
        raise FilterError(f"filter is {len(text)} characters; the limit is {MAX_FILTER_LENGTH}")
    parser = _Parser(_tokens(text), text)
    node = parser.conjunction()
    leftover = parser.peek()
    if leftover is not None and leftover.lower() in ("and", "or", "not"):
        raise FilterError(f"{leftover!r} in {text!r}: logical operators must be upper case")
    if leftover is not None:
        raise FilterError(f"unexpected {parser.peek()!r} in {text!r} (write AND/OR explicitly)")
    return node


def matches(node: Node, entry: Mapping[str, Any]) -> bool:
    """Whether a LogEntry (as its JSON map) matches the parsed filter."""
    if isinstance(node, Not):
        return not matches(node.operand, entry)
    if isinstance(node, BoolOp):
        results = (matches(operand, entry) for operand in node.operands)
        return all(results) if node.op == "AND" else any(results)
    found, value = lookup(entry, node.path)
    return found and _compare(node, value)


def lookup(entry: Mapping[str, Any], path: tuple[str, ...]) -> tuple[bool, Any]:
    """(present, value) of a dotted field path in a LogEntry map."""
    value: Any = entry
    for part in path:
        if not isinstance(value, Mapping) or part not in value:
            return False, None
        value = value[part]
    return True, value


@dataclass(frozen=True)
class Extractor:
    """A parsed EXTRACT(field) or REGEXP_EXTRACT(field, "re")."""

    path: tuple[str, ...]
    regex: str | None

    def extract(self, entry: Mapping[str, Any]) -> Any:
        """The extracted value, or None when the field is missing or the regex does not match."""
        found, value = lookup(entry, self.path)
        if not found or value is None:
            return None
        if self.regex is None:
            return value
        match = re2.search(self.regex, as_text(value))
        return None if match is None else match.group(1)

    def extract_full_match(self, entry: Mapping[str, Any]) -> Any:
        """Like `extract`, but the regex must match the whole value (the other reading)."""
        found, value = lookup(entry, self.path)
        if not found or value is None or self.regex is None:
            return self.extract(entry)
        match = re2.fullmatch(self.regex, as_text(value))
        return None if match is None else match.group(1)


_EXTRACTOR = re.compile(
    r'^\s*(EXTRACT|REGEXP_EXTRACT)\(\s*([A-Za-z_][\w.]*)\s*(?:,\s*("(?:[^"\\]|\\.)*")\s*)?\)\s*$'
)


def parse_extractor(text: str) -> Extractor:
    """Parse a label or value extractor; FilterError if malformed or not one capture group."""
    found = _EXTRACTOR.match(text)
    if found is None:
        raise FilterError(f'{text!r} is not EXTRACT(field) or REGEXP_EXTRACT(field, "regex")')
    function, field, quoted = found.groups()
    if (function == "REGEXP_EXTRACT") != (quoted is not None):
        raise FilterError(f"{text!r}: REGEXP_EXTRACT takes a field and a regex, EXTRACT only a field")
    path = tuple(field.split("."))
    _check_root(path, text)
    if quoted is None:
        return Extractor(path, None)
    regex = _unquote(quoted)
    try:
        groups = re2.compile(regex).groups
    except re2.error as error:
        raise FilterError(f"{text!r}: not an RE2 regex ({error})") from error
    if groups != 1:
        raise FilterError(f"{text!r}: the regex must have exactly one capture group, it has {groups}")
    return Extractor(path, regex)


def as_text(value: Any) -> str:
    """A field value converted to a string before a regex is applied. The reference does
    not give the format of non-strings; JSON spelling is used for booleans."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else str(value)


def as_double(value: Any) -> float | None:
    """A distribution value: the extraction must convert to a double, else it is not recorded."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str) and _NUMBER.match(value.strip()):
        return float(value)
    return None


# ---- parsing ----------------------------------------------------------------------------
def _tokens(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    position = 0
    while position < len(text):
        if text[position:].strip() == "":
            break
        found = _TOKEN.match(text, position)
        if found is None or found.end() == position:
            raise FilterError(f"cannot read {text[position : position + 20]!r} in {text!r}")
        kind = found.lastgroup or ""
        tokens.append((kind, found.group(kind)))
        position = found.end()
    return tokens


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]], text: str) -> None:
        self.tokens = tokens
        self.index = 0
        self.text = text

    def peek(self) -> str | None:
        return self.tokens[self.index][1] if self.index < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        if self.index >= len(self.tokens):
            raise FilterError(f"filter {self.text!r} ends too early")
        token = self.tokens[self.index]
        self.index += 1
        return token

    # AND binds loosest, then OR, then NOT (the page's precedence).
    def conjunction(self) -> Node:
        operands = [self.disjunction()]
        while self.peek() == "AND":
            self.take()
            operands.append(self.disjunction())
        return operands[0] if len(operands) == 1 else BoolOp("AND", tuple(operands))

    def disjunction(self) -> Node:
        operands = [self.negation()]
        while self.peek() == "OR":
            self.take()
            operands.append(self.negation())
        return operands[0] if len(operands) == 1 else BoolOp("OR", tuple(operands))

    def negation(self) -> Node:
        if self.peek() == "NOT":
            self.take()
            return Not(self.negation())
        if self.peek() == "(":
            self.take()
            node = self.conjunction()
            if self.peek() != ")":
                raise FilterError(f"missing ')' in {self.text!r}")
            self.take()
            return node
        return self.comparison()

    def comparison(self) -> Comparison:
        kind, field = self.take()
        if kind != "word" or field in ("AND", "OR", "NOT"):
            raise FilterError(f"expected a field name, got {field!r} in {self.text!r}")
        if field.lower() in ("and", "or", "not"):
            raise FilterError(f"{field!r}: logical operators must be upper case")
        path = tuple(field.split("."))
        _check_root(path, self.text)
        op_kind, op = self.take()
        if op_kind != "op" or op not in _SUPPORTED_OPS:
            raise FilterError(
                f"operator {op!r} after {field} is outside the supported subset ({', '.join(_SUPPORTED_OPS)})"
            )
        value_kind, value = self.take()
        if value_kind == "string":
            return Comparison(path, op, _unquote(value), True)
        if value_kind == "word" and value not in ("AND", "OR", "NOT"):
            if value.endswith(")") or "(" in value:
                raise FilterError(f"functions ({value!r}) are outside the supported subset")
            return Comparison(path, op, value, False)
        raise FilterError(f"expected a value after {field} {op}, got {value!r}")


def _check_root(path: tuple[str, ...], text: str) -> None:
    if path[0] not in _ROOTS:
        raise FilterError(f"field {'.'.join(path)!r} in {text!r}: not a LogEntry field of the subset")


def _unquote(quoted: str) -> str:
    return re.sub(r"\\(.)", r"\1", quoted[1:-1])


# ---- comparing --------------------------------------------------------------------------
def _compare(node: Comparison, value: Any) -> bool:
    if node.path == ("severity",) and isinstance(value, str):
        return _ordered(node.op, _severity(value), _severity(node.value))
    if isinstance(value, bool):
        wanted = node.value.lower()
        if node.quoted or wanted not in ("true", "false") or node.op != "=":
            return False
        return value == (wanted == "true")
    if isinstance(value, int | float):
        number = as_double(node.value)
        return number is not None and _ordered(node.op, float(value), number)
    if isinstance(value, str):
        if node.op != "=" and not node.quoted and as_double(node.value) is not None:
            return False  # ordering a text field against a number: unsettled, no match
        return _ordered(node.op, value.casefold(), node.value.casefold())
    return False  # lists, maps and null are outside the subset


def _severity(name: str) -> int:
    upper = name.upper()
    return SEVERITIES.index(upper) if upper in SEVERITIES else -1


def _ordered(op: str, left: Any, right: Any) -> bool:
    return {
        "=": left == right,
        ">": left > right,
        ">=": left >= right,
        "<": left < right,
        "<=": left <= right,
    }[op]
