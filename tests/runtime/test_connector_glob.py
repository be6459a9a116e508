"""Cloud Storage matchGlob rules (used by objects.list), without the emulator."""

from __future__ import annotations

import pytest

from workflow_runtime.connectors.gcs_glob import GlobSyntaxError, compile_glob, glob_matches


@pytest.mark.parametrize(
    ("pattern", "name", "expected"),
    [
        ("a/*.json", "a/b.json", True),
        ("a/*.json", "a/b/c.json", False),  # * never crosses /
        ("a/**.json", "a/b/c.json", True),
        ("a/**/c.json", "a/c.json", True),  # **/ matches zero levels
        ("a/**/c.json", "a/x/y/c.json", True),
        ("a/**/c.json", "ab/c.json", False),
        ("?.txt", "a.txt", True),
        ("?.txt", "/.txt", False),
        ("?.txt", "ab.txt", False),
        ("[abc].txt", "b.txt", True),
        ("[abc].txt", "d.txt", False),
        ("[a-c].txt", "c.txt", True),
        ("[!a-c].txt", "d.txt", True),
        ("[!a-c].txt", "a.txt", False),
        ("[!a-c].txt", "/.txt", False),
        ("*.{json,yaml}", "x.yaml", True),
        ("*.{json,yaml}", "x.txt", False),
        ("{a,b/c}/*", "b/c/d", True),
        ("a\\*b", "a*b", True),
        ("a\\*b", "axb", False),
        ("scenes/*/usd/.usd_complete", "scenes/s1/usd/.usd_complete", True),
        ("scenes/*/usd/.usd_complete", "scenes/s1/usd/.usd_completeX", False),
        ("a.json", "a.json", True),
        ("a.json", "aXjson", False),  # dots are literal
    ],
)
def test_glob_rules(pattern: str, name: str, expected: bool) -> None:
    assert glob_matches(pattern, name) is expected


@pytest.mark.parametrize("pattern", ["a{b,c", "a}b", "[abc", "a[]b", "a\\"])
def test_invalid_globs_are_rejected(pattern: str) -> None:
    with pytest.raises(GlobSyntaxError):
        compile_glob(pattern)
