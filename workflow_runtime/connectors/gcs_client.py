"""A small HTTP client for the Cloud Storage JSON API served by the local emulator.

It speaks to fake-gcs-server on 127.0.0.1 only and turns transport failures into the
workflow errors Google's runtime raises (ConnectionFailedError when nothing answers,
ConnectionError when a response breaks off). Error statuses come back as `ApiError`.
"""

from __future__ import annotations

import http.client
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from workflow_runtime.connectors.errors import (
    ApiError,
    connection_broken,
    connection_failed,
    decode_json_body,
)

# Local requests finish in milliseconds; a stuck emulator should fail a test, not hang it.
_SOCKET_TIMEOUT = 10.0


@dataclass(frozen=True)
class RawResponse:
    """Status, headers and undecoded body of one emulator response."""

    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def content_type(self) -> str:
        """The media type without parameters, lower-cased ('' when absent)."""
        for key, value in self.headers.items():
            if key.lower() == "content-type":
                return value.split(";", 1)[0].strip().lower()
        return ""

    def json(self) -> Any:
        """The body parsed as JSON (None when empty)."""
        return decode_json_body(self.body)


class GcsClient:
    """Requests against one emulator base URL such as http://127.0.0.1:4443."""

    def __init__(self, base_url: str) -> None:
        parts = urlsplit(base_url)
        if parts.scheme != "http" or parts.hostname not in ("127.0.0.1", "localhost"):
            raise ValueError(f"the storage emulator must be served over http on 127.0.0.1, got {base_url!r}")
        self.base_url = base_url.rstrip("/")
        self._host = parts.hostname
        self._port = parts.port or 80

    def request(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, Any] | None = None,
        body: bytes | None = None,
        content_type: str | None = None,
    ) -> RawResponse:
        """Send one request; raise ApiError for status >= 400, workflow errors for transport."""
        target = path
        if query:
            target += "?" + urlencode(
                {k: _query_value(v) for k, v in query.items() if v is not None},
                safe="/%:@!$'()*,;~",
            )
        headers = {"Content-Type": content_type} if content_type else {}
        conn = http.client.HTTPConnection(self._host, self._port, timeout=_SOCKET_TIMEOUT)
        try:
            try:
                conn.request(method, target, body=body, headers=headers)
            except OSError as exc:
                raise connection_failed(self.base_url, str(exc)) from exc
            try:
                resp = conn.getresponse()
                data = resp.read()
            except (OSError, http.client.HTTPException) as exc:
                raise connection_broken(self.base_url, str(exc)) from exc
        finally:
            conn.close()
        response = RawResponse(resp.status, dict(resp.getheaders()), data)
        if resp.status >= 400:
            raise ApiError(resp.status, _error_body(resp.status, response), _error_headers(response.headers))
        return response

    def request_json(self, method: str, path: str, **kwargs: Any) -> Any:
        """`request` and parse the JSON response body."""
        return self.request(method, path, **kwargs).json()

    def request_resource(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        """`request_json` for a call the JSON API answers with a resource (a JSON object)."""
        body = self.request_json(method, path, **kwargs)
        if not isinstance(body, dict):
            raise TypeError(f"{method} {path}: the emulator answered {body!r:.80}, not a JSON object")
        return body

    def create_bucket(self, name: str, project: str = "test-project") -> None:
        """Create a bucket (test setup; workflows never create buckets here)."""
        self.request(
            "POST",
            "/storage/v1/b",
            query={"project": project},
            body=json.dumps({"name": name}).encode(),
            content_type="application/json",
        )


def _query_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _error_body(status: int, response: RawResponse) -> Any:
    # Cloud Storage's JSON API answers errors with a JSON body; the emulator sometimes
    # sends plain text (e.g. a 404 on alt=media), so wrap that the way Google would.
    body = response.json()
    if isinstance(body, dict):
        return body
    text = response.body.decode("utf-8", errors="replace").strip()
    return {"error": {"code": status, "message": text or f"HTTP {status}"}}


def _error_headers(headers: Mapping[str, str]) -> dict[str, str]:
    # Workflows exposes response headers on HttpError; keep the ones a workflow could use.
    return {k: v for k, v in headers.items() if k.lower() in ("content-type", "content-length")}
