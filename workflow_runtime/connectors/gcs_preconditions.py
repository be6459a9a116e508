"""Cloud Storage request preconditions, checked the way Cloud Storage checks them.

The emulator ignores `ifGenerationMatch` & co. on media uploads, deletes and reads, so the
storage connectors read the object's current metadata and call `check_preconditions`
before sending the request. A failed precondition is HTTP 412 with the JSON API's body.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from workflow_runtime.connectors.args import int_arg
from workflow_runtime.connectors.errors import ApiError
from workflow_runtime.connectors.gcs_client import GcsClient

PRECONDITIONS = (
    "ifGenerationMatch",
    "ifGenerationNotMatch",
    "ifMetagenerationMatch",
    "ifMetagenerationNotMatch",
)
SOURCE_PRECONDITIONS = (
    "ifSourceGenerationMatch",
    "ifSourceGenerationNotMatch",
    "ifSourceMetagenerationMatch",
    "ifSourceMetagenerationNotMatch",
)
_PRECONDITION_MESSAGE = "At least one of the pre-conditions you specified did not hold."


def gcs_error(code: int, message: str, reason: str, **detail: str) -> ApiError:
    """An error in the Cloud Storage JSON API's own format (no `status`, an `errors` list)."""
    entry = {"domain": "global", "reason": reason, "message": message, **detail}
    return ApiError(
        code,
        {"error": {"code": code, "message": message, "errors": [entry]}},
        {"Content-Type": "application/json; charset=UTF-8"},
    )


def not_found(label: str) -> ApiError:
    """HTTP 404 for a missing object; `label` is "bucket/name" (decoded), as Google prints it
    (e.g. "No such object: my-bucket/somefile", googleapis/nodejs-storage issue 1183)."""
    return gcs_error(404, f"No such object: {label}", "notFound")


def current_metadata(client: GcsClient, path: str) -> dict[str, Any] | None:
    """The object's metadata at `path`, or None when it does not exist."""
    try:
        return client.request_resource("GET", path)
    except ApiError as error:
        if error.code == 404:
            return None
        raise


def has_any(args: Mapping[str, Any], keys: tuple[str, ...]) -> bool:
    """Whether any of the precondition arguments `keys` is given."""
    return any(args.get(key) is not None for key in keys)


def check_preconditions(
    connector: str,
    meta: dict[str, Any] | None,
    args: Mapping[str, Any],
    keys: tuple[str, ...],
    *,
    missing: str | None = None,
) -> None:
    """Raise ApiError 412 unless every given precondition holds.

    `missing` labels the object ("bucket/name") when it must exist (read, delete, patch): a
    missing one is then HTTP 404 before any precondition is looked at.
    """
    if meta is None and missing is not None:
        raise not_found(missing)
    gen_match, gen_not, meta_match, meta_not = (int_arg(connector, args, k) for k in keys)
    # Both are required fields of every object resource (the emulator sends them too).
    generation = int(meta["generation"]) if meta else None
    metageneration = int(meta["metageneration"]) if meta else None
    ok = True
    if gen_match is not None:
        ok &= (meta is None) if gen_match == 0 else (generation == gen_match)
    if gen_not is not None:
        # ifGenerationNotMatch=0 means "only if a live object exists": no generation is 0.
        ok &= meta is not None and generation != gen_not
    if meta_match is not None:
        ok &= meta is not None and metageneration == meta_match
    if meta_not is not None:
        ok &= meta is None or metageneration != meta_not
    if not ok:
        raise gcs_error(
            412, _PRECONDITION_MESSAGE, "conditionNotMet", locationType="header", location="If-Match"
        )
