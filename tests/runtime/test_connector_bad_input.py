"""Bad arguments to any connector give a catchable error map, never a Python exception."""

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
    # No storage emulator here: a request that gets that far fails to connect, which is
    # also an error map.
    ctx = connector_context(Services())
    with pytest.raises(WorkflowError) as info:
        CONNECTORS[connector].impl(ctx, args)
    assert info.value.tags, info.value.value
    assert isinstance(info.value.value.get("message"), str)
