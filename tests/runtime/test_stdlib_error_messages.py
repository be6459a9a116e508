"""The exact text of standard library errors: each names the function that failed.

A workflow author reads these in the error map's `message`; the function name tells
which call of a long expression failed. Google documents the tags (TypeError for a wrong
argument type, ValueError for a wrong value) on each function's reference page under
cloud.google.com/workflows/docs/reference/stdlib/; the texts are this runtime's own.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.runtime.helpers import ev, ev_error
from workflow_runtime.errors import WorkflowError
from workflow_runtime.expressions import FunctionRef
from workflow_runtime.stdlib import call_pure

ALGORITHMS = "MD5, SHA1, SHA224, SHA256, SHA384, SHA512"


@pytest.mark.parametrize(
    ("source", "variables", "tag", "message"),
    [
        (
            "hash.compute_checksum(b, 1)",
            {"b": b"x"},
            "TypeError",
            "hash.compute_checksum: argument 'algorithm' must be a string, got int 1",
        ),
        (
            'hash.compute_checksum(b, "MD4")',
            {"b": b"x"},
            "ValueError",
            f"hash.compute_checksum: unsupported algorithm 'MD4'; use one of {ALGORITHMS}",
        ),
        (
            'hash.compute_hmac(b, b, "sha256")',
            {"b": b"x"},
            "ValueError",
            f"hash.compute_hmac: unsupported algorithm 'sha256'; use one of {ALGORITHMS}",
        ),
        (
            "json.encode_to_string(x)",
            {"x": [{"k": b"x"}]},
            "ValueError",
            "json.encode_to_string: a bytes value cannot be JSON-encoded",
        ),
        (
            "json.encode(x)",
            {"x": {"a": [1, FunctionRef("retry.always")]}},
            "ValueError",
            "json.encode: a function value cannot be JSON-encoded",
        ),
        (
            "json.encode_to_string(1, 1)",
            {},
            "TypeError",
            "json.encode_to_string: argument 'indent' must be a boolean or map, got int 1",
        ),
        (
            'json.encode(1, {"spaces": 2, "align": true, "indent": ""})',
            {},
            "ValueError",
            "json.encode: unknown indent option(s): align, spaces",
        ),
        (
            'json.encode_to_string(1, {"prefix": 1})',
            {},
            "TypeError",
            "json.encode_to_string: argument 'indent.prefix' must be a string, got int 1",
        ),
        (
            'json.encode(1, {"indent": 1})',
            {},
            "TypeError",
            "json.encode: argument 'indent.indent' must be a string, got int 1",
        ),
        (
            "json.decode(s)",
            {"s": "[1, 1e400]"},
            "ValueError",
            "json.decode: invalid JSON: number 1e400 is out of the double range",
        ),
        (
            "json.decode(s)",
            {"s": "[1, NaN]"},
            "ValueError",
            "json.decode: invalid JSON: NaN is not valid JSON",
        ),
        (
            "json.decode(s)",
            {"s": "[1, 2"},
            "ValueError",
            "json.decode: invalid JSON: Expecting ',' delimiter: line 1 column 6 (char 5)",
        ),
        (
            "text.decode(b, 1)",
            {"b": b"x"},
            "TypeError",
            "text.decode: argument 'charset' must be a string, got int 1",
        ),
        (
            'text.encode("x", "klingon")',
            {},
            "ValueError",
            "text.encode: unknown charset 'klingon'",
        ),
        (
            'text.match_regex("x", "(")',
            {},
            "ValueError",
            "text.match_regex: invalid regular expression '(': missing ): (",
        ),
        (
            'text.replace_all_regex("x", "(é", "y")',
            {},
            "ValueError",
            "text.replace_all_regex: invalid regular expression '(é': missing ): (é",
        ),
        (
            "time.format(0, 1)",
            {},
            "TypeError",
            "time.format: argument 'timezone' must be a string, got int 1",
        ),
        (
            'time.format(0, "Mars/Olympus")',
            {},
            "ValueError",
            "time.format: unknown time zone 'Mars/Olympus': use an IANA name like 'Europe/Paris'",
        ),
        (
            # RFC 3339's `Z` is an offset, not a time zone name.
            'time.format(0, "Z")',
            {},
            "ValueError",
            "time.format: unknown time zone 'Z': use an IANA name like 'Europe/Paris'",
        ),
    ],
)
def test_error_messages_name_the_function(
    source: str, variables: dict[str, Any], tag: str, message: str
) -> None:
    error = ev_error(source, **variables)
    assert error["tags"] == [tag]
    assert error["message"] == message


@pytest.mark.parametrize(
    ("value", "shown"),
    [(float("nan"), "nan"), ([{"k": [float("inf")]}], "inf"), ({"k": float("-inf")}, "-inf")],
)
def test_json_encoding_refuses_non_finite_doubles(value: Any, shown: str) -> None:
    # Workflows arithmetic never makes one (check_double), but a connector's value could.
    for function in ("json.encode", "json.encode_to_string"):
        with pytest.raises(WorkflowError) as caught:
            call_pure(function, [value])
        assert caught.value.value["tags"] == ["ValueError"]
        assert caught.value.value["message"] == f"{function}: {shown} cannot be JSON-encoded"


def test_an_invalid_regular_expression_writes_nothing_to_stderr(capfd: pytest.CaptureFixture[str]) -> None:
    # RE2 logs parse errors to the process's stderr unless told not to; the error belongs
    # to the workflow (its error map), not to the runtime's log.
    assert ev_error('text.find_all_regex("x", "a**")')["tags"] == ["ValueError"]
    assert capfd.readouterr().err == ""


@pytest.mark.parametrize("timezone", ["UTC", "Etc/UTC"])
def test_the_iana_names_of_utc_print_z(timezone: str) -> None:
    assert ev("time.format(0, z)", z=timezone) == "1970-01-01T00:00:00.000000Z"


@pytest.mark.parametrize(
    ("name", "args", "message"),
    [
        ("text.to_upper", [], "text.to_upper(source) takes 1 argument, but 0 were given"),
        ("text.split", ["a"], "text.split(source, separator) takes 2 arguments, but 1 were given"),
        ("json.encode", [], "json.encode(data, indent) takes 1 to 2 arguments, but 0 were given"),
        ("json.encode", [1, 2, 3], "json.encode(data, indent) takes 1 to 2 arguments, but 3 were given"),
    ],
)
def test_argument_count_messages(name: str, args: list[Any], message: str) -> None:
    with pytest.raises(WorkflowError) as caught:
        call_pure(name, args)
    assert caught.value.value == {"tags": ["TypeError"], "message": message}
