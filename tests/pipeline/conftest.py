"""Fixtures: `pipeline` (the deployed pipeline on the runtime against the test's bucket)
and `fresh_pipeline` (a factory of such worlds, one per scheduler seed)."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest

from tools.pipeline_world import Pipeline
from workflow_runtime.connectors.gcs_client import GcsClient
from workflow_runtime.connectors.gcs_emulator import GcsEmulator
from workflow_runtime.testing import WorkflowEnv

_worlds = itertools.count(1)


@pytest.fixture
def pipeline(workflow_env: WorkflowEnv) -> Pipeline:
    """Every catalog workflow deployed as the Pulumi program deploys it (prod config)."""
    return Pipeline(workflow_env)


@pytest.fixture
def fresh_pipeline(gcs_emulator: GcsEmulator) -> Callable[[], Pipeline]:
    """Make a new world (own bucket, fakes, clock) on the session's emulator per call."""

    def make() -> Pipeline:
        storage = GcsClient(gcs_emulator.url)
        bucket = f"pipeline-world-{next(_worlds)}"
        storage.create_bucket(bucket)
        return Pipeline(WorkflowEnv(storage, bucket))

    return make
