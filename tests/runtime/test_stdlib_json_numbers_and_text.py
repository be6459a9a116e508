"""json.decode at the int64 limits, and json encoding of non-ASCII text, indented or not.

json/decode page (cloud.google.com/workflows/docs/reference/stdlib/json/decode): JSON
numbers become ints or doubles; an integer beyond Workflows' 64-bit ints can only be a
double, and a number beyond the double range is refused (a double cannot be infinite).
"""

from __future__ import annotations

import pytest

from tests.runtime.helpers import ev, ev_error


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9223372036854775807", 2**63 - 1),
        ("-9223372036854775808", -(2**63)),
        ("9223372036854775808", 9.223372036854775808e18),
        ("-9223372036854775809", -9.223372036854775809e18),
        ("1" + "0" * 300, 1e300),
    ],
)
def test_integers_up_to_64_bits_stay_ints(text: str, expected: int | float) -> None:
    result = ev("json.decode(s)", s=text)
    assert result == expected
    assert type(result) is type(expected)


# 5000 digits: more than CPython's int() converts (4300), refused like any other.
@pytest.mark.parametrize("text", ["1" * 5000, "-" + "1" * 5000, "[1, 1" + "0" * 400 + "]"])
def test_integers_beyond_the_double_range_are_refused(text: str) -> None:
    error = ev_error("json.decode(s)", s=text)
    assert error["tags"] == ["ValueError"]
    assert error["message"].startswith("json.decode: invalid JSON: number ")
    assert error["message"].endswith(" is out of the double range")


@pytest.mark.parametrize("function", ["json.encode_to_string", "text.decode(json.encode"])
def test_non_ascii_text_is_written_as_is(function: str) -> None:
    # Characters are written as UTF-8, not as \\u escapes, with or without indentation.
    close = ")" if function.startswith("text.decode") else ""
    value = {"clé": "été ✓"}
    assert ev(f"{function}(v){close}", v=value) == '{"clé":"été ✓"}'
    assert ev(f"{function}(v, true){close}", v=value) == '{\n    "clé": "été ✓"\n}'
    assert ev(f'{function}(v, {{"indent": " "}}){close}', v=value) == '{\n "clé": "été ✓"\n}'
