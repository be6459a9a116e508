"""`text` module. Regular expressions use RE2 syntax, through the `google-re2` package.

Each function follows its page under cloud.google.com/workflows/docs/reference/stdlib/text/
(cited per function); docs/runtime-interfaces.md ("Standard library conformance") lists
what the pages leave open.
"""

from __future__ import annotations

import codecs
import re
import urllib.parse
from collections.abc import Callable, Iterator
from typing import Any, Protocol

import re2

from workflow_runtime.stdlib.spec import Registry, expect, value_error

registry = Registry()


class _Match(Protocol):
    """What this module uses of a `re2._Match` (google-re2 ships no type information)."""

    def start(self, group: int = 0) -> int: ...
    def group(self, group: int = 0) -> str: ...


class _Pattern(Protocol):
    """What this module uses of a compiled `re2._Regexp`, matched against `str` text."""

    def search(self, text: str) -> _Match | None: ...
    def finditer(self, text: str) -> Iterator[_Match]: ...
    def sub(self, repl: Callable[[_Match], str], text: str) -> str: ...


def _compile(function: str, regexp: str, *, longest: bool = False) -> _Pattern:
    options = re2.Options()
    options.log_errors = False  # the error comes back to the workflow, not to stderr
    options.longest_match = longest
    try:
        pattern: _Pattern = re2.compile(regexp, options)
        return pattern
    except re2.error as error:
        # Every `re2.error` carries one argument: the parser's message (UTF-8 bytes).
        reason = error.args[0]
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        raise value_error(function, f"invalid regular expression {regexp!r}: {reason}") from None


def _charset(function: str, charset: Any) -> str:
    expect(function, "charset", charset, "string")
    try:
        return codecs.lookup(charset).name
    except LookupError:
        raise value_error(function, f"unknown charset {charset!r}") from None


def _replace_each_byte(error: UnicodeError) -> tuple[str, int]:
    # text/decode page: "Each byte that cannot be correctly decoded using the specified
    # charset is represented in the output by the \uFFFD codepoint" -- one per byte,
    # where Python's "replace" gives one per invalid sequence.
    if not isinstance(error, UnicodeDecodeError):
        raise error
    return "\ufffd" * (error.end - error.start), error.end


_FFFD_PER_BYTE = "workflows-fffd-per-byte"
codecs.register_error(_FFFD_PER_BYTE, _replace_each_byte)


def utf8_text(data: bytes) -> str:
    """Bytes as UTF-8 text the way text.decode(data, "UTF-8") does it (U+FFFD per bad byte)."""
    return data.decode("utf-8", errors=_FFFD_PER_BYTE)


@registry.function("text.decode")
def decode(ctx: Any, data: Any, charset: Any = "UTF-8") -> str:
    """Text of bytes in a charset (UTF-8 by default); undecodable bytes become U+FFFD."""
    raw = expect("text.decode", "data", data, "bytes")
    name = _charset("text.decode", charset)
    return raw.decode(name, errors=_FFFD_PER_BYTE)


@registry.function("text.encode")
def encode(ctx: Any, text: Any, charset: Any = "UTF-8") -> bytes:
    """Bytes of text in a charset (UTF-8 by default)."""
    checked = expect("text.encode", "text", text, "string")
    name = _charset("text.encode", charset)
    try:
        return checked.encode(name)
    except UnicodeEncodeError:
        raise value_error("text.encode", f"text cannot be encoded as {charset}") from None


@registry.function("text.find_all")
def find_all(ctx: Any, source: Any, substr: Any) -> list[int]:
    """Code-point indexes of every non-overlapping occurrence, leftmost first (a sorted list)."""
    expect("text.find_all", "source", source, "string")
    expect("text.find_all", "substr", substr, "string")
    if not substr:
        # Not settled by the page (it names no result for ""); refused rather than guessed.
        raise value_error("text.find_all", "substr must not be empty")
    indexes = []
    index = source.find(substr)
    while index != -1:
        indexes.append(index)
        index = source.find(substr, index + len(substr))
    return indexes


@registry.function("text.find_all_regex")
def find_all_regex(ctx: Any, source: Any, regexp: Any) -> list[dict[str, Any]]:
    """Every leftmost-longest non-overlapping regex match: [{index, match}], sorted by index."""
    expect("text.find_all_regex", "source", source, "string")
    expect("text.find_all_regex", "regexp", regexp, "string")
    # Documented: among matches starting at the same index, the longest one wins.
    pattern = _compile("text.find_all_regex", regexp, longest=True)
    return [{"index": m.start(), "match": m.group(0)} for m in pattern.finditer(source)]


@registry.function("text.match_regex")
def match_regex(ctx: Any, source: Any, regexp: Any) -> bool:
    """True if the regex matches somewhere in source (anchor it with ^...$ for a full match)."""
    expect("text.match_regex", "source", source, "string")
    expect("text.match_regex", "regexp", regexp, "string")
    return _compile("text.match_regex", regexp).search(source) is not None


@registry.function("text.replace_all")
def replace_all(ctx: Any, source: Any, substr: Any, repl: Any) -> str:
    """Replace every occurrence, leftmost first; "" matches before and after each character."""
    text = expect("text.replace_all", "source", source, "string")
    old = expect("text.replace_all", "substr", substr, "string")
    new = expect("text.replace_all", "repl", repl, "string")
    # str.replace does what the page says of "": k+1 replacements for k code points.
    return text.replace(old, new)


@registry.function("text.replace_all_regex")
def replace_all_regex(ctx: Any, source: Any, regexp: Any, repl: Any) -> str:
    """Replace every leftmost-longest match with `repl`, taken literally (no backreferences)."""
    text = expect("text.replace_all_regex", "source", source, "string")
    expect("text.replace_all_regex", "regexp", regexp, "string")
    replacement = expect("text.replace_all_regex", "repl", repl, "string")
    # Page: among matches starting at one index the longest is replaced, and
    # "Backreferences are not supported", so `\1` in repl is plain text.
    pattern = _compile("text.replace_all_regex", regexp, longest=True)
    return pattern.sub(lambda match: replacement, text)


@registry.function("text.split")
def split(ctx: Any, source: Any, separator: Any) -> list[str]:
    """Substrings between the (leftmost, non-overlapping) separators, empty ones included."""
    text = expect("text.split", "source", source, "string")
    expect("text.split", "separator", separator, "string")
    if separator == "":
        # Page: ValueError "If separator is an empty string".
        raise value_error("text.split", "separator must not be empty")
    return text.split(separator)


@registry.function("text.substring")
def substring(ctx: Any, source: Any, start: Any, end: Any) -> str:
    """Characters from `start` (inclusive) to `end` (exclusive); negative counts from the end."""
    expect("text.substring", "source", source, "string")
    expect("text.substring", "start", start, "int")
    expect("text.substring", "end", end, "int")
    # Page: "A negative index is considered an offset from the end of the string. If an
    # index is outside of the source string's range, it is clamped to the bounds".
    first, last = (_clamp(index, len(source)) for index in (start, end))
    return source[first:last] if first < last else ""


def _clamp(index: int, length: int) -> int:
    if index < 0:
        index += length
    return min(max(index, 0), length)


@registry.function("text.to_lower")
def to_lower(ctx: Any, source: Any) -> str:
    """Lower-case copy."""
    return expect("text.to_lower", "source", source, "string").lower()


@registry.function("text.to_upper")
def to_upper(ctx: Any, source: Any) -> str:
    """Upper-case copy."""
    return expect("text.to_upper", "source", source, "string").upper()


# url_encode / url_encode_plus pages: "Letters, digits, and the characters .-_ are not
# escaped"; everything else is %-encoded as UTF-8 bytes. Python's quote() never escapes
# "~" (RFC 3986 unreserved), so it is escaped afterwards.
_NOT_ESCAPED = "-_."


def _percent_encode(source: str, *, plus: bool) -> str:
    quote = urllib.parse.quote_plus if plus else urllib.parse.quote
    return quote(source, safe=_NOT_ESCAPED).replace("~", "%7E")


@registry.function("text.url_encode")
def url_encode(ctx: Any, source: Any) -> str:
    """Percent-encode for a URL (space becomes %20)."""
    expect("text.url_encode", "source", source, "string")
    return _percent_encode(source, plus=False)


@registry.function("text.url_encode_plus")
def url_encode_plus(ctx: Any, source: Any) -> str:
    """Percent-encode for a form or query string (space becomes +)."""
    expect("text.url_encode_plus", "source", source, "string")
    return _percent_encode(source, plus=True)


_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")


@registry.function("text.url_decode")
def url_decode(ctx: Any, source: Any) -> str:
    """Decode %-escapes (as UTF-8) and turn `+` into a space."""
    expect("text.url_decode", "source", source, "string")
    bad = _BAD_ESCAPE.search(source)
    if bad:
        # Page: ValueError "If source contains any % not followed by two hexadecimal characters".
        raise value_error(
            "text.url_decode",
            f"'%' not followed by two hex digits at index {bad.start()} of {source!r}",
        )
    try:
        return urllib.parse.unquote_plus(source, errors="strict")
    except UnicodeDecodeError:
        # Not settled by the page (escapes that are not UTF-8); refused rather than guessed.
        raise value_error("text.url_decode", f"escapes in {source!r} are not valid UTF-8") from None
