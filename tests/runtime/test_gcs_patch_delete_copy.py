"""objects.patch, objects.delete and objects.copy/rewrite arguments and their effects.

Parameter tables of cloud.google.com/storage/docs/json_api/v1/objects/{patch,delete,copy,
rewrite}: `generation` selects one revision (the emulator keeps only the live one, so
another generation is 404 and nothing changes); copy/rewrite take an object resource as
body whose metadata the destination gets.
"""

from __future__ import annotations

import pytest

from tests.runtime.test_connector_storage import call, raises
from workflow_runtime.testing import WorkflowEnv

NAME = "obj.json"


@pytest.fixture
def generation(workflow_env: WorkflowEnv) -> int:
    return int(workflow_env.put_json(NAME, {"v": 1})["generation"])


def test_delete_of_another_generation_is_404_and_keeps_the_object(
    workflow_env: WorkflowEnv, generation: int
) -> None:
    error = raises(workflow_env, "delete", object=NAME, generation=generation + 1)
    assert error["code"] == 404
    assert workflow_env.get_json(NAME) == {"v": 1}
    assert call(workflow_env, "delete", object=NAME, generation=str(generation), userProject="p") is None
    assert not workflow_env.exists(NAME)


def test_patch_of_another_generation_is_404_and_changes_nothing(
    workflow_env: WorkflowEnv, generation: int
) -> None:
    error = raises(
        workflow_env, "patch", object=NAME, generation=generation + 1, body={"metadata": {"k": "v"}}
    )
    assert error["code"] == 404
    assert "metadata" not in call(workflow_env, "get", object=NAME)


def test_patch_takes_every_documented_argument(workflow_env: WorkflowEnv, generation: int) -> None:
    patched = call(
        workflow_env,
        "patch",
        object=NAME,
        body={"metadata": {"k": "v"}},
        generation=generation,
        predefinedAcl="private",
        projection="full",
        userProject="p",
        ifGenerationMatch=generation,
    )
    assert patched["metadata"] == {"k": "v"}


@pytest.mark.parametrize("body", [["metadata"], "metadata", 1])
def test_patch_body_that_is_not_a_map_is_a_type_error(
    workflow_env: WorkflowEnv, generation: int, body
) -> None:
    error = raises(workflow_env, "patch", object=NAME, body=body)
    assert error["tags"] == ["TypeError"]
    assert (
        error["message"]
        == "googleapis.storage.v1.objects.patch: body must be a map of object metadata fields"
    )


@pytest.mark.parametrize("method", ["patch", "delete"])
def test_bad_arguments_name_the_connector(workflow_env: WorkflowEnv, generation: int, method: str) -> None:
    connector = f"googleapis.storage.v1.objects.{method}"
    body = {"body": {}} if method == "patch" else {}
    empty = raises(workflow_env, method, object="", **body)
    assert empty["message"] == f"{connector}: argument object must not be empty"
    bad = raises(workflow_env, method, object=NAME, ifGenerationMatch="x", **body)
    assert bad["message"].startswith(f"{connector}: argument ifGenerationMatch")
    bad = raises(workflow_env, method, object=NAME, generation="x", **body)
    assert bad["message"].startswith(f"{connector}: argument generation")
    assert workflow_env.get_json(NAME) == {"v": 1}


@pytest.mark.parametrize("method", ["copy", "rewrite"])
def test_copy_body_sets_the_destination_metadata(
    workflow_env: WorkflowEnv, generation: int, method: str
) -> None:
    out = call(
        workflow_env,
        method,
        sourceBucket=workflow_env.bucket,
        sourceObject=NAME,
        destinationBucket=workflow_env.bucket,
        destinationObject="dst.json",
        body={"metadata": {"k": "v"}},
        sourceGeneration=generation,
        destinationPredefinedAcl="private",
        destinationKmsKeyName="k",
        projection="noAcl",
        userProject="p",
        rewriteToken="t",
        maxBytesRewrittenPerCall=1048576,
    )
    resource = out["resource"] if method == "rewrite" else out
    assert resource["metadata"] == {"k": "v"}
    assert call(workflow_env, "get", object="dst.json")["metadata"] == {"k": "v"}
    assert workflow_env.get_json("dst.json") == {"v": 1}


@pytest.mark.parametrize("method", ["copy", "rewrite"])
def test_copy_arguments_errors_name_the_connector(
    workflow_env: WorkflowEnv, generation: int, method: str
) -> None:
    connector = f"googleapis.storage.v1.objects.{method}"
    places = {"sourceBucket": workflow_env.bucket, "destinationBucket": workflow_env.bucket}
    error = raises(workflow_env, method, **places, sourceObject="", destinationObject="d")
    assert error["message"] == f"{connector}: argument sourceObject must not be empty"
    error = raises(workflow_env, method, **places, sourceObject=NAME, destinationObject="")
    assert error["message"] == f"{connector}: argument destinationObject must not be empty"
    for precondition in ("ifSourceGenerationMatch", "ifGenerationMatch"):
        error = raises(
            workflow_env, method, **places, sourceObject=NAME, destinationObject="d", **{precondition: "x"}
        )
        assert error["message"].startswith(f"{connector}: argument {precondition}")
    assert not workflow_env.exists("d")
