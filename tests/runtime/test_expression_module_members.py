"""`module.member[.more]` references: which dotted paths name a standard library member.

A path rooted at a module name (not shadowed by a variable) is read as one dotted name:
a constant, whose fields may follow (`http.default_retry.max_retries`), or a function,
whose name may have three parts (Google's `experimental.executions.run`, page
cloud.google.com/workflows/docs/reference/stdlib/experimental.executions/run).
"""

from __future__ import annotations

from tests.runtime.helpers import ev, ev_error
from workflow_runtime.expressions import FunctionRef


def test_a_three_part_function_name_is_one_reference() -> None:
    assert ev("experimental.executions.run") == FunctionRef("experimental.executions.run")


def test_a_constant_s_fields_follow_it() -> None:
    assert ev("http.default_retry.backoff.max_delay") == 60


def test_a_path_under_a_function_is_no_member() -> None:
    # Not "a function has no fields": the whole dotted name is what the library lacks.
    assert ev_error("text.split.x") == {
        "tags": ["KeyError"],
        "message": "standard library has no member named text.split.x",
    }
