"""Control signals a step hands back to its block: return, jump, break, continue."""

from __future__ import annotations

from typing import Any


class Return:
    """Control signal: the (sub)workflow returns `value`."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


class Jump:
    """Control signal: continue at the step named `target` (in this or an outer block)."""

    __slots__ = ("target",)

    def __init__(self, target: str) -> None:
        self.target = target


class _Signal:
    """A named singleton control signal."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


BREAK = _Signal("break")
CONTINUE = _Signal("continue")
Control = Return | Jump | _Signal | None


def next_control(target: str) -> Control:
    """The control signal of a `next:` value."""
    if target == "end":
        return Return(None)
    if target == "break":
        return BREAK
    if target == "continue":
        return CONTINUE
    return Jump(target)
