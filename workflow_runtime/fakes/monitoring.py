"""A fake of Cloud Monitoring's dashboards (v1) and alert policies (v3), list only.

Tests seed dashboards (`add_dashboard(display_name)`) and alert policies
(`add_alert_policy(display_name, enabled=...)`); `list_dashboards` and
`list_alert_policies` answer like `projects.dashboards.list` (response `dashboards`,
`nextPageToken`) and `projects.alertPolicies.list` (`alertPolicies`, `nextPageToken`,
`totalSize`), see listing.py and paging.py. `enabled` is a BoolValue in the AlertPolicy
resource, so it is present even when false.

The alert policy list's `filter` and `orderBy` (Monitoring's filter language) are not
evaluated here: a request using them fails the test with NotImplementedError rather
than being answered wrongly.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from workflow_runtime.connectors.names import rfc3339
from workflow_runtime.fakes.listing import ListedResources


@dataclass
class FakeMonitoring(ListedResources):
    """Dashboards and alert policies seeded by tests; see the module docstring."""

    dashboards: list[dict[str, Any]] = field(default_factory=list)
    alert_policies: list[dict[str, Any]] = field(default_factory=list)

    def add_dashboard(
        self, display_name: str, project: str = "test-project", **fields: Any
    ) -> dict[str, Any]:
        """Seed a dashboard; extra `fields` (e.g. mosaicLayout) go into the resource."""
        number = len(self.dashboards)
        dashboard = {
            "name": f"projects/{project}/dashboards/{uuid.uuid5(uuid.NAMESPACE_URL, f'{project}#{number}')}",
            "displayName": display_name,
            "etag": f"{number + 1:032x}",
            "mosaicLayout": {"columns": 48, "tiles": []},
            **fields,
        }
        self.dashboards.append(dashboard)
        return dashboard

    def add_alert_policy(
        self, display_name: str, *, enabled: bool = True, project: str = "test-project", **fields: Any
    ) -> dict[str, Any]:
        """Seed an alert policy; extra `fields` (e.g. conditions) go into the resource."""
        number = len(self.alert_policies)
        policy = {
            "name": f"projects/{project}/alertPolicies/{1000 + number}",
            "displayName": display_name,
            "enabled": enabled,
            "combiner": "OR",
            "conditions": [],
            "creationRecord": {"mutateTime": rfc3339(0)},
            "mutationRecord": {"mutateTime": rfc3339(0)},
            **fields,
        }
        self.alert_policies.append(policy)
        return policy

    def list_dashboards(
        self, parent: str, page_size: int | None, page_token: str | None, now: float
    ) -> dict[str, Any]:
        """projects.dashboards.list."""
        return self._list(
            "dashboards.list",
            parent,
            _owned(self.dashboards),
            field_name="dashboards",
            page_size=page_size,
            page_token=page_token,
            now=now,
        )

    def list_alert_policies(
        self,
        name: str,
        page_size: int | None,
        page_token: str | None,
        now: float,
        *,
        filter: str | None = None,
        order_by: str | None = None,
    ) -> dict[str, Any]:
        """projects.alertPolicies.list (`name` is the project, as in the API)."""
        if filter or order_by:
            raise NotImplementedError(
                "FakeMonitoring does not evaluate alertPolicies.list filter/orderBy; list without "
                "them and select in the workflow, or extend the fake"
            )
        response = self._list(
            "alertPolicies.list",
            name,
            _owned(self.alert_policies),
            field_name="alertPolicies",
            page_size=page_size,
            page_token=page_token,
            now=now,
        )
        total = sum(1 for policy in self.alert_policies if policy["name"].startswith(f"{name}/"))
        if total:
            response["totalSize"] = total
        return response


def _owned(resources: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    """(project, resource) pairs; these resources' names start with projects/PROJECT/."""
    return [(resource["name"].split("/")[1], resource) for resource in resources]
