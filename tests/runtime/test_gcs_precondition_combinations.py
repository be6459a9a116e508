"""Several preconditions on one request: every one must hold (Google's "Request
preconditions" page, cloud.google.com/storage/docs/request-preconditions, and the
objects.insert / objects.delete parameter tables). A holding precondition listed after a
failing one must not let the write through: that would be a lost update.
"""

from __future__ import annotations

import pytest

from tests.runtime.test_connector_storage import call, raises
from workflow_runtime.testing import WorkflowEnv

NAME = "combo.json"


@pytest.fixture
def generation(workflow_env: WorkflowEnv) -> int:
    return int(workflow_env.put_json(NAME, "old")["generation"])


# (precondition, value that holds, value that fails); "gen" stands for the live generation.
# The emulator's metageneration is always 1.
CONDITIONS = [
    ("ifGenerationMatch", "gen", "gen+1"),
    ("ifGenerationNotMatch", "gen+1", "gen"),
    ("ifMetagenerationMatch", 1, 2),
    ("ifMetagenerationNotMatch", 2, 1),
]


def resolve(value, generation: int):
    return {"gen": generation, "gen+1": generation + 1}.get(value, value)


@pytest.mark.parametrize("failing", range(len(CONDITIONS)), ids=[c[0] for c in CONDITIONS])
@pytest.mark.parametrize("method", ["insert", "delete"])
def test_one_failing_precondition_refuses_the_write_whatever_the_others_say(
    workflow_env: WorkflowEnv, generation: int, failing: int, method: str
) -> None:
    conditions = {
        key: resolve(fails if index == failing else holds, generation)
        for index, (key, holds, fails) in enumerate(CONDITIONS)
    }
    target = {"name": NAME, "uploadType": "media", "body": "new"} if method == "insert" else {"object": NAME}
    assert raises(workflow_env, method, **target, **conditions)["code"] == 412
    assert workflow_env.get_json(NAME) == "old"
    assert workflow_env.generation(NAME) == generation


@pytest.mark.parametrize("method", ["insert", "delete"])
def test_all_preconditions_holding_lets_the_write_through(
    workflow_env: WorkflowEnv, generation: int, method: str
) -> None:
    conditions = {key: resolve(holds, generation) for key, holds, _ in CONDITIONS}
    target = {"name": NAME, "uploadType": "media", "body": "new"} if method == "insert" else {"object": NAME}
    call(workflow_env, method, **target, **conditions)
    if method == "insert":
        assert workflow_env.get_json(NAME) == "new"
    else:
        assert not workflow_env.exists(NAME)


def test_if_generation_not_match_zero_requires_a_live_object(
    workflow_env: WorkflowEnv, generation: int
) -> None:
    # objects.insert: "Setting to 0 makes the operation succeed only if there is a live version".
    call(workflow_env, "insert", name=NAME, uploadType="media", body="new", ifGenerationNotMatch=0)
    assert workflow_env.get_json(NAME) == "new"
    error = raises(
        workflow_env, "insert", name="absent", uploadType="media", body=1, ifGenerationNotMatch="0"
    )
    assert error["code"] == 412


def test_a_precondition_that_is_not_an_integer_names_connector_and_argument(
    workflow_env: WorkflowEnv, generation: int
) -> None:
    error = raises(workflow_env, "get", object=NAME, ifMetagenerationMatch="one")
    assert error["tags"] == ["TypeError"]
    assert error["message"].startswith("googleapis.storage.v1.objects.get: argument ifMetagenerationMatch")
