"""Catalog capabilities: the one table of what a `capabilities:` entry of the catalog means.

Each row names the predefined roles a workflow's service account gets on the project for
it (each with the page saying no narrower grant exists) and the APIs it calls. The catalog
accepts exactly these names, iam.py grants these roles (and admits them to the project
level), project.py enables these APIs: a new capability is one row here plus its tests.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Capability:
    """What a workflow may do with one capability, the project roles that allow exactly that
    (role -> the page saying the project is its lowest grantable level) and the APIs it calls."""

    purpose: str
    roles: Mapping[str, str]
    apis: tuple[str, ...]


CAPABILITIES: dict[str, Capability] = {
    "gke-read": Capability(
        purpose="Read GKE clusters and their endpoint (no workload or credential writes).",
        roles={
            "roles/container.clusterViewer": "cloud.google.com/iam/docs/roles-permissions/container: "
            "lowest-level resource Project",
        },
        apis=("container.googleapis.com",),
    ),
    "gke-jobs": Capability(
        purpose="Create, read and delete Kubernetes Jobs through the Kubernetes API connector "
        "(gke.*), which needs Kubernetes Engine Developer; it also reads the clusters (clusters.get).",
        roles={
            "roles/container.developer": "cloud.google.com/workflows/docs/reference/connectors/gke/"
            "Overview and workflows/docs/access-kubernetes-api: the workflow's service account needs "
            "Kubernetes Engine Developer; cloud.google.com/iam/docs/roles-permissions/container: "
            "lowest-level resource Project",
        },
        apis=("container.googleapis.com",),
    ),
    "monitoring-read": Capability(
        purpose="List dashboards and alert policies (the production monitoring gate).",
        roles={
            "roles/monitoring.viewer": "cloud.google.com/monitoring/access-control: Monitoring roles "
            "are granted on the project (metrics scope); not re-checked for this change",
        },
        apis=("monitoring.googleapis.com",),
    ),
    "logging-read": Capability(
        purpose="List log-based metrics (the production monitoring gate).",
        roles={
            "roles/logging.viewer": "cloud.google.com/logging/docs/access-control: Logging's "
            "predefined roles are granted on the project or higher (logs.list / logMetrics.list "
            "read the project)",
        },
        apis=("logging.googleapis.com",),
    ),
}


def capability_roles() -> dict[str, str]:
    """Every project role some capability grants, with its page (for the least-privilege check)."""
    return {role: page for capability in CAPABILITIES.values() for role, page in capability.roles.items()}
