"""What the list-only fakes (Cloud Monitoring, Cloud Logging) share: per-project resources
listed page by page, every list call recorded, scripted failures.

A list call's parent must be `projects/PROJECT` (else HTTP 400, as Google answers
INVALID_ARGUMENT); it lists the resources seeded for that project, in the order they were
added. Scripted failures match the method's label (e.g. "dashboards.list").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from workflow_runtime.connectors.errors import ApiError, api_error
from workflow_runtime.fakes.failures import ScriptedFailures
from workflow_runtime.fakes.paging import page

_PROJECT = re.compile(r"^projects/([^/]+)$")


@dataclass
class ListCall:
    """One recorded list request and the status it was answered with."""

    method: str
    parent: str
    page_size: int | None
    page_token: str | None
    time: float
    code: int = 0


@dataclass
class ListedResources:
    """Base of the list-only fakes; see the module docstring. `_list` takes the resources
    as (project, resource) pairs."""

    # Used when a request gives no pageSize; Cloud Monitoring documents 1000 for
    # dashboards.list, the other list methods document no default. Lower it in a test to
    # make sure a workflow follows nextPageToken.
    default_page_size: int = 1000
    calls: list[ListCall] = field(default_factory=list)
    failures: ScriptedFailures = field(default_factory=ScriptedFailures)

    def _list(
        self,
        method: str,
        parent: str,
        resources: Sequence[tuple[str, dict[str, Any]]],
        *,
        field_name: str,
        page_size: int | None,
        page_token: str | None,
        now: float,
    ) -> dict[str, Any]:
        call = ListCall(method, parent, page_size, page_token, now)
        self.calls.append(call)
        try:
            project = _project(parent)
            failure = self.failures.take(method)
            if failure is not None:
                raise api_error(failure.code, failure.message)
            mine = [item for owner, item in resources if owner == project]
            response = page(
                mine,
                field=field_name,
                scope=f"{method} {parent}",
                page_size=page_size,
                page_token=page_token,
                default_size=self.default_page_size,
            )
        except ApiError as error:
            call.code = error.code
            raise
        call.code = 200
        return response


def _project(parent: str) -> str:
    match = _PROJECT.match(parent) if isinstance(parent, str) else None
    if not match:
        raise api_error(400, f"Invalid parent {parent!r}; expected projects/PROJECT_ID_OR_NUMBER")
    return match.group(1)
