"""What a `for` loop (sequential or parallel) iterates over."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from workflow_runtime.engine import model as m
from workflow_runtime.engine.scopes import Frame
from workflow_runtime.errors import make_error
from workflow_runtime.expressions import resolve, type_name


def loop_frames(
    loop: m.ForLoop, frame: Frame, *, parallel: bool = False, shared: frozenset[str] = frozenset()
) -> Iterator[tuple[int, Frame]]:
    """(index, frame) per iteration: a child frame of `frame` (a parallel one when
    `parallel`) holding the loop's value and index variables. The items are evaluated
    once, up front; each frame is made when its iteration is reached."""
    for index, value in _loop_items(loop, frame):
        inner = frame.child(shared=shared, parallel=parallel)
        inner.define(loop.value, value)
        if loop.index is not None:
            inner.define(loop.index, index)
        yield index, inner


def _loop_items(loop: m.ForLoop, frame: Frame) -> list[tuple[int, Any]]:
    """(index, value) pairs of a for loop's `in` list or inclusive `range`."""
    if loop.items is not None:
        items = resolve(loop.items, frame)
        if not isinstance(items, list):
            raise make_error(
                "TypeError",
                f"for: 'in' must be a list, got {type_name(items)} (use keys(map) for a map)",
            )
        return list(enumerate(items))
    assert loop.range is not None
    bounds = resolve(loop.range, frame)
    if (
        not isinstance(bounds, list)
        or len(bounds) != 2
        or not all(isinstance(b, int | float) and not isinstance(b, bool) for b in bounds)
    ):
        raise make_error("TypeError", "for: 'range' must be [start, end] of numbers")
    start, end = bounds
    values: list[Any] = []
    current = start
    while current <= end:
        values.append(current)
        current = current + 1
    return list(enumerate(values))
