"""Benchmark: a 10,000-iteration loop workflow; prints billed steps, wall seconds, steps/s.

Run with `python -m workflow_runtime.bench [--iterations N] [--repeat R]`. The loop runs R
times (default 7) and the best and median wall times are printed: on a shared machine the
best run is the one least disturbed by other processes.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Sequence

from workflow_runtime.engine import Limits, Runtime

WORKFLOW = """
main:
  params: [args]
  steps:
    - init:
        assign:
          - total: 0
          - evens: 0
    - loop:
        for:
          value: i
          range: ${[1, args.iterations]}
          steps:
            - add:
                assign:
                  - total: ${total + i}
            - count_even:
                switch:
                  - condition: ${i % 2 == 0}
                    assign:
                      - evens: ${evens + 1}
    - done:
        return:
          total: ${total}
          evens: ${evens}
"""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print its numbers."""
    parser = argparse.ArgumentParser(prog="python -m workflow_runtime.bench")
    parser.add_argument("--iterations", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)
    n = args.iterations
    # 2-3 billed steps per iteration: lift the 100,000-step limit for long runs only.
    runtime = Runtime(limits=Limits(max_steps=max(Limits.max_steps, 3 * n + 10)))
    workflow = runtime.load(WORKFLOW)
    expected = {"total": n * (n + 1) // 2, "evens": n // 2}
    times = []
    for _ in range(max(1, args.repeat)):
        started = time.perf_counter()
        result = runtime.run(workflow, {"iterations": n})
        times.append(time.perf_counter() - started)
        if result.state != "SUCCEEDED":
            raise SystemExit(f"benchmark workflow failed: {result.error}")
        if result.result != expected:
            raise SystemExit(f"benchmark workflow returned {result.result}, expected {expected}")
    steps = result.steps.total
    best, median = min(times), statistics.median(times)
    print(f"iterations: {n}")
    print(f"steps: {steps} (internal {result.steps.internal}, external {result.steps.external})")
    print(f"seconds: best {best:.3f}, median {median:.3f} of {len(times)} runs")
    print(f"steps/second: {steps / best:,.0f} (best), {steps / median:,.0f} (median)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
