"""Golden plans: each stack's offline plan committed as `plans/<stack>.json`.

    python -m tools.golden_plans            # rewrite plans/<stack>.json for every stack
    python -m tools.golden_plans --check    # exit 1 naming the stale ones

A golden plan holds every resource the program registers (keyed by URN, sorted) with its
inputs as the engine receives them, one value per line, so a pull request's diff shows
what a change does without cloud credentials: a canary edit is a one-line change of one
resource. Workflow sources are summarized (sha256 and line count; their YAML diff is in
workflows/). Nothing run-dependent (timings) is written, so the same program always
writes the same bytes.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from components.stack_files import ROOT, STACKS
from tools.mock_engine import Evaluation, evaluate

PLANS_DIR = ROOT / "plans"
REFRESH_COMMAND = "make plans"


def plan_path(stack: str) -> Path:
    """Where the golden plan of a stack lives."""
    return PLANS_DIR / f"{stack}.json"


def _inputs(inputs: Mapping[str, Any]) -> dict[str, Any]:
    shown = dict(inputs)
    source = shown.get("sourceContents")
    if isinstance(source, str):
        shown["sourceContents"] = {
            "sha256": hashlib.sha256(source.encode()).hexdigest(),
            "lines": len(source.splitlines()),
        }
    return shown


def golden(evaluation: Evaluation) -> dict[str, Any]:
    """The golden plan of one evaluation as data."""
    resources = {
        r.urn: {"type": r.type, "name": r.name, "inputs": _inputs(r.inputs)}
        for r in evaluation.resources
        if r.custom
    }
    return {"stack": evaluation.stack, "resources": dict(sorted(resources.items()))}


def render(evaluation: Evaluation) -> str:
    """The golden plan as the exact text committed."""
    return json.dumps(golden(evaluation), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def stale(stacks: Sequence[str] = STACKS) -> list[str]:
    """The stacks whose committed plan differs from the program's (or is missing)."""
    return [
        stack
        for stack in stacks
        if not plan_path(stack).exists() or plan_path(stack).read_text() != render(evaluate(stack))
    ]


def write(stacks: Sequence[str] = STACKS) -> list[Path]:
    """Rewrite the golden plan of each stack; returns the files written."""
    PLANS_DIR.mkdir(exist_ok=True)
    written = []
    for stack in stacks:
        path = plan_path(stack)
        path.write_text(render(evaluate(stack)))
        written.append(path)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m tools.golden_plans", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report stale plans (exit 1)")
    args = parser.parse_args(argv)
    if args.check:
        outdated = stale()
        for stack in outdated:
            print(f"{plan_path(stack).relative_to(ROOT)} is stale; refresh both with: {REFRESH_COMMAND}")
        return 1 if outdated else 0
    for path in write():
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
