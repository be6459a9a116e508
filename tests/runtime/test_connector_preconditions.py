"""Every Cloud Storage precondition, both ways: the request goes through when it holds and
is HTTP 412 when it does not (Google's "Request preconditions" page). Metageneration is
always 1 on the emulator (a documented gap), which is enough to tell match from not-match.
"""

from __future__ import annotations

import pytest

from tests.runtime.test_connector_storage import call, raises
from workflow_runtime.testing import WorkflowEnv

OBJECT = "pre%2Fa.json"


@pytest.fixture
def generation(workflow_env: WorkflowEnv) -> int:
    return int(workflow_env.put_json("pre/a.json", {"a": 1})["generation"])


@pytest.mark.parametrize(
    ("precondition", "holds", "fails"),
    [
        ("ifGenerationMatch", "current", "other"),
        ("ifGenerationNotMatch", "other", "current"),
        ("ifMetagenerationMatch", 1, 2),
        ("ifMetagenerationNotMatch", 2, 1),
    ],
)
def test_object_preconditions_hold_or_refuse_with_412(
    workflow_env: WorkflowEnv, generation: int, precondition: str, holds, fails
) -> None:
    def value(which):
        return {"current": generation, "other": generation + 1}.get(which, which)

    assert call(workflow_env, "get", object=OBJECT, **{precondition: value(holds)})["name"] == "pre/a.json"
    assert raises(workflow_env, "get", object=OBJECT, **{precondition: value(fails)})["code"] == 412


@pytest.mark.parametrize("method", ["copy", "rewrite"])
@pytest.mark.parametrize(
    ("precondition", "holds", "fails"),
    [
        ("ifSourceGenerationMatch", "current", "other"),
        ("ifSourceGenerationNotMatch", "other", "current"),
        ("ifSourceMetagenerationMatch", 1, 2),
        ("ifSourceMetagenerationNotMatch", 2, 1),
    ],
)
def test_copy_and_rewrite_source_preconditions(
    workflow_env: WorkflowEnv, generation: int, method: str, precondition: str, holds, fails
) -> None:
    def value(which):
        return {"current": generation, "other": generation + 1}.get(which, which)

    source = {
        "sourceBucket": workflow_env.bucket,
        "sourceObject": OBJECT,
        "destinationBucket": workflow_env.bucket,
    }
    refused = raises(
        workflow_env, method, **source, destinationObject="dst%2Fno", **{precondition: value(fails)}
    )
    assert refused["code"] == 412
    assert not workflow_env.exists("dst/no")  # nothing half-written
    call(workflow_env, method, **source, destinationObject="dst%2Fyes", **{precondition: value(holds)})
    assert workflow_env.get_json("dst/yes") == {"a": 1}
