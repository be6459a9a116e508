"""`base64`, `hash` and `json` modules: conversions between values, text and bytes."""

from __future__ import annotations

import base64 as _base64
import binascii
import hashlib
import hmac
import json as _json
import math
from typing import Any

from workflow_runtime.errors import make_error
from workflow_runtime.expressions.values import (
    INT64_MAX,
    INT64_MIN,
    FunctionRef,
    describe,
    type_name,
)
from workflow_runtime.stdlib.spec import Registry, expect, value_error
from workflow_runtime.stdlib.text import utf8_text

registry = Registry()


@registry.function("base64.encode")
def base64_encode(ctx: Any, data: Any, padding: Any = True) -> str:
    """Base64 text of bytes (standard alphabet), with `=` padding unless padding is false."""
    expect("base64.encode", "data", data, "bytes")
    expect("base64.encode", "padding", padding, "boolean")
    text = _base64.b64encode(data).decode("ascii")
    return text if padding else text.rstrip("=")


@registry.function("base64.decode")
def base64_decode(ctx: Any, data: Any, padding: Any = True) -> bytes:
    """Bytes of Base64 text; CR and LF are ignored; padding=false accepts unpadded input."""
    expect("base64.decode", "data", data, "string")
    expect("base64.decode", "padding", padding, "boolean")
    text = data.replace("\r", "").replace("\n", "")
    if not padding:
        text = text.rstrip("=") + "=" * (-len(text.rstrip("=")) % 4)
    try:
        return _base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise value_error("base64.decode", f"not valid Base64: {describe(data)}") from None


_ALGORITHMS = {
    "MD5": "md5",
    "SHA1": "sha1",
    "SHA224": "sha224",
    "SHA256": "sha256",
    "SHA384": "sha384",
    "SHA512": "sha512",
}


def _algorithm(function: str, algorithm: Any) -> str:
    expect(function, "algorithm", algorithm, "string")
    if algorithm not in _ALGORITHMS:
        raise value_error(
            function, f"unsupported algorithm {algorithm!r}; use one of {', '.join(_ALGORITHMS)}"
        )
    return _ALGORITHMS[algorithm]


@registry.function("hash.compute_checksum")
def compute_checksum(ctx: Any, data: Any, algorithm: Any) -> bytes:
    """Digest of bytes with MD5, SHA1, SHA256, SHA384 or SHA512, as bytes."""
    expect("hash.compute_checksum", "data", data, "bytes")
    return hashlib.new(_algorithm("hash.compute_checksum", algorithm), data).digest()


@registry.function("hash.compute_hmac")
def compute_hmac(ctx: Any, key: Any, data: Any, algorithm: Any) -> bytes:
    """HMAC of bytes under a bytes key, as bytes."""
    expect("hash.compute_hmac", "key", key, "bytes")
    expect("hash.compute_hmac", "data", data, "bytes")
    return hmac.new(key, data, _algorithm("hash.compute_hmac", algorithm)).digest()


def to_json_text(function: str, data: Any, indent: Any = None) -> str:
    """JSON text of a value: compact, map keys sorted; bytes and functions are rejected."""
    _check_encodable(function, data)
    if indent is None or indent is False:
        return _json.dumps(data, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    prefix, step = _indent_options(function, indent)
    text = _json.dumps(data, indent=step, sort_keys=True, ensure_ascii=False)
    return "\n".join(prefix + line for line in text.split("\n"))


def _indent_options(function: str, indent: Any) -> tuple[str, str]:
    if indent is True:
        return "", "    "
    expect(function, "indent", indent, "boolean", "map")
    unknown = set(indent) - {"prefix", "indent"}
    if unknown:
        raise value_error(function, f"unknown indent option(s): {', '.join(sorted(unknown))}")
    prefix = indent.get("prefix", "")
    step = indent.get("indent", "    ")
    expect(function, "indent.prefix", prefix, "string")
    expect(function, "indent.indent", step, "string")
    return prefix, step


def _check_encodable(function: str, value: Any) -> None:
    if isinstance(value, (bytes, FunctionRef)):
        raise value_error(function, f"a {type_name(value)} value cannot be JSON-encoded")
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        raise value_error(function, f"{value} cannot be JSON-encoded")
    if isinstance(value, list):
        for item in value:
            _check_encodable(function, item)
    elif isinstance(value, dict):
        for item in value.values():
            _check_encodable(function, item)


@registry.function("json.encode")
def json_encode(ctx: Any, data: Any, indent: Any = None) -> bytes:
    """UTF-8 JSON bytes of a value."""
    return to_json_text("json.encode", data, indent).encode("utf-8")


@registry.function("json.encode_to_string")
def json_encode_to_string(ctx: Any, data: Any, indent: Any = None) -> str:
    """JSON text of a value."""
    return to_json_text("json.encode_to_string", data, indent)


@registry.function("json.decode")
def json_decode(ctx: Any, data: Any) -> Any:
    """Parse JSON from a string, or from bytes read as text.decode(data, "UTF-8") reads them."""
    expect("json.decode", "data", data, "bytes", "string")
    # json/decode page: bytes are "first converted to a string, as if by calling
    # text.decode(data, 'UTF-8')", so invalid UTF-8 becomes U+FFFD, not an error.
    text = utf8_text(data) if isinstance(data, bytes) else data
    try:
        return _json.loads(
            text, parse_constant=_reject_constant, parse_float=_parse_float, parse_int=_parse_int
        )
    except (_json.JSONDecodeError, _RefusedToken) as error:
        raise value_error("json.decode", f"invalid JSON: {error}") from None
    except RecursionError:
        raise make_error("RecursionError", "json.decode: JSON nested too deeply") from None


class _RefusedToken(ValueError):
    """A token Python's JSON parser accepts but JSON or Workflows does not. Not a
    JSONDecodeError: the parser's hooks see the token alone, so they cannot tell where
    in the document it is, and a position counted inside the token would mislead."""


def _parse_int(text: str) -> int | float:
    # Beyond the 64-bit int range a JSON number can only be a double.
    try:
        value = int(text)
    except ValueError:
        # More digits than CPython converts (int_max_str_digits, 4300): far beyond int64.
        return _parse_float(text)
    return value if INT64_MIN <= value <= INT64_MAX else _parse_float(text)


def _parse_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise _RefusedToken(f"number {text} is out of the double range")
    return value


def _reject_constant(name: str) -> Any:
    # Python accepts NaN and Infinity, which are not JSON.
    raise _RefusedToken(f"{name} is not valid JSON")
