"""Syntax tree of a Workflows expression (the text inside `${...}`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Expr:
    """Base class of every node; `offset` is where the node starts in the source."""

    offset: int


@dataclass(frozen=True)
class Literal(Expr):
    """null, a boolean, a number or a string."""

    value: Any


@dataclass(frozen=True)
class ListLiteral(Expr):
    """`[a, b, ...]`."""

    items: tuple[Expr, ...]


@dataclass(frozen=True)
class MapLiteral(Expr):
    """`{"k": v, ...}`."""

    entries: tuple[tuple[Expr, Expr], ...]


@dataclass(frozen=True)
class Name(Expr):
    """A variable reference, or the root of a stdlib member like `http.default_retry`."""

    name: str


@dataclass(frozen=True)
class Attribute(Expr):
    """`target.name`."""

    target: Expr
    name: str


@dataclass(frozen=True)
class Index(Expr):
    """`target[index]`."""

    target: Expr
    index: Expr


@dataclass(frozen=True)
class Call(Expr):
    """`dotted.function(args...)`, positional arguments only."""

    function: str
    args: tuple[Expr, ...]


@dataclass(frozen=True)
class Unary(Expr):
    """`-x` or `not x`."""

    op: str
    operand: Expr


@dataclass(frozen=True)
class Binary(Expr):
    """`left op right` for arithmetic, comparison, `in`, `and`, `or`."""

    op: str
    left: Expr
    right: Expr
