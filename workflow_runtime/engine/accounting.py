"""Step accounting and execution limits, the way Google bills and enforces them.

Every executed step is billed (including failed ones and each retry attempt); a step is
internal unless it makes an HTTP request to a host outside Google Cloud, which makes it
external. Connectors bill one internal step per polling attempt.
"""

from __future__ import annotations

from dataclasses import dataclass

from workflow_runtime.errors import make_error


@dataclass(frozen=True)
class Limits:
    """Execution limits; defaults are Google's documented values."""

    max_steps: int = 100_000
    max_variables_bytes: int = 512 * 1024
    max_call_depth: int = 20
    max_assignments_per_step: int = 50
    max_switch_conditions: int = 50
    max_parallel_branches: int = 10
    max_parallel_nesting: int = 2
    max_concurrent_branches: int = 20
    max_unhandled_branch_errors: int = 100
    # Google's expressions page: "There is a limit to the expression length" (the number is
    # on the quotas page, not in our stored copies); 400 is the figure third-party emulators
    # use. Counted over the whole `${...}` string, delimiters included ("All expressions must
    # begin with a $ and be enclosed in curly brackets"), checked at load time.
    max_expression_length: int = 400


@dataclass
class StepCounts:
    """Billed steps of one execution."""

    internal: int = 0
    external: int = 0

    @property
    def total(self) -> int:
        """internal + external."""
        return self.internal + self.external


class StepCounter:
    """Counts billed steps and raises ResourceLimitError past the per-execution limit."""

    def __init__(self, max_steps: int = Limits.max_steps) -> None:
        self.counts = StepCounts()
        self._max = max_steps

    def internal(self, n: int = 1) -> None:
        """Bill `n` internal steps."""
        self.counts.internal += n
        self._check()

    def external(self, n: int = 1) -> None:
        """Bill `n` external steps."""
        self.counts.external += n
        self._check()

    def _check(self) -> None:
        if self.counts.internal + self.counts.external > self._max:
            raise make_error(
                "ResourceLimitError",
                f"Exceeded the maximum number of steps per execution ({self._max})",
            )
