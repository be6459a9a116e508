"""Bad arguments to any connector give a catchable ValueError/TypeError map naming the
connector, before any request: never a Python exception, never a connection attempt."""

from __future__ import annotations

import pytest

from workflow_runtime.connectors import CONNECTORS
from workflow_runtime.errors import WorkflowError
from workflow_runtime.fakes import Services
from workflow_runtime.testing import connector_context

BAD_ARGS = [
    {},
    {"name": 5, "bucket": [], "object": {}, "parent": 1, "workflow_id": None},
    {
        "name": "x",
        "bucket": "b",
        "object": "o",
        "parent": "p",
        "workflow_id": "w",
        "body": "not a map",
        "connector_params": {"timeout": "soon"},
    },
    {
        "name": "x",
        "bucket": "b",
        "object": "o",
        "parent": "p",
        "workflow_id": "w",
        "sourceBucket": "b",
        "sourceObject": "o",
        "destinationBucket": "b",
        "destinationObject": "d",
        "uploadType": "media",
        "maxResults": "many",
    },
]


@pytest.mark.parametrize("connector", sorted(CONNECTORS))
@pytest.mark.parametrize("args", BAD_ARGS)
def test_bad_arguments_raise_error_maps(connector: str, args: dict) -> None:
    # No service is configured: an argument check that let the call through would fail
    # with ConnectionFailedError instead, and this test with it.
    ctx = connector_context(Services())
    with pytest.raises(WorkflowError) as info:
        CONNECTORS[connector].impl(ctx, args)
    assert info.value.tags in (["ValueError"], ["TypeError"]), info.value.value
    assert connector in info.value.value["message"]  # the error names the call to fix
