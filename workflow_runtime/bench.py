"""Benchmark: a 10,000-iteration loop workflow; prints billed steps, wall seconds, steps/s.

Run with `python -m workflow_runtime.bench [--iterations N]`.
"""

from __future__ import annotations

import argparse
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
    args = parser.parse_args(argv)
    # 2-3 billed steps per iteration: lift the 100,000-step limit for long runs only.
    runtime = Runtime(limits=Limits(max_steps=max(Limits.max_steps, 3 * args.iterations + 10)))
    workflow = runtime.load(WORKFLOW)
    started = time.perf_counter()
    result = runtime.run(workflow, {"iterations": args.iterations})
    elapsed = time.perf_counter() - started
    if result.state != "SUCCEEDED":
        raise SystemExit(f"benchmark workflow failed: {result.error}")
    n = args.iterations
    expected = {"total": n * (n + 1) // 2, "evens": n // 2}
    if result.result != expected:
        raise SystemExit(f"benchmark workflow returned {result.result}, expected {expected}")
    steps = result.steps.total
    print(f"iterations: {n}")
    print(f"steps: {steps} (internal {result.steps.internal}, external {result.steps.external})")
    print(f"seconds: {elapsed:.3f}")
    print(f"steps/second: {steps / elapsed:,.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
