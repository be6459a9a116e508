"""Every event a workflow publishes declares its content type (`datacontenttype`).

Workflows publish custom events with `http.post` to the Eventarc Publishing API (there is
no connector); the body is `{"jsonMessage": "<CloudEvent in JSON>"}` or `{"protoMessage":
{...}}`. The pipelines read `data` as JSON (components/triggers.py), and the CloudEvents
spec makes `datacontenttype` the attribute that says how to read `data`, so every
publisher in the project states it: `application/json`. The Pulumi program runs this check
on every deployable source before registering any resource.

Accepted forms (what a reviewer can verify at a glance):
- `jsonMessage: ${json.encode_to_string(NAME)}` where NAME is assigned, in the same
  subworkflow, a map with `datacontenttype: application/json`;
- `jsonMessage: '<literal JSON>'` whose object has `"datacontenttype": "application/json"`;
- `protoMessage` whose `attributes.datacontenttype.ceString` is `application/json`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

import yaml

CONTENT_TYPE = "application/json"
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_ENCODED_NAME = re.compile(r"^\$\{\s*json\.encode_to_string\(\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)\s*\}$")


class PublishError(ValueError):
    """A workflow publishes an event without `datacontenttype: application/json`."""


def publish_problems(workflow: str, definition: Any) -> list[str]:
    """One line per publishing step of `definition` that does not declare the content type."""
    subworkflows = definition if isinstance(definition, Mapping) else {"main": {"steps": definition}}
    problems: list[str] = []
    for sub_name, sub in subworkflows.items():
        steps = sub.get("steps", []) if isinstance(sub, Mapping) else []
        named = list(_steps(steps))
        assigned = dict(_assignments(body for _, body in named))
        for step_name, body in named:
            message = _message(body)
            if message is not None and not _declares_json(message, assigned):
                problems.append(
                    f"{workflow}: step {step_name!r} of {sub_name} publishes an event without "
                    f"datacontenttype: build the event as a map with `datacontenttype: {CONTENT_TYPE}` "
                    "and send `jsonMessage: ${json.encode_to_string(event)}`"
                )
    return problems


def check_publishers(sources: Mapping[str, str]) -> None:
    """Raise PublishError listing every offending step of {workflow: deployable source text}."""
    problems = [
        line
        for name, text in sources.items()
        for line in publish_problems(name, yaml.load(text, Loader=_LOADER))
    ]
    if problems:
        raise PublishError(
            "events published without a content type:\n" + "\n".join(f"  - {p}" for p in problems)
        )


def _steps(steps: Any) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """(name, body) of every step, at any depth (switch, try/except, for, parallel)."""
    items = steps if isinstance(steps, list) else []
    for item in items:
        if not isinstance(item, Mapping):
            continue
        for name, body in item.items():
            if isinstance(body, Mapping):
                yield from _step_tree(str(name), body)


def _step_tree(name: str, body: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    yield name, body
    yield from _steps(body.get("steps"))
    attempt = body.get("try")
    if isinstance(attempt, Mapping):  # a `steps:` block or one inline step
        yield from _step_tree(f"{name}.try", attempt)
    for key in ("except", "for"):
        nested = body.get(key)
        if isinstance(nested, Mapping):
            yield from _steps(nested.get("steps"))
    parallel = body.get("parallel")
    if isinstance(parallel, Mapping):
        yield from _steps(parallel.get("branches"))
        loop = parallel.get("for")
        if isinstance(loop, Mapping):
            yield from _steps(loop.get("steps"))
    for index, condition in enumerate(body.get("switch") or []):
        if isinstance(condition, Mapping):  # a condition may hold a call or steps itself
            yield from _step_tree(f"{name}.switch[{index}]", condition)


def _assignments(bodies: Iterator[Mapping[str, Any]]) -> Iterator[tuple[str, Any]]:
    for body in bodies:
        for item in body.get("assign") or []:
            if isinstance(item, Mapping):
                yield from ((str(k), v) for k, v in item.items())


def _message(body: Mapping[str, Any]) -> Any | None:
    """The jsonMessage / protoMessage of a publishing http call; None for other steps."""
    if body.get("call") not in ("http.post", "http.request"):
        return None
    payload = (body.get("args") or {}).get("body")
    if not isinstance(payload, Mapping):
        return None
    for key in ("jsonMessage", "protoMessage"):
        if key in payload:
            return {key: payload[key]}
    return None


def _declares_json(message: Mapping[str, Any], assigned: Mapping[str, Any]) -> bool:
    if "protoMessage" in message:
        proto = message["protoMessage"]
        attribute = (
            ((proto or {}).get("attributes") or {}).get("datacontenttype")
            if isinstance(proto, Mapping)
            else None
        )
        return isinstance(attribute, Mapping) and attribute.get("ceString") == CONTENT_TYPE
    text = message["jsonMessage"]
    if not isinstance(text, str):
        return False
    encoded = _ENCODED_NAME.match(text.strip())
    if encoded:
        event = assigned.get(encoded.group(1))
        return isinstance(event, Mapping) and event.get("datacontenttype") == CONTENT_TYPE
    try:
        literal = json.loads(text)
    except ValueError:
        return False
    return isinstance(literal, Mapping) and literal.get("datacontenttype") == CONTENT_TYPE
