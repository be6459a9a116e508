"""The HTTP router behind http.*: registered handlers only, patterns, recorded requests."""

from __future__ import annotations

import pytest

from workflow_runtime.connectors.http_router import HttpResponse, HttpRouter
from workflow_runtime.errors import WorkflowError
from workflow_runtime.fakes import Services
from workflow_runtime.testing import connector_context


@pytest.fixture
def ctx():
    return connector_context(Services())


def send(ctx, method: str, url: str, body=None) -> dict:
    return ctx.services.http.request(ctx, method, url, {}, body, {}, None, 30)


def test_segment_placeholders_and_wildcards(ctx):
    router: HttpRouter = ctx.services.http
    router.register(
        "GET",
        "https://api.test/jobs/{job}/runs/{run}",
        lambda req: {"job": req.params["job"], "run": req.params["run"]},
    )
    router.register("*", "https://files.test/*", lambda req: HttpResponse(201, "ok"))
    answer = send(ctx, "GET", "https://api.test/jobs/j1/runs/7?verbose=1")
    assert answer == {
        "code": 200,
        "headers": {"Content-Type": "application/json"},
        "body": b'{"job": "j1", "run": "7"}',
    }
    assert send(ctx, "PUT", "https://files.test/a/b/c")["code"] == 201
    with pytest.raises(WorkflowError) as info:
        send(ctx, "GET", "https://api.test/jobs/j1/runs/7/extra")
    assert info.value.tags == ["ConnectionFailedError"]


def test_method_must_match(ctx):
    ctx.services.http.respond("POST", "https://api.test/x", {"ok": True})
    assert send(ctx, "POST", "https://api.test/x")["code"] == 200
    with pytest.raises(WorkflowError):
        send(ctx, "GET", "https://api.test/x")


def test_first_registered_route_wins_and_requests_are_recorded(ctx):
    router = ctx.services.http
    router.respond("GET", "https://api.test/*", "first")
    router.respond("GET", "https://api.test/a", "second")
    assert send(ctx, "GET", "https://api.test/a")["body"] == "first"
    assert [(r.method, r.url) for r in router.requests] == [("GET", "https://api.test/a")]


def test_error_status_is_passed_through_for_the_engine_to_raise(ctx):
    ctx.services.http.respond("GET", "https://api.test/down", {"error": "x"}, code=503)
    assert send(ctx, "GET", "https://api.test/down")["code"] == 503


def test_patterns_exclude_query_strings(ctx):
    with pytest.raises(ValueError, match="query"):
        ctx.services.http.register("GET", "https://api.test/x?a=1", lambda req: None)


def test_eventarc_publish_goes_to_the_bus(ctx):
    url = "https://eventarcpublishing.googleapis.com/v1/projects/p/locations/l/messageBuses/b:publish"
    answer = send(
        ctx, "POST", url, {"jsonMessage": '{"specversion": "1.0", "id": "1", "source": "s", "type": "t"}'}
    )
    assert answer["code"] == 200
    assert ctx.services.bus.published[0].type == "t"
    assert send(ctx, "POST", url, {"jsonMessage": "{}"})["code"] == 400


def test_delayed_answers_take_virtual_time_and_time_out(ctx):
    router = ctx.services.http
    router.register("GET", "https://slow.test/x", lambda req: HttpResponse(200, "ok", delay=20))
    start = ctx.clock.now()
    assert router.request(ctx, "GET", "https://slow.test/x", {}, None, {}, None, 30)["body"] == "ok"
    assert ctx.clock.now() - start == 20
    with pytest.raises(WorkflowError) as info:
        router.request(ctx, "GET", "https://slow.test/x", {}, None, {}, None, 5)
    assert info.value.tags == ["TimeoutError"]
    assert ctx.clock.now() - start == 25
