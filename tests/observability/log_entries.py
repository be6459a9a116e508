"""Runtime log records as the Cloud Logging LogEntry maps Workflows writes for `sys.log`.

cloud.google.com/workflows/docs/reference/stdlib/sys/log: entries are written on the
`workflows.googleapis.com/Workflow` resource under `projects/<project>/logs/Workflows`; a
map given as `data` (or `json`) becomes `jsonPayload`, anything else `textPayload`. The
resource labels (`resource_container`, `location`, `workflow_id`) are those of the
Workflow monitored resource; the execution id label is `workflows.googleapis.com/
execution_id`. How a non-string is spelled in `textPayload` is not documented; JSON is
used here (no filter of the program reads textPayload).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from components.log_metrics import WORKFLOW_RESOURCE
from workflow_runtime import ExecutionResult


def cloud_entries(results: Iterable[ExecutionResult], *, project: str, location: str) -> list[dict[str, Any]]:
    """Every `sys.log` record of the executions, as LogEntry maps, in time order."""
    entries = []
    for result in results:
        for record in result.logs:
            payload = record.payload
            if record.payload_field == "textPayload" and not isinstance(payload, str):
                payload = json.dumps(payload)
            entries.append(
                {
                    "logName": f"projects/{project}/logs/Workflows",
                    "resource": {
                        "type": WORKFLOW_RESOURCE,
                        "labels": {
                            "resource_container": project,
                            "location": location,
                            "workflow_id": result.workflow_id,
                        },
                    },
                    "severity": record.severity,
                    "timestamp": datetime.fromtimestamp(record.time, UTC).isoformat().replace("+00:00", "Z"),
                    "labels": {"workflows.googleapis.com/execution_id": result.execution_id},
                    record.payload_field: payload,
                }
            )
    return sorted(entries, key=lambda entry: entry["timestamp"])


def bp_metric_entries(entries: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The structured metric entries: a jsonPayload with a `bp_metric` field."""
    return [e for e in entries if isinstance(e.get("jsonPayload"), dict) and "bp_metric" in e["jsonPayload"]]
