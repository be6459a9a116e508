"""An in-memory Cloud Storage bucket behind the storage connectors, for cost benchmarks
at sizes the emulator cannot list quickly (100,000 objects).

It answers objects.list (prefix, matchGlob with Google's glob rules, startOffset,
pageToken, maxResults capped at 1000, fields), objects.get (metadata or alt=media JSON),
objects.insert (uploadType media) and objects.delete (ifGenerationMatch) the way the
emulator-backed connectors do; tools/bench_costs checks that both give the same counts
on a small bucket before it trusts this one."""

from __future__ import annotations

import json
from bisect import bisect_left
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from workflow_runtime.connectors import ConnectorSpec
from workflow_runtime.connectors.errors import api_error, from_api_error
from workflow_runtime.connectors.gcs_glob import compile_glob
from workflow_runtime.connectors.names import rfc3339
from workflow_runtime.connectors.partial_response import parse_fields, select

PREFIX = "googleapis.storage.v1.objects."


@dataclass
class Stored:
    """One object: content and the metadata retention reads."""

    body: Any
    updated: float
    generation: int


class InMemoryBucket:
    """Objects by name; `connectors()` replaces the storage connectors of a WorkflowEnv."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.objects: dict[str, Stored] = {}
        self._names: list[str] = []
        self._generation = 0

    def put(self, name: str, body: Any, updated: float) -> None:
        """Store `body` under `name`, last written at `updated` (epoch seconds)."""
        self._generation += 1
        if name not in self.objects:
            index = bisect_left(self._names, name)
            self._names.insert(index, name)
        self.objects[name] = Stored(body, updated, self._generation)

    def names(self) -> list[str]:
        """Every object name, sorted."""
        return list(self._names)

    def _remove(self, name: str) -> None:
        del self.objects[name]
        self._names.pop(bisect_left(self._names, name))

    def _metadata(self, name: str) -> dict[str, Any]:
        stored = self.objects[name]
        return {
            "kind": "storage#object",
            "bucket": self.name,
            "name": name,
            "generation": str(stored.generation),
            "metageneration": "1",
            "size": str(len(json.dumps(stored.body))),
            "contentType": "application/json",
            "updated": rfc3339(stored.updated),
            "timeCreated": rfc3339(stored.updated),
        }

    def _list(self, ctx: Any, args: Mapping[str, Any]) -> Any:
        prefix = args.get("prefix") or ""
        glob = args.get("matchGlob")
        pattern = compile_glob(glob) if glob else None
        start = max(args.get("startOffset") or "", prefix)
        # The token is the next name (not an index): deletes between pages shift indexes.
        index = bisect_left(self._names, args.get("pageToken") or start)
        size = min(int(args.get("maxResults") or 1000), 1000)
        items: list[dict[str, Any]] = []
        while index < len(self._names) and len(items) < size:
            name = self._names[index]
            if not name.startswith(prefix):
                break
            index += 1
            if pattern is None or pattern.match(name):
                items.append(self._metadata(name))
        page: dict[str, Any] = {"kind": "storage#objects"}
        if items:
            page["items"] = items
        if index < len(self._names) and self._names[index].startswith(prefix):
            page["nextPageToken"] = self._names[index]
        fields = args.get("fields")
        return select(page, parse_fields(fields)) if fields else page

    def _get(self, ctx: Any, args: Mapping[str, Any]) -> Any:
        name = unquote(args["object"])
        if name not in self.objects:
            raise from_api_error(api_error(404, f"No such object: {self.name}/{name}"))
        return self.objects[name].body if args.get("alt") == "media" else self._metadata(name)

    def _insert(self, ctx: Any, args: Mapping[str, Any]) -> Any:
        self.put(args["name"], args.get("body"), ctx.clock.now())
        return self._metadata(args["name"])

    def _delete(self, ctx: Any, args: Mapping[str, Any]) -> None:
        name = unquote(args["object"])
        if name not in self.objects:
            raise from_api_error(api_error(404, f"No such object: {self.name}/{name}"))
        expected = args.get("ifGenerationMatch")
        if expected is not None and int(expected) != self.objects[name].generation:
            raise from_api_error(
                api_error(412, "At least one of the pre-conditions you specified did not hold.")
            )
        self._remove(name)

    def connectors(self, existing: Mapping[str, ConnectorSpec]) -> dict[str, ConnectorSpec]:
        """`existing` with the storage object connectors answered from this bucket."""
        ours: dict[str, Callable[[Any, Mapping[str, Any]], Any]] = {
            PREFIX + "list": self._list,
            PREFIX + "get": self._get,
            PREFIX + "insert": self._insert,
            PREFIX + "delete": self._delete,
        }
        return {**existing, **{name: ConnectorSpec(name, impl) for name, impl in ours.items()}}
