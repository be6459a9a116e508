"""`list` and `map` modules. Every function returns a new value; arguments stay unchanged."""

from __future__ import annotations

from typing import Any

from workflow_runtime.expressions.values import copy_map, copy_value
from workflow_runtime.stdlib.spec import Registry, expect

registry = Registry()


@registry.function("list.concat")
def list_concat(ctx: Any, objs: Any, val: Any) -> list[Any]:
    """A copy of the list with `val` appended."""
    expect("list.concat", "objs", objs, "list")
    return [*copy_value(objs), copy_value(val)]


@registry.function("list.prepend")
def list_prepend(ctx: Any, objs: Any, val: Any) -> list[Any]:
    """A copy of the list with `val` inserted first."""
    expect("list.prepend", "objs", objs, "list")
    return [copy_value(val), *copy_value(objs)]


@registry.function("map.get")
def map_get(ctx: Any, map: Any, keys: Any) -> Any:
    """The value under a key, or under a path of keys (a list).

    Documented as a safe lookup: null when the key is absent or a value on the path is
    not a map (including `map` itself); only a bad `keys` argument is an error.
    """
    expect("map.get", "keys", keys, "string", "list")
    path = [keys] if isinstance(keys, str) else keys
    for key in path:
        expect("map.get", "keys", key, "string")
    value: Any = map
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return copy_value(value)


@registry.function("map.merge")
def map_merge(ctx: Any, first: Any, second: Any) -> dict[str, Any]:
    """Shallow merge: keys of `second` replace those of `first`."""
    base = expect("map.merge", "first", first, "map")
    updates = expect("map.merge", "second", second, "map")
    return copy_map({**base, **updates})


@registry.function("map.merge_nested")
def map_merge_nested(ctx: Any, first: Any, second: Any) -> dict[str, Any]:
    """Deep merge: maps under the same key merge recursively, other values from `second` win."""
    base = expect("map.merge_nested", "first", first, "map")
    updates = expect("map.merge_nested", "second", second, "map")
    return _merge_nested(base, updates)


def _merge_nested(first: dict[str, Any], second: dict[str, Any]) -> dict[str, Any]:
    result = copy_map(first)
    for key, value in second.items():
        if isinstance(result.get(key), dict) and isinstance(value, dict):
            result[key] = _merge_nested(result[key], value)
        else:
            result[key] = copy_value(value)
    return result


@registry.function("map.delete")
def map_delete(ctx: Any, map: Any, key: Any) -> dict[str, Any]:
    """A copy of the map without `key` (no error when it is absent)."""
    expect("map.delete", "map", map, "map")
    expect("map.delete", "key", key, "string")
    return {k: copy_value(v) for k, v in map.items() if k != key}
