"""Name resolution of callable things, in the engine's lookup order.

subworkflow -> runtime-bound builtin -> pure stdlib -> connector.
"""

from __future__ import annotations

import importlib
from typing import Any

from workflow_runtime.engine.builtins import RUNTIME_FUNCTIONS
from workflow_runtime.stdlib import FunctionSpec, lookup_function


def lookup_builtin(name: str) -> FunctionSpec | None:
    """A runtime-bound builtin or a pure stdlib function, or None."""
    spec = RUNTIME_FUNCTIONS.get(name)
    if spec is not None:
        return spec
    return lookup_function(name)


# Google's connectors: the `googleapis.*` API connectors and the Kubernetes API connector
# `gke.*` (Workflows connectors reference, "Kubernetes API Connector Overview").
CONNECTOR_PREFIXES = ("googleapis.", "gke.")


def lookup_connector(name: str) -> Any | None:
    """Part 3's ConnectorSpec for `name`, or None (also when connectors are absent)."""
    if not name.startswith(CONNECTOR_PREFIXES):
        return None
    try:
        connectors = importlib.import_module("workflow_runtime.connectors")
    except ModuleNotFoundError as exc:
        # Only a missing connectors package means "no connectors"; any other missing
        # module is a real bug and must surface.
        if exc.name != "workflow_runtime.connectors":
            raise
        return None
    return connectors.lookup_connector(name)
