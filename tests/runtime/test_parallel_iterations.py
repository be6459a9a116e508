"""Parallel for loops and branches: scopes, nesting, limits and how errors come back.

Google's parallel steps page (workflows/docs/reference/syntax/parallel-steps): a branch or
iteration can assign only the variables listed in `shared`; parallel steps nest (GCP-FACTS:
depth 2); `concurrency_limit` is a positive integer, at most 20; unhandled errors of the
branches are raised together as one UnhandledBranchError.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.runtime.helpers import FakeHttp, FakeServices, result_of, run
from workflow_runtime import Limits


def test_a_parallel_iteration_cannot_write_a_parent_variable_it_does_not_share() -> None:
    # As test_planted_bugs' branch case: `x` is assigned above the parallel step at run time
    # but below it in the source, so only the run-time write barrier keeps the write local.
    source = """
    - start:
        next: set_x
    - par:
        parallel:
          for:
            value: i
            in: [1, 2]
            steps:
              - write:
                  assign:
                    - x: ${i}
        next: done
    - set_x:
        assign:
          - x: 0
        next: par
    - done:
        return: ${x}
    """
    assert result_of(source) == 0


def _nested_for(levels: int) -> str:
    """`levels` parallel for loops, each inside the previous one's iteration."""
    body = "- leaf:\n    assign:\n      - x: 1\n"
    for level in range(levels, 0, -1):
        indented = "".join(f"          {line}\n" for line in body.splitlines())
        body = (
            f"- p{level}:\n    parallel:\n      for:\n        value: v{level}\n"
            f"        in: [1]\n        steps:\n{indented}"
        )
    return body


def test_parallel_for_loops_nest_two_levels_deep() -> None:
    assert run(_nested_for(2)).state == "SUCCEEDED"
    outcome = run(_nested_for(3))
    inner = outcome.error["branches"][0]["error"]["branches"][0]["error"]
    assert inner == {
        "tags": ["ParallelNestingError"],
        "message": "step 'p3': parallel steps nest at most 2 levels deep",
    }


def test_concurrency_limit_refuses_a_boolean_with_a_message_naming_the_step() -> None:
    outcome = run(
        """
        - fan:
            parallel:
              concurrency_limit: ${true}
              for:
                value: i
                in: [1, 2]
                steps:
                  - s:
                      assign:
                        - x: ${i}
        """
    )
    assert outcome.error == {
        "tags": ["ValueError"],
        "message": "step 'fan': concurrency_limit must be a positive int, got boolean True",
    }


FAILING_BRANCHES = """
- fan:
    parallel:
      for:
        value: i
        range: [1, COUNT]
        steps:
          - fail:
              raise: ${"failed " + string(i)}
"""


@pytest.mark.parametrize(("count", "truncated"), [(2, False), (3, True)])
def test_unhandled_errors_beyond_the_limit_are_dropped_and_flagged(count: int, truncated: bool) -> None:
    outcome = run(FAILING_BRANCHES.replace("COUNT", str(count)), limits=Limits(max_unhandled_branch_errors=2))
    assert outcome.error["tags"] == ["UnhandledBranchError"]
    assert outcome.error["branches"] == [{"id": 0, "error": "failed 1"}, {"id": 1, "error": "failed 2"}]
    assert outcome.error["truncated"] is truncated


def test_a_runtime_bug_in_a_branch_is_not_swallowed() -> None:
    # FakeHttp has no answer for this URL: a Python KeyError, i.e. a bug of the test set-up
    # or the runtime, which must surface instead of looking like a successful branch.
    source = """
    - fan:
        parallel:
          branches:
            - fine:
                steps:
                  - s:
                      assign:
                        - x: 1
            - broken:
                steps:
                  - g:
                      call: http.get
                      args:
                        url: https://unanswered.example.com/
    """
    services: Any = FakeServices(FakeHttp({}))
    with pytest.raises(KeyError):
        run(source, services=services)


def test_sequential_for_loops_do_not_count_as_parallel_nesting() -> None:
    # for > parallel > for > parallel: two parallel levels, allowed.
    source = """
    - outer:
        for:
          value: a
          in: [1]
          steps:
            - p1:
                parallel:
                  for:
                    value: b
                    in: [1]
                    steps:
                      - middle:
                          for:
                            value: c
                            in: [1]
                            steps:
                              - p2:
                                  parallel:
                                    branches:
                                      - only:
                                          steps:
                                            - leaf:
                                                assign:
                                                  - x: 1
    """
    outcome = run(source)
    assert outcome.state == "SUCCEEDED", outcome.error
