"""Cloud Storage `matchGlob` patterns, translated to regular expressions.

Google's rules (cloud.google.com/storage/docs/json_api/v1/objects/list#list-object-glob):
`*` matches any run of characters within one path level (never `/`); `**` matches across
levels, and `**/` matches zero or more whole levels; `?` matches one character except `/`;
`[abc]`, `[a-z]` and `[!a-z]` match one character from / not from a set; `{a,b}` matches
either alternative; `\\` escapes the next character.
"""

from __future__ import annotations

import re
from functools import lru_cache


class GlobSyntaxError(ValueError):
    """A matchGlob pattern that Cloud Storage would reject with HTTP 400."""


@lru_cache(maxsize=256)
def compile_glob(pattern: str) -> re.Pattern[str]:
    """Compile a matchGlob pattern to an anchored regular expression."""
    regex, end = _translate(pattern, 0, in_braces=False)
    if end != len(pattern):
        raise GlobSyntaxError(f"unbalanced '}}' at offset {end} in matchGlob {pattern!r}")
    return re.compile(rf"\A{regex}\Z", re.DOTALL)


def glob_matches(pattern: str, name: str) -> bool:
    """True when the object name `name` matches the matchGlob `pattern`."""
    return compile_glob(pattern).match(name) is not None


def _translate(pattern: str, i: int, *, in_braces: bool) -> tuple[str, int]:
    """Translate from offset i; inside braces stop at ',' or '}' (returned offset)."""
    out: list[str] = []
    n = len(pattern)
    while i < n:
        c = pattern[i]
        if in_braces and c in ",}":
            return "".join(out), i
        if c == "*":
            if pattern.startswith("**", i):
                if pattern.startswith("**/", i):
                    out.append("(?:.*/)?")
                    i += 3
                else:
                    out.append(".*")
                    i += 2
            else:
                out.append("[^/]*")
                i += 1
        elif c == "?":
            out.append("[^/]")
            i += 1
        elif c == "[":
            part, i = _char_class(pattern, i)
            out.append(part)
        elif c == "{":
            part, i = _alternatives(pattern, i)
            out.append(part)
        elif c == "}":
            raise GlobSyntaxError(f"unbalanced '}}' at offset {i} in matchGlob {pattern!r}")
        elif c == "\\":
            if i + 1 >= n:
                raise GlobSyntaxError(f"dangling escape at the end of matchGlob {pattern!r}")
            out.append(re.escape(pattern[i + 1]))
            i += 2
        else:
            out.append(re.escape(c))
            i += 1
    if in_braces:
        raise GlobSyntaxError(f"unclosed '{{' in matchGlob {pattern!r}")
    return "".join(out), i


def _alternatives(pattern: str, i: int) -> tuple[str, int]:
    options: list[str] = []
    i += 1
    while True:
        part, i = _translate(pattern, i, in_braces=True)
        options.append(part)
        if pattern[i] == "}":
            return "(?:" + "|".join(options) + ")", i + 1
        i += 1  # skip ','


def _char_class(pattern: str, i: int) -> tuple[str, int]:
    # No POSIX "] first is literal" rule: `[]` and `[!]` are empty classes (HTTP 400).
    close = pattern.find("]", i + 1)
    if close < 0:
        raise GlobSyntaxError(f"unclosed '[' at offset {i} in matchGlob {pattern!r}")
    body = pattern[i + 1 : close]
    negate = body[:1] in ("!", "^")
    if negate:
        body = body[1:]
    if not body:
        raise GlobSyntaxError(f"empty character class at offset {i} in matchGlob {pattern!r}")
    escaped = "".join("\\" + ch if ch in "\\^[]" else ch for ch in body)
    # A negated class still never matches '/', like `*` and `?`.
    return (f"[^/{escaped}]" if negate else f"[{escaped}]"), close + 1
