"""A fake of Cloud Logging's logs-based metrics (v2), list only.

Tests seed metrics (`add_metric(name, filter)`); `list_metrics` answers like
`projects.metrics.list` (response `metrics`, `nextPageToken`; see listing.py). A LogMetric's
`name` is the metric's identifier (e.g. "blueprint_job_timeout_events"), not a resource
path; its descriptor type is `logging.googleapis.com/user/<name>`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from workflow_runtime.connectors.names import rfc3339
from workflow_runtime.fakes.listing import ListedResources


@dataclass
class FakeLogging(ListedResources):
    """Logs-based metrics seeded by tests; see the module docstring."""

    metrics: list[dict[str, Any]] = field(default_factory=list)
    _projects: list[str] = field(default_factory=list)

    def add_metric(
        self, name: str, filter: str, project: str = "test-project", **fields: Any
    ) -> dict[str, Any]:
        """Seed a logs-based metric; extra `fields` (e.g. description) go into it."""
        metric = {
            "name": name,
            "filter": filter,
            "metricDescriptor": {
                "name": f"projects/{project}/metricDescriptors/logging.googleapis.com/user/{name}",
                "type": f"logging.googleapis.com/user/{name}",
                "metricKind": "DELTA",
                "valueType": "INT64",
                "unit": "1",
            },
            "createTime": rfc3339(0),
            "updateTime": rfc3339(0),
            **fields,
        }
        self.metrics.append(metric)
        self._projects.append(project)
        return metric

    def list_metrics(
        self, parent: str, page_size: int | None, page_token: str | None, now: float
    ) -> dict[str, Any]:
        """projects.metrics.list."""
        # Metric names carry no project, so list by the project each was seeded for.
        return self._list(
            "metrics.list",
            parent,
            list(zip(self._projects, self.metrics, strict=True)),
            field_name="metrics",
            page_size=page_size,
            page_token=page_token,
            now=now,
        )
