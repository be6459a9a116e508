"""Resource names and timestamps: what the connectors parse and the fakes answer with."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from workflow_runtime.connectors.errors import api_error

_JOB = re.compile(r"^projects/([^/]+)/locations/([^/]+)/jobs/([^/]+)$")
_WORKFLOW = re.compile(r"^projects/([^/]+)/locations/([^/]+)/workflows/([^/]+)$")


def rfc3339(epoch_seconds: float) -> str:
    """Google's timestamp format, e.g. 2025-01-01T00:00:05.250000Z."""
    return datetime.fromtimestamp(epoch_seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_job_name(name: str) -> tuple[str, str, str]:
    """(project, region, job) of `projects/P/locations/R/jobs/J`, else HTTP 400."""
    return _parse(_JOB, name, "projects/PROJECT/locations/REGION/jobs/JOB")


def parse_workflow_name(name: str) -> tuple[str, str, str]:
    """(project, location, workflow) of `projects/P/locations/L/workflows/W`, else 400."""
    return _parse(_WORKFLOW, name, "projects/PROJECT/locations/LOCATION/workflows/WORKFLOW")


def base36(number: int, width: int = 5) -> str:
    """A short deterministic id suffix like Google's random `-abcde` execution suffixes."""
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while number or len(out) < width:
        number, rem = divmod(number, 36)
        out = digits[rem] + out
    return out


def _parse(pattern: re.Pattern[str], name: str, shape: str) -> tuple[str, str, str]:
    match = pattern.match(name) if isinstance(name, str) else None
    if not match:
        message = f"Invalid resource name {name!r}; expected {shape}"
        raise api_error(400, message)
    project, location, resource = match.groups()
    return project, location, resource
