"""The error maps the storage connectors raise, in the Cloud Storage JSON API's own format.

cloud.google.com/storage/docs/json_api/v1/status-codes: an error body is
{"error": {"code", "message", "errors": [{"domain", "reason", "message", ...}]}}; a failed
precondition is 412 `conditionNotMet` (locationType header, location If-Match). A missing
object is 404 `notFound` with the message "No such object: bucket/name"
(as in googleapis/nodejs-storage issue 1183).
"""

from __future__ import annotations

import pytest

from tests.runtime.test_connector_storage import raises
from workflow_runtime.testing import WorkflowEnv

JSON_HEADERS = {"Content-Type": "application/json; charset=UTF-8"}


def test_failed_precondition_is_the_json_api_412(workflow_env: WorkflowEnv) -> None:
    workflow_env.put_text("pre/a", "x")
    error = raises(workflow_env, "get", object="pre%2Fa", ifGenerationMatch=0)
    message = "At least one of the pre-conditions you specified did not hold."
    assert error["code"] == 412
    assert error["headers"] == JSON_HEADERS
    assert error["body"] == {
        "error": {
            "code": 412,
            "message": message,
            "errors": [
                {
                    "domain": "global",
                    "reason": "conditionNotMet",
                    "message": message,
                    "locationType": "header",
                    "location": "If-Match",
                }
            ],
        }
    }


def not_found_body(label: str) -> dict:
    message = f"No such object: {label}"
    return {
        "error": {
            "code": 404,
            "message": message,
            "errors": [{"domain": "global", "reason": "notFound", "message": message}],
        }
    }


@pytest.mark.parametrize(
    ("method", "args"),
    [
        ("get", {"object": "gone%2Fa b", "ifGenerationMatch": 1}),
        ("delete", {"object": "gone%2Fa b"}),
        ("patch", {"object": "gone%2Fa b", "body": {"metadata": {"k": "v"}}}),
    ],
)
def test_missing_object_is_404_naming_bucket_and_decoded_name(
    workflow_env: WorkflowEnv, method: str, args: dict
) -> None:
    error = raises(workflow_env, method, **args)
    assert error["code"] == 404
    assert error["headers"] == JSON_HEADERS
    assert error["body"] == not_found_body(f"{workflow_env.bucket}/gone/a b")


@pytest.mark.parametrize("method", ["copy", "rewrite"])
def test_missing_copy_source_is_404_naming_the_source(workflow_env: WorkflowEnv, method: str) -> None:
    error = raises(
        workflow_env,
        method,
        sourceBucket=workflow_env.bucket,
        sourceObject="gone%2Fsrc",
        destinationBucket=workflow_env.bucket,
        destinationObject="dst",
    )
    assert error["body"] == not_found_body(f"{workflow_env.bucket}/gone/src")
    assert not workflow_env.exists("dst")


def test_raw_slash_in_object_name_is_404_for_that_path(workflow_env: WorkflowEnv) -> None:
    workflow_env.put_text("a/b", "x")
    error = raises(workflow_env, "get", object="a/b")
    assert error["body"] == not_found_body(f"{workflow_env.bucket}/a/b")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"matchGlob": "a{b"}, "unclosed '{' in matchGlob 'a{b'"),
        ({"fields": "items(name"}, "unclosed '(' in fields 'items(name'"),
    ],
)
def test_bad_list_selector_is_400_invalid_with_the_reason(
    workflow_env: WorkflowEnv, args: dict, message: str
) -> None:
    error = raises(workflow_env, "list", **args)
    assert error["code"] == 400
    assert error["body"]["error"]["message"] == message
    assert error["body"]["error"]["errors"][0]["reason"] == "invalid"
