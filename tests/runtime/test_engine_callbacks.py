"""events.create_callback_endpoint / events.await_callback on the virtual clock."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import Any

from workflow_runtime import ExecutionResult, Runtime, VirtualClock
from workflow_runtime.engine.clock import NO_LATENCY

# Google's "basic callback workflow" sample, with the timeout as a parameter.
BASIC = """
main:
  params: [args]
  steps:
    - create_callback:
        call: events.create_callback_endpoint
        args:
          http_callback_method: "POST"
        result: callback_details
    - notify:
        call: http.post
        args:
          url: https://approver.example.com/ask
          body:
            callback: ${callback_details.url}
    - await_callback:
        call: events.await_callback
        args:
          callback: ${callback_details}
          timeout: ${args.timeout}
        result: callback_request
    - return_callback_result:
        return: ${callback_request.http_request}
"""


@dataclass
class Approver:
    """An external service that answers the callback `delay` seconds after being asked."""

    runtime: Runtime
    delay: float

    def request(self, ctx: Any, method: str, url: str, headers: Any, body: Any, *rest: Any) -> dict[str, Any]:
        self.runtime.callbacks.send(body["callback"], {"approved": True}, delay=self.delay)
        return {"code": 202, "headers": {}, "body": None}


@dataclass
class Services:
    """Only `http`."""

    http: Any


def run_basic(delay: float, timeout: float) -> ExecutionResult:
    runtime = Runtime(clock=VirtualClock(latency=NO_LATENCY))
    runtime.services = Services(Approver(runtime, delay))
    return runtime.run(textwrap.dedent(BASIC), {"timeout": timeout})


def test_await_callback_returns_the_request_when_it_arrives() -> None:
    outcome = run_basic(delay=600, timeout=3600)
    assert outcome.state == "SUCCEEDED", outcome.error
    request = outcome.result
    assert request["method"] == "POST"
    assert request["body"] == {"approved": True}
    assert "/callbacks/" in request["url"]
    assert outcome.virtual_seconds == 600


def test_await_callback_times_out_with_a_timeout_error() -> None:
    outcome = run_basic(delay=7200, timeout=3600)
    assert outcome.error["tags"] == ["TimeoutError"]
    assert outcome.virtual_seconds == 3600


def test_a_callback_sent_before_the_await_is_kept() -> None:
    outcome = run_basic(delay=0, timeout=10)
    assert outcome.result["body"] == {"approved": True}
    assert outcome.virtual_seconds == 0


def test_a_parallel_branch_can_call_back_another_branch() -> None:
    outcome = Runtime(clock=VirtualClock(latency=NO_LATENCY)).run(
        textwrap.dedent(
            """
            - create:
                call: events.create_callback_endpoint
                args:
                  http_callback_method: PUT
                result: cb
            - init:
                assign:
                  - got: null
            - both:
                parallel:
                  shared: [got]
                  branches:
                    - waiter:
                        steps:
                          - wait:
                              call: events.await_callback
                              args:
                                callback: ${cb}
                                timeout: 100
                              result: req
                          - keep:
                              assign:
                                - got: ${req.http_request.body}
                    - caller:
                        steps:
                          - init_refused:  # an except's variables are local to it
                              assign:
                                - refused: null
                          - later:
                              call: sys.sleep
                              args:
                                seconds: 30
                          - wrong_method:
                              try:
                                call: http.post
                                args:
                                  url: ${cb.url}
                                  body: nope
                              except:
                                as: e
                                steps:
                                  - check:
                                      assign:
                                        - refused: ${e.code}
                          - call_back:
                              call: http.put
                              args:
                                url: ${cb.url}
                                body: ${"refused with " + string(refused)}
            - out:
                return: ${got}
            """
        )
    )
    assert outcome.result == "refused with 404"
    assert outcome.virtual_seconds == 30


def test_create_callback_endpoint_rejects_an_unknown_method() -> None:
    outcome = Runtime(clock=VirtualClock(latency=NO_LATENCY)).run(
        "- c:\n    call: events.create_callback_endpoint\n    args:\n      http_callback_method: FETCH\n"
    )
    assert outcome.error["tags"] == ["ValueError"]
