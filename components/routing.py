"""Cloud Storage marker routing: the route table and the bucket trigger limit (the
MarkerRouter component that deploys the router is in marker_router.py).

Eventarc cannot filter Cloud Storage events by object name and a bucket takes at most 10
notification configurations per event type, so by default (`eventRouting: router`) one
trigger feeds a router workflow that matches the object name against the route table
(`MARKER_ROUTES`) and starts the matching workflows. `eventRouting: direct` gives each
enabled GCS workflow its own trigger instead, within the 10-per-bucket limit.
"""

from __future__ import annotations

import json
from typing import Any

from components import naming
from components.catalog import Catalog, marker_regex, routed_workflows
from components.config import StackConfig
from components.env import MARKER_ROUTES, check_env, workflow_env

MAX_FINALIZE_TRIGGERS_PER_BUCKET = 10


class RoutingError(ValueError):
    """The trigger layout cannot be deployed; the message says why and how to fix it."""


def route_table(catalog: Catalog, config: StackConfig) -> dict[str, list[dict[str, Any]]]:
    """The router's table, keyed by marker file name (the last path segment).

    Each key holds one {"pattern","regex","workflows"} per marker pattern ending in that
    file, so the router drops a non-marker object with one map lookup.
    """
    owners: dict[str, list[str]] = {}
    for spec in routed_workflows(catalog, config):
        for marker in spec.trigger.markers:
            owners.setdefault(marker, []).append(spec.name)
    table: dict[str, list[dict[str, Any]]] = {}
    for pattern, names in owners.items():
        entry = {"pattern": pattern, "regex": marker_regex(pattern), "workflows": names}
        table.setdefault(pattern.rsplit("/", 1)[-1], []).append(entry)
    return table


def router_env(catalog: Catalog, config: StackConfig) -> dict[str, str]:
    """The router workflow's user_env_vars."""
    table = json.dumps(route_table(catalog, config), separators=(",", ":"))
    return check_env(naming.ROUTER_WORKFLOW, {MARKER_ROUTES: table})


def validate_routing(catalog: Catalog, config: StackConfig) -> None:
    """Check every limit of the trigger layout and env vars; call before any resource."""
    for spec in catalog.workflows.values():
        workflow_env(spec, config)
    if config.event_routing == "router":
        router_env(catalog, config)
        return
    direct = routed_workflows(catalog, config)
    if len(direct) > MAX_FINALIZE_TRIGGERS_PER_BUCKET:
        names = ", ".join(spec.name for spec in direct)
        raise RoutingError(
            f"eventRouting: direct needs {len(direct)} Eventarc finalize triggers on bucket "
            f"{config.bucket!r} ({names}), but a bucket allows at most "
            f"{MAX_FINALIZE_TRIGGERS_PER_BUCKET} notification configurations per event type. "
            "Set eventRouting: router (one trigger for all markers) or enable fewer "
            "experimental workflows."
        )
