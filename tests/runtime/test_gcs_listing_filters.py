"""objects.list with matchGlob: offsets, prefix, delimiter, trailing delimiters, paging.

Google's objects.list page (cloud.google.com/storage/docs/json_api/v1/objects/list):
`startOffset` keeps names lexicographically equal to or after it, `endOffset` names before
it; `prefixes[]` collects the names up to the delimiter after `prefix`;
`includeTrailingDelimiter` also lists, in `items`, the objects that end in the delimiter;
a page holds at most 1000 entries and `nextPageToken` is present only when more follow.
The emulator ignores matchGlob, so these filters run in gcs_listing.
"""

from __future__ import annotations

import pytest

from tests.runtime.test_connector_storage import PREFIX, call, raises
from workflow_runtime.testing import WorkflowEnv

EVERYTHING = "**"


def names(page: dict) -> list[str]:
    return [item["name"] for item in page.get("items", [])]


# Each behaviour holds with matchGlob (filtered here) and without it (the emulator's own).
WITH_AND_WITHOUT_GLOB = pytest.mark.parametrize(
    "glob", [{"matchGlob": EVERYTHING}, {}], ids=["glob", "plain"]
)


@WITH_AND_WITHOUT_GLOB
def test_offsets_keep_start_inclusive_and_end_exclusive(workflow_env: WorkflowEnv, glob: dict) -> None:
    for name in ("a", "b", "c", "d"):
        workflow_env.put_text(name, "x")
    assert names(call(workflow_env, "list", **glob, startOffset="b")) == ["b", "c", "d"]
    assert names(call(workflow_env, "list", **glob, endOffset="c")) == ["a", "b"]
    both = call(workflow_env, "list", **glob, startOffset="b", endOffset="d")
    assert names(both) == ["b", "c"]


def test_glob_listing_stays_under_the_prefix(workflow_env: WorkflowEnv) -> None:
    for name in ("in/a.json", "in/b/c.json", "out/a.json"):
        workflow_env.put_text(name, "x")
    assert names(call(workflow_env, "list", prefix="in/", matchGlob=EVERYTHING)) == [
        "in/a.json",
        "in/b/c.json",
    ]


def test_a_delimiter_right_after_the_prefix_makes_a_prefix(workflow_env: WorkflowEnv) -> None:
    for name in ("scenes/s1", "scenes.json"):
        workflow_env.put_text(name, "x")
    page = call(workflow_env, "list", prefix="scenes", delimiter="/", matchGlob=EVERYTHING)
    assert page["prefixes"] == ["scenes/"]
    assert names(page) == ["scenes.json"]


@WITH_AND_WITHOUT_GLOB
def test_include_trailing_delimiter_lists_folder_placeholders_too(
    workflow_env: WorkflowEnv, glob: dict
) -> None:
    for name in ("d/", "d/x", "e"):
        workflow_env.put_text(name, "x")
    plain = call(workflow_env, "list", delimiter="/", **glob)
    assert (names(plain), plain["prefixes"]) == (["e"], ["d/"])
    with_trailing = call(workflow_env, "list", delimiter="/", **glob, includeTrailingDelimiter=True)
    assert (names(with_trailing), with_trailing["prefixes"]) == (["d/", "e"], ["d/"])


def test_an_empty_glob_listing_is_just_the_kind(workflow_env: WorkflowEnv) -> None:
    workflow_env.put_text("other", "x")
    assert call(workflow_env, "list", prefix="none/", matchGlob=EVERYTHING) == {"kind": "storage#objects"}
    assert call(workflow_env, "list", matchGlob="*.json") == {"kind": "storage#objects"}


def test_a_full_last_page_has_no_next_page_token(workflow_env: WorkflowEnv) -> None:
    for name in ("a.json", "b.json", "c.txt"):
        workflow_env.put_text(name, "x")
    page = call(workflow_env, "list", matchGlob="*.json", maxResults=2)
    assert page == {"kind": "storage#objects", "items": page["items"]}
    assert names(page) == ["a.json", "b.json"]


def test_an_undecodable_page_token_is_http_400(workflow_env: WorkflowEnv) -> None:
    # No Google page documents this answer; 400 "invalid" is what a bad argument gets.
    error = raises(workflow_env, "list", matchGlob=EVERYTHING, pageToken="a")
    assert error["code"] == 400
    assert error["body"]["error"]["message"] == "Invalid pageToken"
    assert error["body"]["error"]["errors"][0]["reason"] == "invalid"


def test_glob_filter_reads_every_emulator_page(workflow_env: WorkflowEnv) -> None:
    # gcs_listing asks the emulator for pages of 1000; the match sits on the second page.
    for i in range(1000):
        workflow_env.put_text(f"many/{i:04d}", "")
    workflow_env.put_text("many/last.json", "")
    assert names(call(workflow_env, "list", prefix="many/", matchGlob="**.json")) == ["many/last.json"]


def test_list_takes_projection_versions_and_user_project(workflow_env: WorkflowEnv) -> None:
    workflow_env.put_text("a", "x")
    full = call(workflow_env, "list", projection="full", versions=False, userProject="p")
    assert names(full) == ["a"]
    assert "acl" in full["items"][0]  # projection full keeps the acl; noAcl (default) drops it
    assert "acl" not in call(workflow_env, "list", projection="noAcl")["items"][0]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"bucket": ""}, "argument bucket must not be empty"),
        ({"maxResults": -1}, "maxResults must be positive, got -1"),
        ({"matchGlob": 7}, "argument matchGlob must be a string"),
    ],
)
def test_bad_list_arguments_name_connector_and_argument(
    workflow_env: WorkflowEnv, args: dict, message: str
) -> None:
    error = raises(workflow_env, "list", **args)
    assert error["message"].startswith(f"{PREFIX}list: {message}")
