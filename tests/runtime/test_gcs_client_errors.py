"""GcsClient's ApiError for the emulator's error responses: Cloud Storage answers errors
with a JSON body (cloud.google.com/storage/docs/json_api/v1/status-codes); where the
emulator sends plain text, the text becomes the JSON body's message. Only Content-Type and
Content-Length are kept from the response headers."""

from __future__ import annotations

import pytest

from workflow_runtime.connectors.errors import ApiError
from workflow_runtime.connectors.gcs_client import RawResponse, _error_body, _error_headers
from workflow_runtime.testing import WorkflowEnv


def test_plain_text_error_becomes_a_json_body_with_its_text(workflow_env: WorkflowEnv) -> None:
    with pytest.raises(ApiError) as caught:
        workflow_env.storage.request(
            "GET", f"/storage/v1/b/{workflow_env.bucket}/o/none", query={"alt": "media"}
        )
    error = caught.value
    assert error.code == 404
    message = error.body["error"]["message"]
    assert error.body == {"error": {"code": 404, "message": message}}
    assert message and message != "HTTP 404"
    assert set(error.headers) <= {"Content-Type", "Content-Length"}
    assert "Content-Type" in error.headers


@pytest.mark.parametrize(
    ("body", "message"),
    [(b"", "HTTP 503"), (b"  \n", "HTTP 503"), (b"bad \xff gateway\n", "bad \ufffd gateway")],
)
def test_error_body_from_text(body: bytes, message: str) -> None:
    response = RawResponse(503, {}, body)
    assert _error_body(503, response) == {"error": {"code": 503, "message": message}}


def test_error_body_keeps_a_json_error() -> None:
    body = {"error": {"code": 400, "message": "m", "errors": []}}
    assert (
        _error_body(400, RawResponse(400, {}, b'{"error": {"code": 400, "message": "m", "errors": []}}'))
        == body
    )


def test_error_headers_keep_only_content_type_and_length_in_any_case() -> None:
    headers = {"content-type": "text/plain", "Content-Length": "3", "X-Goog-Hash": "h", "Date": "d"}
    assert _error_headers(headers) == {"content-type": "text/plain", "Content-Length": "3"}
