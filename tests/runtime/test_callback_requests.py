"""What a callback endpoint looks like and what `events.await_callback` hands back.

Google's page "Wait using callbacks" (workflows/docs/creating-callback-endpoints): the
endpoint is a Workflow Executions API URL of the execution, `http_callback_method` is one
of GET, HEAD, POST, PUT, DELETE, OPTIONS or PATCH (default POST), and the awaited request
is a map with `http_request` (method, url, headers, body, query), `received_time` and
`type`. A callback request may come from any `http.*` call of the runtime, or from test
code through `runtime.callbacks.send`.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from tests.runtime.helpers import FakeServices
from workflow_runtime import ExecutionResult, Runtime, VirtualClock
from workflow_runtime.engine.clock import DEFAULT_START, NO_LATENCY

UUID4 = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"


@dataclass
class Handler:
    """`services.http` answering every request by calling `answer(body)` first."""

    answer: Callable[[Any], None]

    def request(self, ctx: Any, method: str, url: str, headers: Any, body: Any, *rest: Any) -> dict[str, Any]:
        self.answer(body)
        return {"code": 202, "headers": {}, "body": None}


def _runtime() -> Runtime:
    return Runtime(clock=VirtualClock(latency=NO_LATENCY), project_id="proj-1", location="europe-west4")


def _run(runtime: Runtime, source: str, argument: Any = None) -> ExecutionResult:
    return runtime.run(textwrap.dedent(source), argument, workflow_id="approvals")


ASK_AND_AWAIT = """
- create:
    call: events.create_callback_endpoint
    args:
      http_callback_method: PUT
    result: cb
- ask:
    call: http.post
    args:
      url: https://approver.example.com/ask
      body: ${cb.url}
- asked_at:
    assign:
      - asked: ${sys.now()}
- wait:
    call: events.await_callback
    args:
      callback: ${cb}
      timeout: ${args.timeout}
    result: req
- out:
    return:
      url: ${cb.url}
      asked: ${asked}
      request: ${req}
"""


def _ask(send: Callable[[Runtime, str], None], timeout: float = 60) -> ExecutionResult:
    """Run ASK_AND_AWAIT with an approver that calls `send(runtime, callback_url)`."""
    runtime = _runtime()
    runtime.services = FakeServices(Handler(lambda url: send(runtime, url)))
    return runtime.run(
        textwrap.dedent("main:\n  params: [args]\n  steps:\n" + textwrap.indent(ASK_AND_AWAIT, "    ")),
        {"timeout": timeout},
        workflow_id="approvals",
    )


def test_the_endpoint_is_an_executions_api_url_of_this_execution() -> None:
    outcome = _ask(lambda runtime, url: runtime.callbacks.send(url, "ok"))
    assert outcome.state == "SUCCEEDED", outcome.error
    pattern = (
        r"https://workflowexecutions\.googleapis\.com/v1/projects/proj-1/locations/europe-west4/"
        rf"workflows/approvals/executions/{outcome.execution_id}/callbacks/{UUID4}"
    )
    assert re.fullmatch(pattern, outcome.result["url"]), outcome.result["url"]


def test_the_awaited_request_carries_method_url_headers_body_query_time_and_type() -> None:
    def send(runtime: Runtime, url: str) -> None:
        runtime.callbacks.send(url, {"ok": True}, headers={"X-Id": "7"}, query={"q": "1"}, delay=30)

    outcome = _ask(send)
    assert outcome.result["request"] == {
        "http_request": {
            "method": "PUT",
            "url": outcome.result["url"],
            "headers": {"X-Id": "7"},
            "body": {"ok": True},
            "query": {"q": "1"},
        },
        # The clock starts at 2025-01-01T00:00:00Z; the request arrived 30 s later.
        "received_time": "2025-01-01T00:00:30Z",
        "type": "HTTP",
    }


def test_send_without_a_delay_arrives_at_once() -> None:
    outcome = _ask(lambda runtime, url: runtime.callbacks.send(url, "now"))
    assert outcome.result["request"]["received_time"] == "2025-01-01T00:00:00Z"
    assert outcome.virtual_seconds == 0


def test_a_delayed_send_does_not_hold_up_the_sender() -> None:
    outcome = _ask(lambda runtime, url: runtime.callbacks.send(url, "later", delay=0.5))
    # The approver answered at once; the callback came half a second later, and a wait of
    # less than a second still receives it.
    assert outcome.result["asked"] == DEFAULT_START
    assert outcome.result["request"]["received_time"] == "2025-01-01T00:00:00.500000Z"
    assert outcome.virtual_seconds == 0.5


def test_a_wait_shorter_than_a_second_still_receives_an_earlier_callback() -> None:
    outcome = _ask(lambda runtime, url: runtime.callbacks.send(url, "soon", delay=0.5), timeout=0.8)
    assert outcome.state == "SUCCEEDED", outcome.error
    assert outcome.result["request"]["http_request"]["body"] == "soon"


def test_a_timeout_names_the_wait_and_the_endpoint() -> None:
    outcome = _ask(lambda runtime, url: runtime.callbacks.send(url, "late", delay=120), timeout=60)
    url = outcome.error["message"].rsplit(" ", 1)[-1]
    assert outcome.error == {
        "tags": ["TimeoutError"],
        "message": f"timed out after 60.0 s waiting for a callback to {url}",
    }
    assert "/callbacks/" in url


def test_sending_to_an_unknown_endpoint_lists_the_known_ones() -> None:
    runtime = _runtime()
    with pytest.raises(
        ValueError, match=r"^no callback endpoint 'https://x\.test/cb' \(created: none yet\)$"
    ):
        runtime.callbacks.send("https://x.test/cb")
    urls = _run(runtime, MANY_ENDPOINTS).result
    with pytest.raises(ValueError, match=rf"\(created: {re.escape(', '.join(urls))}\)$"):
        runtime.callbacks.send("https://x.test/cb")


MANY_ENDPOINTS = """
- init:
    assign:
      - urls: []
- create:
    for:
      value: i
      range: [1, 10]
      steps:
        - one:
            call: events.create_callback_endpoint
            result: cb
        - keep:
            assign:
              - urls: ${list.concat(urls, cb.url)}
- out:
    return: ${urls}
"""


def test_every_endpoint_gets_its_own_random_uuid() -> None:
    urls = _run(_runtime(), MANY_ENDPOINTS).result
    assert len(set(urls)) == 10
    assert all(re.fullmatch(rf".*/callbacks/{UUID4}", url) for url in urls), urls


def test_awaiting_an_unknown_endpoint_is_a_value_error() -> None:
    outcome = _run(
        _runtime(),
        """
        - wait:
            call: events.await_callback
            args:
              callback:
                url: https://x.test/cb
              timeout: 5
        """,
    )
    assert outcome.error == {
        "tags": ["ValueError"],
        "message": "events.await_callback: unknown callback endpoint https://x.test/cb",
    }


# --- callbacks made by http.* calls of the workflow itself ----------------------------------

SELF_CALL = """
- create:
    call: events.create_callback_endpoint
    result: cb
- init:
    assign:
      - got: null
      - refused: null
      - answer: null
- both:
    parallel:
      shared: [got, refused, answer]
      branches:
        - waiter:
            steps:
              - wait:
                  try:
                    call: events.await_callback
                    args:
                      callback: ${cb}
                      timeout: ${args.timeout}
                    result: req
                  except:
                    as: e
                    steps:
                      - timed_out:
                          assign:
                            - got: ${e.tags}
                          next: end
              - keep:
                  assign:
                    - got: ${req.http_request}
        - caller:
            steps:
              - wrong_method:
                  try:
                    call: http.get
                    args:
                      url: ${cb.url}
                  except:
                    as: e
                    steps:
                      - keep_refusal:
                          assign:
                            - refused: ${[e.code, e.body]}
              - call_back:
                  call: http.post
                  args:
                    url: ${cb.url + args.suffix}
                    headers:
                      X-From: caller
                    query:
                      step: call_back
                    body: done
                  result: answer
- out:
    return:
      got: ${got}
      refused: ${refused}
      answer: ${answer.code}
"""


def _self_call(suffix: str = "", timeout: float = 30) -> Any:
    runtime = _runtime()
    outcome = runtime.run(
        textwrap.dedent("main:\n  params: [args]\n  steps:\n" + textwrap.indent(SELF_CALL, "    ")),
        {"suffix": suffix, "timeout": timeout},
    )
    assert outcome.state == "SUCCEEDED", outcome.error
    return outcome.result


def test_an_http_call_to_the_endpoint_is_delivered_with_its_headers_and_query() -> None:
    result = _self_call()
    assert result["answer"] == 200
    assert result["got"]["method"] == "POST"
    assert result["got"]["headers"] == {"X-From": "caller"}
    assert result["got"]["query"] == {"step": "call_back"}
    assert result["got"]["body"] == "done"


def test_a_request_with_another_method_is_refused_with_404() -> None:
    assert _self_call()["refused"] == [404, "callback expects POST"]


@pytest.mark.parametrize("suffix", ["?attempt=1", "?next=a?b"])
def test_a_query_string_in_the_url_still_reaches_the_endpoint(suffix: str) -> None:
    result = _self_call(suffix)
    assert result["got"]["body"] == "done"
    assert result["got"]["url"].endswith(suffix)


def test_a_zero_timeout_does_not_wait_even_for_a_callback_at_the_same_instant() -> None:
    # The waiter branch runs first; with timeout 0 it gives up before the caller branch
    # (same virtual instant) calls back.
    assert _self_call(timeout=0)["got"] == ["TimeoutError"]


def test_the_runtime_callbacks_must_be_a_callback_hub() -> None:
    runtime = _runtime()
    runtime.callbacks = "hub"  # type: ignore[assignment]
    with pytest.raises(TypeError, match=r"^the runtime's callbacks must be a CallbackHub, got str$"):
        _run(runtime, "- c:\n    call: events.create_callback_endpoint\n")
