"""Benchmark: how many of Google's public workflow samples `check` accepts.

    python -m tools.check_samples PATH

PATH is a checkout of GoogleCloudPlatform/workflows-samples, or a bare git directory of it
(its HEAD is read with `git archive`). Google deploys every sample with `gcloud workflows
deploy` in that repository's PR tests, so each one refused here is a false refusal. Prints
the accepted count, each refused file with the reason, and the seconds taken.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Sequence
from io import BytesIO
from pathlib import Path

from workflow_runtime import Runtime
from workflow_runtime.errors import WorkflowDefinitionError

# The sample files, as the samples repository's own syntax check selects them.
SAMPLE_GLOBS = ("src/*.workflows.yaml", "src/*.workflows.json", "src/connectors/*.workflows.*")


def sample_files(root: Path) -> list[Path]:
    """The workflow samples under a checkout, sorted."""
    return sorted({path for pattern in SAMPLE_GLOBS for path in root.glob(pattern)})


def check_samples(root: Path) -> tuple[list[Path], list[tuple[Path, str]]]:
    """(accepted files, [(refused file, reason)]) for the samples under `root`."""
    accepted: list[Path] = []
    refused: list[tuple[Path, str]] = []
    runtime = Runtime()
    for path in sample_files(root):
        try:
            runtime.load(path)
        except WorkflowDefinitionError as error:
            refused.append((path, str(error)))
        else:
            accepted.append(path)
    return accepted, refused


def _extract_bare(git_dir: Path, into: Path) -> Path:
    """Unpack `src/` of a bare repository's HEAD into `into`."""
    archive = subprocess.run(
        ["git", f"--git-dir={git_dir}", "archive", "--format=tar", "HEAD", "src"],
        check=True,
        capture_output=True,
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print its numbers."""
    parser = argparse.ArgumentParser(prog="python -m tools.check_samples")
    parser.add_argument("path", type=Path, help="workflows-samples checkout or bare git directory")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        root = args.path
        if not (root / "src").is_dir():
            root = _extract_bare(root, Path(scratch))
        started = time.perf_counter()
        accepted, refused = check_samples(root)
        elapsed = time.perf_counter() - started
        total = len(accepted) + len(refused)
        if total == 0:
            print(f"no samples found under {args.path}", file=sys.stderr)
            return 2
        print(f"samples: {total}")
        print(f"accepted: {len(accepted)} ({100 * len(accepted) / total:.0f}%)")
        print(f"refused: {len(refused)}")
        for path, reason in refused:
            print(f"  {path.relative_to(root)}: {reason.split(': ', 1)[-1]}")
        print(f"seconds: {elapsed:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
