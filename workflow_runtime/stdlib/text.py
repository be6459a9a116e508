"""`text` module. Regular expressions use RE2 syntax, through the `google-re2` package."""

from __future__ import annotations

import codecs
import urllib.parse
from typing import Any

import re2

from workflow_runtime.stdlib.spec import Registry, expect, value_error

registry = Registry()


def _compile(function: str, regexp: str, *, longest: bool = False) -> Any:
    options = re2.Options()
    options.log_errors = False  # the error comes back to the workflow, not to stderr
    options.longest_match = longest
    try:
        return re2.compile(regexp, options)
    except re2.error as error:
        reason = error.args[0] if error.args else error
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        raise value_error(function, f"invalid regular expression {regexp!r}: {reason}") from None


def _charset(function: str, charset: Any) -> str:
    expect(function, "charset", charset, "string")
    try:
        return codecs.lookup(charset).name
    except LookupError:
        raise value_error(function, f"unknown charset {charset!r}") from None


@registry.function("text.decode")
def decode(ctx: Any, data: Any, charset: Any = "UTF-8") -> str:
    """Text of bytes in a charset (UTF-8 by default)."""
    expect("text.decode", "data", data, "bytes")
    name = _charset("text.decode", charset)
    try:
        return data.decode(name)
    except UnicodeDecodeError:
        raise value_error("text.decode", f"data is not valid {charset}") from None


@registry.function("text.encode")
def encode(ctx: Any, text: Any, charset: Any = "UTF-8") -> bytes:
    """Bytes of text in a charset (UTF-8 by default)."""
    expect("text.encode", "text", text, "string")
    name = _charset("text.encode", charset)
    try:
        return text.encode(name)
    except UnicodeEncodeError:
        raise value_error("text.encode", f"text cannot be encoded as {charset}") from None


@registry.function("text.find_all")
def find_all(ctx: Any, source: Any, substr: Any) -> list[dict[str, Any]]:
    """Every non-overlapping occurrence of a substring, left to right: [{index, match}]."""
    expect("text.find_all", "source", source, "string")
    expect("text.find_all", "substr", substr, "string")
    if not substr:
        raise value_error("text.find_all", "substr must not be empty")
    matches = []
    index = source.find(substr)
    while index != -1:
        matches.append({"index": index, "match": substr})
        index = source.find(substr, index + len(substr))
    return matches


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
    """Replace every occurrence of a substring."""
    expect("text.replace_all", "source", source, "string")
    expect("text.replace_all", "substr", substr, "string")
    expect("text.replace_all", "repl", repl, "string")
    if not substr:
        raise value_error("text.replace_all", "substr must not be empty")
    return source.replace(substr, repl)


@registry.function("text.replace_all_regex")
def replace_all_regex(ctx: Any, source: Any, regexp: Any, repl: Any) -> str:
    """Replace every regex match; `\\0` is the whole match, `\\1`..`\\9` capture groups."""
    expect("text.replace_all_regex", "source", source, "string")
    expect("text.replace_all_regex", "regexp", regexp, "string")
    expect("text.replace_all_regex", "repl", repl, "string")
    pattern = _compile("text.replace_all_regex", regexp)
    template = _parse_replacement(repl, pattern.groups)
    return pattern.sub(lambda m: "".join(_expand(template, m)), source)


def _parse_replacement(repl: str, groups: int) -> list[str | int]:
    """Split a replacement into literal text and group numbers (RE2's rewrite syntax)."""
    parts: list[str | int] = []
    literal: list[str] = []
    pos = 0
    while pos < len(repl):
        char = repl[pos]
        if char != "\\":
            literal.append(char)
            pos += 1
            continue
        following = repl[pos + 1 : pos + 2]
        if following == "\\":
            literal.append("\\")
        elif following.isdigit():
            group = int(following)
            if group > groups:
                raise value_error(
                    "text.replace_all_regex",
                    f"replacement refers to group \\{group} but the regexp has {groups} group(s)",
                )
            parts.append("".join(literal))
            literal = []
            parts.append(group)
        else:
            raise value_error(
                "text.replace_all_regex",
                "a backslash in the replacement must be followed by a digit or a backslash",
            )
        pos += 2
    parts.append("".join(literal))
    return parts


def _expand(template: list[str | int], match: Any) -> list[str]:
    return [part if isinstance(part, str) else (match.group(part) or "") for part in template]


@registry.function("text.split")
def split(ctx: Any, source: Any, separator: Any) -> list[str]:
    """Split on every occurrence of a separator; an empty separator splits into characters."""
    expect("text.split", "source", source, "string")
    expect("text.split", "separator", separator, "string")
    if separator == "":
        return list(source)
    return source.split(separator)


@registry.function("text.substring")
def substring(ctx: Any, source: Any, start: Any, end: Any) -> str:
    """Characters from `start` (inclusive) to `end` (exclusive), indexes clamped to the string."""
    expect("text.substring", "source", source, "string")
    expect("text.substring", "start", start, "int")
    expect("text.substring", "end", end, "int")
    start = max(0, start)
    end = min(len(source), end)
    return source[start:end] if start < end else ""


@registry.function("text.to_lower")
def to_lower(ctx: Any, source: Any) -> str:
    """Lower-case copy."""
    expect("text.to_lower", "source", source, "string")
    return source.lower()


@registry.function("text.to_upper")
def to_upper(ctx: Any, source: Any) -> str:
    """Upper-case copy."""
    expect("text.to_upper", "source", source, "string")
    return source.upper()


# Unreserved characters of RFC 3986 stay as they are; everything else is %-encoded (UTF-8).
_UNRESERVED = "-_.~"


@registry.function("text.url_encode")
def url_encode(ctx: Any, source: Any) -> str:
    """Percent-encode for a URL (space becomes %20)."""
    expect("text.url_encode", "source", source, "string")
    return urllib.parse.quote(source, safe=_UNRESERVED)


@registry.function("text.url_encode_plus")
def url_encode_plus(ctx: Any, source: Any) -> str:
    """Percent-encode for a form or query string (space becomes +)."""
    expect("text.url_encode_plus", "source", source, "string")
    return urllib.parse.quote_plus(source, safe=_UNRESERVED)


@registry.function("text.url_decode")
def url_decode(ctx: Any, source: Any) -> str:
    """Decode %-escapes (UTF-8); `+` stays a plus sign."""
    expect("text.url_decode", "source", source, "string")
    try:
        return urllib.parse.unquote(source, errors="strict")
    except UnicodeDecodeError:
        raise value_error("text.url_decode", f"escapes in {source!r} are not valid UTF-8") from None
