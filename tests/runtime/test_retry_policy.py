"""`try` + `retry` policies as Google's retry page describes them
(workflows/docs/reference/syntax/retrying): `predicate` is a function deciding which
errors are retried, `max_retries` bounds the retries, and `backoff` spaces them:
initial_delay, multiplied by multiplier each time, up to max_delay."""

from __future__ import annotations

from tests.runtime.helpers import run_error


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
