"""Shared pytest fixtures: `workflow_env` (and the session's Cloud Storage emulator)."""

import os
import sys

import pytest

from workflow_runtime.testing import clear_caches, gcs_emulator, workflow_env

__all__ = ["gcs_emulator", "workflow_env"]

# Under `make mutation` (mutmut sets MUTANT_UNDER_TEST) every mutated function is reached
# through mutmut's trampoline, which about triples the Python frames per call: the expression
# parser's own depth limit (100 nested parentheses) would hit Python's recursion limit first
# and the test would judge mutmut, not the mutant.
UNDER_MUTATION = os.environ.get("MUTANT_UNDER_TEST") is not None
if UNDER_MUTATION:
    sys.setrecursionlimit(10_000)


def pytest_sessionstart(session: pytest.Session) -> None:
    """Under mutmut, each mutant's session is forked from the process that ran the unmutated
    suite: start it with empty memo caches so the mutant, not a cached result, is tested."""
    if not UNDER_MUTATION:
        return
    clear_caches()
    mock_engine = sys.modules.get("tools.mock_engine")
    if mock_engine is not None:
        mock_engine.evaluate_cached.cache_clear()
