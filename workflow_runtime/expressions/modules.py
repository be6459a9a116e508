"""The module names of Google's standard library.

A dotted reference rooted at one of these names (and not shadowed by a variable) names a
module member (`http.default_retry`, `text.split`), not a variable. Which members exist is
the standard library's business; the evaluator asks its context (`module_member`).
"""

from __future__ import annotations

STDLIB_MODULES = frozenset(
    {
        "base64",
        "events",
        "experimental",
        "hash",
        "http",
        "json",
        "list",
        "map",
        "math",
        "retry",
        "sys",
        "text",
        "time",
        "uuid",
    }
)
