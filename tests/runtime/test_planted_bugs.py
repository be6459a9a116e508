"""Tests for behaviours that a planted bug once changed without any test failing (issue
#11's mutation review): each test here fails on that bug."""

from __future__ import annotations

from tests.runtime.helpers import result_of, run
from tests.runtime.test_connector_storage import call

RETRY_WITH_LARGE_INITIAL_DELAY = """
main:
  steps:
    - init:
        assign:
          - times: []
    - flaky:
        try:
          steps:
            - note:
                assign:
                  - times: ${list.concat(times, sys.now())}
            - fail:
                raise: boom
        retry:
          predicate: ${always}
          max_retries: 3
          backoff:
            initial_delay: 10
            max_delay: 3
            multiplier: 2
    - never:
        return: unreachable
always:
  params: [e]
  steps:
    - yes:
        return: true
"""


def test_retry_sleeps_are_capped_by_max_delay_even_below_initial_delay() -> None:
    # Google's retry page: the delay grows from initial_delay by multiplier "up to
    # max_delay"; an initial_delay above max_delay is therefore capped from the first retry.
    outcome = run(RETRY_WITH_LARGE_INITIAL_DELAY)
    assert outcome.state == "FAILED"
    assert outcome.virtual_seconds == 9  # 3 + 3 + 3, not 10 + ...


def test_an_explicit_concurrency_limit_above_20_is_capped_at_20() -> None:
    source = """
    - fan:
        parallel:
          concurrency_limit: 50
          for:
            value: i
            range: [1, 40]
            steps:
              - work:
                  call: sys.sleep
                  args:
                    seconds: 1
    """
    assert run(source).virtual_seconds == 2  # 20 in the first second, 20 in the second


def test_a_branch_cannot_write_a_parent_variable_it_does_not_share_at_run_time() -> None:
    # `x` is assigned above the parallel step at run time but below it in the source (the
    # jump), so only the run-time write barrier keeps the branch's write to itself.
    source = """
    - start:
        next: set_x
    - par:
        parallel:
          branches:
            - b:
                steps:
                  - write:
                      assign:
                        - x: 2
        next: done
    - set_x:
        assign:
          - x: 1
        next: par
    - done:
        return: ${x}
    """
    assert result_of(source) == 1


def test_integer_arguments_given_as_decimal_strings_are_used(workflow_env) -> None:
    # The JSON API's int64 fields travel as decimal strings; `maxResults: "1"` must page.
    for name in ("a", "b"):
        workflow_env.put_text(f"ints/{name}", "x")
    page = call(workflow_env, "list", prefix="ints/", maxResults="1")
    assert [item["name"] for item in page["items"]] == ["ints/a"]
    assert page["nextPageToken"]
    generation = str(workflow_env.generation("ints/a"))
    assert call(workflow_env, "get", object="ints%2Fa", ifGenerationMatch=generation)["name"] == "ints/a"
