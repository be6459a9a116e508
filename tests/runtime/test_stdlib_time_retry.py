"""`time` module, `retry` predicates and the predefined HTTP retry policies."""

from __future__ import annotations

from typing import Any

import pytest

from tests.runtime.helpers import ev, ev_error
from workflow_runtime.expressions import FunctionRef
from workflow_runtime.stdlib import call_pure


def test_time_parse_example_from_the_reference_page() -> None:
    result = ev('time.parse("2024-05-08T12:01:00.000000Z")')
    assert result == 1715169660
    assert isinstance(result, float)


def test_time_format_matches_the_documented_output_shape() -> None:
    # sys.sleep_until's page shows time.format(sys.now()) as "2024-05-08T13:22:58.120062Z".
    assert ev("time.format(1715174578.120062)") == "2024-05-08T13:22:58.120062Z"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("time.format(0)", "1970-01-01T00:00:00.000000Z"),
        ("time.format(1.1)", "1970-01-01T00:00:01.100000Z"),
        ("time.format(-1)", "1969-12-31T23:59:59.000000Z"),
        ('time.format(0, "Etc/UTC")', "1970-01-01T00:00:00.000000Z"),
        ('time.format(1715169660, "Europe/Paris")', "2024-05-08T14:01:00.000000+02:00"),
        ('time.format(1704067200, "America/New_York")', "2023-12-31T19:00:00.000000-05:00"),
        ('time.format(1704067200, "Asia/Kolkata")', "2024-01-01T05:30:00.000000+05:30"),
    ],
)
def test_time_format(source: str, expected: str) -> None:
    assert ev(source) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1970-01-01T00:00:00Z", 0.0),
        ("1970-01-01T00:00:00.5Z", 0.5),
        ("1970-01-01T01:00:00+01:00", 0.0),
        ("1969-12-31T19:00:00-05:00", 0.0),
        ("2024-05-08t12:01:00z", 1715169660.0),
        ("2024-02-29T00:00:00Z", 1709164800.0),
    ],
)
def test_time_parse(text: str, expected: float) -> None:
    assert ev("time.parse(t)", t=text) == expected


def test_format_and_parse_round_trip() -> None:
    for seconds in (0.0, 1715174578.120062, 1e9 + 0.000001, 2e9):
        assert ev("time.parse(time.format(s))", s=seconds) == pytest.approx(seconds, abs=1e-6)
        assert ev('time.parse(time.format(s, "Australia/Sydney"))', s=seconds) == (
            pytest.approx(seconds, abs=1e-6)
        )


@pytest.mark.parametrize(
    ("source", "tag", "fragment"),
    [
        ('time.format("0")', "TypeError", "argument 'seconds' must be a number"),
        ("time.format(0, 1)", "TypeError", "argument 'timezone'"),
        ('time.format(0, "Mars/Olympus")', "ValueError", "unknown time zone"),
        ('time.format(0, "../etc/passwd")', "ValueError", "unknown time zone"),
        ("time.format(1e20)", "ValueError", "out of the supported time range"),
        ("time.parse(0)", "TypeError", "argument 'value' must be a string"),
        ('time.parse("2024-05-08")', "ValueError", "not an RFC 3339 timestamp"),
        ('time.parse("2024-05-08T12:01:00")', "ValueError", "not an RFC 3339 timestamp"),
        ('time.parse("2024-13-08T12:01:00Z")', "ValueError", "month must be in 1..12"),
        ('time.parse("2023-02-29T00:00:00Z")', "ValueError", "day is out of range"),
        ('time.parse("yesterday")', "ValueError", "RFC 3339"),
    ],
)
def test_time_errors(source: str, tag: str, fragment: str) -> None:
    error = ev_error(source)
    assert error["tags"] == [tag]
    assert fragment in error["message"]


def http_error(code: int) -> dict[str, Any]:
    return {"tags": ["HttpError"], "message": f"HTTP {code}", "code": code, "headers": {}, "body": ""}


def tagged(tag: str) -> dict[str, Any]:
    return {"tags": [tag], "message": tag}


@pytest.mark.parametrize(
    ("error", "idempotent", "non_idempotent"),
    [
        (http_error(429), True, True),
        (http_error(502), True, False),
        (http_error(503), True, True),
        (http_error(504), True, False),
        (http_error(500), False, False),
        (http_error(404), False, False),
        (http_error(200), False, False),
        (tagged("ConnectionError"), True, False),
        (tagged("ConnectionFailedError"), True, True),
        (tagged("TimeoutError"), True, False),
        (tagged("KeyError"), False, False),
        ({"tags": ["HttpError", "ConnectionFailedError"], "code": 400}, True, True),
        ("a raised string", False, False),
        ({"code": "503"}, False, False),
        (None, False, False),
    ],
)
def test_http_retry_predicates(error: Any, idempotent: bool, non_idempotent: bool) -> None:
    assert call_pure("http.default_retry_predicate", [error]) is idempotent
    assert call_pure("http.default_retry_predicate_non_idempotent", [error]) is non_idempotent


def test_retry_always_and_never() -> None:
    for error in (http_error(500), tagged("ValueError"), "text", None):
        assert call_pure("retry.always", [error]) is True
        assert call_pure("retry.never", [error]) is False


@pytest.mark.parametrize(
    ("name", "predicate"),
    [
        ("http.default_retry", "http.default_retry_predicate"),
        ("http.default_retry_non_idempotent", "http.default_retry_predicate_non_idempotent"),
    ],
)
def test_predefined_policies(name: str, predicate: str) -> None:
    assert ev(name) == {
        "predicate": FunctionRef(predicate),
        "max_retries": 5,
        "backoff": {"initial_delay": 1, "max_delay": 60, "multiplier": 1.25},
    }


def test_default_backoff_object() -> None:
    assert ev("retry.default_backoff") == {"initial_delay": 1, "max_delay": 60, "multiplier": 1.25}
    assert ev("http.default_retry.backoff") == ev("retry.default_backoff")


def test_predicates_are_usable_in_expressions() -> None:
    assert ev("http.default_retry_predicate(e)", e=http_error(503)) is True
    assert ev("http.default_retry_predicate_non_idempotent(e)", e=http_error(504)) is False
