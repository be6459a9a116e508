"""`base64`, `hash` and `json` modules, with the examples of Google's reference pages."""

from __future__ import annotations

from typing import Any

import pytest

from tests.runtime.helpers import ev, ev_error
from workflow_runtime.expressions import FunctionRef


def test_checksum_example_from_the_reference_page() -> None:
    source = 'base64.encode(hash.compute_checksum(text.encode("Hello World", "UTF-8"), "SHA256"))'
    assert ev(source) == "pZGm1Av0IEBKARczz7exkNYsZb8LzaMrV7J32a2fFG4="


def test_hmac_example_from_the_reference_page() -> None:
    source = (
        'base64.encode(hash.compute_hmac(text.encode("key", "UTF-8"), '
        'text.encode("Hello World", "UTF-8"), "SHA256"))'
    )
    assert ev(source) == "QidPcoCDkuWLV9co1+PA5RY+rwfRZdwDEF9iq74afRE="


@pytest.mark.parametrize(
    ("algorithm", "digest_bytes"),
    [("MD5", 16), ("SHA1", 20), ("SHA224", 28), ("SHA256", 32), ("SHA384", 48), ("SHA512", 64)],
)
def test_checksum_algorithms_return_bytes(algorithm: str, digest_bytes: int) -> None:
    digest = ev(f'hash.compute_checksum(text.encode("abc"), "{algorithm}")')
    assert isinstance(digest, bytes) and len(digest) == digest_bytes
    assert ev(f'len(base64.encode(hash.compute_hmac(d, d, "{algorithm}")))', d=b"k") > 0


def test_md5_of_empty_input() -> None:
    assert ev('hash.compute_checksum(text.encode(""), "MD5")').hex() == ("d41d8cd98f00b204e9800998ecf8427e")


@pytest.mark.parametrize(
    ("source", "tag", "fragment"),
    [
        ('hash.compute_checksum("text", "SHA256")', "TypeError", "must be a bytes"),
        ('hash.compute_checksum(b, "sha256")', "ValueError", "unsupported algorithm"),
        ('hash.compute_checksum(b, "CRC32")', "ValueError", "MD5, SHA1"),
        ("hash.compute_checksum(b, 256)", "TypeError", "argument 'algorithm'"),
        ('hash.compute_hmac("k", b, "SHA256")', "TypeError", "argument 'key'"),
        ('hash.compute_hmac(b, "d", "SHA256")', "TypeError", "argument 'data'"),
        ('hash.compute_hmac(b, b, "SHA3")', "ValueError", "unsupported algorithm"),
    ],
)
def test_hash_errors(source: str, tag: str, fragment: str) -> None:
    error = ev_error(source, b=b"x")
    assert error["tags"] == [tag]
    assert fragment in error["message"]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('base64.encode(text.encode("hello"))', "aGVsbG8="),
        ('base64.encode(text.encode("hello"), false)', "aGVsbG8"),
        ('base64.encode(text.encode(""))', ""),
        ('text.decode(base64.decode("aGVsbG8="))', "hello"),
        ('text.decode(base64.decode("aGVs\\r\\nbG8="))', "hello"),
        ('text.decode(base64.decode("aGVsbG8", false))', "hello"),
        ('text.decode(base64.decode("aGVsbG8=", false))', "hello"),
    ],
)
def test_base64(source: str, expected: str) -> None:
    assert ev(source) == expected


@pytest.mark.parametrize(
    ("source", "tag", "fragment"),
    [
        ('base64.decode("aGVsbG8")', "ValueError", "not valid Base64"),
        ('base64.decode("a$b=")', "ValueError", "not valid Base64"),
        ('base64.decode("é")', "ValueError", "not valid Base64"),
        ("base64.decode(b)", "TypeError", "must be a string"),
        ('base64.encode("text")', "TypeError", "must be a bytes"),
        ('base64.encode(b, "no")', "TypeError", "argument 'padding'"),
    ],
)
def test_base64_errors(source: str, tag: str, fragment: str) -> None:
    error = ev_error(source, b=b"x")
    assert error["tags"] == [tag]
    assert fragment in error["message"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"key1": "hello"}, '{"key1":"hello"}'),
        ({"b": [1, 2.5, None], "a": True}, '{"a":true,"b":[1,2.5,null]}'),
        ("é\n", '"é\\n"'),
        ([], "[]"),
        (None, "null"),
        (2**63 - 1, "9223372036854775807"),
    ],
)
def test_json_encode_to_string_is_compact_with_sorted_keys(value: Any, expected: str) -> None:
    assert ev("json.encode_to_string(v)", v=value) == expected
    assert ev("json.encode(v)", v=value) == expected.encode("utf-8")


def test_json_encode_indent_options() -> None:
    value = {"b": 1, "a": [1]}
    assert ev("json.encode_to_string(v, true)", v=value) == (
        '{\n    "a": [\n        1\n    ],\n    "b": 1\n}'
    )
    assert ev("json.encode_to_string(v, false)", v=value) == '{"a":[1],"b":1}'
    assert ev('json.encode_to_string(v, {"indent": "  ", "prefix": "> "})', v={"k": 1}) == (
        '> {\n>   "k": 1\n> }'
    )
    assert ev("json.encode_to_string(v, {})", v={"k": 1}) == '{\n    "k": 1\n}'


def test_json_message_example_round_trips_through_base64() -> None:
    # From json.encode's page: base64.encode(json.encode(message)) for Pub/Sub.
    encoded = ev("base64.encode(json.encode(message))", message={"hello": "world"})
    assert encoded == "eyJoZWxsbyI6IndvcmxkIn0="
    assert ev("json.decode(base64.decode(s))", s=encoded) == {"hello": "world"}


@pytest.mark.parametrize(
    ("source", "tag", "fragment"),
    [
        ("json.encode(b)", "ValueError", "bytes value cannot be JSON-encoded"),
        ('json.encode([1, {"k": b}])', "ValueError", "bytes"),
        ("json.encode_to_string(http.default_retry)", "ValueError", "function"),
        ('json.encode({}, "yes")', "TypeError", "argument 'indent'"),
        ('json.encode({}, {"tab": 1})', "ValueError", "unknown indent option"),
        ('json.encode({}, {"indent": 4})', "TypeError", "indent.indent"),
    ],
)
def test_json_encode_errors(source: str, tag: str, fragment: str) -> None:
    error = ev_error(source, b=b"x")
    assert error["tags"] == [tag]
    assert fragment in error["message"]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ('{"a": [1, 2.5, true, null, "s"]}', {"a": [1, 2.5, True, None, "s"]}),
        (b'{"k": "\\u00e9"}', {"k": "é"}),
        ("42", 42),
        ('"text"', "text"),
        ("9223372036854775807", 2**63 - 1),
        # json/decode page: bytes are first converted "as if by calling
        # text.decode(data, 'UTF-8')", which turns each undecodable byte into U+FFFD.
        (b'["\xff\xfe"]', ["\ufffd\ufffd"]),
    ],
)
def test_json_decode(data: Any, expected: Any) -> None:
    result = ev("json.decode(d)", d=data)
    assert result == expected
    assert type(result) is type(expected)


@pytest.mark.parametrize(
    ("data", "tag", "fragment"),
    [
        ("{", "ValueError", "invalid JSON"),
        ("NaN", "ValueError", "invalid JSON"),
        ("[Infinity]", "ValueError", "invalid JSON"),
        ("1e400", "ValueError", "out of the double range"),
        (b"\xff\xfe", "ValueError", "invalid JSON"),
        (5, "TypeError", "must be a bytes or string"),
        ("[" * 100_000 + "]" * 100_000, "RecursionError", "nested too deeply"),
    ],
)
def test_json_decode_errors(data: Any, tag: str, fragment: str) -> None:
    error = ev_error("json.decode(d)", d=data)
    assert error["tags"] == [tag]
    assert fragment in error["message"]


def test_function_refs_are_not_json() -> None:
    assert ev("get_type(retry.always)") == "function"
    assert ev("retry.always") == FunctionRef("retry.always")


def test_json_integers_beyond_64_bits_become_doubles() -> None:
    assert ev('json.decode("[9223372036854775808]")') == [9.223372036854775808e18]
    assert isinstance(ev('json.decode("-9223372036854775809")'), float)


def deeply_nested(depth: int) -> list[Any]:
    value: list[Any] = []
    for _ in range(depth):
        value = [value]
    return value


def test_values_nested_too_deeply_raise_recursion_error() -> None:
    deep = deeply_nested(20_000)
    for source in ("json.encode(x)", "list.concat(x, 1)", "x == y"):
        error = ev_error(source, x=deep, y=deeply_nested(20_000))
        assert error["tags"] == ["RecursionError"], source
        assert "nested too deeply" in error["message"]
