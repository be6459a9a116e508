"""The `fields` request parameter (partial response) of the Cloud Storage JSON API.

cloud.google.com/storage/docs/json_api ("Partial response"): `fields` selects what the
response holds; a comma separates fields, `a/b` selects b inside a, `a(b,c)` selects b
and c inside a (inside each element when a is an array), `*` selects everything at its
level. An invalid selector is HTTP 400. Unknown field names select nothing (the page
does not say; we leave them out rather than fail).
"""

from __future__ import annotations

from typing import Any

Selector = dict[str, "Selector | None"]  # field -> its sub-selector (None: all of it)


class FieldsSyntaxError(ValueError):
    """A `fields` value that is not a valid selector."""


def parse_fields(text: str) -> Selector:
    """The selector written in `text`, e.g. "nextPageToken,items(name,updated)"."""
    selector, end = _parse(text, 0)
    if end != len(text):
        raise FieldsSyntaxError(f"unexpected {text[end]!r} at offset {end} in fields {text!r}")
    return selector


def select(value: Any, selector: Selector) -> Any:
    """`value` with only the selected fields (lists: applied to every element)."""
    if isinstance(value, list):
        return [select(item, selector) for item in value]
    if not isinstance(value, dict):
        return value
    if "*" in selector:
        inner = selector["*"]
        return {key: item if inner is None else select(item, inner) for key, item in value.items()}
    kept: dict[str, Any] = {}
    for key, inner in selector.items():
        if key in value:
            kept[key] = value[key] if inner is None else select(value[key], inner)
    return kept


def _parse(text: str, at: int) -> tuple[Selector, int]:
    selector: Selector = {}
    while True:
        path, at = _path(text, at)
        inner: Selector | None = None
        if at < len(text) and text[at] == "(":
            inner, at = _parse(text, at + 1)
            if at >= len(text) or text[at] != ")":
                raise FieldsSyntaxError(f"unclosed '(' in fields {text!r}")
            at += 1
        _merge(selector, path, inner)
        if at < len(text) and text[at] == ",":
            at += 1
            continue
        return selector, at


def _path(text: str, at: int) -> tuple[list[str], int]:
    start = at
    while at < len(text) and text[at] not in ",()":
        at += 1
    names = [name.strip() for name in text[start:at].split("/")]
    if not all(names):
        raise FieldsSyntaxError(f"empty field name at offset {start} in fields {text!r}")
    return names, at


def _merge(selector: Selector, path: list[str], inner: Selector | None) -> None:
    head, rest = path[0], path[1:]
    if not rest:
        selector[head] = inner
        return
    child = selector.get(head)
    if child is None:
        child = {}
        selector[head] = child
    _merge(child, rest, inner)
