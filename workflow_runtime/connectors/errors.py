"""Error maps raised by connectors, shaped like the ones Google's connectors raise.

An HTTP error status becomes `{"tags": ["HttpError"], "message": "HTTP server responded
with error code N", "code": N, "headers": {...}, "body": ...}`; Google documents no further
tags for connector HTTP errors (no "NotFound"), so there are none here either. A request
that never reached a server is a ConnectionFailedError; one that broke mid-way a
ConnectionError.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from workflow_runtime.errors import WorkflowError, http_error, make_error


class ApiError(Exception):
    """An HTTP error status from a local service (the emulator or a fake), before mapping."""

    def __init__(self, code: int, body: Any = None, headers: Mapping[str, str] | None = None) -> None:
        self.code = code
        self.body = body
        self.headers = dict(headers or {})
        super().__init__(f"HTTP {code}: {body!r}")


_STATUS = {
    400: "INVALID_ARGUMENT",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ALREADY_EXISTS",
    412: "FAILED_PRECONDITION",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}


def api_error(code: int, message: str, **fields: Any) -> ApiError:
    """An ApiError with the JSON body Google APIs send: {"error": {code, message, status}}."""
    body = {"code": code, "message": message, "status": _STATUS.get(code, "UNKNOWN"), **fields}
    return ApiError(code, {"error": body})


def from_api_error(error: ApiError) -> WorkflowError:
    """Map an ApiError to the workflow-visible HttpError."""
    return http_error(error.code, error.body, error.headers)


def connection_failed(target: str, reason: str) -> WorkflowError:
    """No connection could be made (nothing listens, unknown host)."""
    return make_error("ConnectionFailedError", f"connection to {target} failed: {reason}")


def connection_broken(target: str, reason: str) -> WorkflowError:
    """The connection was made but broke before a full response arrived."""
    return make_error("ConnectionError", f"connection to {target} broke: {reason}")


def decode_json_body(raw: bytes) -> Any:
    """Parse a JSON response body, or keep the raw bytes when it is not JSON."""
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw
