"""Resource names, timestamps and error bodies the connectors and their fakes share
(workflow_runtime.connectors.names / errors).

Google's API error body is `{"error": {"code", "message", "status"}}`
(cloud.google.com/apis/design/errors, "Error model"); timestamps are RFC 3339 in UTC with a
`Z` suffix (same guide, "Standard fields" / google.protobuf.Timestamp JSON form).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import pytest

from workflow_runtime.connectors.errors import ApiError, api_error, connection_failed, from_api_error
from workflow_runtime.connectors.names import base36, parse_job_name, parse_workflow_name, rfc3339


@pytest.fixture
def far_from_utc() -> Iterator[None]:
    """Run with a local time zone far from UTC, so local time cannot pass for UTC."""
    saved = os.environ.get("TZ")
    os.environ["TZ"] = "Pacific/Kiritimati"  # UTC+14
    time.tzset()
    yield
    if saved is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = saved
    time.tzset()


def test_rfc3339_is_utc_with_microseconds_and_z(far_from_utc: None) -> None:
    assert rfc3339(1_735_689_605.25) == "2025-01-01T00:00:05.250000Z"


def test_base36_pads_to_the_width_and_uses_lowercase_digits() -> None:
    assert base36(0) == "00000"
    assert base36(35) == "0000z"
    assert base36(36) == "00010"
    assert base36(36**5 + 1, width=2) == "100001"


@pytest.mark.parametrize(
    ("parse", "good", "shape"),
    [
        (parse_job_name, "projects/p/locations/r/jobs/j", "projects/PROJECT/locations/REGION/jobs/JOB"),
        (
            parse_workflow_name,
            "projects/p/locations/r/workflows/j",
            "projects/PROJECT/locations/LOCATION/workflows/WORKFLOW",
        ),
    ],
)
def test_a_malformed_resource_name_is_a_400_naming_the_expected_shape(
    parse: object, good: str, shape: str
) -> None:
    assert parse(good) == ("p", "r", "j")  # type: ignore[operator]
    for bad in ("projects/p/jobs/j", 5):
        with pytest.raises(ApiError) as caught:
            parse(bad)  # type: ignore[operator]
        assert caught.value.code == 400
        assert caught.value.body["error"]["message"] == f"Invalid resource name {bad!r}; expected {shape}"


def test_api_error_body_has_code_message_and_status() -> None:
    assert api_error(404, "gone").body == {"error": {"code": 404, "message": "gone", "status": "NOT_FOUND"}}
    assert api_error(418, "teapot", reason="x").body == {
        "error": {"code": 418, "message": "teapot", "status": "UNKNOWN", "reason": "x"}
    }


def test_connection_failed_names_the_target_and_the_reason() -> None:
    assert connection_failed("http://127.0.0.1:1", "refused").value == {
        "tags": ["ConnectionFailedError"],
        "message": "connection to http://127.0.0.1:1 failed: refused",
    }


def test_an_api_error_becomes_the_http_error_map_with_its_headers() -> None:
    # "the map for an HttpError ... has tags, message, code, headers (response headers),
    # body" (workflows/docs/reference/syntax/catching-errors).
    error = ApiError(412, {"error": {"code": 412}}, {"ETag": "CAE="})
    assert str(error) == "HTTP 412: {'error': {'code': 412}}"  # what a test sees if one escapes
    assert from_api_error(error).value == {
        "tags": ["HttpError"],
        "message": "HTTP server responded with error code 412",
        "code": 412,
        "headers": {"ETag": "CAE="},
        "body": {"error": {"code": 412}},
    }
    assert ApiError(404).headers == {}
