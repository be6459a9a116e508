"""matchGlob character classes, escapes and syntax errors, offset by offset.

Rules: cloud.google.com/storage/docs/json_api/v1/objects/list#list-object-glob. The page
does not say whether `[^...]` negates like `[!...]` or whether `]` may open a class (POSIX
`[]a]`); the runtime accepts `^` and treats `[]` as an empty class (HTTP 400).
"""

from __future__ import annotations

import pytest

from workflow_runtime.connectors.gcs_glob import GlobSyntaxError, compile_glob, glob_matches


@pytest.mark.parametrize(
    ("pattern", "name", "expected"),
    [
        ("][ab]", "]a", True),  # a literal ']' before a class does not close it
        ("[ab]-[cd]", "a-c", True),  # each class closes at its own ']'
        ("[ab]-[cd]", "a-[cd]", False),
        ("[!ab].txt", "a.txt", False),  # every listed character is excluded, not just the first
        ("[!ab].txt", "b.txt", False),
        ("[!ab].txt", "c.txt", True),
        ("[^a-c].txt", "a.txt", False),  # '^' negates like '!' (not on Google's page)
        ("[^a-c].txt", "d.txt", True),
        ("[abc].txt", "X.txt", False),
        ("[X]", "X", True),
        ("[a^]", "^", True),  # '^' after the first position is a literal
        ("[a^]", "b", False),
        ("[\\]x", "\\x", True),  # a backslash inside a class is a literal
        ("[[]", "[", True),
        ("a?c", "abc", True),  # '?' after the first character
        ("a?c", "ac", False),
        ("a/**.json", "a/b/cjson", False),  # the '.' after '**' is kept
        ("a/**.json", "a/b/c.json", True),
        ("a\\?", "a?", True),  # an escape as the second-to-last character
        ("a\\?", "a?x", False),
        ("*.{JSON,XML}", "a.XML", True),  # capital letters inside braces are literals
        ("*.{JSON,XML}", "a.", False),
    ],
)
def test_glob_edge_rules(pattern: str, name: str, expected: bool) -> None:
    assert glob_matches(pattern, name) is expected


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("a[]b", r"empty character class at offset 1 in matchGlob 'a\[\]b'"),
        ("[]]", r"empty character class at offset 0"),
        ("[!]", r"empty character class at offset 0"),
        ("x[ab", r"unclosed '\[' at offset 1 in matchGlob 'x\[ab'"),
        ("a}b", r"unbalanced '\}' at offset 1 in matchGlob 'a\}b'"),
        ("{a,b}}", r"unbalanced '\}' at offset 5"),
        ("ab\\", r"dangling escape at the end of matchGlob 'ab\\\\'"),
        ("a{b,c", r"unclosed '\{' in matchGlob 'a\{b,c'"),
    ],
)
def test_glob_syntax_errors_name_the_problem_and_offset(pattern: str, message: str) -> None:
    with pytest.raises(GlobSyntaxError, match=message):
        compile_glob(pattern)
