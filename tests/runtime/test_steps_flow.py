"""Subworkflows, for loops (scope, break/continue, range) and try/except/retry."""

from __future__ import annotations

from typing import Any

import pytest

from tests.runtime.helpers import result_of, run
from workflow_runtime import WorkflowDefinitionError

# --- subworkflows ------------------------------------------------------------------------


def test_subworkflow_call_with_args_defaults_and_result() -> None:
    # Shaped like Google's subworkflow sample: a greeting with a default country.
    assert result_of(
        """
        main:
          steps:
            - first:
                call: hello
                args:
                  first_name: Sherlock
                  last_name: Holmes
                result: output
            - second:
                call: hello
                args:
                  first_name: Ada
                  last_name: Lovelace
                  country: Wales
                result: output2
            - done:
                return: ${[output, output2]}
        hello:
          params: [first_name, last_name, country: "England"]
          steps:
            - prepare:
                return: ${"Hello " + first_name + " " + last_name + " from " + country}
        """
    ) == ["Hello Sherlock Holmes from England", "Hello Ada Lovelace from Wales"]


def test_subworkflow_called_from_an_expression_positionally() -> None:
    assert (
        result_of(
            """
            main:
              steps:
                - done:
                    return: ${add(2, 3) * 10}
            add:
              params: [a, b]
              steps:
                - r:
                    return: ${a + b}
            """
        )
        == 50
    )


def test_subworkflow_cannot_see_caller_variables() -> None:
    with pytest.raises(WorkflowDefinitionError) as caught:
        run(
            """
        main:
          steps:
            - a:
                assign:
                  - secret: 1
            - b:
                call: peek
                result: r
        peek:
          steps:
            - r:
                return: ${secret}
        """
        )
    assert caught.value.line == 13
    assert "symbol 'secret'" in caught.value.message


def test_recursion_works_within_the_call_depth_limit() -> None:
    source = """
    main:
      params: [n]
      steps:
        - r:
            return: ${fact(n)}
    fact:
      params: [n]
      steps:
        - base:
            switch:
              - condition: ${n <= 1}
                return: 1
        - rec:
            return: ${n * fact(n - 1)}
    """
    assert result_of(source, 5) == 120
    deep = run(source, 30)
    assert deep.state == "FAILED"
    assert deep.error["tags"] == ["RecursionError"]


# --- for loops ---------------------------------------------------------------------------


def test_for_in_list_with_index() -> None:
    assert result_of(
        """
        - init:
            assign:
              - out: []
        - loop:
            for:
              value: v
              index: i
              in: ["a", "b", "c"]
              steps:
                - add:
                    assign:
                      - out: ${list.concat(out, string(i) + v)}
        - done:
            return: ${out}
        """
    ) == ["0a", "1b", "2c"]


def test_for_over_map_keys_like_googles_sample() -> None:
    assert (
        result_of(
            """
            - init:
                assign:
                  - m: {"k1": 1, "k2": 2}
                  - total: 0
            - loop:
                for:
                  value: key
                  in: ${keys(m)}
                  steps:
                    - add:
                        assign:
                          - total: ${total + m[key]}
            - done:
                return: ${total}
            """
        )
        == 3
    )


def test_for_in_a_map_directly_is_a_type_error() -> None:
    outcome = run(
        """
        - loop:
            for:
              value: key
              in: {"a": 1}
              steps:
                - s:
                    next: continue
        """
    )
    assert outcome.error["tags"] == ["TypeError"]


@pytest.mark.parametrize(
    ("bounds", "expected"),
    [
        ("[1, 5]", [1, 2, 3, 4, 5]),
        ("[3, 3]", [3]),
        ("[5, 1]", []),
        ("[1.5, 3]", [1.5, 2.5]),
        ("[-2, 0]", [-2, -1, 0]),
    ],
)
def test_range_is_inclusive(bounds: str, expected: list[Any]) -> None:
    source = f"""
    - init:
        assign:
          - out: []
    - loop:
        for:
          value: v
          range: {bounds}
          steps:
            - add:
                assign:
                  - out: ${{list.concat(out, v)}}
    - done:
        return: ${{out}}
    """
    assert result_of(source) == expected


def test_break_and_continue() -> None:
    assert result_of(
        """
        - init:
            assign:
              - seen: []
        - loop:
            for:
              value: v
              range: [1, 10]
              steps:
                - skip_even:
                    switch:
                      - condition: ${v % 2 == 0}
                        next: continue
                - stop:
                    switch:
                      - condition: ${v > 6}
                        next: break
                - keep:
                    assign:
                      - seen: ${list.concat(seen, v)}
        - done:
            return: ${seen}
        """
    ) == [1, 3, 5]


def test_loop_scope_sample_from_google() -> None:
    # The "loop scope" sample: workflowScope is updated in place, loop variables vanish.
    source = """
    - init:
        assign:
          - workflowScope: foo
    - outerLoop:
        for:
          value: outerLoopValue
          in: [1, 2, 3, 4]
          steps:
            - outerLoopAssign:
                assign:
                  - outerLoopScope: ${workflowScope}
            - innerLoop:
                for:
                  value: innerLoopValue
                  in: [5, 6, 7, 8]
                  steps:
                    - innerLoopAssign:
                        assign:
                          - workflowScope: ${innerLoopValue}
                          - innerLoopScope: ${outerLoopScope}
    - final:
        return:
          - ${workflowScope}
    """
    assert result_of(source) == [8]
    # The sample's commented-out returns are deployment errors (variables reference).
    for hidden in ("outerLoopScope", "innerLoopScope", "outerLoopValue"):
        with pytest.raises(WorkflowDefinitionError) as caught:
            run(source.replace("- ${workflowScope}", "- ${" + hidden + "}"))
        assert caught.value.line == 24, hidden
        assert f"symbol '{hidden}'" in caught.value.message


def test_return_inside_a_loop_returns_from_the_workflow() -> None:
    assert (
        result_of(
            """
            - loop:
                for:
                  value: v
                  in: [1, 2, 3]
                  steps:
                    - found:
                        switch:
                          - condition: ${v == 2}
                            return: ${v * 100}
            - none:
                return: nothing
            """
        )
        == 200
    )


# --- try / except / retry ----------------------------------------------------------------


def test_except_binds_the_error_map_and_execution_continues() -> None:
    assert result_of(
        """
        - init:  # an except's own variables are local to it (catching-errors page)
            assign:
              - caught: null
        - guarded:
            try:
              steps:
                - boom:
                    assign:
                      - m: {}
                      - x: ${m.missing}
            except:
              as: e
              steps:
                - handle:
                    assign:
                      - caught: ${e.tags}
        - after:
            return: ${caught}
        """
    ) == ["KeyError"]


def test_except_can_reraise_by_tag() -> None:
    outcome = run(
        """
        - guarded:
            try:
              steps:
                - boom:
                    raise:
                      tags: ["MyError"]
                      message: custom
            except:
              as: e
              steps:
                - check:
                    switch:
                      - condition: ${"OtherError" in e.tags}
                        return: handled
                - rethrow:
                    raise: ${e}
        """
    )
    assert outcome.error == {"tags": ["MyError"], "message": "custom"}


def test_try_with_a_single_call_and_no_error_keeps_the_result() -> None:
    assert (
        result_of(
            """
            - t:
                try:
                  call: text.to_lower
                  args:
                    source: ABC
                  result: low
                except:
                  as: e
                  steps:
                    - never:
                        return: wrong
            - done:
                return: ${low}
            """
        )
        == "abc"
    )


RETRY = """
main:
  steps:
    - init:
        assign:
          - attempts: 0
          - times: []
    - flaky:
        try:
          steps:
            - count:
                assign:
                  - attempts: ${attempts + 1}
                  - times: ${list.concat(times, sys.now())}
            - fail:
                switch:
                  - condition: ${attempts <= FAILURES}
                    raise:
                      tags: ["Transient"]
                      message: try again
        retry:
          predicate: ${only_transient}
          max_retries: 3
          backoff:
            initial_delay: 2
            max_delay: 5
            multiplier: 2
        except:
          as: e
          steps:
            - gave_up:
                return:
                  gave_up: ${attempts}
                  times: ${times}
    - done:
        return:
          attempts: ${attempts}
          times: ${times}
only_transient:
  params: [e]
  steps:
    - check:
        return: ${"Transient" in e.tags}
"""


def _retry_times(result: dict[str, Any]) -> list[float]:
    start = result["times"][0]
    return [t - start for t in result["times"]]


def test_retry_backoff_schedule_in_virtual_time() -> None:
    outcome = run(RETRY.replace("FAILURES", "2"))
    assert outcome.result["attempts"] == 3
    assert _retry_times(outcome.result) == [0, 2, 6]  # delays 2, then 2*2
    assert outcome.virtual_seconds == 6


def test_retry_delay_is_capped_by_max_delay_and_gives_up_after_max_retries() -> None:
    outcome = run(RETRY.replace("FAILURES", "10"))
    assert outcome.result["gave_up"] == 4  # the first attempt + 3 retries
    assert _retry_times(outcome.result) == [0, 2, 6, 11]  # delays 2, 4, min(8, 5)


def test_retry_predicate_refusing_stops_at_once() -> None:
    source = RETRY.replace("FAILURES", "10").replace('"Transient" in e.tags', "false")
    outcome = run(source)
    assert outcome.result["gave_up"] == 1
    assert outcome.virtual_seconds == 0


def test_retry_attempts_are_billed_as_steps() -> None:
    once = run(RETRY.replace("FAILURES", "0"))
    twice = run(RETRY.replace("FAILURES", "1"))
    # The failed attempt bills the try body (its `steps`, `count`, the `fail` switch and
    # the condition's raise) and the predicate's step: 5 more steps.
    assert twice.steps.internal - once.steps.internal == 5


def test_predefined_retry_policy_and_retry_always() -> None:
    source = """
    - init:
        assign:
          - attempts: 0
    - t:
        try:
          steps:
            - count:
                assign:
                  - attempts: ${attempts + 1}
            - fail:
                raise: always
        retry: POLICY
        except:
          as: e
          steps:
            - out:
                return: ${attempts}
    """
    policy = """
          predicate: ${retry.always}
          max_retries: 2
          backoff:
            initial_delay: 1
            max_delay: 10
            multiplier: 3"""
    outcome = run(source.replace(" POLICY", policy))
    assert outcome.result == 3
    assert outcome.virtual_seconds == 1 + 3
    never = run(source.replace(" POLICY", policy.replace("retry.always", "retry.never")))
    assert never.result == 1


def test_http_default_retry_retries_503_with_its_documented_backoff() -> None:
    # http.default_retry: 5 retries, delays 1, 1.25, 1.5625, ... (multiplier 1.25).
    source = """
    - init:
        assign:
          - attempts: 0
    - t:
        try:
          steps:
            - count:
                assign:
                  - attempts: ${attempts + 1}
            - fail:
                raise:
                  tags: ["HttpError"]
                  code: 503
                  message: unavailable
        retry: ${http.default_retry}
        except:
          as: e
          steps:
            - out:
                return: ${attempts}
    """
    outcome = run(source)
    assert outcome.result == 6
    assert outcome.virtual_seconds == pytest.approx(sum(1.25**i for i in range(5)))
