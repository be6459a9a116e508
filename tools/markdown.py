"""Markdown table lines, the format every benchmark and report in tools/ prints."""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def row(cells: Iterable[str]) -> str:
    """One table line: `| a | b |`."""
    return "| " + " | ".join(cells) + " |"


def table(header: Sequence[str], alignments: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A whole table; `alignments` holds one `---` / `---:` per column."""
    return "\n".join([row(header), row(alignments), *(row(cells) for cells in rows)])
