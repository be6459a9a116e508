"""The `fields` selector of Cloud Storage partial responses, parsed and applied.

cloud.google.com/storage/docs/json_api ("Partial response"): `a/b` selects b inside a,
`a(b,c)` selects b and c inside a (in each element of an array), `*` everything at its
level; an invalid selector is HTTP 400 (tested through objects.list in
test_gcs_error_bodies).
"""

from __future__ import annotations

import pytest

from workflow_runtime.connectors.partial_response import FieldsSyntaxError, parse_fields, select


@pytest.mark.parametrize(
    ("text", "selector"),
    [
        ("name", {"name": None}),
        ("maxX", {"maxX": None}),
        ("a/b/c", {"a": {"b": {"c": None}}}),
        ("a/b,a/c", {"a": {"b": None, "c": None}}),
        ("a/b(c,d)", {"a": {"b": {"c": None, "d": None}}}),
        ("items(name),nextPageToken", {"items": {"name": None}, "nextPageToken": None}),
    ],
)
def test_fields_parse_to_nested_selectors(text: str, selector: dict) -> None:
    assert parse_fields(text) == selector


LISTING = {
    "kind": "storage#objects",
    "items": [{"name": "a", "size": "1", "metadata": {"k": "v", "j": "w"}}],
}


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ("kind", {"kind": "storage#objects"}),
        ("items/name", {"items": [{"name": "a"}]}),
        ("items/metadata/k", {"items": [{"metadata": {"k": "v"}}]}),
        ("*", LISTING),
        ("items(*)", {"items": LISTING["items"]}),
        ("items(metadata(*))", {"items": [{"metadata": {"k": "v", "j": "w"}}]}),
        ("items/metadata(*(x))", {"items": [{"metadata": {"k": "v", "j": "w"}}]}),
    ],
)
def test_select_keeps_only_the_selected_fields(fields: str, expected: dict) -> None:
    assert select(LISTING, parse_fields(fields)) == expected


def test_star_with_a_sub_selector_applies_it_to_every_member() -> None:
    value = {"a": {"x": 1, "y": 2}, "b": {"x": 3}}
    assert select(value, parse_fields("*(x)")) == {"a": {"x": 1}, "b": {"x": 3}}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a)", r"unexpected '\)' at offset 1 in fields 'a\)'"),
        ("a(b", r"unclosed '\(' in fields 'a\(b'"),
        ("a,,b", r"empty field name at offset 2 in fields 'a,,b'"),
        ("a//b", r"empty field name at offset 0"),
    ],
)
def test_bad_fields_name_the_problem(text: str, message: str) -> None:
    with pytest.raises(FieldsSyntaxError, match=message):
        parse_fields(text)
