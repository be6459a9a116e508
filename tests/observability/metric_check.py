"""Checks one log filter (with its label and value extractors) against collected log entries.

`filter_problems` returns what is wrong, as sentences, so a test can assert an empty list
and a failing run says which entry or field broke; the control test feeds it a metric on
a field nothing logs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from tests.observability.logging_query import as_double, matches, parse_extractor, parse_filter

Intended = Callable[[Mapping[str, Any]], bool]


def payload(entry: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The jsonPayload of an entry, or None for text entries."""
    value = entry.get("jsonPayload")
    return value if isinstance(value, Mapping) else None


def filter_problems(
    name: str,
    filter_text: str,
    label_extractors: Mapping[str, str],
    value_extractor: str | None,
    entries: Sequence[Mapping[str, Any]],
    intended: Intended,
) -> list[str]:
    """What is wrong with `name`: entries matched but not meant for it (or the reverse),
    nothing meant for it at all, labels or values nothing yields, unsettled conversions."""
    node = parse_filter(filter_text)
    matched = [e for e in entries if matches(node, e)]
    meant = [e for e in entries if (p := payload(e)) is not None and intended(p)]
    problems: list[str] = []
    if not meant:
        problems.append(f"{name}: no workflow execution logged an entry meant for it")
    problems += [f"{name}: matches an entry not meant for it: {_show(e)}" for e in matched if e not in meant]
    problems += [f"{name}: misses an entry meant for it: {_show(e)}" for e in meant if e not in matched]
    for key, text in label_extractors.items():
        extractor = parse_extractor(text)
        values = [extractor.extract(e) for e in matched]
        if matched and all(v is None for v in values):
            problems.append(f"{name}: label {key} ({text}) is empty on every matched entry")
        problems += [
            f"{name}: label {key} extracts a {type(v).__name__}, not a string: {v!r}"
            for v in values
            if v is not None and not isinstance(v, str)
        ]
        if extractor.regex is not None:
            problems += [
                f"{name}: label {key} differs between a partial and a full regex match on {_show(e)}"
                for e in matched
                if extractor.extract(e) != extractor.extract_full_match(e)
            ]
    if value_extractor is not None:
        extractor = parse_extractor(value_extractor)
        problems += [
            f"{name}: value {value_extractor} is not a number on {_show(e)}"
            for e in matched
            if as_double(extractor.extract(e)) is None
        ]
    return problems


def _show(entry: Mapping[str, Any]) -> str:
    body = payload(entry)
    return str(dict(body) if body is not None else entry.get("textPayload"))[:200]
