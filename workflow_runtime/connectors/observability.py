"""The list connectors of Cloud Monitoring and Cloud Logging a production monitoring gate
uses, against the fakes (fakes/monitoring.py, fakes/logging_metrics.py).

Each connector takes its REST method's path and query parameters as arguments (Workflows
connectors reference, "Invoke a connector call"), per the methods' reference pages:
- `googleapis.monitoring.v1.projects.dashboards.list`: `parent` (projects/P), `pageSize`
  ("If unspecified, a default of 1000 is used"), `pageToken`; response `dashboards`,
  `nextPageToken` (monitoring/api/ref_v3/rest/v1/projects.dashboards/list);
- `googleapis.monitoring.v3.projects.alertPolicies.list`: `name` (the project), `filter`,
  `orderBy`, `pageSize`, `pageToken`; response `alertPolicies`, `nextPageToken`,
  `totalSize` (monitoring/api/ref_v3/rest/v3/projects.alertPolicies/list);
- `googleapis.logging.v2.projects.metrics.list`: `parent`, `pageSize` ("Non-positive
  values are ignored"), `pageToken`; response `metrics`, `nextPageToken`
  (logging/docs/reference/v2/rest/v2/projects.metrics/list).
All three are GETs, retried with the idempotent connector policy. Only one page is
returned per call; a workflow follows `nextPageToken` itself.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from workflow_runtime.connectors.args import check_args, int_arg, string_arg
from workflow_runtime.connectors.context import ConnectorContext, service
from workflow_runtime.connectors.retry import with_retries


@dataclass(frozen=True)
class ListMethod:
    """One list connector: its arguments and the fake method that answers it."""

    connector: str
    parent_arg: str
    optional: tuple[str, ...]
    service: str
    method: str


LIST_METHODS = (
    ListMethod(
        "googleapis.monitoring.v1.projects.dashboards.list",
        "parent",
        ("pageSize", "pageToken"),
        "monitoring",
        "list_dashboards",
    ),
    ListMethod(
        "googleapis.monitoring.v3.projects.alertPolicies.list",
        "name",
        ("filter", "orderBy", "pageSize", "pageToken"),
        "monitoring",
        "list_alert_policies",
    ),
    ListMethod(
        "googleapis.logging.v2.projects.metrics.list",
        "parent",
        ("pageSize", "pageToken"),
        "logging",
        "list_metrics",
    ),
)


def list_page(spec: ListMethod, ctx: ConnectorContext, args: Mapping[str, Any]) -> Any:
    """One page of the list `spec` describes."""
    name = spec.connector
    check_args(name, args, required=(spec.parent_arg,), optional=spec.optional)
    parent = string_arg(name, args, spec.parent_arg)
    page_size = int_arg(name, args, "pageSize")
    page_token = string_arg(name, args, "pageToken")
    extra = {}
    if "filter" in spec.optional:
        extra = {"filter": string_arg(name, args, "filter"), "order_by": string_arg(name, args, "orderBy")}
    fake = service(
        ctx,
        spec.service,
        f"no Cloud {spec.service.capitalize()} fake is configured: give Services({spec.service}=...)",
    )
    lister = getattr(fake, spec.method)
    return with_retries(ctx, "GET", lambda: lister(parent, page_size, page_token, ctx.clock.now(), **extra))


CONNECTORS: dict[str, Callable[[ConnectorContext, Mapping[str, Any]], Any]] = {
    spec.connector: partial(list_page, spec) for spec in LIST_METHODS
}
