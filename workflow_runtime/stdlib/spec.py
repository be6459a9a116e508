"""Function specs and argument checking shared by every stdlib module."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from workflow_runtime.errors import make_error
from workflow_runtime.expressions.values import describe, is_int


@dataclass(frozen=True)
class FunctionSpec:
    """A callable Workflows function: `impl(ctx, *args)`, or `impl(ctx, **named_args)`."""

    name: str  # "text.find_all_regex"
    params: tuple[str, ...]  # parameter names, for `call:` steps with named `args:`
    required: int  # how many leading params are required
    impl: Callable[..., Any]


class Registry:
    """Collects the FunctionSpecs of one stdlib module through the `function` decorator."""

    def __init__(self) -> None:
        self.specs: dict[str, FunctionSpec] = {}

    def function(self, name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Register `impl(ctx, p1, p2=default, ...)` as `name`; params come from its signature."""

        def register(impl: Callable[..., Any]) -> Callable[..., Any]:
            params = list(inspect.signature(impl).parameters.values())[1:]
            required = sum(1 for p in params if p.default is inspect.Parameter.empty)
            guarded = _guard_recursion(name, impl)
            self.specs[name] = FunctionSpec(name, tuple(p.name for p in params), required, guarded)
            return impl

        return register


def _guard_recursion(name: str, impl: Callable[..., Any]) -> Callable[..., Any]:
    """Turn Python's RecursionError (values nested thousands deep) into a workflow error."""

    @functools.wraps(impl)
    def guarded(ctx: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return impl(ctx, *args, **kwargs)
        except RecursionError:
            raise make_error("RecursionError", f"{name}: value nested too deeply") from None

    return guarded


def check_arity(spec: FunctionSpec, args: list[Any]) -> None:
    """Raise a TypeError error map when a call passes too few or too many arguments."""
    count = len(args)
    most = len(spec.params)
    if spec.required <= count <= most:
        return
    if spec.required == most:
        expected = f"{most} argument{'s' if most != 1 else ''}"
    else:
        expected = f"{spec.required} to {most} arguments"
    signature = ", ".join(spec.params)
    raise make_error("TypeError", f"{spec.name}({signature}) takes {expected}, but {count} were given")


_KIND_CHECKS: dict[str, Callable[[Any], bool]] = {
    "string": lambda v: isinstance(v, str),
    "int": is_int,
    "double": lambda v: isinstance(v, float),
    "number": lambda v: is_int(v) or isinstance(v, float),
    "boolean": lambda v: isinstance(v, bool),
    "list": lambda v: isinstance(v, list),
    "map": lambda v: isinstance(v, dict),
    "bytes": lambda v: isinstance(v, bytes),
    "null": lambda v: v is None,
}


def expect(function: str, param: str, value: Any, *kinds: str) -> None:
    """Raise a TypeError error map unless `value` is one of the Workflows `kinds`."""
    if any(_KIND_CHECKS[kind](value) for kind in kinds):
        return
    wanted = " or ".join(kinds)
    raise make_error(
        "TypeError",
        f"{function}: argument '{param}' must be {_article(wanted)} {wanted}, got {describe(value)}",
    )


def _article(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"


def value_error(function: str, message: str) -> Exception:
    """A ValueError error map naming the function."""
    return make_error("ValueError", f"{function}: {message}")
