"""The pipeline as deployed, on the local runtime: every workflow of the catalog with its
deployed source (body + workflows/lib merged by components/sources.py) and the env the
Pulumi program gives it (prod stack config, bucket = the test's bucket), plus helpers to
seed markers and to call one library subworkflow on its own."""

from __future__ import annotations

import dataclasses
import itertools
import json
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

from components.catalog import WorkflowSpec, load_catalog
from components.config import StackConfig
from components.env import workflow_env
from components.sources import workflow_source
from components.stack_files import load_stack
from workflow_runtime.connectors.errors import api_error
from workflow_runtime.connectors.gcs_client import GcsClient
from workflow_runtime.connectors.gcs_emulator import GcsEmulator
from workflow_runtime.engine import ExecutionResult
from workflow_runtime.fakes.cloud_run import FakeCloudRun, JobRun
from workflow_runtime.testing import WorkflowEnv

CATALOG = load_catalog()
PROD = load_stack("prod")
PROJECT = "test-project"


class Pipeline:
    """One test's deployed pipeline around a WorkflowEnv (`env`)."""

    def __init__(self, env: WorkflowEnv, config: StackConfig = PROD, lib_dir: Path | None = None) -> None:
        self.env = env
        self.config = dataclasses.replace(config, bucket=env.bucket)
        self.bucket = env.bucket
        self._lib_dir = lib_dir
        env.deployment.source = workflow_source
        self._outputs: dict[str, deque[dict[str, Any]]] = {}
        self._written: set[str] = set()
        _watch_operations(env.cloud_run, self._on_done)
        for spec in CATALOG.workflows.values():
            events = (spec.trigger.event_type,) if spec.trigger.event_type else ()
            env.deploy(spec.name, spec.path, env=workflow_env(spec, self.config), event_types=events)

    @property
    def cloud_run(self) -> FakeCloudRun:
        """The fake Cloud Run (scripting outcomes, regions down, recorded runs)."""
        return self.env.cloud_run

    def spec(self, name: str) -> WorkflowSpec:
        """The catalog entry of workflow `name`."""
        return CATALOG.workflows[name]

    def run(self, name: str, data: Any, **env: str) -> ExecutionResult:
        """Run deployed workflow `name` with `data` (env overrides as keywords)."""
        return self.env.run(name, data, env=env)

    def marker(self, name: str, body: Any = None) -> dict[str, Any]:
        """Write object `name` (JSON `body`, default {}) and return its finalize CloudEvent."""
        self.env.put_json(name, {} if body is None else body)
        return self.env.storage_event(name)

    def job_writes(self, job: str, objects: dict[str, Any]) -> None:
        """The next successful execution of `job` writes `objects` (name -> JSON body, or
        bytes) when it finishes, as the real jobs write their outputs and markers."""
        self._outputs.setdefault(job, deque()).append(objects)

    def _on_done(self, run: JobRun) -> None:
        if run.name in self._written or not run.succeeds:
            return
        self._written.add(run.name)
        queue = self._outputs.get(run.job)
        for name, body in (queue.popleft() if queue else {}).items():
            if isinstance(body, bytes):
                self.env.put_bytes(name, body)
            else:
                self.env.put_json(name, body)

    def refuse_writes(self, name: str, code: int = 403) -> None:
        """Every upload of object `name` answers HTTP `code` (an unexpected storage error)."""
        storage = self.env.storage
        original = storage.request_json

        def request_json(method: str, path: str, **kwargs: Any) -> Any:
            query = kwargs.get("query") or {}
            if method == "POST" and path.startswith("/upload/") and query.get("name") == name:
                raise api_error(code, f"writes of {name} are refused by the test")
            return original(method, path, **kwargs)

        storage.request_json = request_json  # type: ignore[method-assign]

    def refuse_reads(self, name: str, code: int = 403, *, after: int = 0) -> None:
        """Metadata reads of object `name` answer HTTP `code`, once `after` have succeeded."""
        storage = self.env.storage
        original = storage.request_json
        refused = f"/storage/v1/b/{self.bucket}/o/{quote(name, safe='')}"
        served = [0]

        # Same parameter names as GcsClient.request_json, which it stands in for.
        def request_json(method: str, path: str, **kwargs: Any) -> Any:
            if method == "GET" and path == refused:
                served[0] += 1
                if served[0] > after:
                    raise api_error(code, f"reads of {name} are refused by the test")
            return original(method, path, **kwargs)

        storage.request_json = request_json  # type: ignore[method-assign]

    def objects(self, prefix: str = "") -> list[str]:
        """Names of the objects under `prefix`, sorted."""
        return self.env.list(prefix)

    def call_lib(
        self, tmp_path: Path, subworkflow: str, env: dict[str, str] | None = None, **args: Any
    ) -> ExecutionResult:
        """Run one library subworkflow with `args` in a workflow that only calls it."""
        lines = ["main:", "  params: [input]", "  steps:", "    - call_it:", f"        call: {subworkflow}"]
        if args:
            lines.append("        args:")
            lines += [f"          {key}: ${{input.{key}}}" for key in args]
        lines += ["        result: value", "    - done:", "        return: ${value}", ""]
        path = tmp_path / f"call_{subworkflow}.yaml"
        path.write_text("\n".join(lines))
        name = f"call-{subworkflow}".replace("_", "-")
        self.env.deploy(name, path)
        self.env.deployment.env[name] = dict(env or {})
        return self.env.run(name, args)


def _watch_operations(cloud_run: FakeCloudRun, on_done: Callable[[JobRun], None]) -> None:
    """Call `on_done(run)` when a workflow first sees a run finished, through its operation
    or its execution (the fake writes nothing itself)."""
    get_operation, get_execution = cloud_run.get_operation, cloud_run.get_execution

    def watched_operation(name: str, now: float) -> dict[str, Any]:
        operation = get_operation(name, now)
        if operation.get("done"):
            on_done(next(run for run in cloud_run.runs if run.operation == name))
        return operation

    def watched_execution(name: str, now: float) -> dict[str, Any]:
        execution = get_execution(name, now)
        if execution.get("completionTime"):
            on_done(next(run for run in cloud_run.runs if run.name == name))
        return execution

    cloud_run.get_operation = watched_operation  # type: ignore[method-assign]
    cloud_run.get_execution = watched_execution  # type: ignore[method-assign]


@contextmanager
def pipeline_worlds(prefix: str) -> Iterator[Callable[..., Pipeline]]:
    """For the benchmarks: `make(config=PROD)` gives a Pipeline on a fresh bucket
    (`<prefix>-N`) of one fake-gcs-server that runs for the block."""
    emulator = GcsEmulator()
    emulator.start()
    counter = itertools.count(1)

    def make(config: StackConfig = PROD) -> Pipeline:
        storage = GcsClient(emulator.url)
        bucket = f"{prefix}-{next(counter)}"
        storage.create_bucket(bucket)
        return Pipeline(WorkflowEnv(storage, bucket), config=config)

    try:
        yield make
    finally:
        emulator.stop()


def metrics(result: ExecutionResult, kind: str) -> list[dict[str, Any]]:
    """The bp_metric entries of one kind that an execution logged, in order."""
    return [
        entry.payload
        for entry in result.logs
        if isinstance(entry.payload, dict) and entry.payload.get("bp_metric") == kind
    ]


def messages(result: ExecutionResult, severity: str | None = None) -> list[str]:
    """The string log lines of an execution (of one severity, if given)."""
    return [
        entry.payload
        for entry in result.logs
        if isinstance(entry.payload, str) and (severity is None or entry.severity == severity)
    ]


def env_of(run: Any) -> dict[str, str]:
    """The container env a recorded Cloud Run execution was started with."""
    return dict(run.env)


def dumps(value: Any) -> str:
    """Compact JSON, for readable assertion messages."""
    return json.dumps(value, sort_keys=True, default=str)
