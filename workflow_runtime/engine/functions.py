"""Name resolution of callable things, in the engine's lookup order.

subworkflow -> runtime-bound builtin -> pure stdlib -> connector.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from workflow_runtime.engine.builtins import RUNTIME_FUNCTIONS
from workflow_runtime.errors import UnemulatedConnectorError
from workflow_runtime.stdlib import FunctionSpec, lookup_function

# Google's JSON schema for workflows (GoogleCloudPlatform/workflows-samples,
# jsonschema/workflows.json, definition "call", "A Google Cloud API connector") accepts any
# call name matching `^googleapis(\.[a-zA-Z1-9]+)+`, and Google deploys those samples with
# `gcloud workflows deploy` in that repository's PR tests. The schema's pattern is not
# anchored at the end; digits 0 and `_` are allowed here too, so no name it accepts is refused.
CONNECTOR_NAME = re.compile(r"googleapis(\.[A-Za-z0-9_]+)+")

# The Kubernetes API connector's functions, which are not `googleapis.*` names
# (cloud.google.com/workflows/docs/reference/connectors/gke/Overview, "Functions"; Google's
# samples connect_kubernetes_api_request / _run_job call them).
KUBERNETES_API_FUNCTIONS = frozenset({"gke.await_job", "gke.create_job", "gke.delete_job", "gke.request"})


@dataclass(frozen=True)
class UnemulatedConnector:
    """A connector Google has but this runtime does not emulate: valid at load time (as at
    deploy time), an UnemulatedConnectorError when a step calls it."""

    name: str

    def impl(self, ctx: Any, args: Mapping[str, Any]) -> Any:
        """Refuse the call, naming the connector (not a catchable workflow error: a test
        must not pass because a `try` swallowed what the runtime cannot do)."""
        raise UnemulatedConnectorError(self.name)


def lookup_builtin(name: str) -> FunctionSpec | None:
    """A runtime-bound builtin or a pure stdlib function, or None."""
    spec = RUNTIME_FUNCTIONS.get(name)
    if spec is not None:
        return spec
    return lookup_function(name)


def is_connector_name(name: str) -> bool:
    """Whether `name` is a connector call Google accepts at deploy time (`googleapis.x.y`,
    or a Kubernetes API connector function)."""
    return name in KUBERNETES_API_FUNCTIONS or CONNECTOR_NAME.fullmatch(name) is not None


def lookup_connector(name: str) -> Any | None:
    """The ConnectorSpec for `name`: the emulated one, or for any other connector name
    (`is_connector_name`) one whose call raises UnemulatedConnectorError naming it; None
    for other names."""
    if not is_connector_name(name):
        return None
    spec = _emulated_connector(name)
    return spec if spec is not None else UnemulatedConnector(name)


def _emulated_connector(name: str) -> Any | None:
    """Part 3's ConnectorSpec for `name`, or None (also when connectors are absent)."""
    try:
        connectors = importlib.import_module("workflow_runtime.connectors")
    except ModuleNotFoundError as exc:
        # Only a missing connectors package means "no connectors"; any other missing
        # module is a real bug and must surface.
        if exc.name != "workflow_runtime.connectors":
            raise
        return None
    return connectors.lookup_connector(name)
