"""Every structural rejection of the compiler: the line it names and its whole message.

Google refuses these sources when deploying; the runtime must refuse them at load time,
with `FILE:LINE: message` naming the step (or subworkflow, branch, key) that is wrong and
what is allowed instead. The rules come from Google's syntax reference pages: syntax
overview ("File structure": a list of steps or a map of subworkflows with `main`),
subworkflows (`params`, `steps`), steps and jumps (`next`, `end`, `break`/`continue` only
in a `for` loop), assign (at most 50 assignments per step), calls (`call`, `args`,
`result`), switch (at most 50 conditions), iteration (`for` with `value`, `index`, exactly
one of `in`/`range`, `steps`), parallel steps (`shared`, `concurrency_limit`,
`exception_policy`, `branches`/`for`, at most 10 branches) and retry/catching errors
(`try`, `retry`, `except`). The limits are those of docs/runtime-interfaces.md ("Limits").
Each message is asserted whole: it is what a user reads to fix the source.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from workflow_runtime import Runtime, WorkflowDefinitionError


def rejection(source: str, runtime: Runtime | None = None) -> WorkflowDefinitionError:
    """The WorkflowDefinitionError raised when loading `source` (dedented, first line 1)."""
    with pytest.raises(WorkflowDefinitionError) as caught:
        (runtime or Runtime()).load(textwrap.dedent(source).lstrip("\n"))
    return caught.value


# name -> (source, line of the error, whole message)
CASES: dict[str, tuple[str, int, str]] = {
    "document is a scalar": (
        "just text\n",
        1,
        "a workflow is a list of steps or a map of subworkflows",
    ),
    "subworkflow is not a map": (
        "main: 1\n",
        1,
        "subworkflow 'main' must be a map with 'steps'",
    ),
    "unknown subworkflow key": (
        """
        main:
          steps:
            - a:
                return: 1
          returns: 1
        """,
        5,
        "subworkflow 'main': unknown key 'returns' (allowed: params, steps)",
    ),
    "params not a list": (
        """
        main:
          params: args
          steps:
            - a:
                return: 1
        """,
        2,
        "subworkflow 'main': params must be a list",
    ),
    "param with two keys": (
        """
        main:
          steps:
            - a:
                return: 1
        h:
          params: [{a: 1, b: 2}]
          steps:
            - r:
                return: 1
        """,
        6,
        "subworkflow 'h': a param is a name or a single 'name: default'",
    ),
    "main with two params": (
        """
        main:
          params: [a, b]
          steps:
            - s:
                return: 1
        """,
        2,
        "main takes at most one param (the runtime argument)",
    ),
    "subworkflow without steps": (
        """
        main:
          params: [a]
        """,
        1,
        "subworkflow 'main' has no 'steps'",
    ),
    "empty steps": (
        """
        main:
          steps: []
        """,
        2,
        "subworkflow 'main': 'steps' must be a non-empty list of steps",
    ),
    "steps not a list": (
        """
        - a:
            steps: 1
        """,
        2,
        "step 'a': 'steps' must be a non-empty list of steps",
    ),
    "step with two names": (
        """
        - a:
            return: 1
          b:
            return: 2
        """,
        1,
        "a step is a map with exactly one key: its name",
    ),
    "step that is a string": (
        """
        - a:
            assign:
              - x: 1
        - b
        """,
        4,
        "a step is a map with exactly one key: its name",
    ),
    "step body not a map": (
        "- a: 1\n",
        1,
        "step 'a': its body must be a map",
    ),
    "step named end": (
        """
        - end:
            return: 1
        """,
        1,
        "'end' is reserved and cannot name a step",
    ),
    "result without call": (
        """
        - a:
            assign:
              - x: 1
            result: r
        """,
        4,
        "step 'a': 'result' without 'call'",
    ),
    "empty step": (
        """
        - a:
            assign:
              - x: 1
        - b: {}
        """,
        4,
        "step 'b' is empty: give it a kind or a 'next'",
    ),
    "next not a name": (
        """
        - a:
            next: 1
        """,
        2,
        "step 'a': 'next' must be a step name",
    ),
    "continue outside a loop": (
        """
        - a:
            assign:
              - x: 1
            next: continue
        """,
        4,
        "step 'a': 'continue' outside a for loop",
    ),
    "assign not a list": (
        """
        - a:
            assign:
              x: 1
        """,
        2,
        "step 'a': 'assign' must be a non-empty list",
    ),
    "assign empty": (
        """
        - a:
            assign: []
        """,
        2,
        "step 'a': 'assign' must be a non-empty list",
    ),
    "assignment with two targets": (
        """
        - a:
            assign:
              - x: 1
                y: 2
        """,
        3,
        "step 'a': each assignment is one 'target: value'",
    ),
    "assignment target syntax error": (
        """
        - a:
            assign:
              - 'x[': 1
        """,
        3,
        "step 'a': invalid assignment target 'x[': unexpected end of expression (at character 2)",
    ),
    "unknown function in a target index": (
        """
        - a:
            assign:
              - m: {}
              - m[nope(1)]: 1
        """,
        4,
        "step 'a': unknown function 'nope' in an expression",
    ),
    "call not a name": (
        """
        - a:
            call: 1
        """,
        2,
        "step 'a': 'call' must name a function",
    ),
    "call empty": (
        """
        - a:
            call: ''
        """,
        2,
        "step 'a': 'call' must name a function",
    ),
    "args a scalar": (
        """
        - a:
            call: sys.log
            args: 1
        """,
        3,
        "step 'a': 'args' must be a map of argument names or a list",
    ),
    "result not a name": (
        """
        - a:
            call: sys.now
            result: [r]
        """,
        3,
        "step 'a': 'result' must be a name",
    ),
    "connector with positional args": (
        """
        - a:
            call: googleapis.storage.v1.objects.get
            args: [b, o]
        """,
        2,
        "step 'a': connector 'googleapis.storage.v1.objects.get' takes named args (a map)",
    ),
    "too many positional args": (
        """
        - a:
            call: sys.sleep
            args: [1, 2]
        """,
        2,
        "step 'a': 'sys.sleep' takes at most 1 arguments, 2 given",
    ),
    "argument of a function without params": (
        """
        - a:
            call: sys.now
            args:
              x: 1
        """,
        2,
        "step 'a': 'sys.now' has no argument 'x' (it takes: nothing)",
    ),
    "switch not a list": (
        """
        - a:
            switch:
              condition: true
        """,
        2,
        "step 'a': 'switch' must be a non-empty list",
    ),
    "switch empty": (
        """
        - a:
            switch: []
        """,
        2,
        "step 'a': 'switch' must be a non-empty list",
    ),
    "switch item without condition": (
        """
        - a:
            switch:
              - next: b
        - b:
            return: 1
        """,
        3,
        "step 'a': each switch item needs 'condition'",
    ),
    "switch item unknown key": (
        """
        - a:
            switch:
              - condition: true
                goto: b
        - b:
            return: 1
        """,
        4,
        "step 'a': unknown key 'goto' in a condition "
        "(allowed: args, assign, call, next, raise, result, return, steps)",
    ),
    "more than 50 conditions": (
        "- a:\n    switch:\n" + "      - condition: true\n        next: b\n" * 51 + "- b:\n    return: 1\n",
        2,
        "step 'a': 51 conditions, more than the limit of 50",
    ),
    "for not a map": (
        """
        - a:
            for: [1]
        """,
        2,
        "step 'a': 'for' must be a map",
    ),
    "for unknown key": (
        """
        - a:
            for:
              value: v
              in: [1]
              step: 2
              steps:
                - s:
                    return: 1
        """,
        5,
        "step 'a': unknown key 'step' in 'for' (allowed: in, index, range, steps, value)",
    ),
    "for value not a name": (
        """
        - a:
            for:
              value: [v]
              in: [1]
              steps:
                - s:
                    return: 1
        """,
        3,
        "step 'a': 'value' must be a name",
    ),
    "for index not a name": (
        """
        - a:
            for:
              value: v
              index: 1
              in: [1]
              steps:
                - s:
                    return: 1
        """,
        4,
        "step 'a': 'index' must be a name",
    ),
    "for without value": (
        """
        - a:
            for:
              in: [1]
              steps:
                - s:
                    return: 1
        """,
        2,
        "step 'a': 'for' needs 'value'",
    ),
    "for without in or range": (
        """
        - a:
            for:
              value: v
              steps:
                - s:
                    return: 1
        """,
        2,
        "step 'a': 'for' needs exactly one of 'in' and 'range'",
    ),
    "for without steps": (
        """
        - a:
            for:
              value: v
              in: [1]
        """,
        2,
        "step 'a': 'for' needs 'steps'",
    ),
    "range of three": (
        """
        - a:
            for:
              value: v
              range: [1, 2, 3]
              steps:
                - s:
                    return: 1
        """,
        4,
        "step 'a': 'range' is [start, end]",
    ),
    "parallel not a map": (
        """
        - a:
            parallel: [1]
        """,
        2,
        "step 'a': 'parallel' must be a map",
    ),
    "parallel unknown key": (
        """
        - a:
            parallel:
              limit: 2
              branches:
                - b:
                    steps:
                      - s:
                          return: 1
        """,
        3,
        "step 'a': unknown key 'limit' in 'parallel' "
        "(allowed: branches, concurrency_limit, exception_policy, for, shared)",
    ),
    "parallel without branches or for": (
        """
        - a:
            parallel:
              shared: []
        """,
        2,
        "step 'a': 'parallel' needs exactly one of branches/for",
    ),
    "parallel with branches and for": (
        """
        - a:
            parallel:
              branches:
                - b:
                    steps:
                      - s:
                          return: 1
              for:
                value: v
                in: [1]
                steps:
                  - t:
                      return: 1
        """,
        2,
        "step 'a': 'parallel' needs exactly one of branches/for",
    ),
    "shared not a list": (
        """
        - a:
            parallel:
              shared: x
              branches:
                - b:
                    steps:
                      - s:
                          return: 1
        """,
        3,
        "step 'a': 'shared' is a list of names",
    ),
    "shared holds a non-name": (
        """
        - a:
            parallel:
              shared: [1]
              branches:
                - b:
                    steps:
                      - s:
                          return: 1
        """,
        3,
        "step 'a': 'shared' is a list of names",
    ),
    "concurrency_limit zero": (
        """
        - a:
            parallel:
              concurrency_limit: 0
              branches:
                - b:
                    steps:
                      - s:
                          return: 1
        """,
        3,
        "step 'a': concurrency_limit must be a positive int",
    ),
    "concurrency_limit negative": (
        """
        - a:
            parallel:
              concurrency_limit: -1
              branches:
                - b:
                    steps:
                      - s:
                          return: 1
        """,
        3,
        "step 'a': concurrency_limit must be a positive int",
    ),
    "concurrency_limit float": (
        """
        - a:
            parallel:
              concurrency_limit: 1.5
              branches:
                - b:
                    steps:
                      - s:
                          return: 1
        """,
        3,
        "step 'a': concurrency_limit must be a positive int",
    ),
    "concurrency_limit bool": (
        """
        - a:
            parallel:
              concurrency_limit: true
              branches:
                - b:
                    steps:
                      - s:
                          return: 1
        """,
        3,
        "step 'a': concurrency_limit must be a positive int",
    ),
    "branches not a list": (
        """
        - a:
            parallel:
              branches:
                b:
                  steps: []
        """,
        3,
        "step 'a': 'branches' must be a non-empty list",
    ),
    "branches empty": (
        """
        - a:
            parallel:
              branches: []
        """,
        3,
        "step 'a': 'branches' must be a non-empty list",
    ),
    "branch with two names": (
        """
        - a:
            parallel:
              branches:
                - b:
                    steps:
                      - s:
                          return: 1
                  c:
                    steps:
                      - t:
                          return: 1
        """,
        4,
        "step 'a': a branch is 'name: {steps: ...}'",
    ),
    "branch with a key besides steps": (
        """
        - a:
            parallel:
              branches:
                - b:
                    params: [x]
                    steps:
                      - s:
                          return: 1
        """,
        4,
        "branch 'b' must contain only 'steps'",
    ),
    "branch body not a map": (
        """
        - a:
            parallel:
              branches:
                - b: 1
        """,
        4,
        "branch 'b' must contain only 'steps'",
    ),
    "duplicate branch name": (
        """
        - a:
            parallel:
              branches:
                - b:
                    steps:
                      - s:
                          return: 1
                - b:
                    steps:
                      - t:
                          return: 1
        """,
        8,
        "duplicate branch name 'b'",
    ),
    "break inside a branch": (
        """
        - a:
            parallel:
              branches:
                - b:
                    steps:
                      - s:
                          next: break
        """,
        7,
        "step 's': 'break' outside a for loop",
    ),
    "branch jumps to an outer step": (
        """
        - a:
            parallel:
              branches:
                - b:
                    steps:
                      - s:
                          next: after
        - after:
            return: 1
        """,
        7,
        "step 's': next 'after' is not a step of this block or an enclosing one "
        "(jumps cannot enter nested steps or leave a loop, branch or subworkflow)",
    ),
    "try without retry or except": (
        """
        - a:
            try:
              call: sys.now
        """,
        1,
        "step 'a': 'try' needs 'retry' or 'except'",
    ),
    "try not a map": (
        """
        - a:
            try: 1
            retry: ${http.default_retry}
        """,
        2,
        "step 'a': 'try' must be a map (steps, call, ...)",
    ),
    "next inside try": (
        """
        - a:
            try:
              call: sys.now
              next: b
            retry: ${http.default_retry}
        - b:
            return: 1
        """,
        4,
        "step 'a': put 'next' on the try step",
    ),
    "retry a plain string": (
        """
        - a:
            try:
              call: sys.now
            retry: default
        """,
        4,
        "step 'a': 'retry' is a policy map or an expression",
    ),
    "except not a map": (
        """
        - a:
            try:
              call: sys.now
            except: [1]
        """,
        4,
        "step 'a': 'except' needs 'steps' (and 'as')",
    ),
    "except unknown key": (
        """
        - a:
            try:
              call: sys.now
            except:
              as: e
              next: b
              steps:
                - s:
                    return: 1
        - b:
            return: 1
        """,
        6,
        "step 'a': unknown key 'next' in 'except' (allowed: as, steps)",
    ),
    "except as not a name": (
        """
        - a:
            try:
              call: sys.now
            except:
              as: [e]
              steps:
                - s:
                    return: 1
        """,
        4,
        "step 'a': 'as' must be a variable name",
    ),
    "retry unknown key": (
        """
        - a:
            try:
              call: sys.now
            retry:
              predicate: ${http.default_retry_predicate}
              max_retries: 2
              delay: 1
        """,
        4,
        "step 'a': unknown key 'delay' in 'retry' (allowed: backoff, max_retries, predicate)",
    ),
    "retry without predicate": (
        """
        - a:
            try:
              call: sys.now
            retry:
              max_retries: 2
        """,
        4,
        "step 'a': 'retry' needs 'predicate'",
    ),
    "backoff not a map": (
        """
        - a:
            try:
              call: sys.now
            retry:
              predicate: ${http.default_retry_predicate}
              max_retries: 2
              backoff: 2
        """,
        4,
        "step 'a': 'backoff' must be a map",
    ),
    "backoff unknown key": (
        """
        - a:
            try:
              call: sys.now
            retry:
              predicate: ${http.default_retry_predicate}
              max_retries: 2
              backoff:
                initial_delay: 1
                factor: 2
        """,
        4,
        "step 'a': unknown key 'factor' in 'backoff' (allowed: initial_delay, max_delay, multiplier)",
    ),
    "predicate not an expression": (
        """
        - a:
            try:
              call: sys.now
            retry:
              predicate: http.default_retry_predicate
              max_retries: 2
        """,
        4,
        "step 'a': 'predicate' must be an expression like ${f}",
    ),
    "malformed expression nested in a map": (
        """
        - a:
            return:
              ok: 1
              bad: ${1 +}
        """,
        4,
        "step 'a': invalid expression '${1 +}': unexpected end of expression (at character 3)",
    ),
    "malformed expression as a map key": (
        """
        - a:
            return:
              ok: 1
              ${1 +}: 2
        """,
        4,
        "step 'a': invalid expression '${1 +}': unexpected end of expression (at character 3)",
    ),
    "malformed expression in a list": (
        """
        - a:
            return:
              - ok
              - [1, '${x +}']
        """,
        4,
        "step 'a': invalid expression '${x +}': unexpected end of expression (at character 3)",
    ),
    "variable read outside the for loop that assigns it": (
        """
        - a:
            for:
              value: v
              in: [1]
              steps:
                - s:
                    assign:
                      - x: 1
        - b:
            return: ${x}
        """,
        10,
        "step 'b': symbol 'x' is neither a variable nor a sub-workflow name here: it is assigned "
        "only inside for loop 'a' (line 2), and a variable created there is local to it "
        "(Google's variables reference, 'Variable scope'); assign it before that step to use "
        "it outside",
    ),
    "name nothing assigns": (
        """
        - a:
            return: ${y}
        """,
        2,
        "step 'a': symbol 'y' is neither a variable nor a sub-workflow name "
        "(no param has that name and no step assigns it)",
    ),
    "branch with no steps": (
        """
        - a:
            parallel:
              branches:
                - b:
                    steps: []
        """,
        5,
        "branch 'b': 'steps' must be a non-empty list of steps",
    ),
    "for loop with no steps": (
        """
        - a:
            for:
              value: v
              in: [1]
              steps: []
        """,
        5,
        "for loop 'a': 'steps' must be a non-empty list of steps",
    ),
    "parallel for loop with no steps": (
        """
        - a:
            parallel:
              for:
                value: v
                in: [1]
                steps: {}
        """,
        6,
        "parallel for loop 'a': 'steps' must be a non-empty list of steps",
    ),
    "except block with no steps": (
        """
        - a:
            try:
              call: sys.now
            except:
              as: e
              steps: []
        """,
        6,
        "the except block of step 'a': 'steps' must be a non-empty list of steps",
    ),
    "variable read outside the parallel branch that assigns it": (
        """
        - a:
            parallel:
              branches:
                - b:
                    steps:
                      - s:
                          assign:
                            - x: 1
        - c:
            return: ${x}
        """,
        10,
        "step 'c': symbol 'x' is neither a variable nor a sub-workflow name here: it is assigned "
        "only inside parallel branch 'b' of step 'a' (line 4), and a variable created there is "
        "local to it (Google's variables reference, 'Variable scope'); assign it before that "
        "step to use it outside",
    ),
    "variable read outside the parallel for loop that assigns it": (
        """
        - a:
            parallel:
              for:
                value: v
                in: [1]
                steps:
                  - s:
                      assign:
                        - x: 1
        - c:
            return: ${x}
        """,
        11,
        "step 'c': symbol 'x' is neither a variable nor a sub-workflow name here: it is assigned "
        "only inside parallel for loop 'a' (line 3), and a variable created there is local to "
        "it (Google's variables reference, 'Variable scope'); assign it before that step to use "
        "it outside",
    ),
    "variable read outside the except block that assigns it": (
        """
        - a:
            try:
              call: sys.now
            except:
              as: e
              steps:
                - s:
                    assign:
                      - x: 1
        - c:
            return: ${x}
        """,
        11,
        "step 'c': symbol 'x' is neither a variable nor a sub-workflow name here: it is assigned "
        "only inside the except block of step 'a' (line 4), and a variable created there is "
        "local to it (Google's variables reference, 'Variable scope'); assign it before that "
        "step to use it outside",
    ),
    "map of subworkflows without main": (
        """
        helper:
          steps:
            - a:
                return: 1
        """,
        1,
        "workflow has no 'main' subworkflow",
    ),
    "malformed expression in a for loop's in": (
        """
        - a:
            for:
              value: v
              in: ${[1,}
              steps:
                - s:
                    return: 1
        """,
        4,
        "step 'a': invalid expression '${[1,}': unexpected end of expression (at character 3)",
    ),
    "malformed expression in a for loop's range": (
        """
        - a:
            for:
              value: v
              range: ${1 +}
              steps:
                - s:
                    return: 1
        """,
        4,
        "step 'a': invalid expression '${1 +}': unexpected end of expression (at character 3)",
    ),
    "malformed expression in a concurrency_limit": (
        """
        - a:
            parallel:
              concurrency_limit: ${1 +}
              branches:
                - b:
                    steps:
                      - s:
                          return: 1
        """,
        3,
        "step 'a': invalid expression '${1 +}': unexpected end of expression (at character 3)",
    ),
    "malformed expression in call args": (
        """
        - a:
            call: sys.log
            args:
              text: ${1 +}
        """,
        4,
        "step 'a': invalid expression '${1 +}': unexpected end of expression (at character 3)",
    ),
    "malformed expression in a raise": (
        """
        - a:
            raise: ${"x" +}
        """,
        2,
        "step 'a': invalid expression '${\"x\" +}': unexpected end of expression (at character 5)",
    ),
    "unknown key on a step with no kind": (
        """
        - a:
            next: b
            foo: 1
        - b:
            return: 1
        """,
        3,
        "step 'a': unknown key 'foo' (a next step allows: next)",
    ),
    "unknown argument of a function with several params": (
        """
        - a:
            call: sys.log
            args:
              msg: x
        """,
        2,
        "step 'a': 'sys.log' has no argument 'msg' (it takes: data, json, severity, text, timeout)",
    ),
    "missing required subworkflow arguments": (
        """
        main:
          steps:
            - a:
                call: greet
        greet:
          params: [first, last]
          steps:
            - r:
                return: 1
        """,
        4,
        "step 'a': 'greet' needs argument(s) first, last",
    ),
    "malformed retry expression": (
        """
        - a:
            try:
              call: sys.now
            retry: ${http.default_retry +}
        """,
        4,
        "step 'a': invalid expression '${http.default_retry +}': "
        "unexpected end of expression (at character 20)",
    ),
    "undefined name inside call arguments": (
        """
        - a:
            return: ${len(y)}
        """,
        2,
        "step 'a': symbol 'y' is neither a variable nor a sub-workflow name "
        "(no param has that name and no step assigns it)",
    ),
    "unknown function nested in call arguments": (
        """
        - a:
            return: ${len(nope.f(1))}
        """,
        2,
        "step 'a': unknown function 'nope.f' in an expression",
    ),
    "empty list of steps as the document": (
        "[]\n",
        1,
        "subworkflow 'main': 'steps' must be a non-empty list of steps",
    ),
    "two undefined names: the first by line is reported, whatever its scope": (
        """
        - a:
            for:
              value: v
              in: [1]
              steps:
                - s:
                    return: ${p}
        - b:
            return: ${q}
        """,
        7,
        "step 's': symbol 'p' is neither a variable nor a sub-workflow name "
        "(no param has that name and no step assigns it)",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_malformed_source_is_refused_at_its_line_with_a_message_naming_the_fault(case: str) -> None:
    source, line, message = CASES[case]
    error = rejection(source)
    assert (error.file, error.line, error.message) == ("<string>", line, message)


def test_a_library_file_must_be_a_map_of_subworkflows(tmp_path: Path) -> None:
    lib = tmp_path / "lib.yaml"
    lib.write_text("- a:\n    return: 1\n", encoding="utf-8")
    error = rejection("- a:\n    return: 2\n", Runtime(library=[lib]))
    assert (error.file, error.line, error.message) == (str(lib), 1, "a library file is a map of subworkflows")


def test_a_subworkflow_defined_in_two_library_files_names_both(tmp_path: Path) -> None:
    first, second = tmp_path / "first.yaml", tmp_path / "second.yaml"
    first.write_text("helper:\n  steps:\n    - a:\n        return: 1\n", encoding="utf-8")
    second.write_text(
        "other:\n  steps:\n    - a:\n        return: 1\nhelper:\n  steps:\n    - a:\n        return: 2\n",
        encoding="utf-8",
    )
    error = rejection("- a:\n    return: 3\n", Runtime(library=[first, second]))
    assert (error.file, error.line) == (str(second), 5)
    assert error.message == f"subworkflow 'helper' is also defined in {first}; rename one of them"


# --- what Google accepts loads: each limit is inclusive, each rule has its allowed form ---

ACCEPTED: dict[str, str] = {
    "50 assignments in one step": "- a:\n    assign:\n" + "".join(f"      - x{i}: {i}\n" for i in range(50)),
    "50 switch conditions": (
        "- a:\n    switch:\n" + "      - condition: true\n        next: b\n" * 50 + "- b:\n    return: 1\n"
    ),
    "10 parallel branches": "- a:\n    parallel:\n      branches:\n"
    + "".join(
        f"        - b{i}:\n            steps:\n              - s{i}:\n                  return: 1\n"
        for i in range(10)
    ),
    "an expression of exactly 400 characters as a map key": (
        "- a:\n    return:\n      '${\"" + "k" * 395 + "\"}': 1\n"
    ),
    "concurrency_limit of 1": """
        - a:
            parallel:
              concurrency_limit: 1
              branches:
                - b:
                    steps:
                      - s:
                          return: 1
        """,
    "concurrency_limit given by an expression": """
        - init:
            assign:
              - n: 2
        - a:
            parallel:
              concurrency_limit: ${n}
              for:
                value: v
                in: [1, 2]
                steps:
                  - s:
                      return: 1
        """,
    "break and continue inside a for loop inside a branch": """
        - a:
            parallel:
              branches:
                - b:
                    steps:
                      - loop:
                          for:
                            value: v
                            range: [1, 3]
                            steps:
                              - skip:
                                  switch:
                                    - condition: ${v == 1}
                                      next: continue
                              - stop:
                                  next: break
        """,
    "a jump from nested steps to a step of an enclosing block": """
        - a:
            steps:
              - inner:
                  next: after
        - skipped:
            return: 0
        - after:
            return: 1
        """,
    "a jump from an except block to a step after the try": """
        - a:
            try:
              call: sys.now
            except:
              as: e
              steps:
                - handle:
                    next: after
        - after:
            return: 1
        """,
    "positional args filling every param": """
        - a:
            call: sys.log
            args: [x, INFO, null, null, 1]
        """,
    # docs/runtime-interfaces.md, "Deploy-time checks": a stdlib function and `googleapis`
    # are global names, readable anywhere without being assigned.
    "reads of a stdlib function name and of googleapis": """
        - a:
            assign:
              - f: ${len}
              - g: ${googleapis.storage}
        """,
    "main with its one runtime argument": """
        main:
          params: [args]
          steps:
            - a:
                return: ${args}
        """,
    "a retry policy map with a backoff": """
        - a:
            try:
              call: sys.now
            retry:
              predicate: ${http.default_retry_predicate}
              max_retries: 2
              backoff:
                initial_delay: 1
                max_delay: 10
                multiplier: 2
        """,
}


@pytest.mark.parametrize("case", sorted(ACCEPTED))
def test_the_allowed_form_of_each_rule_loads(case: str) -> None:
    Runtime().load(textwrap.dedent(ACCEPTED[case]).lstrip("\n"))
