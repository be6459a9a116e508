"""Fixtures shared by the mock-engine tests of the Pulumi program."""

from __future__ import annotations

import pytest

from components.stack_files import STACKS
from tools.mock_engine import Evaluation, evaluate_cached

# Config overrides for `eventRouting: direct`: no marker router, so no reconciler either
# (it re-drives through the router; the config refuses it enabled in direct mode).
DIRECT: tuple[tuple[str, object], ...] = (("eventRouting", "direct"), ("reconciler.enabled", False))


@pytest.fixture(params=STACKS)
def stack(request: pytest.FixtureRequest) -> str:
    """Each real stack file in turn."""
    return request.param


@pytest.fixture
def run(stack: str) -> Evaluation:
    """The program evaluated for the stack's own file."""
    return evaluate_cached(stack)
