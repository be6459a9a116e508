"""`googleapis.storage.v1.objects.*` connectors against the local Cloud Storage emulator.

Requests go to fake-gcs-server (`ctx.services.storage`, a GcsClient) with Google's
semantics restored where the 1.54 binary falls short:

- Preconditions (`ifGenerationMatch` incl. 0 = only if absent, `ifGenerationNotMatch`,
  `ifMetagenerationMatch`, `ifMetagenerationNotMatch`, `ifSource*` on copy/rewrite) are
  checked here against the object's current metadata, then the request is sent; a failed
  one is HTTP 412 (gcs_preconditions). The emulator ignores them on media uploads, deletes
  and reads. The check and the write are not separated by any virtual-time switch (the
  engine runs one task at a time), so they are atomic for workflows.
- `fields` (partial response) is applied to objects.list results (partial_response).
- `matchGlob` is filtered here with Google's glob rules (gcs_listing, gcs_glob), with
  delimiter and paging applied to the filtered names; the emulator ignores matchGlob.
- Object names in `object` path arguments must be URL-encoded by the workflow, as Google
  documents: a raw `/` makes the real request address another path, so it is HTTP 404 here
  too (the emulator would accept it).

Bodies: `objects.insert` with `uploadType: media` sends bytes as they are
(application/octet-stream) and any other value JSON-encoded (application/json), the way
the connector serialises a request body. `objects.get` with `alt: media` returns the
content parsed as JSON when the object's Content-Type is JSON (application/json or
*+json), as Workflows does for every JSON HTTP response, and as bytes otherwise (Google's
connector page: "if you specify alt=media ... use text.decode to decode data in bytes").
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote, unquote

from workflow_runtime.connectors.args import check_args, int_arg, string_arg
from workflow_runtime.connectors.context import ConnectorContext, service
from workflow_runtime.connectors.errors import decode_json_body, from_api_error
from workflow_runtime.connectors.gcs_client import GcsClient, RawResponse
from workflow_runtime.connectors.gcs_glob import GlobSyntaxError, compile_glob
from workflow_runtime.connectors.gcs_listing import MAX_RESULTS, list_with_glob
from workflow_runtime.connectors.gcs_preconditions import (
    PRECONDITIONS,
    SOURCE_PRECONDITIONS,
    check_preconditions,
    current_metadata,
    gcs_error,
    has_any,
    not_found,
)
from workflow_runtime.connectors.partial_response import FieldsSyntaxError, parse_fields, select
from workflow_runtime.connectors.retry import with_retries
from workflow_runtime.errors import make_error

PREFIX = "googleapis.storage.v1.objects."


def objects_get(ctx: ConnectorContext, args: Mapping[str, Any]) -> Any:
    """Object metadata, or with `alt: media` its content (JSON decoded when JSON)."""
    name = PREFIX + "get"
    check_args(
        name,
        args,
        required=("bucket", "object"),
        optional=("alt", "generation", "projection", "userProject", *PRECONDITIONS),
    )
    alt = string_arg(name, args, "alt") or "json"
    if alt not in ("json", "media"):
        raise make_error("ValueError", f"{name}: alt must be 'json' or 'media', got {alt!r}")
    path = _object_path(name, args, "bucket", "object")
    query = {"generation": int_arg(name, args, "generation")}

    def send() -> Any:
        client = _client(ctx)
        if has_any(args, PRECONDITIONS):
            meta = current_metadata(client, path)
            check_preconditions(name, meta, args, PRECONDITIONS, missing=_label(args, "bucket", "object"))
        if alt == "media":
            return _media_value(client.request("GET", path, query={**query, "alt": "media"}))
        return _strip_acl(client.request_json("GET", path, query=query), args)

    return with_retries(ctx, "GET", send)


def objects_insert(ctx: ConnectorContext, args: Mapping[str, Any]) -> Any:
    """Upload an object (`uploadType: media`); preconditions honoured; returns its metadata."""
    name = PREFIX + "insert"
    check_args(
        name,
        args,
        required=("bucket", "name", "uploadType"),
        optional=(
            "body",
            "contentEncoding",
            "kmsKeyName",
            "predefinedAcl",
            "projection",
            "userProject",
            *PRECONDITIONS,
        ),
    )
    upload_type = string_arg(name, args, "uploadType")
    if upload_type != "media":
        raise make_error(
            "ValueError",
            f"{name}: uploadType {upload_type!r} is not supported by the local runtime; "
            "use uploadType: media (the connector's simple upload)",
        )
    bucket = _segment(name, "bucket", string_arg(name, args, "bucket"))
    object_name = string_arg(name, args, "name") or ""
    data, content_type = _encode_body(name, args.get("body"))
    meta_path = f"/storage/v1/b/{bucket}/o/{quote(object_name, safe='%')}"

    def send() -> Any:
        client = _client(ctx)
        if has_any(args, PRECONDITIONS):
            check_preconditions(name, current_metadata(client, meta_path), args, PRECONDITIONS)
        return client.request_json(
            "POST",
            f"/upload/storage/v1/b/{bucket}/o",
            query={
                "uploadType": "media",
                "name": object_name,
                "contentEncoding": string_arg(name, args, "contentEncoding"),
            },
            body=data,
            content_type=content_type,
        )

    return _strip_acl(with_retries(ctx, "POST", send), args)


def objects_delete(ctx: ConnectorContext, args: Mapping[str, Any]) -> None:
    """Delete an object; preconditions honoured; returns null like the empty 204 response."""
    name = PREFIX + "delete"
    check_args(
        name,
        args,
        required=("bucket", "object"),
        optional=("generation", "userProject", *PRECONDITIONS),
    )
    path = _object_path(name, args, "bucket", "object")

    def send() -> None:
        client = _client(ctx)
        # Always read first: the emulator answers 200 even for a failed precondition.
        meta = current_metadata(client, path)
        check_preconditions(name, meta, args, PRECONDITIONS, missing=_label(args, "bucket", "object"))
        _check_generation(name, meta, args)
        client.request("DELETE", path, query={"generation": int_arg(name, args, "generation")})

    with_retries(ctx, "DELETE", send)
    return None


def objects_patch(ctx: ConnectorContext, args: Mapping[str, Any]) -> Any:
    """Patch object metadata (e.g. `metadata`, `contentType`); returns the new metadata."""
    name = PREFIX + "patch"
    check_args(
        name,
        args,
        required=("bucket", "object", "body"),
        optional=("generation", "predefinedAcl", "projection", "userProject", *PRECONDITIONS),
    )
    body = args["body"]
    if not isinstance(body, Mapping):
        raise make_error("TypeError", f"{name}: body must be a map of object metadata fields")
    path = _object_path(name, args, "bucket", "object")

    def send() -> Any:
        client = _client(ctx)
        meta = current_metadata(client, path)
        check_preconditions(name, meta, args, PRECONDITIONS, missing=_label(args, "bucket", "object"))
        _check_generation(name, meta, args)
        client.request("PATCH", path, body=json.dumps(body).encode(), content_type="application/json")
        # The emulator's PATCH response is not an object resource; read the real one back.
        return client.request_json("GET", path)

    return _strip_acl(with_retries(ctx, "PATCH", send), args)


def objects_copy(ctx: ConnectorContext, args: Mapping[str, Any]) -> Any:
    """Copy an object; destination and source preconditions honoured."""
    return _copy_like(ctx, args, "copy", "copyTo")


def objects_rewrite(ctx: ConnectorContext, args: Mapping[str, Any]) -> Any:
    """Rewrite (copy) an object in one call; returns the rewrite response (`done: true`)."""
    return _copy_like(ctx, args, "rewrite", "rewriteTo")


def objects_list(ctx: ConnectorContext, args: Mapping[str, Any]) -> Any:
    """List objects: prefix, delimiter, matchGlob, startOffset/endOffset, paging (<= 1000)."""
    name = PREFIX + "list"
    check_args(
        name,
        args,
        required=("bucket",),
        optional=(
            "prefix",
            "delimiter",
            "matchGlob",
            "pageToken",
            "maxResults",
            "startOffset",
            "endOffset",
            "includeTrailingDelimiter",
            "projection",
            "versions",
            "userProject",
            "fields",
        ),
    )
    bucket = _segment(name, "bucket", string_arg(name, args, "bucket"))
    fields = string_arg(name, args, "fields")
    try:
        selector = parse_fields(fields) if fields is not None else None
    except FieldsSyntaxError as exc:
        raise from_api_error(gcs_error(400, str(exc), "invalid")) from exc
    max_results = int_arg(name, args, "maxResults")
    if max_results is not None and max_results <= 0:
        raise make_error("ValueError", f"{name}: maxResults must be positive, got {max_results}")
    # Cloud Storage returns at most 1000 entries per page whatever maxResults says.
    page_size = min(max_results or MAX_RESULTS, MAX_RESULTS)
    glob = string_arg(name, args, "matchGlob")
    if glob is not None:
        try:
            compile_glob(glob)
        except GlobSyntaxError as exc:
            raise from_api_error(gcs_error(400, str(exc), "invalid")) from exc

    def send() -> Any:
        client = _client(ctx)
        if glob is None:
            query = {
                key: args.get(key)
                for key in (
                    "prefix",
                    "delimiter",
                    "pageToken",
                    "startOffset",
                    "endOffset",
                    "includeTrailingDelimiter",
                    "versions",
                )
            }
            return client.request_json(
                "GET", f"/storage/v1/b/{bucket}/o", query={**query, "maxResults": page_size}
            )
        return list_with_glob(client, bucket, glob, args, page_size)

    result = with_retries(ctx, "GET", send)
    if isinstance(result, dict):
        for item in result.get("items", []):
            _strip_acl(item, args)
    # The partial response is what comes back (and what the workflow's memory holds).
    return select(result, selector) if selector is not None else result


CONNECTORS: dict[str, Callable[[ConnectorContext, Mapping[str, Any]], Any]] = {
    PREFIX + "get": objects_get,
    PREFIX + "insert": objects_insert,
    PREFIX + "list": objects_list,
    PREFIX + "delete": objects_delete,
    PREFIX + "patch": objects_patch,
    PREFIX + "copy": objects_copy,
    PREFIX + "rewrite": objects_rewrite,
}


def _copy_like(ctx: ConnectorContext, args: Mapping[str, Any], op: str, verb: str) -> Any:
    name = PREFIX + op
    check_args(
        name,
        args,
        required=("sourceBucket", "sourceObject", "destinationBucket", "destinationObject"),
        optional=(
            "body",
            "sourceGeneration",
            "destinationPredefinedAcl",
            "destinationKmsKeyName",
            "projection",
            "userProject",
            "rewriteToken",
            "maxBytesRewrittenPerCall",
            *PRECONDITIONS,
            *SOURCE_PRECONDITIONS,
        ),
    )
    source = _object_path(name, args, "sourceBucket", "sourceObject")
    dest = _object_path(name, args, "destinationBucket", "destinationObject")
    body = args.get("body") or {}

    def send() -> Any:
        client = _client(ctx)
        source_meta = current_metadata(client, source)
        if source_meta is None:
            raise not_found(_label(args, "sourceBucket", "sourceObject"))
        check_preconditions(name, source_meta, args, SOURCE_PRECONDITIONS)
        if has_any(args, PRECONDITIONS):
            check_preconditions(name, current_metadata(client, dest), args, PRECONDITIONS)
        target = dest.removeprefix("/storage/v1")
        return client.request_json(
            "POST",
            f"{source}/{verb}{target}",
            body=json.dumps(body).encode(),
            content_type="application/json",
        )

    return with_retries(ctx, "POST", send)


def _client(ctx: ConnectorContext) -> GcsClient:
    client = service(
        ctx,
        "storage",
        "no Cloud Storage emulator is configured: give Services(storage=GcsClient(url)) "
        "(the workflow_env fixture does)",
    )
    if not isinstance(client, GcsClient):
        raise TypeError(f"Services.storage must be a GcsClient, got {type(client).__name__}")
    return client


def _segment(connector: str, arg: str, value: str | None) -> str:
    if not value:
        raise make_error("ValueError", f"{connector}: argument {arg} must not be empty")
    return quote(value, safe="%")


def _object_path(connector: str, args: Mapping[str, Any], bucket_arg: str, object_arg: str) -> str:
    bucket = _segment(connector, bucket_arg, string_arg(connector, args, bucket_arg))
    raw = string_arg(connector, args, object_arg) or ""
    if "/" in raw:
        # Google documents that an object name with folders fails unless URL-encoded: the
        # raw slash makes the request address a different resource path.
        raise from_api_error(not_found(f"{args[bucket_arg]}/{raw}"))
    return f"/storage/v1/b/{bucket}/o/{_segment(connector, object_arg, raw)}"


def _check_generation(connector: str, meta: dict[str, Any] | None, args: Mapping[str, Any]) -> None:
    # `generation` selects one revision (objects.delete / objects.patch parameter tables);
    # the emulator keeps only the live one and ignores the parameter (it would delete or
    # patch the live object), so any other generation is the JSON API's 404.
    generation = int_arg(connector, args, "generation")
    if generation is not None and (meta is None or int(meta["generation"]) != generation):
        raise not_found(_label(args, "bucket", "object"))


def _label(args: Mapping[str, Any], bucket_arg: str, object_arg: str) -> str:
    # "bucket/name" with the name decoded: how Cloud Storage names an object in a 404.
    return f"{args[bucket_arg]}/{unquote(str(args[object_arg]))}"


def _encode_body(connector: str, body: Any) -> tuple[bytes, str]:
    if body is None:  # no body: an empty object
        return b"", "application/octet-stream"
    if isinstance(body, bytes):
        return body, "application/octet-stream"
    try:
        text = json.dumps(body, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError):
        raise make_error(
            "TypeError",
            f"{connector}: body cannot be sent as JSON (it holds bytes or a function); "
            "upload bytes on their own or encode them with base64.encode",
        ) from None
    return text.encode(), "application/json"


def _media_value(response: RawResponse) -> Any:
    kind = response.content_type
    if kind == "application/json" or kind.endswith("+json"):
        value = decode_json_body(response.body)
        return b"" if value is None else value
    return response.body


def _strip_acl(resource: Any, args: Mapping[str, Any]) -> Any:
    # The default projection (noAcl) leaves out the acl; the emulator always includes it.
    if isinstance(resource, dict) and args.get("projection") != "full":
        resource.pop("acl", None)
    return resource
