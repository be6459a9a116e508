"""Runtime-level behaviour: limits, step billing, env, logs, uuid, http.*, virtual clock."""

from __future__ import annotations

import json
import re
import textwrap
import time
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.runtime.helpers import FakeHttp, FakeServices, run
from workflow_runtime import Limits, Runtime, VirtualClock
from workflow_runtime.connectors import ConnectorSpec
from workflow_runtime.engine.clock import DEFAULT_START, NO_LATENCY
from workflow_runtime.fakes import Services

# --- limits ------------------------------------------------------------------------------

LOOP = """
- loop:
    for:
      value: i
      range: [1, 100]
      steps:
        - s:
            assign:
              - x: ${i}
"""


def test_steps_per_execution_limit_is_a_resource_limit_error() -> None:
    outcome = run(LOOP, limits=Limits(max_steps=50))
    assert outcome.state == "FAILED"
    assert outcome.error["tags"] == ["ResourceLimitError"]
    assert outcome.steps.total == 51
    assert run(LOOP, limits=Limits(max_steps=101)).state == "SUCCEEDED"


def test_variable_memory_limit_is_a_resource_limit_error() -> None:
    source = """
    - init:
        assign:
          - blob: ""
    - grow:
        for:
          value: i
          range: [1, 100]
          steps:
            - add:
                assign:
                  - blob: ${blob + "0123456789"}
    - done:
        return: ${len(blob)}
    """
    assert run(source).result == 1000
    outcome = run(source, limits=Limits(max_variables_bytes=500))
    assert outcome.error["tags"] == ["ResourceLimitError"]


def test_default_memory_limit_is_512_kib() -> None:
    source = """
    main:
      params: [n]
      steps:
        - init:
            assign:
              - chunk: "0123456789012345678901234567890123456789012345678901234567890123"
              - blob: ""
        - grow:
            for:
              value: i
              range: ${[1, n]}
              steps:
                - add:
                    assign:
                      - blob: ${blob + chunk}
    """
    assert run(source, 7000).state == "SUCCEEDED"  # ~448 KB
    assert run(source, 8500).error["tags"] == ["ResourceLimitError"]  # ~544 KB


# --- step accounting ---------------------------------------------------------------------


def test_every_step_is_billed_once_including_containers() -> None:
    outcome = run(
        """
        - a:
            assign:
              - x: 1
        - b:
            steps:
              - c:
                  assign:
                    - y: 2
        - loop:
            for:
              value: v
              in: [1, 2, 3]
              steps:
                - d:
                    assign:
                      - z: ${v}
        - e:
            return: ${x}
        """
    )
    # a, b, c, loop, 3 x d, e
    assert (outcome.steps.internal, outcome.steps.external) == (8, 0)


def test_a_conditions_steps_block_is_part_of_the_switch_not_a_step() -> None:
    # Google bills executed steps; a condition's `steps:` has no name of its own, so the
    # switch and the steps nested in it are billed, like a for body's or an except's steps.
    nested = run(
        """
        - check:
            switch:
              - condition: ${true}
                steps:
                  - inner:
                      assign:
                        - x: 1
                next: done
        - skipped:
            assign:
              - x: 2
        - done:
            return: ${x}
        """
    )
    assert nested.result == 1  # the condition's `next` still applies after its steps
    # check, inner, done
    assert (nested.steps.internal, nested.steps.external) == (3, 0)
    inline = run(
        """
        - check:
            switch:
              - condition: ${true}
                return: 1
        """
    )
    # The docs do not say how an inline action is billed: the switch and its return.
    assert inline.steps.internal == 2


HTTP_WORKFLOW = """
- ext:
    call: http.post
    args:
      url: https://api.example.com/items
      body:
        name: widget
      query:
        dry: "true"
    result: created
- internal:
    call: http.get
    args:
      url: https://storage.googleapis.com/storage/v1/b/bucket
    result: bucket
- done:
    return:
      id: ${created.body.id}
      code: ${created.code}
      bucket: ${bucket.body}
"""


def test_http_calls_are_routed_decoded_and_billed_by_host() -> None:
    http = FakeHttp(
        {
            ("POST", "https://api.example.com/items"): {
                "code": 201,
                "headers": {"Content-Type": "application/json; charset=utf-8"},
                "body": b'{"id": 7}',
            },
            ("GET", "https://storage.googleapis.com/storage/v1/b/bucket"): {
                "code": 200,
                "headers": {"Content-Type": "text/plain"},
                "body": b"plain text",
            },
        }
    )
    outcome = run(HTTP_WORKFLOW, services=FakeServices(http))
    assert outcome.result == {"id": 7, "code": 201, "bucket": "plain text"}
    assert http.requests[0]["body"] == {"name": "widget"}
    assert http.requests[0]["query"] == {"dry": "true"}
    # ext is external; internal (googleapis.com) and done are internal.
    assert (outcome.steps.internal, outcome.steps.external) == (2, 1)


def test_http_status_400_and_above_raises_http_error_with_code_headers_body() -> None:
    http = FakeHttp(
        {
            ("GET", "https://api.example.com/missing"): {
                "code": 404,
                "headers": {"content-type": "application/json"},
                "body": '{"error": "not found"}',
            }
        }
    )
    outcome = run(
        """
        - get:
            try:
              call: http.get
              args:
                url: https://api.example.com/missing
            except:
              as: e
              steps:
                - out:
                    return: ${e}
        """,
        services=FakeServices(http),
    )
    assert outcome.result["tags"] == ["HttpError"]
    assert outcome.result["code"] == 404
    assert outcome.result["body"] == {"error": "not found"}
    assert outcome.result["headers"] == {"content-type": "application/json"}


def test_http_without_a_service_is_a_connection_failed_error() -> None:
    outcome = run(
        """
        - get:
            call: http.get
            args:
              url: https://api.example.com/x
        """
    )
    assert outcome.error["tags"] == ["ConnectionFailedError"]


# --- environment, logs, uuid -------------------------------------------------------------

ENV = """
- read:
    return:
      project: ${sys.get_env("GOOGLE_CLOUD_PROJECT_ID")}
      location: ${sys.get_env("GOOGLE_CLOUD_LOCATION")}
      workflow: ${sys.get_env("GOOGLE_CLOUD_WORKFLOW_ID")}
      revision: ${sys.get_env("GOOGLE_CLOUD_WORKFLOW_REVISION_ID")}
      number: ${sys.get_env("GOOGLE_CLOUD_PROJECT_NUMBER")}
      account: ${sys.get_env("GOOGLE_CLOUD_SERVICE_ACCOUNT_NAME")}
      execution: ${sys.get_env("GOOGLE_CLOUD_WORKFLOW_EXECUTION_ID")}
      user: ${sys.get_env("BUCKET")}
      missing: ${sys.get_env("NOPE", "fallback")}
      missing_null: ${sys.get_env("NOPE")}
"""


def test_builtin_and_user_environment_variables() -> None:
    runtime = Runtime(
        project_id="proj-1", location="europe-west1", env={"BUCKET": "base"}, project_number="42"
    )
    outcome = runtime.run(textwrap.dedent(ENV), env={"BUCKET": "override"}, workflow_id="wf-a")
    result = outcome.result
    assert result["project"] == "proj-1"
    assert result["location"] == "europe-west1"
    assert result["workflow"] == "wf-a"
    assert result["execution"] == outcome.execution_id
    assert result["revision"]
    assert result["number"] == "42"
    assert result["account"] == "42-compute@developer.gserviceaccount.com"
    assert result["user"] == "override"
    assert result["missing"] == "fallback"
    assert result["missing_null"] is None


@pytest.mark.parametrize("name", ["", "GOOGLE_X", "WORKFLOWS_Y"])
def test_reserved_user_env_names_are_refused(name: str) -> None:
    with pytest.raises(ValueError, match="reserved"):
        Runtime(env={name: "v"})
    with pytest.raises(ValueError, match="reserved"):
        Runtime().run("- a:\n    return: 1\n", env={name: "v"})


def test_get_env_default_must_be_a_string() -> None:
    outcome = run('- a:\n    return: ${sys.get_env("NOPE", 1)}\n')
    assert outcome.error["tags"] == ["TypeError"]


def test_sys_log_records_severity_payload_and_virtual_time() -> None:
    outcome = run(
        """
        - first:
            call: sys.log
            args:
              text: hello
              severity: INFO
        - wait:
            call: sys.sleep
            args:
              seconds: 90
        - second:
            call: sys.log
            args:
              json:
                answer: 42
              severity: WARNING
        - third:
            call: sys.log
            args:
              data: ${[1, 2]}
        """
    )
    assert [(e.time - DEFAULT_START, e.severity, e.payload) for e in outcome.logs] == [
        (0, "INFO", "hello"),
        (90, "WARNING", {"answer": 42}),
        (90, "DEFAULT", [1, 2]),
    ]


def test_sys_log_positional_args_as_in_googles_examples() -> None:
    # The sys.log reference's `args: [${myVar}, "ERROR"]`, quoted as standard YAML needs
    # inside [...] (unquoted, it is refused: see test_engine_deploy_checks.py).
    outcome = run(
        """
        - assignStep:
            assign:
              - myVar: "Log my error message"
        - argsList:
            call: sys.log
            args: ['${myVar}', "ERROR"]
        - argsListText:
            call: sys.log
            args: ['${null}', "WARNING", '${myVar}']
        """
    )
    assert [(e.severity, e.payload) for e in outcome.logs] == [
        ("ERROR", "Log my error message"),
        ("WARNING", "Log my error message"),
    ]


@pytest.mark.parametrize(
    "args", ["{}", "{data: a, text: b}", '{json: "not a map"}', "{data: '${base64.decode(\"YQ==\")}'}"]
)
def test_sys_log_payload_errors_are_type_errors(args: str) -> None:
    outcome = run(f"- l:\n    call: sys.log\n    args: {args}\n")
    assert outcome.error["tags"] == ["TypeError"], outcome.error


def test_sys_log_rejects_an_unknown_severity() -> None:
    outcome = run("- l:\n    call: sys.log\n    args:\n      text: x\n      severity: LOUD\n")
    assert outcome.error["tags"] == ["ValueError"]


def test_uuid_generate_is_a_v4_uuid_reproducible_per_execution() -> None:
    source = "- u:\n    return: ${[uuid.generate(), uuid.generate()]}\n"
    first, second = run(source).result
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", first)
    assert first != second
    assert run(source).result == [first, second]


# --- virtual clock -----------------------------------------------------------------------


def test_sleep_advances_virtual_time_without_real_sleeping() -> None:
    started = time.perf_counter()
    outcome = run(
        """
        - a:
            call: sys.sleep
            args:
              seconds: 3600
        - b:
            call: sys.sleep_until
            args:
              time: "2025-01-01T02:00:00Z"
        - c:
            return: ${sys.now()}
        """
    )
    assert time.perf_counter() - started < 1
    assert outcome.result == DEFAULT_START + 7200
    assert outcome.virtual_seconds == 7200


def test_executions_share_the_runtime_clock() -> None:
    clock = VirtualClock(start=1000.0)
    runtime = Runtime(clock=clock)
    source = "- a:\n    call: sys.sleep\n    args:\n      seconds: 5\n- b:\n    return: ${sys.now()}\n"
    assert runtime.run(source).result == 1005.0
    clock.advance(10)
    assert runtime.run(source).result == 1020.0


@pytest.mark.parametrize("when", ["2025-01-01T00:00:00", "tomorrow"])
def test_sleep_until_needs_an_rfc3339_time_with_a_zone(when: str) -> None:
    outcome = run(f"- a:\n    call: sys.sleep_until\n    args:\n      time: '{when}'\n")
    assert outcome.error["tags"] == ["ValueError"]


def test_negative_sleep_is_a_value_error() -> None:
    outcome = run("- a:\n    call: sys.sleep\n    args:\n      seconds: -1\n")
    assert outcome.error["tags"] == ["ValueError"]


@pytest.mark.parametrize("bad", ["'1'", "null"])
def test_sleep_needs_a_number(bad: str) -> None:
    outcome = run(f"- a:\n    call: sys.sleep\n    args:\n      seconds: {bad}\n")
    assert outcome.error["tags"] == ["TypeError"]


# --- connectors --------------------------------------------------------------------------


def test_connector_calls_get_the_resolved_args_and_the_call_context() -> None:
    seen: list[Any] = []

    def echo(ctx: Any, args: dict[str, Any]) -> Any:
        seen.append(ctx)
        ctx.clock.sleep(5)  # a long-running operation, polled twice
        ctx.steps.internal(2)
        return {"echo": args}

    # The engine reaches connectors only through the services' table.
    services = Services(
        connectors={"googleapis.fake.v1.echo": ConnectorSpec("googleapis.fake.v1.echo", echo)}
    )
    outcome = run(
        """
        - call_it:
            call: googleapis.fake.v1.echo
            args:
              name: ${"projects/" + sys.get_env("GOOGLE_CLOUD_PROJECT_ID")}
              connector_params:
                timeout: 60
            result: r
        - done:
            return: ${r}
        """,
        project_id="p1",
        services=services,
    )
    assert outcome.result == {"echo": {"name": "projects/p1", "connector_params": {"timeout": 60}}}
    assert outcome.virtual_seconds == 5
    assert outcome.steps.internal == 4  # call_it, two polls, done
    ctx = seen[0]
    assert ctx.env["GOOGLE_CLOUD_PROJECT_ID"] == "p1"
    assert isinstance(ctx.runtime, Runtime)


def test_memory_accounting_of_path_assignments_is_exact() -> None:
    source = """
    - a:
        assign:
          - m: {}
          - m.a: "xyz"
          - m["b"]: [1, 2]
          - m.c.d: 5
          - m.a: "longer value"
          - l: [1, 2, 3]
          - l[1]: "two"
    - done:
        return: ${[m, l]}
    """
    m, lst = run(source).result
    exact = len(json.dumps(m, separators=(",", ":"))) + len(json.dumps(lst, separators=(",", ":")))
    assert run(source, limits=Limits(max_variables_bytes=exact)).state == "SUCCEEDED"
    over = run(source, limits=Limits(max_variables_bytes=exact - 1))
    assert over.error["tags"] == ["ResourceLimitError"]


def test_explicit_step_ordering_sample_from_the_jumps_page() -> None:
    # Google's jumps sample: steps run first -> second -> third, not in source order.
    ok = {"code": 200, "headers": {}, "body": None}
    urls = [f"https://www.somewhere.com/call{x}" for x in "ABC"]
    http = FakeHttp({("GET", url): ok for url in urls})
    outcome = run(
        """
        - first_step:
            call: http.get
            args:
              url: https://www.somewhere.com/callA
            next: second_step
        - third_step:
            call: http.get
            args:
              url: https://www.somewhere.com/callB
            next: end
        - second_step:
            call: http.get
            args:
              url: https://www.somewhere.com/callC
            next: third_step
        """,
        services=FakeServices(http),
    )
    assert outcome.state == "SUCCEEDED"
    assert [r["url"] for r in http.requests] == [urls[0], urls[2], urls[1]]
    assert (outcome.steps.internal, outcome.steps.external) == (0, 3)


@dataclass
class ScriptedHttp:
    """Answers every request with the next code of a script (and records the time)."""

    codes: list[int]
    clock_times: list[float] = field(default_factory=list)

    def request(self, ctx: Any, method: str, url: str, *rest: Any) -> dict[str, Any]:
        self.clock_times.append(ctx.clock.now())
        return {
            "code": self.codes.pop(0),
            "headers": {"Content-Type": "application/json"},
            "body": b'{"ok": 1}',
        }


CUSTOM_PREDICATE = """
main:
  steps:
    - read_item:
        try:
          call: http.get
          args:
            url: https://example.com/someapi
            auth:
              type: OIDC
          result: api_response
        retry:
          predicate: ${custom_predicate}
          max_retries: 5
          backoff:
            initial_delay: 2
            max_delay: 60
            multiplier: 2
    - done:
        return: ${api_response.body}
custom_predicate:
  params: [e]
  steps:
    - what_to_repeat:
        switch:
          - condition: ${e.code == 500}
            return: true
    - otherwise:
        return: false
"""


def test_custom_retry_predicate_sample_from_the_retry_page() -> None:
    http = ScriptedHttp([500, 500, 200])
    # No network latency: the times are exactly the documented backoff.
    outcome = run(CUSTOM_PREDICATE, services=FakeServices(http), clock=VirtualClock(latency=NO_LATENCY))
    assert outcome.result == {"ok": 1}
    start = http.clock_times[0]
    assert [t - start for t in http.clock_times] == [0, 2, 6]
    refused = ScriptedHttp([404])
    failed = run(CUSTOM_PREDICATE, services=FakeServices(refused))
    assert failed.error["code"] == 404
    assert failed.error["tags"] == ["HttpError"]
    assert len(refused.clock_times) == 1
