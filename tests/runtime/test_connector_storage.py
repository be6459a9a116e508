"""googleapis.storage.v1.objects.* against the real fake-gcs-server, with Google's semantics
restored where the emulator falls short (preconditions, matchGlob, raw slashes)."""

from __future__ import annotations

import pytest

from workflow_runtime.connectors import lookup_connector
from workflow_runtime.connectors.gcs_client import GcsClient
from workflow_runtime.errors import WorkflowError
from workflow_runtime.testing import WorkflowEnv, connector_context

PREFIX = "googleapis.storage.v1.objects."


def call(env: WorkflowEnv, method: str, **args):
    spec = lookup_connector(PREFIX + method)
    assert spec is not None, method
    ctx = connector_context(env.services)
    if method not in ("copy", "rewrite"):
        args = {"bucket": env.bucket, **args}
    return spec.impl(ctx, args)


def raises(env: WorkflowEnv, method: str, **args) -> dict:
    with pytest.raises(WorkflowError) as info:
        call(env, method, **args)
    return info.value.value


def test_insert_media_json_body_round_trips_and_get_decodes_json(workflow_env):
    meta = call(
        workflow_env, "insert", name="scenes/s1/a.json", uploadType="media", body={"n": 1, "tags": ["x"]}
    )
    assert meta["name"] == "scenes/s1/a.json"
    assert meta["contentType"] == "application/json"
    assert "acl" not in meta
    assert workflow_env.get_bytes("scenes/s1/a.json") == b'{"n":1,"tags":["x"]}'
    content = call(workflow_env, "get", object="scenes%2Fs1%2Fa.json", alt="media")
    assert content == {"n": 1, "tags": ["x"]}


def test_get_media_returns_bytes_for_non_json_content(workflow_env):
    workflow_env.put_text("notes/readme.txt", "hello")
    assert call(workflow_env, "get", object="notes%2Freadme.txt", alt="media") == b"hello"


def test_insert_bytes_body_is_stored_raw(workflow_env):
    call(workflow_env, "insert", name="raw.bin", uploadType="media", body=b"\x00\x01")
    assert workflow_env.get_bytes("raw.bin") == b"\x00\x01"
    assert call(workflow_env, "get", object="raw.bin")["contentType"] == ("application/octet-stream")


def test_insert_without_body_creates_an_empty_object(workflow_env):
    meta = call(workflow_env, "insert", name="empty", uploadType="media")
    assert meta["size"] == "0"
    assert workflow_env.get_bytes("empty") == b""


def test_body_that_is_not_json_is_a_type_error(workflow_env):
    error = raises(workflow_env, "insert", name="x", uploadType="media", body={"b": b"\x00"})
    assert error["tags"] == ["TypeError"]
    assert not workflow_env.exists("x")


def test_get_metadata_without_alt(workflow_env):
    workflow_env.put_json("m.json", {"a": 1})
    meta = call(workflow_env, "get", object="m.json")
    assert meta["name"] == "m.json"
    assert int(meta["generation"]) == workflow_env.generation("m.json")


def test_missing_object_is_http_404_error_map(workflow_env):
    error = raises(workflow_env, "get", object="nope.json", alt="media")
    assert error["tags"] == ["HttpError"]
    assert error["code"] == 404
    assert error["message"] == "HTTP server responded with error code 404"
    assert error["body"]["error"]["code"] == 404


def test_unencoded_slash_in_object_name_fails_like_google(workflow_env):
    workflow_env.put_json("scenes/s1/a.json", {})
    error = raises(workflow_env, "get", object="scenes/s1/a.json", alt="media")
    assert error["code"] == 404


def test_if_generation_match_zero_creates_only_if_absent(workflow_env):
    call(workflow_env, "insert", name="lock", uploadType="media", body="first", ifGenerationMatch=0)
    error = raises(
        workflow_env, "insert", name="lock", uploadType="media", body="second", ifGenerationMatch="0"
    )
    assert error["code"] == 412
    assert error["tags"] == ["HttpError"]
    assert error["body"]["error"]["errors"][0]["reason"] == "conditionNotMet"
    assert workflow_env.get_json("lock") == "first"


def test_if_generation_match_compares_the_live_generation(workflow_env):
    generation = workflow_env.generation(workflow_env.put_json("g.json", 1)["name"])
    assert (
        raises(
            workflow_env,
            "insert",
            name="g.json",
            uploadType="media",
            body=2,
            ifGenerationMatch=generation + 1,
        )["code"]
        == 412
    )
    call(workflow_env, "insert", name="g.json", uploadType="media", body=3, ifGenerationMatch=str(generation))
    assert workflow_env.get_json("g.json") == 3
    assert workflow_env.generation("g.json") != generation


def test_if_generation_not_match_and_metageneration_preconditions(workflow_env):
    workflow_env.put_json("p.json", 1)
    generation = workflow_env.generation("p.json")
    assert (
        raises(
            workflow_env, "insert", name="p.json", uploadType="media", body=2, ifGenerationNotMatch=generation
        )["code"]
        == 412
    )
    assert (
        raises(
            workflow_env, "insert", name="absent.json", uploadType="media", body=2, ifGenerationNotMatch=0
        )["code"]
        == 412
    )
    assert (
        raises(workflow_env, "insert", name="p.json", uploadType="media", body=2, ifMetagenerationMatch=7)[
            "code"
        ]
        == 412
    )
    call(workflow_env, "insert", name="p.json", uploadType="media", body=4, ifMetagenerationMatch=1)
    assert workflow_env.get_json("p.json") == 4


def test_delete_honours_generation_precondition(workflow_env):
    workflow_env.put_json("d.json", 1)
    generation = workflow_env.generation("d.json")
    assert raises(workflow_env, "delete", object="d.json", ifGenerationMatch=generation + 1)["code"] == 412
    assert workflow_env.exists("d.json")
    assert call(workflow_env, "delete", object="d.json", ifGenerationMatch=generation) is None
    assert not workflow_env.exists("d.json")
    assert raises(workflow_env, "delete", object="d.json")["code"] == 404


def test_get_honours_read_preconditions(workflow_env):
    workflow_env.put_json("r.json", {"v": 1})
    generation = workflow_env.generation("r.json")
    assert (
        raises(workflow_env, "get", object="r.json", alt="media", ifGenerationMatch=generation + 5)["code"]
        == 412
    )
    assert call(workflow_env, "get", object="r.json", alt="media", ifGenerationMatch=generation) == {"v": 1}


def test_patch_updates_metadata_and_returns_object_resource(workflow_env):
    workflow_env.put_json("meta.json", {})
    meta = call(workflow_env, "patch", object="meta.json", body={"metadata": {"k": "v"}})
    assert meta["kind"] == "storage#object"
    assert meta["metadata"] == {"k": "v"}


def test_copy_and_rewrite(workflow_env):
    workflow_env.put_json("src/a.json", {"a": 1})
    source = {
        "sourceBucket": workflow_env.bucket,
        "sourceObject": "src%2Fa.json",
        "destinationBucket": workflow_env.bucket,
    }
    copied = call(workflow_env, "copy", **source, destinationObject="dst%2Fa.json")
    assert copied["name"] == "dst/a.json"
    assert workflow_env.get_json("dst/a.json") == {"a": 1}
    refused = raises(workflow_env, "copy", **source, destinationObject="dst%2Fa.json", ifGenerationMatch=0)
    assert refused["code"] == 412
    rewritten = call(workflow_env, "rewrite", **source, destinationObject="dst%2Fb.json")
    assert rewritten["done"] is True
    assert workflow_env.get_json("dst/b.json") == {"a": 1}


def test_list_prefix_and_delimiter(workflow_env):
    for name in ("scenes/s1/a", "scenes/s1/b/c", "scenes/s2/a", "top"):
        workflow_env.put_text(name, "x")
    listing = call(workflow_env, "list", prefix="scenes/s1/", delimiter="/")
    assert [item["name"] for item in listing["items"]] == ["scenes/s1/a"]
    assert listing["prefixes"] == ["scenes/s1/b/"]
    assert "acl" not in listing["items"][0]
    root = call(workflow_env, "list", delimiter="/")
    assert root["prefixes"] == ["scenes/"]
    assert [item["name"] for item in root["items"]] == ["top"]


def test_list_pages_with_max_results_and_page_token(workflow_env):
    for i in range(5):
        workflow_env.put_text(f"p/{i}", "x")
    names, token, pages = [], None, 0
    while True:
        page = call(
            workflow_env, "list", prefix="p/", maxResults=2, **({"pageToken": token} if token else {})
        )
        pages += 1
        names += [item["name"] for item in page.get("items", [])]
        token = page.get("nextPageToken")
        if not token:
            break
    assert pages == 3
    assert names == [f"p/{i}" for i in range(5)]


def test_list_max_results_is_capped_at_1000(workflow_env, monkeypatch):
    sent: list[dict] = []
    original = GcsClient.request_json

    def spy(self, method, path, **kwargs):
        sent.append(kwargs.get("query") or {})
        return original(self, method, path, **kwargs)

    monkeypatch.setattr(GcsClient, "request_json", spy)
    call(workflow_env, "list", maxResults=5000)
    assert sent[-1]["maxResults"] == 1000
    assert raises(workflow_env, "list", maxResults=0)["tags"] == ["ValueError"]


def test_match_glob_is_applied_with_google_rules(workflow_env):
    for name in (
        "scenes/s1/usd/.usd_complete",
        "scenes/s1/x/usd/.usd_complete",
        "scenes/s2/usd/.usd_complete",
        "scenes/s2/usd/model.usd",
        "other/a.json",
        "a.json",
        "b.txt",
    ):
        workflow_env.put_text(name, "x")

    def names(glob: str, **extra) -> list[str]:
        page = call(workflow_env, "list", matchGlob=glob, **extra)
        return [item["name"] for item in page.get("items", [])]

    assert names("scenes/*/usd/.usd_complete") == [
        "scenes/s1/usd/.usd_complete",
        "scenes/s2/usd/.usd_complete",
    ]
    assert names("scenes/**/.usd_complete") == [
        "scenes/s1/usd/.usd_complete",
        "scenes/s1/x/usd/.usd_complete",
        "scenes/s2/usd/.usd_complete",
    ]
    assert names("*.{json,txt}") == ["a.json", "b.txt"]
    assert names("scenes/s[2-9]/usd/*", prefix="scenes/") == [
        "scenes/s2/usd/.usd_complete",
        "scenes/s2/usd/model.usd",
    ]
    assert names("?.json") == ["a.json"]


def test_match_glob_pages_the_filtered_names(workflow_env):
    for i in range(5):
        workflow_env.put_text(f"g/{i}.json", "x")
        workflow_env.put_text(f"g/{i}.txt", "x")
    first = call(workflow_env, "list", matchGlob="g/*.json", maxResults=3)
    assert [item["name"] for item in first["items"]] == ["g/0.json", "g/1.json", "g/2.json"]
    second = call(workflow_env, "list", matchGlob="g/*.json", maxResults=3, pageToken=first["nextPageToken"])
    assert [item["name"] for item in second["items"]] == ["g/3.json", "g/4.json"]
    assert "nextPageToken" not in second


def test_match_glob_with_delimiter_reports_prefixes(workflow_env):
    for name in ("a/1.json", "a/b/2.json", "c.json"):
        workflow_env.put_text(name, "x")
    page = call(workflow_env, "list", matchGlob="**.json", delimiter="/")
    assert [item["name"] for item in page["items"]] == ["c.json"]
    assert page["prefixes"] == ["a/"]


def test_invalid_match_glob_is_http_400(workflow_env):
    assert raises(workflow_env, "list", matchGlob="a/{b,c")["code"] == 400


def test_bad_arguments_name_the_problem(workflow_env):
    error = raises(workflow_env, "insert", name="x", uploadType="media", body=1, bogus=1)
    assert error["tags"] == ["ValueError"]
    assert "bogus" in error["message"]
    error = raises(workflow_env, "insert", name="x", uploadType="multipart", body=1)
    assert "uploadType" in error["message"]
    error = raises(workflow_env, "get", object="x", alt="csv")
    assert "alt" in error["message"]


def test_unreachable_emulator_retries_then_raises_connection_failed(workflow_env):
    # A closed port: nothing listens, so every attempt fails to connect.
    workflow_env.services.storage = GcsClient("http://127.0.0.1:9")
    ctx = connector_context(workflow_env.services)
    start = ctx.clock.now()
    with pytest.raises(WorkflowError) as info:
        lookup_connector(PREFIX + "get").impl(ctx, {"bucket": "b", "object": "o"})
    assert info.value.tags == ["ConnectionFailedError"]
    # GET: idempotent policy, 5 retries after 1, 1.25, 1.5625, 1.953125, 2.44140625 s.
    assert ctx.steps.counts.internal == 5
    assert ctx.clock.now() - start == pytest.approx(8.20703125)


def test_names_with_spaces_plus_and_unicode(workflow_env):
    name = "scenes/s 1/ä+b.json"
    call(workflow_env, "insert", name=name, uploadType="media", body={"ok": 1})
    assert workflow_env.list() == [name]
    encoded = "scenes%2Fs%201%2F%C3%A4%2Bb.json"  # what text.url_encode gives
    assert call(workflow_env, "get", object=encoded, alt="media") == {"ok": 1}
    listing = call(workflow_env, "list", matchGlob="scenes/*/*.json")
    assert [item["name"] for item in listing["items"]] == [name]


def test_list_fields_returns_the_partial_response(workflow_env: WorkflowEnv) -> None:
    # cloud.google.com/storage/docs/json_api, "Partial response".
    for name in ("p/a.json", "p/b.json"):
        workflow_env.put_json(name, {"x": 1})
    listed = call(workflow_env, "list", prefix="p/", fields="nextPageToken,items(name,size)", maxResults=1)
    assert set(listed) == {"items", "nextPageToken"}
    assert listed["items"] == [{"name": "p/a.json", "size": listed["items"][0]["size"]}]


def test_list_fields_with_a_bad_selector_is_http_400(workflow_env: WorkflowEnv) -> None:
    workflow_env.put_json("p/a.json", {})
    with pytest.raises(WorkflowError) as caught:
        call(workflow_env, "list", fields="items(name")
    assert caught.value.value["code"] == 400
