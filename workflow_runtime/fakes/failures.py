"""Scripted request failures shared by the fakes: "the next N matching requests answer X".

A fake names each request with a label (`"clusters.get"`, `"POST /apis/batch/v1/..."`,
`"dashboards.list"`); `fail_next(code, when=pattern)` queues a failure for the next
`count` requests whose label matches the shell-style `pattern` (fnmatch, `*` by default).
The fake turns a consumed failure into its API's error body.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fnmatch import fnmatchcase


@dataclass
class ScriptedFailure:
    """One queued failure: HTTP `code` with `message` for requests matching `when`."""

    code: int
    message: str
    when: str
    remaining: int


@dataclass
class ScriptedFailures:
    """Failures queued by a test, consumed in the order they were scripted."""

    queued: list[ScriptedFailure] = field(default_factory=list)

    def fail_next(self, code: int = 503, *, count: int = 1, message: str = "", when: str = "*") -> None:
        """The next `count` requests whose label matches `when` answer HTTP `code`."""
        if count < 1:
            raise ValueError(f"fail_next: count must be at least 1, got {count}")
        if code < 400:
            raise ValueError(f"fail_next: {code} is not an error status; use a code >= 400")
        self.queued.append(ScriptedFailure(code, message or f"scripted failure {code}", when, count))

    def take(self, label: str) -> ScriptedFailure | None:
        """The failure the request `label` must answer with (consumed), or None."""
        for failure in self.queued:
            if fnmatchcase(label, failure.when):
                failure.remaining -= 1
                if failure.remaining == 0:
                    self.queued.remove(failure)
                return failure
        return None
