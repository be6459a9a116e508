"""How stdlib modules declare their functions and constants, called directly.

`Registry.function` and retry's `_policy` run when their modules are imported, so the
tests that use the standard library only see their results; these call them again.
"""

from __future__ import annotations

from typing import Any

import pytest

from workflow_runtime.errors import WorkflowError
from workflow_runtime.expressions import FunctionRef
from workflow_runtime.stdlib import CONSTANTS, retry
from workflow_runtime.stdlib.spec import FunctionSpec, Registry


def pad(ctx: Any, text: str, width: int, fill: str = " ") -> str:
    """A sample function: `text` right-aligned in `width` characters of `fill`."""
    if width < 0:
        raise RecursionError  # stands for Python running out of stack on a deep value
    return text.rjust(width, fill)


def test_a_new_registry_is_empty() -> None:
    assert Registry().specs == {}


def test_a_registered_function_gets_its_spec_from_its_signature() -> None:
    registry = Registry()
    assert registry.function("text.pad")(pad) is pad  # the decorator returns the function
    spec = registry.specs["text.pad"]
    assert isinstance(spec, FunctionSpec)
    assert spec.name == "text.pad"
    assert spec.params == ("text", "width", "fill")  # `ctx` is the runtime's
    assert spec.required == 2  # the parameters without a default
    assert spec.impl(None, "a", 3) == "  a"
    assert spec.impl(None, "a", 3, "-") == "--a"
    assert spec.impl.__name__ == "pad"


def test_a_registry_keeps_every_function() -> None:
    registry = Registry()
    registry.function("text.pad")(pad)
    registry.function("text.pad_again")(pad)
    assert sorted(registry.specs) == ["text.pad", "text.pad_again"]
    assert registry.specs["text.pad_again"].name == "text.pad_again"


def test_a_registered_function_turns_recursion_errors_into_workflow_errors() -> None:
    registry = Registry()
    registry.function("text.pad")(pad)
    with pytest.raises(WorkflowError) as caught:
        registry.specs["text.pad"].impl(None, "a", -1)
    assert caught.value.value["tags"] == ["RecursionError"]
    assert caught.value.value["message"] == "text.pad: value nested too deeply"


def test_the_policy_builder_makes_the_documented_http_policies() -> None:
    # http/default_retry page: retries up to 5 times, "backoff as per retry.default_backoff".
    assert retry._policy("retry.always") == {
        "predicate": FunctionRef("retry.always"),
        "max_retries": 5,
        "backoff": {"initial_delay": 1, "max_delay": 60, "multiplier": 1.25},
    }
    assert CONSTANTS["http.default_retry"] == retry._policy("http.default_retry_predicate")
