"""`googleapis.workflowexecutions.v1.projects.locations.workflows.executions.*` connectors.

They start workflows of the same deployment in the same Runtime (`ctx.runtime`, same
clock and services) through `ctx.services.executions` (FakeWorkflowExecutions; see it for
when executions run).

- `create(parent, body: {argument: JSON string})` queues the execution and returns the
  Execution resource (state ACTIVE), as the API's CreateExecution does.
- `run(workflow_id, argument, location?, project_id?)` runs the workflow and returns its
  result, JSON-decoded, after polling like any long-running connector (1 s, x1.25, 60 s,
  each poll billed; the caller resumes at the first poll at or after the child's end).
  With `connector_params.skip_polling: true` it queues the execution and returns null, as
  documented. A failed child raises an `ExecutionError`-tagged error carrying the failed
  Execution resource in `execution` (the tag Google's executions helpers use); a child
  still running at `connector_params.timeout` raises TimeoutError.
- `get(name)` returns the Execution resource.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from workflow_runtime.connectors.args import (
    ConnectorParams,
    check_args,
    connector_params,
    project_and_location,
    required_string_arg,
    string_arg,
)
from workflow_runtime.connectors.context import ConnectorContext, service
from workflow_runtime.connectors.errors import api_error
from workflow_runtime.connectors.names import parse_workflow_name
from workflow_runtime.connectors.retry import with_retries
from workflow_runtime.errors import make_error

PREFIX = "googleapis.workflowexecutions.v1.projects.locations.workflows.executions."


def executions_create(ctx: ConnectorContext, args: Mapping[str, Any]) -> Any:
    """Create an execution of `parent` with `body.argument` (a JSON string)."""
    connector = PREFIX + "create"
    check_args(connector, args, required=("parent",), optional=("body",))
    parent = required_string_arg(connector, args, "parent")
    body = args.get("body") or {}
    if not isinstance(body, Mapping):
        raise make_error("TypeError", f"{connector}: body must be a map (an Execution)")
    # Validated only: create returns at once whether or not polling is skipped.
    connector_params(connector, args)
    executions = _executions(ctx)

    def send() -> Any:
        project, location, workflow = parse_workflow_name(parent)
        argument = _decode_argument(body.get("argument"))
        record = executions.enqueue(project, location, workflow, argument, ctx.clock.now(), "create")
        return record.resource()

    return with_retries(ctx, "POST", send)


def executions_run(ctx: ConnectorContext, args: Mapping[str, Any]) -> Any:
    """Run workflow `workflow_id` with `argument` and return its result."""
    connector = PREFIX + "run"
    check_args(connector, args, required=("workflow_id",), optional=("argument", "location", "project_id"))
    workflow = string_arg(connector, args, "workflow_id")
    runtime = getattr(ctx, "runtime", None)
    project, location = project_and_location(connector, args, ctx.env, project_arg="project_id")
    # The argument travels as JSON, like the real request: only JSON values get through.
    argument = json.loads(_encode_argument(connector, args.get("argument")))
    params = connector_params(connector, args)
    executions = _executions(ctx)
    if params.skip_polling:
        with_retries(
            ctx,
            "POST",
            lambda: executions.enqueue(project, location, workflow, argument, ctx.clock.now(), "run"),
        )
        return None
    if runtime is None:
        raise make_error("SystemError", f"{connector}: no Runtime in the call context")
    start = ctx.clock.now()
    record = with_retries(
        ctx, "POST", lambda: executions.run_now(runtime, project, location, workflow, argument, start)
    )
    # run_now returns once the child has ended (Runtime.join), so its end time is known.
    finished = record.ended_at
    assert finished is not None
    if not _poll_until(ctx, start, finished, params):
        raise make_error(
            "TimeoutError",
            f"{connector}: execution {record.name} did not finish within "
            f"{params.timeout:g} s (connector_params.timeout)",
        )
    if record.state != "SUCCEEDED":
        raise make_error(
            "ExecutionError",
            f"{connector}: execution {record.name} failed",
            execution=record.resource(),
        )
    # The result travels back as JSON text, as from the real API (bytes become base64).
    return json.loads(record.resource()["result"])


def executions_get(ctx: ConnectorContext, args: Mapping[str, Any]) -> Any:
    """The Execution resource `name`."""
    connector = PREFIX + "get"
    check_args(connector, args, required=("name",), optional=("view",))
    name = string_arg(connector, args, "name")
    executions = _executions(ctx)
    return with_retries(ctx, "GET", lambda: executions.get(name))


CONNECTORS: dict[str, Callable[[ConnectorContext, Mapping[str, Any]], Any]] = {
    PREFIX + "create": executions_create,
    PREFIX + "run": executions_run,
    PREFIX + "get": executions_get,
}


def _poll_until(ctx: ConnectorContext, start: float, finished: float, params: ConnectorParams) -> bool:
    """Replay the connector's polls of an execution that ended at `finished`.

    The child already ran (on this clock); this bills every poll the caller would have
    made (at least one) and resumes the caller at its first poll at or after `finished`,
    or at the deadline: False when the deadline came first (the call times out). A child
    that outlived the deadline has already moved the clock past it; the caller resumes
    then.
    """
    deadline = start + params.timeout
    poll_at, delay, polls = start, params.initial_delay, 0
    while polls == 0 or (poll_at < finished and poll_at < deadline):
        poll_at = min(poll_at + delay, deadline)
        polls += 1
        delay = min(delay * params.multiplier, params.max_delay)
    ctx.clock.sleep(max(0.0, poll_at - ctx.clock.now()))
    ctx.steps.internal(polls)
    return poll_at >= finished


def _encode_argument(connector: str, argument: Any) -> str:
    try:
        return json.dumps(argument)
    except (TypeError, ValueError):
        raise make_error(
            "TypeError",
            f"{connector}: argument must be an int, double, bool, string, list or map",
        ) from None


def _decode_argument(argument: Any) -> Any:
    if argument is None:
        return None
    if not isinstance(argument, str):
        raise api_error(
            400,
            "Invalid value at 'execution.argument' (TYPE_STRING): the argument must be a JSON "
            "string, e.g. ${json.encode_to_string(arg)}",
        )
    try:
        return json.loads(argument)
    except ValueError:
        raise api_error(400, f"Invalid JSON in execution.argument: {argument[:80]!r}") from None


def _executions(ctx: ConnectorContext) -> Any:
    return service(
        ctx,
        "executions",
        "no workflow executions service is configured: give "
        "Services(executions=FakeWorkflowExecutions(deployment))",
    )
