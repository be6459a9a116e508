"""`googleapis.container.v1.projects.locations.clusters.get` (the Kubernetes Engine API
connector) against the fake GKE clusters.

Documented (cloud.google.com/workflows/docs/reference/googleapis/container/v1/
projects.locations.clusters/get; REST: kubernetes-engine/docs/reference/rest/v1/
projects.locations.clusters/get): argument `name` (required,
`projects/*/locations/*/clusters/*`) and the deprecated `clusterId`, `projectId`, `zone`
"replaced by the name field"; the response is the Cluster resource, whose `status` is one
of PROVISIONING, RUNNING, RECONCILING, STOPPING, ERROR, DEGRADED (details in
`statusMessage`). An unknown cluster is an HttpError 404. A plain GET: retried with the
idempotent connector policy.

Not settled by the pages: what happens when a deprecated argument disagrees with `name`;
here `name` decides and the deprecated ones are accepted and ignored.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from workflow_runtime.connectors.args import check_args, string_arg
from workflow_runtime.connectors.context import ConnectorContext, service
from workflow_runtime.connectors.retry import with_retries

CLUSTERS_GET = "googleapis.container.v1.projects.locations.clusters.get"


def clusters_get(ctx: ConnectorContext, args: Mapping[str, Any]) -> Any:
    """The Cluster resource `name`."""
    check_args(CLUSTERS_GET, args, required=("name",), optional=("clusterId", "projectId", "zone"))
    name = string_arg(CLUSTERS_GET, args, "name")
    for deprecated in ("clusterId", "projectId", "zone"):
        string_arg(CLUSTERS_GET, args, deprecated)
    fake = service(ctx, "gke", "no GKE clusters are configured: give Services(gke=FakeGke())")
    return with_retries(ctx, "GET", lambda: fake.get_cluster(name, ctx.clock.now()))


CONNECTORS: dict[str, Callable[[ConnectorContext, Mapping[str, Any]], Any]] = {
    CLUSTERS_GET: clusters_get,
}
