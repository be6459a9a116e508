"""Errors of the local Cloud Workflows runtime.

Two families, as in Google's runtime:
- `WorkflowError` is a runtime error a workflow can catch with `try`/`except`. Its `value`
  is what `except: as: e` binds: usually an error map `{"tags": [...], "message": ...}`,
  but `raise` may raise any value (a string, a map).
- `WorkflowDefinitionError` is a malformed workflow, rejected before it runs, reported as
  `FILE:LINE: message`.
`UnemulatedConnectorError` is neither: a valid call this runtime cannot carry out.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class WorkflowError(Exception):
    """A catchable Workflows runtime error carrying the raised value."""

    def __init__(self, value: Any) -> None:
        self.value = value
        super().__init__(_describe(value))

    @property
    def tags(self) -> list[str]:
        """The error's tags, or [] when the raised value is not a tagged map."""
        if isinstance(self.value, dict) and isinstance(self.value.get("tags"), list):
            return list(self.value["tags"])
        return []


def make_error(tags: str | list[str], message: str, **extra: Any) -> WorkflowError:
    """Build a tagged error map error, e.g. make_error("KeyError", "key not found: x")."""
    tag_list = [tags] if isinstance(tags, str) else list(tags)
    return WorkflowError({"tags": tag_list, "message": message, **extra})


def http_error(code: int, body: Any = None, headers: Mapping[str, Any] | None = None) -> WorkflowError:
    """The HttpError map Workflows raises for an HTTP error status (http.* and connectors)."""
    return make_error(
        "HttpError",
        f"HTTP server responded with error code {code}",
        code=code,
        headers=dict(headers or {}),
        body=body,
    )


class WorkflowDefinitionError(Exception):
    """A workflow that cannot run: bad YAML, unknown step keys, bad references."""

    def __init__(self, file: str, line: int, message: str) -> None:
        self.file = file
        self.line = line
        self.message = message
        super().__init__(f"{file}:{line}: {message}")


class UnemulatedConnectorError(Exception):
    """A step called a connector Google has but this runtime does not emulate.

    Not a WorkflowError: a workflow's `try` cannot catch it, so a run that reaches such a
    call stops instead of passing for the wrong reason.
    """

    def __init__(self, connector: str) -> None:
        self.connector = connector
        super().__init__(
            f"connector '{connector}' is not emulated by workflow_runtime: the workflow is valid "
            "(Google accepts any googleapis.* connector at deploy time) but cannot run locally; "
            "add it under workflow_runtime/connectors/ or keep the call out of local runs"
        )


def _describe(value: Any) -> str:
    if isinstance(value, dict) and "message" in value:
        tags = ",".join(str(t) for t in value.get("tags", []))
        return f"[{tags}] {value['message']}" if tags else str(value["message"])
    return str(value)
