"""Shared pytest fixtures: `workflow_env` (and the session's Cloud Storage emulator)."""

import os
import sys

from workflow_runtime.testing import gcs_emulator, workflow_env

__all__ = ["gcs_emulator", "workflow_env"]

# Under `make mutation` every mutated function is reached through mutmut's trampoline, which
# about triples the Python frames per call: the expression parser's own depth limit (100
# nested parentheses) would hit Python's recursion limit first and the test would judge
# mutmut, not the mutant.
if os.environ.get("MUTANT_UNDER_TEST") is not None:
    sys.setrecursionlimit(10_000)
