"""assign, call, return, raise, next/end, nested steps and switch, on the engine."""

from __future__ import annotations

import pytest

from tests.runtime.helpers import result_of, run_error


def test_assign_runs_in_order_and_later_assignments_see_earlier_ones() -> None:
    assert result_of(
        """
            - a:
                assign:
                  - x: 1
                  - y: ${x + 1}
                  - x: ${x + y}
            - b:
                return: ${[x, y]}
            """
    ) == [3, 2]


def test_assign_map_keys_as_in_googles_maps_page() -> None:
    # The "update map" example of the Maps reference page.
    assert result_of(
        """
        - update_map:
            assign:
              - my_map: {"Key1": "hello"}
              - key_str: "Key"
              - my_map.Key1: "Value1"
              - my_map["Key2"]: "Value2"
              - my_map[key_str + "3"]: "Value3"
        - done:
            return: ${my_map}
        """
    ) == {"Key1": "Value1", "Key2": "Value2", "Key3": "Value3"}


def test_assign_creates_missing_intermediate_maps() -> None:
    assert result_of(
        """
        - a:
            assign:
              - m: {}
              - m.b.c: 1
              - m["x"]["y"]: 2
        - done:
            return: ${m}
        """
    ) == {"b": {"c": 1}, "x": {"y": 2}}


def test_assign_list_index_and_out_of_range_is_an_index_error() -> None:
    assert result_of(
        """
        - a:
            assign:
              - l: [1, 2, 3]
              - i: 1
              - l[i + 1]: 30
              - l[0]: ${l[1] * 10}
        - done:
            return: ${l}
        """
    ) == [20, 2, 30]
    error = run_error(
        """
        - a:
            assign:
              - l: [1]
              - l[5]: 0
        """
    )
    assert error["tags"] == ["IndexError"]


def test_assign_into_a_string_is_a_type_error() -> None:
    error = run_error(
        """
        - a:
            assign:
              - s: "text"
              - s.field: 1
        """
    )
    assert error["tags"] == ["TypeError"]


def test_assign_to_undefined_root_is_a_key_error() -> None:
    assert run_error("- a:\n    assign:\n      - nothing.b: 1\n")["tags"] == ["KeyError"]


def test_reading_an_unset_variable_is_a_key_error() -> None:
    # `missing` is a variable of the workflow (so deploying accepts it), but the branch
    # that would set it does not run.
    source = """
    - a:
        switch:
          - condition: ${false}
            assign:
              - missing: 1
    - b:
        return: ${missing}
    """
    assert run_error(source)["tags"] == ["KeyError"]


def test_workflow_without_return_returns_null() -> None:
    assert result_of("- a:\n    assign:\n      - x: 1\n") is None


def test_main_param_receives_the_runtime_argument_and_its_default() -> None:
    source = """
    main:
      params: [args]
      steps:
        - done:
            return: ${args}
    """
    assert result_of(source, {"a": 1}) == {"a": 1}
    with_default = """
    main:
      params: [{args: {"a": 2}}]
      steps:
        - done:
            return: ${args.a}
    """
    assert result_of(with_default) == 2


def test_raise_a_string_and_a_map() -> None:
    assert run_error("- a:\n    raise: boom\n") == "boom"
    assert run_error(
        """
        - a:
            raise:
              code: 55
              message: ${"bad " + "thing"}
        """
    ) == {"code": 55, "message": "bad thing"}


def test_next_jumps_backwards_to_form_a_loop() -> None:
    assert (
        result_of(
            """
            - init:
                assign:
                  - i: 0
            - inc:
                assign:
                  - i: ${i + 1}
            - check:
                switch:
                  - condition: ${i < 5}
                    next: inc
            - done:
                return: ${i}
            """
        )
        == 5
    )


def test_next_end_stops_the_workflow_with_null() -> None:
    assert (
        result_of(
            """
            - a:
                assign:
                  - x: 1
                next: end
            - b:
                return: 2
            """
        )
        is None
    )


def test_a_step_with_only_next_jumps() -> None:
    assert (
        result_of(
            """
            - a:
                next: c
            - b:
                return: skipped
            - c:
                return: reached
            """
        )
        == "reached"
    )


def test_jump_out_of_nested_steps_to_an_outer_step() -> None:
    assert (
        result_of(
            """
            - outer:
                steps:
                  - inner1:
                      assign:
                        - x: 1
                      next: after
                  - inner2:
                      return: not here
            - skipped:
                return: nor here
            - after:
                return: ${x}
            """
        )
        == 1
    )


def test_nested_steps_share_the_subworkflow_scope() -> None:
    assert (
        result_of(
            """
            - outer:
                steps:
                  - inner:
                      assign:
                        - created_inside: 7
            - done:
                return: ${created_inside}
            """
        )
        == 7
    )


SWITCH = """
main:
  params: [n]
  steps:
    - init:
        assign:
          - kind: none
    - classify:
        switch:
          - condition: ${n < 0}
            return: negative
          - condition: ${n == 0}
            raise: zero
          - condition: ${n < 10}
            assign:
              - kind: small
          - condition: ${n < 100}
            steps:
              - medium:
                  assign:
                    - kind: medium
          - condition: ${n == 1000}
            next: thousand
        next: after_switch
    - skipped:
        return: skipped
    - after_switch:
        return: ${kind}
    - thousand:
        return: exactly 1000
"""


@pytest.mark.parametrize(
    ("n", "expected"),
    [(-1, "negative"), (5, "small"), (50, "medium"), (500, "none"), (1000, "exactly 1000")],
)
def test_switch_runs_the_first_true_condition_then_the_switch_next(n: int, expected: str) -> None:
    # An action without its own jump continues at the switch's `next`, like Google's
    # "nested steps inside a switch, then next: STEP_NAME_D" example; so does no match.
    assert result_of(SWITCH, n) == expected


def test_switch_without_next_continues_with_the_following_step() -> None:
    source = SWITCH.replace("        next: after_switch\n", "")
    assert result_of(source, 5) == "skipped"
    assert result_of(source, 500) == "skipped"


def test_switch_condition_can_raise() -> None:
    assert run_error(SWITCH, 0) == "zero"


def test_switch_condition_must_be_boolean() -> None:
    error = run_error(
        """
        - s:
            switch:
              - condition: ${1}
                next: end
        """
    )
    assert error["tags"] == ["TypeError"]


def test_switch_with_true_default_condition_like_googles_sample() -> None:
    # Google's switch sample: the last `condition: true` acts as the default.
    source = """
    main:
      params: [args]
      steps:
        - first_step:
            switch:
              - condition: ${args.value < 10}
                next: small
              - condition: true
                next: large
        - small:
            return: small
        - large:
            return: large
    """
    assert result_of(source, {"value": 3}) == "small"
    assert result_of(source, {"value": 30}) == "large"


def test_call_stdlib_function_with_named_args_and_result() -> None:
    assert (
        result_of(
            """
            - a:
                call: text.to_upper
                args:
                  source: hello
                result: upper
            - b:
                call: math.max
                args:
                  x: 3
                  y: 9
                result: biggest
            - done:
                return: ${upper + string(biggest)}
            """
        )
        == "HELLO9"
    )


def test_stdlib_errors_are_catchable_error_maps() -> None:
    error = run_error('- a:\n    return: ${int("abc")}\n')
    assert error["tags"] == ["ValueError"]


def test_assignment_copies_values_instead_of_sharing_them() -> None:
    assert result_of(
        """
        - a:
            assign:
              - template: {"kind": "base", "tags": [1]}
              - copy: ${template}
              - copy.kind: derived
              - copy.tags[0]: 2
        - done:
            return: ${[template, copy]}
        """
    ) == [{"kind": "base", "tags": [1]}, {"kind": "derived", "tags": [2]}]
