"""`googleapis.run.v2.projects.locations.jobs.*` connectors against the fake Cloud Run.

`jobs.run` starts an execution and, like Google's connector, blocks until its long-running
operation is done (polling with backoff, each poll billed; see polling.py), returning the
operation's `response` (the Execution); with `connector_params.skip_polling: true` it
returns the Operation at once. A failed execution raises OperationError. `jobs.get` and
`jobs.executions.get` are plain GETs. All requests retry per the connector policy.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from workflow_runtime.connectors.args import check_args, connector_params, string_arg
from workflow_runtime.connectors.context import ConnectorContext, service
from workflow_runtime.connectors.polling import wait_for_operation
from workflow_runtime.connectors.retry import with_retries
from workflow_runtime.errors import make_error

PREFIX = "googleapis.run.v2.projects.locations.jobs."


def jobs_get(ctx: ConnectorContext, args: Mapping[str, Any]) -> Any:
    """The Job resource `name` (projects/P/locations/R/jobs/J)."""
    connector = PREFIX + "get"
    check_args(connector, args, required=("name",))
    name = string_arg(connector, args, "name")
    fake = _fake(ctx)
    return with_retries(ctx, "GET", lambda: fake.get_job(name, ctx.clock.now()))


def jobs_run(ctx: ConnectorContext, args: Mapping[str, Any]) -> Any:
    """Run job `name` with `body.overrides`; wait for the execution unless skip_polling."""
    connector = PREFIX + "run"
    check_args(connector, args, required=("name",), optional=("body",))
    name = string_arg(connector, args, "name")
    body = args.get("body")
    if body is not None and not isinstance(body, Mapping):
        raise make_error("TypeError", f"{connector}: body must be a map (RunJobRequest)")
    params = connector_params(connector, args)
    fake = _fake(ctx)
    operation = with_retries(ctx, "POST", lambda: fake.run_job(name, body, ctx.clock.now()))
    if params.skip_polling:
        return operation
    op_name = operation["name"]
    final = wait_for_operation(
        ctx,
        connector,
        operation,
        lambda: fake.get_operation(op_name, ctx.clock.now()),
        params,
    )
    return final.get("response")


def executions_get(ctx: ConnectorContext, args: Mapping[str, Any]) -> Any:
    """The Execution resource `name` (.../jobs/J/executions/E)."""
    connector = PREFIX + "executions.get"
    check_args(connector, args, required=("name",))
    name = string_arg(connector, args, "name")
    fake = _fake(ctx)
    return with_retries(ctx, "GET", lambda: fake.get_execution(name, ctx.clock.now()))


CONNECTORS: dict[str, Callable[[ConnectorContext, Mapping[str, Any]], Any]] = {
    PREFIX + "get": jobs_get,
    PREFIX + "run": jobs_run,
    PREFIX + "executions.get": executions_get,
}


def _fake(ctx: ConnectorContext) -> Any:
    return service(
        ctx,
        "cloud_run",
        "no Cloud Run service is configured: give Services(cloud_run=FakeCloudRun())",
    )
