"""Checks registered inputs against pulumi-gcp's own input types, as a real preview would.

The mock engine accepts any property; the provider does not. pulumi-gcp ships every input
shape as a TypedDict (`<Resource><Field>ArgsDict`), so each registered input (camelCase,
as the engine receives it) can be walked against the resource's parameters and those
TypedDicts: a misspelt or unknown key anywhere is reported with its path.
"""

from __future__ import annotations

import importlib
import inspect
import re
from collections.abc import Iterator, Mapping
from typing import Any

# A field whose type names an input shape; scalars and free-form maps (labels, headers,
# userEnvVars: any key allowed) name none.
_ARGS_DICT = re.compile(r"ForwardRef\('(\w+ArgsDict)'\)")


def snake_case(name: str) -> str:
    """`serviceAccountEmail` -> `service_account_email` (the SDK's key translation, reversed)."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def unknown_inputs(type_token: str, inputs: Mapping[str, Any]) -> list[str]:
    """Paths of input keys that the resource's pulumi-gcp input types do not declare."""
    module_name, class_name = _module_and_class(type_token)
    module = importlib.import_module(f"pulumi_gcp.{module_name}")
    resource_class = getattr(module, class_name)
    parameters = inspect.signature(resource_class._internal_init).parameters
    fields = {name: str(p.annotation) for name, p in parameters.items() if name not in ("self", "opts")}
    return list(_walk(module, fields, inputs, class_name))


def _module_and_class(type_token: str) -> tuple[str, str]:
    # "gcp:cloudscheduler/job:Job" -> ("cloudscheduler", "Job")
    _, module_path, class_name = type_token.split(":")
    return module_path.split("/")[0], class_name


def _walk(module: Any, fields: Mapping[str, str], value: Mapping[str, Any], path: str) -> Iterator[str]:
    for key, item in value.items():
        name = snake_case(key)
        where = f"{path}.{key}"
        if name not in fields:
            yield where
            continue
        nested = _ARGS_DICT.search(fields[name])
        if nested is None:
            continue
        shape = getattr(module, nested.group(1))
        nested_fields = {field: str(hint) for field, hint in shape.__annotations__.items()}
        for element in item if isinstance(item, list) else [item]:
            if isinstance(element, Mapping):
                yield from _walk(module, nested_fields, element, where)
