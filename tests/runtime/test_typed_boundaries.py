"""Where an untyped value enters typed runtime code (a service object, an HTTP answer, a
JSON body, a connector argument), it is checked, and a wrong one is named, not used."""

from __future__ import annotations

from typing import Any

import pytest

from tests.runtime.helpers import run
from workflow_runtime.connectors import lookup_connector
from workflow_runtime.connectors.args import required_string_arg
from workflow_runtime.errors import WorkflowError
from workflow_runtime.fakes import Services
from workflow_runtime.stdlib.spec import expect
from workflow_runtime.testing import WorkflowEnv, connector_context


def test_storage_service_that_is_not_a_gcs_client_is_named() -> None:
    spec = lookup_connector("googleapis.storage.v1.objects.get")
    assert spec is not None
    ctx = connector_context(Services(storage="http://127.0.0.1:4443"))
    with pytest.raises(TypeError, match=r"Services\.storage must be a GcsClient, got str"):
        spec.impl(ctx, {"bucket": "b", "object": "o"})


def test_request_resource_refuses_an_answer_that_is_not_a_json_object(workflow_env: WorkflowEnv) -> None:
    workflow_env.put_text("notes/a.txt", "hello")
    path = f"/storage/v1/b/{workflow_env.bucket}/o/notes%2Fa.txt"
    # An object's metadata is a resource; deleting it answers 204 with no body at all.
    assert workflow_env.storage.request_resource("GET", path)["name"] == "notes/a.txt"
    with pytest.raises(TypeError, match=r"DELETE .*notes%2Fa\.txt: the emulator answered None"):
        workflow_env.storage.request_resource("DELETE", path)


class _ListAnsweringHttp:
    """An http service that breaks the contract: it answers a list, not a response map."""

    def request(self, *args: Any) -> list[int]:
        return [200]


class _HttpOnly:
    http = _ListAnsweringHttp()


def test_http_service_answer_that_is_not_a_response_map_is_named() -> None:
    source = "- get:\n    call: http.get\n    args:\n      url: https://api.example.com/x\n"
    with pytest.raises(TypeError, match=r"services\.http\.request must return a response map, got list"):
        run(source, services=_HttpOnly())


def test_required_string_arg_names_a_missing_argument() -> None:
    assert required_string_arg("c.f", {"parent": "p"}, "parent") == "p"
    with pytest.raises(WorkflowError) as info:
        required_string_arg("c.f", {"parent": None}, "parent")
    assert info.value.tags == ["ValueError"]
    assert info.value.value["message"] == "c.f: missing required argument(s) parent"


@pytest.mark.parametrize(
    ("kind", "good", "bad"),
    [("string", "s", 1), ("int", 3, True), ("map", {"a": 1}, [1]), ("bytes", b"x", "x")],
)
def test_expect_returns_the_checked_value_and_refuses_another_kind(kind: str, good: Any, bad: Any) -> None:
    assert expect("m.f", "p", good, kind) is good
    with pytest.raises(WorkflowError) as info:
        expect("m.f", "p", bad, kind)
    assert info.value.tags == ["TypeError"]
    assert (
        f"m.f: argument 'p' must be a{'n' if kind[0] in 'aeiou' else ''} {kind}"
        in info.value.value["message"]
    )
