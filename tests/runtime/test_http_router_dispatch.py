"""The HTTP router behind http.*: what a handler sees, how a delay meets the request's
timeout, which patterns capture what, and the error for a URL nobody serves.

Workflows semantics pinned here (workflows/docs/reference/stdlib/http/request): `timeout`
is the request's limit in seconds and a request slower than it fails with TimeoutError;
an unreachable host is a ConnectionFailedError (workflows/docs/reference/syntax/
error-types). The rest is the router's own contract (see its docstring).
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from workflow_runtime.connectors.http_router import HttpRequest, HttpResponse, HttpRouter
from workflow_runtime.errors import WorkflowError
from workflow_runtime.fakes import Services
from workflow_runtime.testing import connector_context


@pytest.fixture
def ctx() -> Any:
    return connector_context(Services())


def _get(ctx: Any, url: str, timeout: Any = 30) -> dict[str, Any]:
    return ctx.services.http.request(ctx, "get", url, {}, None, {}, None, timeout)


def test_a_handler_sees_the_request_as_sent(ctx: Any) -> None:
    seen: list[HttpRequest] = []
    ctx.services.http.register("POST", "https://api.test/{jobId}/run", lambda req: seen.append(req) or "ok")
    auth = {"type": "OIDC"}
    ctx.services.http.request(
        ctx, "post", "https://api.test/j-1/run?x=1", {"X-A": "1"}, {"n": 1}, {"x": "1"}, auth, 30
    )
    [req] = seen
    assert (req.method, req.url, req.headers, req.body, req.query, req.auth, req.timeout, req.params) == (
        "POST",
        "https://api.test/j-1/run?x=1",
        {"X-A": "1"},
        {"n": 1},
        {"x": "1"},
        {"type": "OIDC"},
        30,
        {"jobId": "j-1"},
    )


def test_a_plain_return_value_is_a_200_json_body(ctx: Any) -> None:
    ctx.services.http.register("GET", "https://api.test/x", lambda req: {"a": 1})
    assert _get(ctx, "https://api.test/x") == {
        "code": 200,
        "headers": {"Content-Type": "application/json"},
        "body": b'{"a": 1}',
    }


def test_braces_that_are_not_a_placeholder_are_literal(ctx: Any) -> None:
    ctx.services.http.respond("GET", "https://api.test/a}", "closing")
    ctx.services.http.respond("GET", "https://api.test/{x/b", "opening")
    assert _get(ctx, "https://api.test/a}")["body"] == "closing"
    assert _get(ctx, "https://api.test/{x/b")["body"] == "opening"


def test_a_second_question_mark_belongs_to_the_query(ctx: Any) -> None:
    ctx.services.http.respond("GET", "https://api.test/a", "found")
    assert _get(ctx, "https://api.test/a?x=1?y=2")["body"] == "found"


def test_a_short_delay_takes_its_virtual_time(ctx: Any) -> None:
    ctx.services.http.register("GET", "https://slow.test/x", lambda req: HttpResponse(200, "ok", delay=0.5))
    start = ctx.clock.now()
    _get(ctx, "https://slow.test/x")
    assert ctx.clock.now() - start == 0.5


def test_a_delay_equal_to_the_timeout_is_not_a_timeout(ctx: Any) -> None:
    ctx.services.http.register("GET", "https://slow.test/x", lambda req: HttpResponse(200, "ok", delay=30))
    assert _get(ctx, "https://slow.test/x", timeout=30)["body"] == "ok"


def test_without_a_numeric_timeout_a_delay_never_times_out(ctx: Any) -> None:
    ctx.services.http.register("GET", "https://slow.test/x", lambda req: HttpResponse(200, "ok", delay=5000))
    assert _get(ctx, "https://slow.test/x", timeout=None)["body"] == "ok"


def test_a_timeout_names_the_request_and_the_limit(ctx: Any) -> None:
    ctx.services.http.register("GET", "https://slow.test/x", lambda req: HttpResponse(200, "ok", delay=20))
    with pytest.raises(WorkflowError) as caught:
        _get(ctx, "https://slow.test/x?q=1", timeout=2.5)
    assert caught.value.value == {
        "tags": ["TimeoutError"],
        "message": "GET https://slow.test/x?q=1 timed out after 2.5 s",
    }


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("https://nobody.test/a?b=1", "no handler for GET https://nobody.test/a (host nobody.test)"),
        ("not-a-url", "no handler for GET not-a-url (host not-a-url)"),
    ],
)
def test_an_unserved_url_is_a_connection_failure_saying_how_to_serve_it(
    ctx: Any, url: str, message: str
) -> None:
    with pytest.raises(WorkflowError) as caught:
        _get(ctx, url)
    assert caught.value.value == {
        "tags": ["ConnectionFailedError"],
        "message": f"{message}: register one with workflow_env.http.register(method, url_pattern, handler)",
    }


def test_a_publish_is_recorded_at_its_virtual_time(ctx: Any) -> None:
    url = "https://eventarcpublishing.googleapis.com/v1/projects/p/locations/l/messageBuses/b:publish"
    ctx.clock.advance(7)
    body = {"jsonMessage": '{"specversion": "1.0", "id": "1", "source": "s", "type": "t"}'}
    answer = ctx.services.http.request(ctx, "POST", url, {}, body, {}, None, 30)
    assert ctx.services.bus.published[0].published_at == ctx.clock.now()
    # The bus's answer (an empty PublishResponse) goes back as a 200 JSON body.
    assert answer == {"code": 200, "headers": {"Content-Type": "application/json"}, "body": b"{}"}


def test_without_a_bus_a_publish_url_is_an_ordinary_unserved_url() -> None:
    ctx = connector_context(SimpleNamespace())  # type: ignore[arg-type]
    router = HttpRouter()
    url = "https://eventarcpublishing.googleapis.com/v1/projects/p/locations/l/messageBuses/b:publish"
    with pytest.raises(WorkflowError) as caught:
        router.request(ctx, "POST", url, {}, {}, {}, None, 30)
    assert caught.value.tags == ["ConnectionFailedError"]
