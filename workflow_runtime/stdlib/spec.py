"""Function specs and argument checking shared by every stdlib module."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, TypeVar, overload

from workflow_runtime.errors import make_error
from workflow_runtime.expressions.values import describe, is_int


@dataclass(frozen=True)
class FunctionSpec:
    """A callable Workflows function: `impl(ctx, *args)`, or `impl(ctx, **named_args)`."""

    name: str  # "text.find_all_regex"
    params: tuple[str, ...]  # parameter names, for `call:` steps with named `args:`
    required: int  # how many leading params are required
    impl: Callable[..., Any]


# A function registered by `Registry.function`, which returns it unchanged (typed as it was).
Impl = TypeVar("Impl", bound=Callable[..., Any])


class Registry:
    """Collects the FunctionSpecs of one stdlib module through the `function` decorator."""

    def __init__(self) -> None:
        self.specs: dict[str, FunctionSpec] = {}

    def function(self, name: str) -> Callable[[Impl], Impl]:
        """Register `impl(ctx, p1, p2=default, ...)` as `name`; params come from its signature."""

        def register(impl: Impl) -> Impl:
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


# With one kind, `expect` returns the value typed as that kind's Python type (the check in
# _KIND_CHECKS guarantees it), so a caller can use it without a cast.
@overload
def expect(function: str, param: str, value: Any, kind: Literal["string"], /) -> str: ...
@overload
def expect(function: str, param: str, value: Any, kind: Literal["int"], /) -> int: ...
@overload
def expect(function: str, param: str, value: Any, kind: Literal["double"], /) -> float: ...
@overload
def expect(function: str, param: str, value: Any, kind: Literal["boolean"], /) -> bool: ...
@overload
def expect(function: str, param: str, value: Any, kind: Literal["list"], /) -> list[Any]: ...
@overload
def expect(function: str, param: str, value: Any, kind: Literal["map"], /) -> dict[str, Any]: ...
@overload
def expect(function: str, param: str, value: Any, kind: Literal["bytes"], /) -> bytes: ...
@overload
def expect(function: str, param: str, value: Any, *kinds: str) -> Any: ...
def expect(function: str, param: str, value: Any, *kinds: str) -> Any:
    """Return `value` if it is one of the Workflows `kinds`, else raise a TypeError error map."""
    if any(_KIND_CHECKS[kind](value) for kind in kinds):
        return value
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
