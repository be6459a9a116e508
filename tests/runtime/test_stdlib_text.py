"""`text` module: plain and RE2 regex functions, charsets, URL encoding."""

from __future__ import annotations

from typing import Any

import pytest

from tests.runtime.helpers import ev, ev_error


def test_find_all_regex_example_from_the_reference_page() -> None:
    assert ev('text.find_all_regex("HelloWorld", "Hello|World")') == [
        {"index": 0, "match": "Hello"},
        {"index": 5, "match": "World"},
    ]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # Leftmost match wins; at the same index the longest one (documented).
        ('text.find_all_regex("abab", "a|ab")', [{"index": 0, "match": "ab"}, {"index": 2, "match": "ab"}]),
        ('text.find_all_regex("aaa", "aa")', [{"index": 0, "match": "aa"}]),
        ('text.find_all_regex("x1y22", "[0-9]+")', [{"index": 1, "match": "1"}, {"index": 3, "match": "22"}]),
        ('text.find_all_regex("none", "[0-9]")', []),
        # Index counts characters, not bytes.
        ('text.find_all_regex("ééa", "a")', [{"index": 2, "match": "a"}]),
        # RE2 syntax: \\pL and named groups (?P<n>...) work.
        ('text.find_all_regex("a1b", "\\\\pL")', [{"index": 0, "match": "a"}, {"index": 2, "match": "b"}]),
        ('text.find_all_regex("k=v", "(?P<key>\\\\w)=")', [{"index": 0, "match": "k="}]),
    ],
)
def test_find_all_regex(source: str, expected: Any) -> None:
    assert ev(source) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # text/find_all page: "A sorted list of indexes where the substring is found".
        ('text.find_all("00000", "00")', [0, 2]),  # page example 1
        ('text.find_all("Hello World", "l")', [2, 3, 9]),  # page example 2
        ('text.find_all("abcabc", "bc")', [1, 4]),
        ('text.find_all("abc", "x")', []),
        ('text.find_all("a.c", ".")', [1]),
        ('text.find_all("ééa", "a")', [2]),  # indexed over code points
    ],
)
def test_find_all(source: str, expected: Any) -> None:
    assert ev(source) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('text.match_regex("hello world", "o w")', True),
        ('text.match_regex("hello", "^h.*o$")', True),
        ('text.match_regex("hello", "^ello")', False),
        ('text.match_regex("ID-123", "^[A-Z]+-[0-9]{3}$")', True),
        ('text.match_regex("", "^$")', True),
    ],
)
def test_match_regex(source: str, expected: bool) -> None:
    assert ev(source) is expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('text.replace_all("a-b-c", "-", "+")', "a+b+c"),
        ('text.replace_all("aaa", "aa", "b")', "ba"),
        ('text.replace_all("abc", "x", "y")', "abc"),
        ('text.replace_all_regex("a1b22c", "[0-9]+", "#")', "a#b#c"),
        # replace_all_regex page: "Backreferences are not supported", so repl is literal.
        ('text.replace_all_regex("ab-cd", "(\\\\w+)-(\\\\w+)", "\\\\2-\\\\1")', "\\2-\\1"),
        ('text.replace_all_regex("abc", "b", "[\\\\0]")', "a[\\0]c"),
        ('text.replace_all_regex("abc", "b", "\\\\x")', "a\\xc"),
        ('text.replace_all_regex("one two", "one|two", "three")', "three three"),  # page example
        # Same page: at one index the longest match is replaced (leftmost-longest).
        ('text.replace_all_regex("abab", "a|ab", "X")', "XX"),
        # Same page: an empty expression matches at the start and after each code point.
        ('text.replace_all_regex("abc", "", "-")', "-a-b-c-"),
        # replace_all page: the same for an empty substring (k+1 replacements).
        ('text.replace_all("abc", "", "-")', "-a-b-c-"),
        ('text.replace_all("Hello World", "Hello", "Goodbye")', "Goodbye World"),  # page example
        ('text.replace_all_regex("path/to/file", "/", "%2F")', "path%2Fto%2Ffile"),
    ],
)
def test_replace(source: str, expected: str) -> None:
    assert ev(source) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('text.split("a,b,,c", ",")', ["a", "b", "", "c"]),
        ('text.split("a::b", "::")', ["a", "b"]),
        ('text.split("abc", ",")', ["abc"]),
        ('text.split("", ",")', [""]),
        # text/split page examples.
        ('text.split("baaab", "aa")', ["b", "ab"]),
        ('text.split("abc", "a")', ["", "bc"]),
        ('text.split("abc", "c")', ["ab", ""]),
        ('text.split("abbc", "b")', ["a", "", "c"]),
        ('text.substring("hello world", 0, 5)', "hello"),
        ('text.substring("hello", 1, 3)', "el"),
        ('text.substring("hello", 3, 100)', "lo"),
        # text/substring page: "A negative index is considered an offset from the end of
        # the string. If an index is outside of the source string's range, it is clamped".
        ('text.substring("hello", 2, 4)', "ll"),  # page example 1
        ('text.substring("hello", -10, 10)', "hello"),  # page example 2
        ('text.substring("hello", -3, -1)', "ll"),
        ('text.substring("hello", 1, -1)', "ell"),
        ('text.substring("hello", -2, 5)', "lo"),
        ('text.substring("hello", -2, 2)', ""),
        ('text.substring("hello", 4, 2)', ""),
        ('text.substring("héllo", 1, 2)', "é"),
        ('text.to_lower("HeLLo É")', "hello é"),
        ('text.to_upper("hello é")', "HELLO É"),
        # url_encode/url_encode_plus pages: "Letters, digits, and the characters .-_ are
        # not escaped" (so ~ is), with their examples.
        ('text.url_encode("a/b/c?item=d+e f")', "a%2Fb%2Fc%3Fitem%3Dd%2Be%20f"),
        ('text.url_encode_plus("a/b/c?item=d+e f")', "a%2Fb%2Fc%3Fitem%3Dd%2Be+f"),
        ('text.url_encode("a b&c/d?e=é~.-_")', "a%20b%26c%2Fd%3Fe%3D%C3%A9%7E.-_"),
        ('text.url_encode_plus("a b&c~")', "a+b%26c%7E"),
        # url_decode page: "Plus signs (+) are replaced with spaces", with its example.
        ('text.url_decode("a%2Fb%2Fc%3Fitem%3Dd%2Be")', "a/b/c?item=d+e"),
        ('text.url_decode("a%20b%2Fc+d%C3%A9")', "a b/c dé"),
        ('text.decode(text.encode("héllo"))', "héllo"),
        ('text.decode(text.encode("héllo", "ISO-8859-1"), "ISO-8859-1")', "héllo"),
        ('text.encode("é")', b"\xc3\xa9"),
        ('text.encode("é", "UTF-16BE")', b"\x00\xe9"),
        # text/decode page: "Each byte that cannot be correctly decoded ... is represented
        # in the output by the \\uFFFD codepoint."
        ('text.decode(text.encode("é", "ISO-8859-1"))', "\ufffd"),
        ('text.decode(text.encode("aéb", "ISO-8859-1"))', "a\ufffdb"),
        ('text.decode(base64.decode("4oI="))', "\ufffd\ufffd"),  # E2 82: one per byte
        ('text.decode(base64.decode("SGVsbG8gV29ybGQ="), "UTF-8")', "Hello World"),  # page
    ],
)
def test_other_text_functions(source: str, expected: Any) -> None:
    assert ev(source) == expected


def test_encode_returns_bytes() -> None:
    assert ev('text.encode("abc")') == b"abc"
    assert ev('text.encode("é", "ISO-8859-1")') == b"\xe9"


@pytest.mark.parametrize(
    ("source", "tag", "fragment"),
    [
        ('text.find_all_regex("a", "(")', "ValueError", "invalid regular expression"),
        ('text.find_all_regex("a", "(?<=a)b")', "ValueError", "invalid regular expression"),
        ('text.match_regex("a", "a{1001}")', "ValueError", "invalid regular expression"),
        ('text.match_regex("aa", "(a)\\\\1")', "ValueError", "invalid regular expression"),
        ('text.replace_all_regex("a", "[", "b")', "ValueError", "invalid regular expression"),
        ('text.find_all_regex(1, "a")', "TypeError", "argument 'source' must be a string"),
        ('text.match_regex("a", null)', "TypeError", "argument 'regexp'"),
        ('text.replace_all_regex("a", "a", 1)', "TypeError", "argument 'repl'"),
        ('text.find_all("abc", "")', "ValueError", "must not be empty"),
        ('text.split("abc", "")', "ValueError", "separator must not be empty"),
        ('text.replace_all(["a"], "a", "b")', "TypeError", "argument 'source'"),
        ('text.split("a,b", 1)', "TypeError", "argument 'separator'"),
        ('text.substring("abc", 0.5, 2)', "TypeError", "argument 'start' must be an int"),
        ('text.substring("abc", 0, "2")', "TypeError", "argument 'end' must be an int"),
        ("text.to_lower(1)", "TypeError", "argument 'source'"),
        ("text.to_upper(null)", "TypeError", "got null"),
        ("text.url_encode(b)", "TypeError", "got bytes"),
        ('text.url_decode("%FF")', "ValueError", "not valid UTF-8"),
        # url_decode page: ValueError "If source contains any % not followed by two
        # hexadecimal characters".
        ('text.url_decode("100%")', "ValueError", "'%' not followed by two hex digits"),
        ('text.url_decode("a%2")', "ValueError", "'%' not followed by two hex digits"),
        ('text.url_decode("a%zz")', "ValueError", "'%' not followed by two hex digits"),
        ('text.decode("abc")', "TypeError", "argument 'data' must be a bytes"),
        ('text.decode(b, "KLINGON")', "ValueError", "unknown charset"),
        ("text.encode(b)", "TypeError", "argument 'text' must be a string"),
        ('text.encode("é", "ASCII")', "ValueError", "cannot be encoded as ASCII"),
        ('text.encode("a", 8)', "TypeError", "argument 'charset'"),
    ],
)
def test_text_errors(source: str, tag: str, fragment: str) -> None:
    error = ev_error(source, b=b"x")
    assert error["tags"] == [tag]
    assert fragment in error["message"]
