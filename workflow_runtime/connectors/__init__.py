"""Connectors (`googleapis.*` and `gke.*` calls) routed to local services, and the HTTP router.

`CONNECTORS` is the table `fakes.Services.connectors` hands the engine: for a connector
`call:` it runs `spec.impl(ctx, args)` with the step's resolved `args` (incl.
connector_params).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from workflow_runtime.connectors import (
    cloud_run,
    container,
    gke,
    observability,
    storage,
    workflow_executions,
)


@dataclass(frozen=True)
class ConnectorSpec:
    """A connector: its full call name and implementation `impl(ctx, args)`."""

    name: str
    impl: Callable[[Any, Mapping[str, Any]], Any]


CONNECTORS: dict[str, ConnectorSpec] = {
    name: ConnectorSpec(name, impl)
    for table in (
        storage.CONNECTORS,
        cloud_run.CONNECTORS,
        workflow_executions.CONNECTORS,
        container.CONNECTORS,
        observability.CONNECTORS,
        gke.CONNECTORS,
    )
    for name, impl in table.items()
}


def lookup_connector(name: str) -> ConnectorSpec | None:
    """The connector called `name`, or None when there is no such connector here."""
    return CONNECTORS.get(name)


__all__ = ["CONNECTORS", "ConnectorSpec", "lookup_connector"]
