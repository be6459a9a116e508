"""Name resolution of callable things, in the engine's lookup order.

subworkflow -> runtime-bound builtin -> pure stdlib -> connector.

Which names are connectors is Google's rule (`is_connector_name`), known at load time.
What a connector does is not the engine's business: the services a Runtime is given
carry the table (`services.connectors`, a mapping of name -> object with `impl(ctx,
args)`; `fakes.Services` holds the emulated ones), so the engine never imports them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from workflow_runtime.engine.builtins import RUNTIME_FUNCTIONS
from workflow_runtime.errors import UnemulatedConnectorError, make_error
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


def connector_for(services: Any, name: str) -> Any:
    """The connector `name` (a connector name, checked at load time) among the services'
    table; one that raises UnemulatedConnectorError when the table has none by that name.
    Without a table a call fails as an unreachable service does."""
    table = getattr(services, "connectors", None)
    if table is None:
        raise make_error(
            "ConnectionFailedError",
            f"{name}: no connectors are configured; give Runtime(services=Services(...))",
        )
    return table.get(name) or UnemulatedConnector(name)
