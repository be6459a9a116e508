"""The pure part of the Workflows standard library (no clock, no I/O).

Public API (see docs/runtime-interfaces.md): `FunctionSpec`, `lookup_function`,
`PURE_FUNCTIONS`. Also `STDLIB_MODULES` (re-exported from expressions.modules),
`module_member` / `member_value` (what `${http.default_retry}` and
`${http.default_retry.max_retries}` evaluate to) and `call_pure` (check arity, then call).
"""

from __future__ import annotations

from typing import Any

from workflow_runtime.errors import make_error
from workflow_runtime.expressions.modules import STDLIB_MODULES
from workflow_runtime.expressions.values import FunctionRef, copy_value, field_value
from workflow_runtime.stdlib import codecs, containers, core, numeric, retry, text, timefmt
from workflow_runtime.stdlib.spec import FunctionSpec, check_arity

PURE_FUNCTIONS: dict[str, FunctionSpec] = {}
for _registry in (
    core.registry,
    codecs.registry,
    containers.registry,
    numeric.registry,
    retry.registry,
    text.registry,
    timefmt.registry,
):
    PURE_FUNCTIONS.update(_registry.specs)

# Constants reachable as module members, e.g. `retry: ${http.default_retry}`.
CONSTANTS: dict[str, Any] = dict(retry.CONSTANTS)

# Modules whose functions the engine provides (PART 2); their members are FunctionRefs
# even though they are not in PURE_FUNCTIONS.
RUNTIME_MODULES = frozenset({"events", "experimental", "http", "sys", "uuid"})


def lookup_function(name: str) -> FunctionSpec | None:
    """The pure stdlib function with this dotted name, or None."""
    return PURE_FUNCTIONS.get(name)


def module_member(dotted: str) -> Any:
    """Value of a stdlib member reference: a copy of a constant, or a FunctionRef."""
    if dotted in CONSTANTS:
        return copy_value(CONSTANTS[dotted])
    if dotted in PURE_FUNCTIONS or dotted.split(".", 1)[0] in RUNTIME_MODULES:
        return FunctionRef(dotted)
    raise make_error("KeyError", f"standard library has no member named {dotted}")


def member_value(path: list[str]) -> Any:
    """The value of `module.member[.field...]` (path split at the dots): a constant's
    fields may follow it, as in `http.default_retry.max_retries`."""
    for length in range(2, len(path)):
        dotted = ".".join(path[:length])
        if dotted in CONSTANTS:
            value = module_member(dotted)
            for name in path[length:]:
                value = field_value(value, name)
            return value
    return module_member(".".join(path))


def call_pure(name: str, args: list[Any]) -> Any:
    """Call a pure function by name with positional args (arity checked)."""
    spec = PURE_FUNCTIONS.get(name)
    if spec is None:
        raise make_error("KeyError", f"function not found: {name}")
    check_arity(spec, args)
    return spec.impl(None, *args)


__all__ = [
    "CONSTANTS",
    "PURE_FUNCTIONS",
    "STDLIB_MODULES",
    "FunctionSpec",
    "call_pure",
    "lookup_function",
    "member_value",
    "module_member",
]
