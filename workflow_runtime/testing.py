"""Everything a workflow test needs, from one pytest fixture: `workflow_env`.

- a session-wide fake-gcs-server on 127.0.0.1 (in memory) and a fresh bucket per test,
- the fakes (Cloud Run, workflow executions, event bus, GKE clusters, Cloud Monitoring
  and Logging) and the HTTP router,
- the deployment map, the environment, the virtual clock and a Runtime using all of them,
- `run(workflow, data=..., env=...)`: one call runs a workflow (with every execution it
  starts) and returns its ExecutionResult (result or error, logs, step counts),
- `start(workflow, data=..., env=...)` + `wait(seed=...)`: many executions at once,
  concurrently on the seeded scheduler (sweep seeds to explore interleavings); `wait`
  returns the started executions' results in start order,
- bucket helpers for seeding and checking objects: put_json / put_text / put_bytes,
  get_json / get_bytes, exists, list, generation, delete,
- events as Eventarc delivers them: `storage_event(name)` (the Cloud Storage "object
  finalized" CloudEvent of an object in the bucket), `cloud_event(type, data)` and
  `publish(type, data)` (through the bus to the enrolled workflows, which then run).

`tests/conftest.py` re-exports the fixtures. `connector_context()` builds the engine's
CallContext for testing connectors without running a workflow.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from workflow_runtime.connectors.errors import ApiError
from workflow_runtime.connectors.gcs_client import GcsClient
from workflow_runtime.connectors.gcs_emulator import GcsEmulator
from workflow_runtime.connectors.gcs_glob import compile_glob
from workflow_runtime.connectors.gcs_preconditions import current_metadata
from workflow_runtime.connectors.names import rfc3339
from workflow_runtime.engine import CallContext, ExecutionResult, Runtime, StepCounter, VirtualClock
from workflow_runtime.engine.clock import NO_LATENCY
from workflow_runtime.engine.runtime import StartedExecution, clear_compile_cache
from workflow_runtime.fakes import Deployment, PublishedEvent, Services

_bucket_ids = itertools.count(1)


def clear_caches() -> None:
    """Empty the runtime's memo caches (compiled workflows, compiled matchGlob patterns).

    Nothing needs this in a normal run: the caches are keyed by their whole input. Under
    mutation testing each mutant's test session is forked from a process in which the
    unmutated code filled them, so a mutant in the loader, the expression parser or the
    glob compiler would never run.
    """
    clear_compile_cache()
    compile_glob.cache_clear()


def connector_context(services: Services, runtime: Runtime | None = None) -> CallContext:
    """A fresh call context (own step counter; the runtime's clock, else a new one without
    network latency so timings are the connector's own, and an empty env) for calling
    connectors directly."""
    clock = runtime.clock if runtime else VirtualClock(latency=NO_LATENCY)
    return CallContext(clock, StepCounter(), services, env={}, runtime=runtime)


class WorkflowEnv:
    """One test's world: bucket, fakes, deployment, Runtime; see the module docstring."""

    def __init__(
        self,
        storage: GcsClient,
        bucket: str,
        *,
        deployment: Deployment | None = None,
        env: Mapping[str, str] | None = None,
        project_id: str = "test-project",
        location: str = "us-central1",
    ) -> None:
        self.storage = storage
        self.bucket = bucket
        self.deployment = deployment or Deployment()
        self.services = Services.for_deployment(self.deployment, storage)
        self.cloud_run = self.services.cloud_run
        self.executions = self.services.executions
        self.bus = self.services.bus
        self.http = self.services.http
        self.gke = self.services.gke
        self.monitoring = self.services.monitoring
        self.logging = self.services.logging
        self.runtime = Runtime(
            services=self.services,
            env=dict(env or {}),
            project_id=project_id,
            location=location,
        )
        self.clock = self.runtime.clock
        self.executions.attach(self.runtime)
        self._started: list[StartedExecution] = []
        self._events = 0

    @property
    def env(self) -> dict[str, str]:
        """Environment every execution gets (before per-workflow and per-run values)."""
        return self.runtime.env

    def deploy(
        self,
        name: str,
        path: str | Path,
        *,
        env: Mapping[str, str] | None = None,
        event_types: tuple[str, ...] | list[str] = (),
    ) -> None:
        """Make workflow `name` startable by executions and the bus."""
        self.deployment.add_workflow(name, path, env=env, event_types=event_types)

    def start(self, workflow: str | Path, data: Any = None, *, env: Mapping[str, str] | None = None) -> None:
        """Queue an execution of a deployed workflow (by name) or a YAML file; it runs,
        concurrently with everything else started, at the next `wait()`."""
        name = str(workflow)
        if name in self.deployment.workflows:
            loaded = self.runtime.load(self.deployment.source_of(name), name=name)
            run_env = {**self.deployment.env_for(name), **(env or {})}
            started = self.runtime.start(loaded, data, env=run_env, workflow_id=name)
        else:
            started = self.runtime.start(workflow, data, env=dict(env or {}))
        self._started.append(started)

    def wait(self, *, seed: int = 0) -> list[ExecutionResult]:
        """Run every started execution, and all they start, concurrently under scheduler
        `seed` until all have ended; the results of the ones this test started, in order."""
        self.runtime.wait(seed=seed)
        started, self._started = self._started, []
        return [s.result for s in started if s.result is not None]

    def run(
        self,
        workflow: str | Path,
        data: Any = None,
        *,
        env: Mapping[str, str] | None = None,
        seed: int | None = None,
    ) -> ExecutionResult:
        """Run one execution (a deployed workflow by name, or a YAML file) and every
        execution it starts; its result. `seed` as in `wait` (None: FIFO scheduling)."""
        self.start(workflow, data, env=env)
        self.runtime.wait(seed=seed)
        started, self._started = self._started, []
        (result,) = (s.result for s in started)
        assert result is not None
        return result

    # ---- events ---------------------------------------------------------------------------
    def cloud_event(
        self,
        event_type: str,
        data: Any,
        *,
        source: str = "//workflow-env/test",
        event_id: str | None = None,
        **attributes: str,
    ) -> dict[str, Any]:
        """A CloudEvent in the structured JSON form a workflow destination receives."""
        self._events += 1
        return {
            "specversion": "1.0",
            "id": event_id or f"event-{self._events}",
            "source": source,
            "type": event_type,
            "time": rfc3339(self.clock.now()),
            "datacontenttype": "application/json",
            **attributes,
            "data": data,
        }

    def storage_event(
        self, name: str, event_type: str = "google.cloud.storage.object.v1.finalized"
    ) -> dict[str, Any]:
        """The Eventarc Cloud Storage CloudEvent for object `name` of the test bucket."""
        meta = self._metadata(name)
        if meta is None:
            raise KeyError(f"gs://{self.bucket}/{name} does not exist; write it first")
        meta.pop("acl", None)
        return self.cloud_event(
            event_type,
            meta,
            source=f"//storage.googleapis.com/projects/_/buckets/{self.bucket}",
            subject=f"objects/{name}",
        )

    def publish(self, event_type: str, data: Any, *, drain: bool = True, **attributes: str) -> PublishedEvent:
        """Publish a custom event to the bus; with `drain` the enrolled workflows run now,
        else at the next `wait()`."""
        assert self.bus is not None
        event = self.cloud_event(event_type, data, **attributes)
        bus = f"projects/{self.runtime.project_id}/locations/{self.runtime.location}/messageBuses/bus"
        self.bus.publish(bus, {"jsonMessage": json.dumps(event)}, self.clock.now())
        if drain:
            self.runtime.wait()
        return self.bus.published[-1]

    # ---- bucket helpers -----------------------------------------------------------------
    def put_bytes(
        self, name: str, data: bytes, content_type: str = "application/octet-stream"
    ) -> dict[str, Any]:
        """Write an object; returns its metadata."""
        return self.storage.request_resource(
            "POST",
            f"/upload/storage/v1/b/{self.bucket}/o",
            query={"uploadType": "media", "name": quote(name, safe="")},
            body=data,
            content_type=content_type,
        )

    def put_json(self, name: str, value: Any) -> dict[str, Any]:
        """Write `value` as a JSON object (application/json)."""
        return self.put_bytes(name, json.dumps(value).encode(), "application/json")

    def put_text(self, name: str, text: str) -> dict[str, Any]:
        """Write a text/plain object."""
        return self.put_bytes(name, text.encode(), "text/plain")

    def get_bytes(self, name: str) -> bytes:
        """The content of an object (KeyError when it does not exist)."""
        try:
            return self.storage.request("GET", self._path(name), query={"alt": "media"}).body
        except ApiError as error:
            if error.code == 404:
                raise KeyError(f"gs://{self.bucket}/{name} does not exist") from None
            raise

    def get_json(self, name: str) -> Any:
        """The content of an object parsed as JSON."""
        return json.loads(self.get_bytes(name))

    def exists(self, name: str) -> bool:
        """Whether the object exists."""
        return self._metadata(name) is not None

    def generation(self, name: str) -> int:
        """The object's generation number."""
        meta = self._metadata(name)
        if meta is None:
            raise KeyError(f"gs://{self.bucket}/{name} does not exist")
        return int(meta["generation"])

    def delete(self, name: str) -> None:
        """Delete an object."""
        self.storage.request("DELETE", self._path(name))

    def list(self, prefix: str = "") -> list[str]:
        """Names of all objects under `prefix`, sorted."""
        names: list[str] = []
        token = None
        while True:
            page = (
                self.storage.request_json(
                    "GET",
                    f"/storage/v1/b/{self.bucket}/o",
                    query={"prefix": quote(prefix, safe="") or None, "pageToken": token},
                )
                or {}
            )
            names.extend(item["name"] for item in page.get("items", []))
            token = page.get("nextPageToken")
            if not token:
                return sorted(names)

    def _path(self, name: str) -> str:
        return f"/storage/v1/b/{self.bucket}/o/{quote(name, safe='')}"

    def _metadata(self, name: str) -> dict[str, Any] | None:
        return current_metadata(self.storage, self._path(name))


@pytest.fixture(scope="session")
def gcs_emulator() -> Iterator[GcsEmulator]:
    """fake-gcs-server for the whole test session (in memory, 127.0.0.1, free port)."""
    emulator = GcsEmulator()
    emulator.start()
    try:
        yield emulator
    finally:
        emulator.stop()


@pytest.fixture
def workflow_env(gcs_emulator: GcsEmulator) -> WorkflowEnv:
    """A WorkflowEnv with a fresh bucket on the session's emulator."""
    storage = GcsClient(gcs_emulator.url)
    bucket = f"test-bucket-{next(_bucket_ids)}"
    storage.create_bucket(bucket)
    return WorkflowEnv(storage, bucket)
