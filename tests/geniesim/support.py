"""Shared by the Genie Sim workflow tests: a Runtime with workflows/lib, and the catalog env."""

from __future__ import annotations

import textwrap
from typing import Any

from components.catalog import WORKFLOWS_DIR
from workflow_runtime import ExecutionResult, Runtime

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
