"""Benchmark: genie-sim-import-poller's API calls and billed steps against bucket size.

For each size, a fresh bucket on a local fake-gcs-server holds N scenes of 100 objects
each: one `geniesim/job.json` (completed), its per-job import marker (completed: the
steady state, nothing to start) and 98 other objects (episodes, assets). One poller run is
measured: connector calls by name (the API requests it makes), billed steps, wall time.
The original's scan (objects.list of every object under scenes/, 1,000 per page) is shown
for comparison as the pages it would need.

Run: `.venv/bin/python -m tools.bench_geniesim_poller [--scenes 10 100 1000]`.
Seeding uploads the objects over kept-alive connections from a few threads to a
fake-gcs-server on its filesystem backend in a temporary folder (its memory backend and its
`-data` preload slow down with every object already in the bucket: unusable for 100,000).
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import quote, urlsplit

from components.catalog import load_catalog
from components.env import workflow_env
from components.sources import workflow_source
from components.stack_files import load_stack
from workflow_runtime.connectors import ConnectorSpec
from workflow_runtime.connectors.gcs_client import GcsClient
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


def seed(url: str, bucket: str, scenes: int, threads: int = 6) -> None:
    """Upload `scenes` scenes into `bucket`, each thread on one kept-alive connection."""
    address = urlsplit(url)

    def upload(first: int) -> None:
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
        try:
            for i in range(first, scenes, threads):
                for name, data in scene_objects(i):
                    path = f"/upload/storage/v1/b/{bucket}/o?uploadType=media&name={quote(name, safe='')}"
                    connection.request("POST", path, body=data, headers={"Content-Type": "application/json"})
                    response = connection.getresponse()
                    response.read()
                    if response.status != 200:
                        raise SystemExit(f"upload of {name} answered HTTP {response.status}")
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(upload, range(threads)))


def measure(storage: GcsClient, url: str, scenes: int) -> dict[str, Any]:
    """Seed a bucket with `scenes` scenes and measure one poller run over it."""
    bucket = f"bench-poller-{scenes}"
    storage.create_bucket(bucket)
    seeding = time.perf_counter()
    seed(url, bucket, scenes)
    print(f"seeded {scenes * OBJECTS_PER_SCENE} objects in {time.perf_counter() - seeding:.0f} s", flush=True)
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
    with tempfile.TemporaryDirectory(prefix="bench-poller-") as root:
        emulator = GcsEmulator(filesystem_root=root)
        emulator.start()
        try:
            storage = GcsClient(emulator.url)
            rows = [measure(storage, emulator.url, n) for n in args.scenes]
        finally:
            emulator.stop()
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
