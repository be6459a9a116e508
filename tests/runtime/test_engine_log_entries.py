"""sys.log records where Cloud Logging stores the payload, and the Runtime keeps every
ended execution (the observability tests read both)."""

from __future__ import annotations

from tests.runtime.helpers import run
from workflow_runtime import Runtime

# cloud.google.com/workflows/docs/reference/stdlib/sys/log: `data` maps and `json` are
# logged as jsonPayload; `text` always, and other `data`, as textPayload.
LOGS = """
main:
  steps:
    - data_map:
        call: sys.log
        args: {data: {bp_metric: job_invocation}, severity: INFO}
    - data_text:
        call: sys.log
        args: {data: "plain", severity: INFO}
    - data_list:
        call: sys.log
        args: {data: [1, 2]}
    - text_map:
        call: sys.log
        args: {text: {bp_metric: job_invocation}}
    - json_map:
        call: sys.log
        args: {json: {event: complete}, severity: ERROR}
"""


def test_payload_field_follows_the_argument_and_type() -> None:
    outcome = run(LOGS)
    assert [(e.payload_field, e.payload) for e in outcome.logs] == [
        ("jsonPayload", {"bp_metric": "job_invocation"}),
        ("textPayload", "plain"),
        ("textPayload", [1, 2]),
        ("textPayload", {"bp_metric": "job_invocation"}),
        ("jsonPayload", {"event": "complete"}),
    ]


def test_runtime_keeps_every_ended_execution_in_end_order() -> None:
    runtime = Runtime()
    quick = "main:\n  steps:\n    - done:\n        return: 1\n"
    slow = (
        "main:\n  steps:\n    - wait:\n        call: sys.sleep\n        args: {seconds: 5}\n"
        "    - done:\n        return: 2\n"
    )
    first = runtime.start(runtime.load(slow, name="slow"))
    second = runtime.start(runtime.load(quick, name="quick"))
    runtime.wait()
    assert [r.workflow_id for r in runtime.finished] == ["quick", "slow"]
    assert [r.result for r in runtime.finished] == [second.result.result, first.result.result]
