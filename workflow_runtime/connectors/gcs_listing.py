"""`objects.list` with `matchGlob`, which the emulator ignores: filtered here.

Every object under the prefix is read from the emulator (1000 per page), filtered by the
glob (Google's rules, see gcs_glob) and by startOffset / endOffset, grouped by the
delimiter into `prefixes`, and paged with an opaque token of our own.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

from workflow_runtime.connectors.gcs_client import GcsClient
from workflow_runtime.connectors.gcs_glob import compile_glob
from workflow_runtime.connectors.gcs_preconditions import gcs_error

MAX_RESULTS = 1000


def list_with_glob(
    client: GcsClient, bucket: str, glob: str, args: Mapping[str, Any], page_size: int
) -> dict[str, Any]:
    """One page of the objects matching `glob` (see the module docstring)."""
    prefix = args.get("prefix") or ""
    delimiter = args.get("delimiter") or ""
    start, end = args.get("startOffset"), args.get("endOffset")
    pattern = compile_glob(glob)
    objects: list[dict[str, Any]] = []
    token: str | None = None
    while True:
        page = (
            client.request_json(
                "GET",
                f"/storage/v1/b/{bucket}/o",
                query={"prefix": prefix or None, "pageToken": token, "maxResults": MAX_RESULTS},
            )
            or {}
        )
        objects.extend(page.get("items", []))
        token = page.get("nextPageToken")
        if not token:
            break
    include_trailing = bool(args.get("includeTrailingDelimiter"))
    items: dict[str, dict[str, Any]] = {}
    prefixes: set[str] = set()
    for item in objects:
        obj = item["name"]
        if (start and obj < start) or (end and obj >= end) or not pattern.match(obj):
            continue
        rest = obj[len(prefix) :]
        cut = rest.find(delimiter) if delimiter else -1
        if cut >= 0:
            prefixes.add(prefix + rest[: cut + len(delimiter)])
            ends_with_delimiter = cut + len(delimiter) == len(rest)
            if not (ends_with_delimiter and include_trailing):
                continue
        items[obj] = item
    after = _decode_page_token(args.get("pageToken"))
    ordered = sorted({*items, *prefixes})
    if after is not None:
        ordered = [key for key in ordered if key > after]
    page_keys = ordered[:page_size]
    result: dict[str, Any] = {"kind": "storage#objects"}
    page_items = [items[k] for k in page_keys if k in items]
    page_prefixes = [k for k in page_keys if k in prefixes]
    if page_items:
        result["items"] = page_items
    if page_prefixes:
        result["prefixes"] = page_prefixes
    if len(ordered) > page_size:
        result["nextPageToken"] = base64.urlsafe_b64encode(page_keys[-1].encode()).decode()
    return result


def _decode_page_token(token: Any) -> str | None:
    if token is None:
        return None
    try:
        return base64.urlsafe_b64decode(str(token).encode()).decode()
    except ValueError as exc:
        raise gcs_error(400, "Invalid pageToken", "invalid") from exc
