"""Fixture `pipeline`: the deployed pipeline on the runtime against the test's bucket."""

from __future__ import annotations

import pytest

from tests.pipeline.world import Pipeline
from workflow_runtime.testing import WorkflowEnv


@pytest.fixture
def pipeline(workflow_env: WorkflowEnv) -> Pipeline:
    """Every catalog workflow deployed as the Pulumi program deploys it (prod config)."""
    return Pipeline(workflow_env)
