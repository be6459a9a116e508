"""The Logging query subset evaluator follows the rules it cites, and refuses the rest."""

from __future__ import annotations

from typing import Any

import pytest

from tests.observability.logging_query import (
    FilterError,
    as_double,
    matches,
    parse_extractor,
    parse_filter,
)

ENTRY: dict[str, Any] = {
    "resource": {"type": "workflows.googleapis.com/Workflow", "labels": {"workflow_id": "objects-pipeline"}},
    "severity": "ERROR",
    "jsonPayload": {
        "bp_metric": "job_invocation",
        "event": "complete",
        "status": "FAILED",
        "timed_out": False,
        "timeout_usage_ratio": 0.85,
        "duration_seconds": 3060,
        "execution_name": "projects/p/locations/us-east1/jobs/objects-job/executions/objects-job-x1",
    },
}


def match(text: str, entry: dict[str, Any] = ENTRY) -> bool:
    return matches(parse_filter(text), entry)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('resource.type="workflows.googleapis.com/Workflow"', True),
        ('resource.type="cloud_run_job"', False),
        ('jsonPayload.status="failed"', True),  # string comparisons ignore case
        ('jsonPayload.status="FAILE"', False),  # equality, not substring
        ("jsonPayload.timeout_usage_ratio>0.8", True),
        ("jsonPayload.timeout_usage_ratio>0.85", False),
        ("jsonPayload.timeout_usage_ratio>=0.85", True),
        ("jsonPayload.duration_seconds<3600", True),
        ("jsonPayload.duration_seconds>3600", False),
        ("jsonPayload.timed_out=false", True),
        ("jsonPayload.timed_out=true", False),
        ('jsonPayload.timed_out="false"', False),  # a quoted string is not the boolean
        ("jsonPayload.missing=true", False),  # a missing field never matches
        ("NOT jsonPayload.missing=true", True),
        ("severity>=WARNING", True),
        ("severity>ERROR", False),
        ("jsonPayload.status>0.5", False),  # a string field against a number: no match
    ],
)
def test_comparisons(text: str, expected: bool) -> None:
    assert match(text) is expected


def test_or_binds_tighter_than_and() -> None:
    """The page's precedence: NOT, then OR, then AND. `a AND b OR c` is `a AND (b OR c)`."""
    # With AND first this would be (false AND true) OR true = true.
    assert (
        match('jsonPayload.event="start" AND jsonPayload.status="FAILED" OR jsonPayload.timed_out=false')
        is False
    )
    assert match('(jsonPayload.event="start" AND jsonPayload.status="FAILED") OR jsonPayload.timed_out=false')


def test_quoted_strings_take_backslash_escapes() -> None:
    entry = {"jsonPayload": {"error": 'say "hi"'}}
    assert match(r'jsonPayload.error="say \"hi\""', entry)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('jsonPayload.status!="FAILED"', "outside the supported subset"),
        ('jsonPayload.status:"FAIL"', "outside the supported subset"),
        ('jsonPayload.status=~"FAIL.*"', "outside the supported subset"),
        ('jsonPayload.a="x" and jsonPayload.b="y"', "upper case"),
        ('jsonPayload.a="x" jsonPayload.b="y"', "write AND/OR explicitly"),
        ('protoPayload.methodName="x"', "not a LogEntry field of the subset"),
        ('jsonPayload.a="x" AND (jsonPayload.b="y"', "missing ')'"),
        ('jsonPayload.a="x" AND', "ends too early"),
        ("x" * 20_001, "limit is 20000"),
    ],
)
def test_filters_outside_the_subset_are_refused(text: str, fragment: str) -> None:
    with pytest.raises(FilterError) as caught:
        parse_filter(text)
    assert fragment in str(caught.value)


def test_extract_and_regexp_extract() -> None:
    region = r'REGEXP_EXTRACT(jsonPayload.execution_name, "^projects/[^/]+/locations/([^/]+)/jobs/.*$")'
    assert parse_extractor(region).extract(ENTRY) == "us-east1"
    assert parse_extractor("EXTRACT(jsonPayload.status)").extract(ENTRY) == "FAILED"
    assert parse_extractor("EXTRACT(jsonPayload.missing)").extract(ENTRY) is None
    # The value is converted to a string before the regex: a number can be matched.
    assert parse_extractor(r'REGEXP_EXTRACT(jsonPayload.duration_seconds, "^(\\d)")').extract(ENTRY) == "3"
    # No match: nothing extracted (the label gets its default).
    assert parse_extractor(r'REGEXP_EXTRACT(jsonPayload.status, "(OK)")').extract(ENTRY) is None


def test_partial_and_full_match_readings_can_differ() -> None:
    """Why the metric tests compare both readings: an unanchored regex may differ."""
    unanchored = parse_extractor(r'REGEXP_EXTRACT(jsonPayload.status, "(AIL)")')
    assert unanchored.extract(ENTRY) == "AIL"
    assert unanchored.extract_full_match(ENTRY) is None


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('REGEXP_EXTRACT(jsonPayload.x, "a(b)(c)")', "exactly one capture group, it has 2"),
        ('REGEXP_EXTRACT(jsonPayload.x, "abc")', "exactly one capture group, it has 0"),
        ("REGEXP_EXTRACT(jsonPayload.x)", "takes a field and a regex"),
        ('EXTRACT(jsonPayload.x, "(a)")', "takes a field and a regex"),
        ("jsonPayload.x", "is not EXTRACT"),
        ('REGEXP_EXTRACT(jsonPayload.x, "(a")', "not an RE2 regex"),
    ],
)
def test_bad_extractors_are_refused(text: str, fragment: str) -> None:
    with pytest.raises(FilterError) as caught:
        parse_extractor(text)
    assert fragment in str(caught.value)


def test_distribution_values_must_convert_to_double() -> None:
    assert as_double(3060) == 3060.0
    assert as_double("0.5") == 0.5
    assert as_double("fast") is None
    assert as_double(True) is None
    assert as_double(None) is None
