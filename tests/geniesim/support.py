"""Shared by the Genie Sim workflow tests: a Runtime with workflows/lib, and (from
tools/geniesim_world.py) the deployed Genie Sim workflows and seeding helpers."""

from __future__ import annotations

import textwrap
from typing import Any

from components.catalog import WORKFLOWS_DIR
from tools.geniesim_world import (
    EXPORT,
    GENIESIM,
    IMPORT,
    POLLER,
    breaker_of,
    deploy_geniesim,
    export_key,
    import_marker,
    seed_completed_job,
    seed_export_scene,
)
from workflow_runtime import ExecutionResult, Runtime

__all__ = [
    "EXPORT",
    "GENIESIM",
    "IMPORT",
    "LIB",
    "POLLER",
    "breaker_of",
    "deploy_geniesim",
    "export_key",
    "import_marker",
    "lib_result",
    "run_lib",
    "seed_completed_job",
    "seed_export_scene",
]

LIB = sorted((WORKFLOWS_DIR / "lib").glob("*.yaml"))


def run_lib(source: str, argument: Any = None, **runtime_args: Any) -> ExecutionResult:
    """Run workflow text that calls subworkflows of workflows/lib on a fresh Runtime."""
    runtime = Runtime(library=LIB, **runtime_args)
    return runtime.run(runtime.load(textwrap.dedent(source)), argument)


def lib_result(source: str, argument: Any = None, **runtime_args: Any) -> Any:
    """The result of `run_lib`, which must succeed."""
    outcome = run_lib(source, argument, **runtime_args)
    assert outcome.state == "SUCCEEDED", outcome.error
    return outcome.result
