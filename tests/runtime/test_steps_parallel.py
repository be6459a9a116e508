"""Parallel steps: branches, parallel for, shared variables, concurrency, errors, time."""

from __future__ import annotations

import pytest

from tests.runtime.helpers import result_of, run
from workflow_runtime import WorkflowDefinitionError

TWO_SLEEPERS = """
- init:
    assign:
      - done: []
- par:
    parallel:
      shared: [done]
      concurrency_limit: LIMIT
      branches:
        - b1:
            steps:
              - sleep1:
                  call: sys.sleep
                  args:
                    seconds: 10
              - mark1:
                  assign:
                    - done: ${list.concat(done, "b1")}
        - b2:
            steps:
              - sleep2:
                  call: sys.sleep
                  args:
                    seconds: 10
              - mark2:
                  assign:
                    - done: ${list.concat(done, "b2")}
- out:
    return: ${done}
"""


@pytest.mark.parametrize(("limit", "seconds"), [(2, 10), (1, 20)])
def test_concurrency_limit_shapes_virtual_time(limit: int, seconds: float) -> None:
    outcome = run(TWO_SLEEPERS.replace("LIMIT", str(limit)))
    assert outcome.result == ["b1", "b2"]
    assert outcome.virtual_seconds == seconds


def test_parallel_for_never_exceeds_the_concurrency_limit() -> None:
    source = """
    main:
      params: [limit]
      steps:
        - init:
            assign:
              - running: 0
              - peak: 0
        - fan_out:
            parallel:
              shared: [running, peak]
              concurrency_limit: ${limit}
              for:
                value: item
                range: [1, 10]
                steps:
                  - start:
                      assign:
                        - running: ${running + 1}
                        - peak: ${math.max(peak, running)}
                  - work:
                      call: sys.sleep
                      args:
                        seconds: 5
                  - stop:
                      assign:
                        - running: ${running - 1}
        - out:
            return: ${peak}
    """
    for limit, rounds in ((3, 4), (1, 10), (10, 1)):
        outcome = run(source, limit)
        assert outcome.result == limit
        assert outcome.virtual_seconds == 5 * rounds


def test_branches_are_interleaved_by_virtual_time() -> None:
    assert result_of(
        """
        - init:
            assign:
              - events: []
        - par:
            parallel:
              shared: [events]
              branches:
                - slow:
                    steps:
                      - s1:
                          call: sys.sleep
                          args:
                            seconds: 3
                      - s2:
                          assign:
                            - events: ${list.concat(events, "slow@" + string(int(sys.now()) % 100))}
                - fast:
                    steps:
                      - f1:
                          call: sys.sleep
                          args:
                            seconds: 1
                      - f2:
                          assign:
                            - events: ${list.concat(events, "fast@" + string(int(sys.now()) % 100))}
        - out:
            return: ${events}
        """
    ) == ["fast@1", "slow@3"]


def test_parallel_for_over_a_list_collects_into_a_shared_map() -> None:
    # Shaped like Google's parallel-for sample that fills a shared map per item.
    assert result_of(
        """
        - init:
            assign:
              - results: {}
        - loop:
            parallel:
              shared: [results]
              for:
                value: name
                index: i
                in: ["a", "b", "c"]
                steps:
                  - put:
                      assign:
                        - results[name]: ${i * 10}
        - out:
            return: ${results}
        """
    ) == {"a": 0, "b": 10, "c": 20}


def test_branch_local_variables_vanish_after_the_parallel_step() -> None:
    # Refused when deploying: a branch's variables are local to it (parallel steps page).
    with pytest.raises(WorkflowDefinitionError) as caught:
        run(
            """
        - par:
            parallel:
              branches:
                - only:
                    steps:
                      - a:
                          assign:
                            - local_var: 1
        - out:
            return: ${local_var}
        """
        )
    assert caught.value.line == 11
    assert "symbol 'local_var'" in caught.value.message


def test_branches_read_parent_variables() -> None:
    assert (
        result_of(
            """
            - init:
                assign:
                  - base: 5
                  - total: 0
            - par:
                parallel:
                  shared: [total]
                  branches:
                    - one:
                        steps:
                          - a:
                              assign:
                                - total: ${total + base}
                    - two:
                        steps:
                          - b:
                              assign:
                                - total: ${total + base * 2}
            - out:
                return: ${total}
            """
        )
        == 15
    )


UNHANDLED = """
- init:
    assign:
      - finished: []
- par:
    try:
      parallel:
        shared: [finished]
        for:
          value: n
          in: [1, 2, 3, 4]
          steps:
            - check:
                switch:
                  - condition: ${n % 2 == 0}
                    raise: ${"even " + string(n)}
            - ok:
                assign:
                  - finished: ${list.concat(finished, n)}
    except:
      as: e
      steps:
        - out:
            return:
              error: ${e}
              finished: ${finished}
"""


def test_unhandled_branch_errors_are_collected_after_every_branch_ran() -> None:
    result = result_of(UNHANDLED)
    assert result["finished"] == [1, 3]  # continueAll: the odd iterations still ran
    error = result["error"]
    assert error["tags"] == ["UnhandledBranchError"]
    assert error["branches"] == [
        {"id": 1, "error": "even 2"},
        {"id": 3, "error": "even 4"},
    ]
    assert error["truncated"] is False
    assert "one or more branches" in error["message"].lower()


def test_unhandled_branch_error_fails_the_execution_when_uncaught() -> None:
    outcome = run(
        """
        - par:
            parallel:
              branches:
                - good:
                    steps:
                      - a:
                          assign:
                            - x: 1
                - bad:
                    steps:
                      - b:
                          raise:
                            tags: ["MyError"]
                            message: nope
        """
    )
    assert outcome.error["tags"] == ["UnhandledBranchError"]
    assert outcome.error["branches"] == [{"id": "bad", "error": {"tags": ["MyError"], "message": "nope"}}]


def test_errors_handled_inside_a_branch_do_not_escape() -> None:
    # Google's "error handling in a parallel step" sample: try/except inside the branch.
    assert result_of(
        """
        - init:
            assign:
              - odd: []
        - par:
            parallel:
              shared: [odd]
              for:
                value: num
                range: [0, 5]
                steps:
                  - guarded:
                      try:
                        steps:
                          - checkEven:
                              switch:
                                - condition: ${num % 2 == 0}
                                  raise: even
                          - keep:
                              assign:
                                - odd: ${list.concat(odd, num)}
                      except:
                        as: e
                        steps:
                          - ignore:
                              next: continue
        - out:
            return: ${odd}
        """
    ) == [1, 3, 5]


NESTED = """
- p1:
    parallel:
      branches:
        - a:
            steps:
              - p2:
                  parallel:
                    branches:
                      - b:
                          steps:
                            - INNER
"""
LEVEL3 = """p3:
                                parallel:
                                  branches:
                                    - c:
                                        steps:
                                          - leaf:
                                              assign:
                                                - x: 1"""


def test_two_levels_of_parallel_nesting_are_allowed() -> None:
    outcome = run(
        NESTED.replace(
            "INNER",
            "leaf:\n                                assign:\n                                  - x: 1",
        )
    )
    assert outcome.state == "SUCCEEDED", outcome.error


def test_parallel_nesting_beyond_two_levels_is_a_parallel_nesting_error() -> None:
    outcome = run(NESTED.replace("INNER", LEVEL3))
    assert outcome.error["tags"] == ["UnhandledBranchError"]
    inner = outcome.error["branches"][0]["error"]["branches"][0]["error"]
    assert inner["tags"] == ["ParallelNestingError"]


def test_parallel_runs_are_deterministic() -> None:
    first = run(TWO_SLEEPERS.replace("LIMIT", "2"))
    second = run(TWO_SLEEPERS.replace("LIMIT", "2"))
    assert (first.result, first.steps, first.virtual_seconds) == (
        second.result,
        second.steps,
        second.virtual_seconds,
    )


def test_concurrency_limit_must_be_positive() -> None:
    outcome = run(TWO_SLEEPERS.replace("LIMIT", "${0}"))
    assert outcome.error["tags"] == ["ValueError"]


def test_parallel_for_schedules_like_a_worker_pool_in_virtual_time() -> None:
    # 30 iterations of 1-3 s each, at most 4 at a time: every worker takes the next pending
    # iteration as soon as it is free, so the end time is the list-scheduling makespan.
    source = """
    main:
      steps:
        - init:
            assign:
              - finish: {}
        - fan:
            parallel:
              shared: [finish]
              concurrency_limit: 4
              for:
                value: i
                range: [0, 29]
                steps:
                  - work:
                      call: pause
                      args:
                        seconds: ${i % 3 + 1}
                  - record:
                      assign:
                        - finish[string(i)]: ${sys.now()}
        - out:
            return: ${finish}
    pause:
      params: [seconds]
      steps:
        - s:
            call: sys.sleep
            args:
              seconds: ${seconds}
    """
    outcome = run(source)
    workers = [0.0] * 4
    expected_finish = {}
    for i in range(30):
        start = min(workers)
        slot = workers.index(start)
        workers[slot] = start + i % 3 + 1
        expected_finish[str(i)] = workers[slot]
    start_time = min(outcome.result.values()) - 1  # iteration 0 takes 1 s
    assert {k: v - start_time for k, v in outcome.result.items()} == expected_finish
    assert outcome.virtual_seconds == max(workers)


def test_without_a_limit_at_most_20_branches_or_iterations_run_at_once() -> None:
    source = """
    - fan:
        parallel:
          for:
            value: i
            range: [1, 30]
            steps:
              - work:
                  call: sys.sleep
                  args:
                    seconds: 1
    """
    assert run(source).virtual_seconds == 2  # 20 in the first second, 10 in the second
