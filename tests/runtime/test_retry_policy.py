"""`try` + `retry` policies as Google's retry page describes them
(workflows/docs/reference/syntax/retrying): `predicate` is a function deciding which
errors are retried, `max_retries` bounds the retries, and `backoff` spaces them:
initial_delay, multiplied by multiplier each time, up to max_delay."""

from __future__ import annotations

import pytest

from tests.runtime.helpers import run, run_error


def test_a_predicate_that_is_not_a_function_is_a_type_error() -> None:
    source = """
    - t:
        try:
          raise: boom
        retry:
          predicate: ${"always"}
          max_retries: 2
    """
    assert run_error(source) == {"tags": ["TypeError"], "message": "expected a function, got string"}


def _policy(retry: str) -> str:
    """A step raising "boom" under the retry policy `retry`, given as a value built at run
    time (a literal policy is checked by the compiler already)."""
    return f"""
    - init:
        assign:
          - policy: {retry}
    - t:
        try:
          raise: boom
        retry: ${{policy}}
    """


@pytest.mark.parametrize(
    ("retry", "error"),
    [
        ('${"often"}', ("TypeError", "step 't': retry policy must be a map")),
        (
            "{predicate: '${retry.always}'}",
            ("ValueError", "step 't': max_retries must be an int >= 0, got None"),
        ),
        (
            "{predicate: '${retry.always}', max_retries: -1}",
            ("ValueError", "step 't': max_retries must be an int >= 0, got -1"),
        ),
        (
            "{predicate: '${retry.always}', max_retries: true}",
            ("ValueError", "step 't': max_retries must be an int >= 0, got True"),
        ),
        (
            "{predicate: '${retry.always}', max_retries: '3'}",
            ("ValueError", "step 't': max_retries must be an int >= 0, got '3'"),
        ),
        (
            "{predicate: '${retry.always}', max_retries: 2, backoff: [1]}",
            ("TypeError", "step 't': backoff must be a map"),
        ),
        (
            "{predicate: '${retry.always}', max_retries: 2, backoff: {initial_delay: -1}}",
            ("ValueError", "step 't': backoff initial_delay must be a non-negative number, got int -1"),
        ),
        (
            "{predicate: '${retry.always}', max_retries: 2, backoff: {max_delay: true}}",
            ("ValueError", "step 't': backoff max_delay must be a non-negative number, got boolean True"),
        ),
        (
            "{predicate: '${retry.always}', max_retries: 2, backoff: {multiplier: '2'}}",
            ("ValueError", "step 't': backoff multiplier must be a non-negative number, got string '2'"),
        ),
    ],
)
def test_a_malformed_policy_is_refused_naming_the_step_and_field(retry: str, error: tuple[str, str]) -> None:
    tag, message = error
    assert run_error(_policy(retry)) == {"tags": [tag], "message": message}


def test_zero_retries_is_a_valid_policy_that_never_retries() -> None:
    outcome = run(_policy("{predicate: '${retry.always}', max_retries: 0, backoff: {initial_delay: 5}}"))
    assert outcome.error == "boom"
    assert outcome.virtual_seconds == 0


def test_backoff_may_be_left_out_or_null_and_then_retries_at_once() -> None:
    for backoff in ("", ", backoff: null"):
        outcome = run(_policy(f"{{predicate: '${{retry.always}}', max_retries: 2{backoff}}}"))
        assert outcome.error == "boom"
        assert outcome.virtual_seconds == 0
        assert outcome.steps.total == 4  # init, then the raise tried three times
