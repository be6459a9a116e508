"""`pageSize` / `pageToken` / `nextPageToken` paging of Google list methods, for the fakes.

Google's list methods return at most `pageSize` items and a `nextPageToken` while more
remain; the token is opaque and only valid for the same request (the Logging page: "The
values of other method parameters should be identical to those in the previous call").
Here a token encodes the offset and the collection it belongs to, so a token from another
list, or a made-up one, is an HTTP 400 like Google's INVALID_ARGUMENT.

Responses follow the proto3 JSON mapping (protobuf.dev, "JSON Mapping"): fields with
default values are omitted, so an empty page has no items field and the last page no
`nextPageToken`.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from typing import Any

from workflow_runtime.connectors.errors import api_error


def page(
    items: Sequence[dict[str, Any]],
    *,
    field: str,
    scope: str,
    page_size: int | None,
    page_token: str | None,
    default_size: int,
) -> dict[str, Any]:
    """The response map holding one page of `items` under `field`.

    `scope` identifies the request (collection and parent) its tokens are valid for; a
    non-positive or missing `page_size` means `default_size`.
    """
    start = _offset(page_token, scope) if page_token else 0
    size = page_size if page_size is not None and page_size > 0 else default_size
    chunk = [dict(item) for item in items[start : start + size]]
    response: dict[str, Any] = {}
    if chunk:
        response[field] = chunk
    if start + size < len(items):
        response["nextPageToken"] = _token(start + size, scope)
    return response


def _token(offset: int, scope: str) -> str:
    raw = json.dumps({"offset": offset, "scope": scope}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _offset(token: str, scope: str) -> int:
    try:
        padded = token + "=" * (-len(token) % 4)
        decoded = json.loads(base64.urlsafe_b64decode(padded.encode()))
        offset = decoded["offset"]
        belongs = decoded["scope"] == scope
    except (ValueError, TypeError, KeyError):
        raise api_error(400, f"Invalid page token {token!r}") from None
    if not belongs or not isinstance(offset, int) or offset < 0:
        raise api_error(400, f"Invalid page token {token!r}: it belongs to another request")
    return offset
