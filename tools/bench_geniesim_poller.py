"""Benchmark: genie-sim-import-poller's API calls and billed steps against bucket size.

For each size, a fresh bucket on a local fake-gcs-server holds N scenes of 100 objects
each: one `geniesim/job.json` (completed), its per-job import marker (completed: the
steady state, nothing to start) and 98 other objects (episodes, assets). One poller run is
measured: connector calls by name (the API requests it makes), billed steps, wall time.
The original's scan (objects.list of every object under scenes/, 1,000 per page) is shown
for comparison as the pages it would need.

Run: `.venv/bin/python -m tools.bench_geniesim_poller [--scenes 10 100 1000]`.

Storage: the counts do not depend on how fast objects are served, and fake-gcs-server
cannot hold 100,000 objects usefully (its memory backend slows down with every upload,
its filesystem backend walks every file for each listing page), so the sizes are served
by `MemoryStorage`, an in-process stand-in for the emulator's list / get / media answers.
The smallest size is also run on fake-gcs-server and must give the same counts, which
checks the stand-in.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from urllib.parse import quote, unquote

from components.catalog import load_catalog
from components.env import workflow_env
from components.sources import workflow_source
from components.stack_files import load_stack
from workflow_runtime.connectors import ConnectorSpec
from workflow_runtime.connectors.errors import ApiError
from workflow_runtime.connectors.gcs_client import GcsClient, RawResponse
from workflow_runtime.connectors.gcs_emulator import GcsEmulator
from workflow_runtime.engine import Limits
from workflow_runtime.fakes import Services
from workflow_runtime.testing import WorkflowEnv

POLLER = "genie-sim-import-poller"
OBJECTS_PER_SCENE = 100
ORIGINAL_PAGE = 1000


def count_connector_calls(services: Services) -> Counter[str]:
    """From now on, count every connector call `services` serves, by name."""
    calls: Counter[str] = Counter()

    def counting(name: str, impl: Callable[[Any, Mapping[str, Any]], Any]) -> Callable[..., Any]:
        def call(ctx: Any, args: Mapping[str, Any]) -> Any:
            calls[name] += 1
            return impl(ctx, args)

        return call

    services.connectors = {
        name: ConnectorSpec(name, counting(name, spec.impl)) for name, spec in services.connectors.items()
    }
    return calls


def scene_objects(i: int) -> list[tuple[str, bytes]]:
    """The OBJECTS_PER_SCENE objects of scene i: an imported, completed job and 98 others."""
    scene, job = f"scene_{i:05d}", f"job_{i:05d}"
    objects: list[tuple[str, Any]] = [
        (f"scenes/{scene}/geniesim/job.json", {"job_id": job, "scene_id": scene, "status": "completed"}),
        (
            f"scenes/{scene}/geniesim/idempotency/import/{job}.json",
            {"scene_id": scene, "job_id": job, "status": "completed"},
        ),
    ]
    objects += [(f"scenes/{scene}/episodes/geniesim_{job}/ep_{k:03d}.json", {"k": k}) for k in range(98)]
    return [(name, json.dumps(body).encode()) for name, body in objects]


class MemoryStorage:
    """The part of GcsClient the poller's steady state uses (object list with prefix and
    paging, object metadata, media), answering from a dict like fake-gcs-server would."""

    def __init__(self) -> None:
        self.buckets: dict[str, dict[str, bytes]] = {}

    def create_bucket(self, name: str, project: str = "test-project") -> None:
        """An empty bucket."""
        self.buckets[name] = {}

    def put(self, bucket: str, name: str, data: bytes) -> None:
        """Store one JSON object."""
        self.buckets[bucket][name] = data

    def request_json(self, method: str, path: str, **kwargs: Any) -> Any:
        """`request` and parse the JSON body."""
        return self.request(method, path, **kwargs).json()

    def request(
        self, method: str, path: str, *, query: Mapping[str, Any] | None = None, **_: Any
    ) -> RawResponse:
        """Answer GET list / metadata / media; anything else is a bench bug."""
        parts = path.split("/")  # "", storage, v1, b, BUCKET, o[, NAME]
        if method != "GET" or parts[1:4] != ["storage", "v1", "b"] or parts[5:6] != ["o"]:
            raise NotImplementedError(f"MemoryStorage does not answer {method} {path}")
        objects, query = self.buckets[parts[4]], dict(query or {})
        if len(parts) == 6:
            return self._list(parts[4], objects, query)
        name = unquote(parts[6])
        if name not in objects:
            raise ApiError(404, {"error": {"code": 404, "message": "Not Found"}}, {})
        if query.get("alt") == "media":
            return RawResponse(200, {"Content-Type": "application/json"}, objects[name])
        return _json_response(self._metadata(parts[4], name, objects[name]))

    def _list(self, bucket: str, objects: dict[str, bytes], query: dict[str, Any]) -> RawResponse:
        prefix = unquote(str(query.get("prefix") or ""))
        names = sorted(n for n in objects if n.startswith(prefix) and n > str(query.get("pageToken") or ""))
        page = names[: int(query.get("maxResults") or 1000)]
        body: dict[str, Any] = {"kind": "storage#objects"}
        if page:
            body["items"] = [self._metadata(bucket, n, objects[n]) for n in page]
        if len(names) > len(page):
            body["nextPageToken"] = page[-1]
        return _json_response(body)

    @staticmethod
    def _metadata(bucket: str, name: str, data: bytes) -> dict[str, Any]:
        return {
            "kind": "storage#object",
            "name": name,
            "bucket": bucket,
            "generation": "1",
            "metageneration": "1",
            "contentType": "application/json",
            "size": str(len(data)),
        }


def _json_response(body: Any) -> RawResponse:
    return RawResponse(200, {"Content-Type": "application/json"}, json.dumps(body).encode())


def seed(storage: Any, bucket: str, scenes: int) -> None:
    """`scenes` scenes of OBJECTS_PER_SCENE objects in a new bucket."""
    storage.create_bucket(bucket)
    for i in range(scenes):
        for name, data in scene_objects(i):
            if isinstance(storage, MemoryStorage):
                storage.put(bucket, name, data)
            else:
                storage.request(
                    "POST",
                    f"/upload/storage/v1/b/{bucket}/o",
                    query={"uploadType": "media", "name": quote(name, safe="")},
                    body=data,
                    content_type="application/json",
                )


def measure(storage: Any, scenes: int) -> dict[str, Any]:
    """Seed a bucket with `scenes` scenes and measure one poller run over it."""
    bucket = f"bench-poller-{scenes}"
    seed(storage, bucket, scenes)
    env = WorkflowEnv(storage, bucket)
    env.runtime.limits = Limits(max_steps=1_000_000)
    spec = load_catalog().workflows[POLLER]
    env.deployment.source = workflow_source
    env.deploy(POLLER, spec.path, env=workflow_env(spec, load_stack("prod")) | {"PRIMARY_BUCKET": bucket})
    calls = count_connector_calls(env.services)
    started = time.perf_counter()
    outcome = env.run(POLLER, {"bucket": bucket})
    elapsed = time.perf_counter() - started
    if outcome.state != "SUCCEEDED" or outcome.result["counts"]["imported"] != scenes:
        raise SystemExit(f"poller run failed or miscounted: {outcome.error or outcome.result}")
    objects = scenes * OBJECTS_PER_SCENE
    return {
        "scenes": scenes,
        "objects": objects,
        "job_files": outcome.result["job_files"],
        "list_calls": calls["googleapis.storage.v1.objects.list"],
        "api_calls": sum(calls.values()),
        "billed_steps": outcome.steps.total,
        "original_list_pages": math.ceil(objects / ORIGINAL_PAGE),
        "wall_seconds": elapsed,
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark for each size and print a table."""
    parser = argparse.ArgumentParser(prog="python -m tools.bench_geniesim_poller")
    parser.add_argument("--scenes", type=int, nargs="+", default=[10, 100, 1000])
    args = parser.parse_args(argv)
    rows = [measure(MemoryStorage(), n) for n in args.scenes]
    emulator = GcsEmulator()
    emulator.start()
    try:
        on_emulator = measure(GcsClient(emulator.url), min(args.scenes))
    finally:
        emulator.stop()
    counted = ("job_files", "list_calls", "api_calls", "billed_steps")
    reference = next(row for row in rows if row["scenes"] == min(args.scenes))
    if any(on_emulator[key] != reference[key] for key in counted):
        raise SystemExit(f"MemoryStorage and fake-gcs-server disagree: {reference} vs {on_emulator}")
    header = (
        "scenes",
        "objects",
        "job files",
        "list calls",
        "API calls",
        "billed steps",
        "steps/job",
        "original list pages",
        "wall s",
    )
    print(" | ".join(header))
    for row in rows:
        print(
            " | ".join(
                str(value)
                for value in (
                    row["scenes"],
                    row["objects"],
                    row["job_files"],
                    row["list_calls"],
                    row["api_calls"],
                    row["billed_steps"],
                    f"{row['billed_steps'] / row['job_files']:.1f}",
                    row["original_list_pages"],
                    f"{row['wall_seconds']:.2f}",
                )
            )
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
