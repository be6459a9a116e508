"""Fixtures: `pipeline`, the deployed pipeline on the runtime (shared with tests/pipeline)."""

from tests.pipeline.conftest import pipeline

__all__ = ["pipeline"]
