"""`googleapis.workflowexecutions.v1...executions.{create,run,get}`: where a child runs
(project and location), when the caller resumes, and the exact errors it sees.

Documented (cloud.google.com/workflows/docs/reference/googleapis/workflowexecutions/v1/
projects.locations.workflows.executions/run): `run(workflow_id, argument, location,
project_id)`: "If not present, the location of the current project is used by default",
likewise the current project ID; the call waits
like a long-running operation (polling 1 s, x1.25, at most 60 s; `connector_params.timeout`
bounds it). executions.create takes `body.argument` as a JSON string (REST reference
projects.locations.workflows.executions#Execution: "argument: Input parameters of the
execution represented as a JSON string"). The message wording is this runtime's own.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from workflow_runtime import Runtime
from workflow_runtime.connectors import lookup_connector
from workflow_runtime.engine.clock import NO_LATENCY, VirtualClock
from workflow_runtime.errors import WorkflowError
from workflow_runtime.fakes import Deployment, Services
from workflow_runtime.testing import connector_context

PREFIX = "googleapis.workflowexecutions.v1.projects.locations.workflows.executions."
RUN, CREATE, GET = PREFIX + "run", PREFIX + "create", PREFIX + "get"


def _runtime(tmp_path: Path, **children: str) -> Runtime:
    """A Runtime in project proj-x / europe-west1 (no network latency, so the caller's
    clock moves only by the child's run and the polls) with `children` deployed."""
    deployment = Deployment()
    for name, body in children.items():
        path = tmp_path / f"{name}.yaml"
        path.write_text(textwrap.dedent(body))
        deployment.add_workflow(name, path)
    return Runtime(
        services=Services.for_deployment(deployment),
        clock=VirtualClock(latency=NO_LATENCY),
        project_id="proj-x",
        location="europe-west1",
    )


def _caller(run_args: str) -> str:
    """A workflow that calls executions.run with `run_args` (YAML map lines) and returns
    the result, the seconds it waited and the error it caught, if any."""
    args = textwrap.indent(textwrap.dedent(run_args).strip(), " " * 20)
    return f"""\
main:
  steps:
    - before:
        assign:
          - t0: ${{sys.now()}}
          - result: null
          - error: null
    - call_child:
        try:
          call: {RUN}
          args:
{args}
          result: result
        except:
          as: e
          steps:
            - keep:
                assign:
                  - error: ${{e}}
    - done:
        return:
          result: ${{result}}
          waited: ${{sys.now() - t0}}
          error: ${{error}}
"""


FAILING = "main:\n  steps:\n    - boom:\n        raise: oops\n"


def _run(tmp_path: Path, run_args: str, child: str) -> dict[str, Any]:
    runtime = _runtime(tmp_path, child=child)
    outcome = runtime.run(_caller(run_args))
    assert outcome.state == "SUCCEEDED", outcome.error
    return outcome.result


def test_the_child_runs_in_the_callers_project_and_location_by_default(tmp_path: Path) -> None:
    error = _run(tmp_path, "workflow_id: child", FAILING)["error"]
    assert error["tags"] == ["ExecutionError"]
    name = error["execution"]["name"]
    assert name.startswith("projects/proj-x/locations/europe-west1/workflows/child/executions/")
    assert error["message"] == f"{RUN}: execution {name} failed"


def test_project_id_and_location_arguments_choose_where_the_child_runs(tmp_path: Path) -> None:
    error = _run(tmp_path, "workflow_id: child\nproject_id: other\nlocation: asia-east1", FAILING)["error"]
    assert error["execution"]["name"].startswith(
        "projects/other/locations/asia-east1/workflows/child/executions/"
    )


def test_a_child_that_returns_at_once_is_seen_at_the_first_poll(tmp_path: Path) -> None:
    result = _run(tmp_path, "workflow_id: child", "main:\n  steps:\n    - r:\n        return: 7\n")
    assert (result["result"], result["waited"]) == (7, 1.0)


def test_a_child_ending_exactly_at_a_poll_is_seen_at_that_poll(tmp_path: Path) -> None:
    # Polls at 1, 2.25, 3.8125 s: a child that takes 2.25 s is seen at the second poll.
    child = "main:\n  steps:\n    - w:\n        call: sys.sleep\n        args: {seconds: 2.25}\n"
    result = _run(tmp_path, "workflow_id: child", child + "    - r:\n        return: 1\n")
    assert (result["result"], result["waited"], result["error"]) == (1, 2.25, None)


def test_a_child_outliving_the_timeout_is_a_timeout_error(tmp_path: Path) -> None:
    child = "main:\n  steps:\n    - w:\n        call: sys.sleep\n        args: {seconds: 100}\n"
    error = _run(tmp_path, "workflow_id: child\nconnector_params: {timeout: 5}", child)["error"]
    assert error["tags"] == ["TimeoutError"]
    assert error["message"].startswith(
        f"{RUN}: execution projects/proj-x/locations/europe-west1/workflows/child/executions/"
    )
    assert error["message"].endswith(" did not finish within 5 s (connector_params.timeout)")


# A run outside an execution must say where the child runs.
WHERE = {"workflow_id": "w", "project_id": "p", "location": "l"}


def _call_error(connector: str, args: dict[str, Any], services: Any = None) -> dict[str, Any]:
    ctx = connector_context(services or Services.for_deployment(Deployment()))
    with pytest.raises(WorkflowError) as caught:
        lookup_connector(connector).impl(ctx, args)  # type: ignore[union-attr]
    return caught.value.value


@pytest.mark.parametrize(
    ("connector", "args", "tag", "message"),
    [
        (
            RUN,
            {"workflow_id": "w", "project_id": 5},
            "TypeError",
            f"{RUN}: argument project_id must be a string, got 5",
        ),
        (
            RUN,
            {"workflow_id": "w", "location": 5},
            "TypeError",
            f"{RUN}: argument location must be a string, got 5",
        ),
        (RUN, {"workflow_id": 5}, "TypeError", f"{RUN}: argument workflow_id must be a string, got 5"),
        (
            RUN,
            {**WHERE, "argument": b"\x00"},
            "TypeError",
            f"{RUN}: argument must be an int, double, bool, string, list or map",
        ),
        (
            RUN,
            {**WHERE, "connector_params": {"timeout": 0}},
            "ValueError",
            f"{RUN}: connector_params.timeout must be a positive number, got 0",
        ),
        # Without skip_polling the caller must be an execution of a Runtime to wait in.
        (RUN, WHERE, "SystemError", f"{RUN}: no Runtime in the call context"),
        (CREATE, {"parent": 5}, "TypeError", f"{CREATE}: argument parent must be a string, got 5"),
        (CREATE, {"parent": "p", "body": "x"}, "TypeError", f"{CREATE}: body must be a map (an Execution)"),
        (
            CREATE,
            {"parent": "p", "connector_params": {"timeout": 0}},
            "ValueError",
            f"{CREATE}: connector_params.timeout must be a positive number, got 0",
        ),
        (GET, {"name": 5}, "TypeError", f"{GET}: argument name must be a string, got 5"),
    ],
)
def test_bad_arguments_name_the_connector_and_the_argument(
    connector: str, args: dict[str, Any], tag: str, message: str
) -> None:
    assert _call_error(connector, args) == {"tags": [tag], "message": message}


@pytest.mark.parametrize("connector", [RUN, CREATE, GET])
def test_without_the_executions_service_the_error_says_how_to_configure_it(connector: str) -> None:
    args = {RUN: WHERE, CREATE: {"parent": "x"}, GET: {"name": "x"}}[connector]
    # Connectors take any services object (connectors/context.py); this one has none.
    assert _call_error(connector, args, SimpleNamespace()) == {
        "tags": ["ConnectionFailedError"],
        "message": "no workflow executions service is configured: give "
        "Services(executions=FakeWorkflowExecutions(deployment))",
    }


PARENT = "projects/p/locations/l/workflows/child"


@pytest.mark.parametrize(
    ("argument", "message"),
    [
        (
            {"a": 1},
            "Invalid value at 'execution.argument' (TYPE_STRING): the argument must be a JSON "
            "string, e.g. ${json.encode_to_string(arg)}",
        ),
        ("{" + "x" * 100, "Invalid JSON in execution.argument: '{" + "x" * 79 + "'"),
    ],
)
def test_create_refuses_an_argument_that_is_not_a_json_string(
    tmp_path: Path, argument: Any, message: str
) -> None:
    runtime = _runtime(tmp_path, child="main:\n  steps:\n    - r:\n        return: 1\n")
    ctx = connector_context(runtime.services, runtime)
    with pytest.raises(WorkflowError) as caught:
        lookup_connector(CREATE).impl(ctx, {"parent": PARENT, "body": {"argument": argument}})  # type: ignore[union-attr]
    assert caught.value.value["code"] == 400
    assert caught.value.value["body"]["error"]["message"] == message


def test_get_accepts_the_view_argument(tmp_path: Path) -> None:
    runtime = _runtime(tmp_path, child="main:\n  steps:\n    - r:\n        return: 1\n")
    ctx = connector_context(runtime.services, runtime)
    created = lookup_connector(CREATE).impl(ctx, {"parent": PARENT, "body": {"argument": "3"}})  # type: ignore[union-attr]
    got = lookup_connector(GET).impl(ctx, {"name": created["name"], "view": "FULL"})  # type: ignore[union-attr]
    assert (got["name"], got["argument"]) == (created["name"], "3")


def test_every_poll_the_caller_would_have_made_is_billed(tmp_path: Path) -> None:
    # Polls at 1, 2.25, 3.8125 s: children ending at 0, 2.25 and 3.8125 s are seen at the
    # first, second and third poll, one billed internal step each.
    billed = []
    for seconds in (0, 2.25, 3.8125):
        child = f"main:\n  steps:\n    - w:\n        call: sys.sleep\n        args: {{seconds: {seconds}}}\n"
        runtime = _runtime(tmp_path, child=child)
        outcome = runtime.run(_caller("workflow_id: child"))
        assert outcome.result["waited"] == max(seconds, 1.0)
        billed.append(outcome.steps.internal)
    assert [b - billed[0] for b in billed] == [0, 1, 2]


def test_skip_polling_queues_the_child_where_it_would_run_and_returns_null(tmp_path: Path) -> None:
    # "if skip_polling is set to True, run() doesn't return anything" (reference page
    # .../workflowexecutions/v1/projects.locations.workflows.executions/create); the child
    # still runs in the caller's project and location.
    runtime = _runtime(tmp_path, child="main:\n  steps:\n    - r:\n        return: 1\n")
    outcome = runtime.run(_caller("workflow_id: child\nconnector_params: {skip_polling: true}"))
    assert (outcome.result["result"], outcome.result["error"]) == (None, None)
    [record] = runtime.services.executions.records
    assert record.name.startswith("projects/proj-x/locations/europe-west1/workflows/child/executions/")


@pytest.mark.parametrize("given", [{}, {"project_id": "p"}, {"location": "l"}])
def test_outside_an_execution_run_needs_project_id_and_location(given: dict[str, str]) -> None:
    # Called directly (no execution, so no GOOGLE_CLOUD_* environment) nothing says where.
    assert _call_error(RUN, {"workflow_id": "w", **given}) == {
        "tags": ["ValueError"],
        "message": f"{RUN}: give project_id and location; the workflow's own are unknown in this context",
    }


def test_skip_polling_needs_no_runtime_in_the_context(tmp_path: Path) -> None:
    # Connectors take any context with a clock, steps, services and env (connectors/
    # context.py): one without a `runtime` attribute can still queue a child.
    runtime = _runtime(tmp_path, child="main:\n  steps:\n    - r:\n        return: 1\n")
    base = connector_context(runtime.services)
    ctx = SimpleNamespace(clock=base.clock, steps=base.steps, services=base.services, env={})
    args = {**WHERE, "workflow_id": "child", "connector_params": {"skip_polling": True}}
    assert lookup_connector(RUN).impl(ctx, args) is None  # type: ignore[union-attr]
    [record] = runtime.services.executions.records
    assert record.name.startswith("projects/p/locations/l/workflows/child/executions/")
