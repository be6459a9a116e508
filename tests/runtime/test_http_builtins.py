"""http.* builtins: every argument reaches `services.http`, bad arguments are named, and
response bodies are decoded by Content-Type.

Google's page `reference/stdlib/http/request` (and `http/get`, `http/post`, ...): the
builtins take `url`, `timeout`, `body`, `headers`, `query` and `auth`; a status >= 400 is an
HttpError. Billing by host: the pricing page (GCP-FACTS: googleapis.com calls are internal).
"""

from __future__ import annotations

import textwrap
from typing import Any

import pytest

from tests.runtime.helpers import FakeHttp, FakeServices, run
from workflow_runtime import Limits
from workflow_runtime.engine.functions import lookup_builtin
from workflow_runtime.testing import connector_context

URL = "https://api.example.com/r"
OK = {"code": 200, "headers": {}, "body": None}

FULL_CALL = """
- c:
    call: {function}
    args:
{method_arg}      url: {url}
      timeout: 42
      body: {{"k": 1}}
      headers: {{"X-Trace": "t1"}}
      query: {{"page": "2"}}
      auth: {{"type": "OIDC"}}
    result: r
- done:
    return: ${{r.code}}
"""


def _full_call(function: str, method_arg: str = "") -> str:
    return FULL_CALL.format(function=function, method_arg=method_arg, url=URL)


@pytest.mark.parametrize("method", ["DELETE", "POST", "PUT", "PATCH"])
def test_each_method_builtin_hands_every_argument_to_the_http_service(method: str) -> None:
    http = FakeHttp({(method, URL): OK})
    outcome = run(_full_call(f"http.{method.lower()}"), services=FakeServices(http))
    assert outcome.result == 200, outcome.error
    assert http.requests == [
        {
            "method": method,
            "url": URL,
            "headers": {"X-Trace": "t1"},
            "body": {"k": 1},
            "query": {"page": "2"},
            "auth": {"type": "OIDC"},
            "timeout": 42,
        }
    ]


def test_http_request_upper_cases_its_method_and_forwards_auth_and_timeout() -> None:
    http = FakeHttp({("PUT", URL): OK})
    outcome = run(_full_call("http.request", "      method: put\n"), services=FakeServices(http))
    assert outcome.result == 200, outcome.error
    (request,) = http.requests
    assert (request["method"], request["auth"], request["timeout"]) == ("PUT", {"type": "OIDC"}, 42)


def test_the_default_timeout_is_300_seconds() -> None:
    # reference/stdlib/http/request: "timeout ... default 300 seconds".
    http = FakeHttp({("GET", URL): OK})
    run(f"- g:\n    call: http.get\n    args:\n      url: {URL}\n", services=FakeServices(http))
    assert http.requests[0]["timeout"] == 300


@pytest.mark.parametrize(
    ("argument", "value", "message"),
    [
        ("url", "5", "http.post: argument 'url' must be a string, got"),
        ("headers", '"h"', "http.post: argument 'headers' must be a map, got"),
        ("query", "[1]", "http.post: argument 'query' must be a map, got"),
        ("auth", '"oidc"', "http.post: argument 'auth' must be a map, got"),
        ("timeout", '"soon"', "http.post: argument 'timeout' must be a number, got"),
    ],
)
def test_a_mistyped_argument_is_a_type_error_naming_the_function_and_argument(
    argument: str, value: str, message: str
) -> None:
    args = {"url": f'"{URL}"', argument: value}
    lines = "".join(f"      {key}: ${{{text}}}\n" for key, text in args.items())
    http = FakeHttp({("POST", URL): OK})
    outcome = run(f"- p:\n    call: http.post\n    args:\n{lines}", services=FakeServices(http))
    assert outcome.error["tags"] == ["TypeError"]
    assert outcome.error["message"].startswith(message), outcome.error["message"]
    assert http.requests == []  # refused before anything is sent


def test_without_an_http_service_the_error_names_the_call_and_url() -> None:
    outcome = run(f"- g:\n    call: http.get\n    args:\n      url: {URL}\n")
    assert outcome.error == {
        "tags": ["ConnectionFailedError"],
        "message": f"http.get: no HTTP service is configured for {URL} (register a handler)",
    }


def test_a_context_without_a_runtime_sends_straight_to_the_http_service() -> None:
    # CallContext.runtime is None outside a Runtime (connector_context): no callback hub.
    http = FakeHttp({("GET", URL): {"code": 200, "headers": {}, "body": "hi"}})
    spec = lookup_builtin("http.get")
    assert spec is not None
    response = spec.impl(connector_context(FakeServices(http)), url=URL)  # type: ignore[arg-type]
    assert response == {"code": 200, "headers": {}, "body": "hi"}


# --- response bodies ---------------------------------------------------------------------------


def _body_of(body: Any, content_type: str) -> Any:
    """The decoded `body` of an http.get answered with `body` and this Content-Type."""
    http = FakeHttp({("GET", URL): {"code": 200, "headers": {"Content-Type": content_type}, "body": body}})
    outcome = run(
        textwrap.dedent(
            f"""
            - g:
                call: http.get
                args:
                  url: {URL}
                result: r
            - out:
                return: ${{r.body}}
            """
        ),
        services=FakeServices(http),
    )
    if outcome.state != "SUCCEEDED":
        return outcome.error
    return outcome.result


def test_an_empty_json_body_is_null() -> None:
    assert _body_of(b"", "application/json") is None


def test_a_json_body_that_is_not_json_is_a_response_type_error() -> None:
    expected = {
        "tags": ["ResponseTypeError"],
        "message": "response declared application/json but is not valid JSON",
    }
    assert _body_of(b"{not json", "application/json") == expected
    # Bytes that are not UTF-8 are refused the same way (they used to crash the engine
    # with a Python UnicodeDecodeError).
    assert _body_of(b'"\xff"', "application/json") == expected


def test_a_binary_body_stays_bytes_and_text_is_decoded_leniently() -> None:
    assert _body_of(b"\x00\x01", "application/octet-stream") == b"\x00\x01"
    # Not UTF-8 under text/*: each bad byte becomes U+FFFD instead of failing the call
    # (the http/request page does not say; a lenient decode keeps the response readable).
    assert _body_of(b"caf\xe9", "text/plain") == "caf\ufffd"


def test_the_bare_googleapis_host_is_billed_as_an_internal_step() -> None:
    http = FakeHttp({("GET", "https://googleapis.com/x"): OK})
    outcome = run(
        "- g:\n    call: http.get\n    args:\n      url: https://googleapis.com/x\n",
        services=FakeServices(http),
    )
    assert (outcome.steps.internal, outcome.steps.external) == (1, 0)


@pytest.mark.parametrize(
    ("args", "billed"),
    [
        ('["https://api.example.com/r"]', (0, 1)),
        ('["GET", "https://api.example.com/r"]', (0, 1)),
        ('["GET", "https://storage.googleapis.com/b"]', (1, 0)),
    ],
)
def test_positional_args_are_billed_by_the_url_argument(args: str, billed: tuple[int, int]) -> None:
    # Positional args fill the builtin's parameters in order: http.request takes the
    # method first, the other http.* the url.
    function = "http.get" if args.count(",") == 0 else "http.request"
    url = args.strip("[]").split(", ")[-1].strip('"')
    http = FakeHttp({("GET", url): OK})
    outcome = run(f"- c:\n    call: {function}\n    args: {args}\n", services=FakeServices(http))
    assert outcome.state == "SUCCEEDED", outcome.error
    assert (outcome.steps.internal, outcome.steps.external) == billed


def test_external_steps_count_towards_the_steps_per_execution_limit() -> None:
    http = FakeHttp({("GET", URL): OK})
    calls = "".join(f"- c{i}:\n    call: http.get\n    args:\n      url: {URL}\n" for i in range(4))
    outcome = run(calls, services=FakeServices(http), limits=Limits(max_steps=3))
    assert outcome.error == {
        "tags": ["ResourceLimitError"],
        "message": "Exceeded the maximum number of steps per execution (3)",
    }
    assert (outcome.steps.internal, outcome.steps.external) == (0, 4)
