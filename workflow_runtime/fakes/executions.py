"""A fake Workflow Executions service that runs the deployment's workflows in the Runtime.

When executions run:
- `executions.create` (and `executions.run` with skip_polling, and every event the bus
  delivers) returns the execution ACTIVE, as the real API returns before the execution
  has done anything. Once the fake is `attach`ed to a Runtime, the execution starts at
  once as its own task on the shared virtual clock, concurrently with every other one
  (the Runtime's scheduler interleaves them at every API call); it is queued only when
  nothing runs yet, until the next `Runtime.wait()`. Without a Runtime attached, created
  executions wait in a queue for `drain(runtime)`.
- `executions.run` (waits) starts the child the same way and blocks only its caller until
  the child ends; the caller then resumes at its first poll at or after the child's end.

Every execution is recorded in `records` (workflow, argument, how it started, state,
result or error).
"""

from __future__ import annotations

import base64
import json
from collections import deque
from dataclasses import dataclass
from typing import Any

from workflow_runtime.connectors.errors import api_error
from workflow_runtime.connectors.names import rfc3339
from workflow_runtime.engine import ExecutionResult, Runtime
from workflow_runtime.engine.runtime import StartedExecution
from workflow_runtime.fakes.deployment import Deployment, DeploymentError

# A workflow that keeps starting workflows forever should fail a test, not hang it.
MAX_STARTED_RUNS = 1000


@dataclass
class ExecutionRecord:
    """One workflow execution started through the fake."""

    name: str
    workflow: str
    argument: Any
    source: str  # "create" | "run" | "event"
    created_at: float
    state: str = "ACTIVE"  # ACTIVE (queued or running) | SUCCEEDED | FAILED
    result: Any = None
    error: Any = None
    ended_at: float | None = None
    outcome: Any = None  # the engine's ExecutionResult once finished

    def resource(self) -> dict[str, Any]:
        """The Execution resource, as executions.get / create return it."""
        resource: dict[str, Any] = {
            "name": self.name,
            "startTime": rfc3339(self.created_at),
            "state": self.state,
            "argument": _json(self.argument),
            "workflowRevisionId": "000001-000",
            "callLogLevel": "CALL_LOG_LEVEL_UNSPECIFIED",
            "labels": {},
        }
        if self.ended_at is not None:
            resource["endTime"] = rfc3339(self.ended_at)
            resource["duration"] = f"{self.ended_at - self.created_at:.3f}s"
        if self.state == "SUCCEEDED":
            resource["result"] = _json(self.result)
        if self.state == "FAILED":
            resource["error"] = {
                "payload": _json(self.error),
                "context": f"{self.workflow}: the execution raised an uncaught error",
            }
        return resource


class FakeWorkflowExecutions:
    """Creates executions of the deployment's workflows and runs them in a Runtime."""

    def __init__(self, deployment: Deployment, max_started_runs: int = MAX_STARTED_RUNS) -> None:
        self.deployment = deployment
        self.max_started_runs = max_started_runs
        self.records: list[ExecutionRecord] = []
        self.runtime: Runtime | None = None
        self._queue: deque[ExecutionRecord] = deque()
        self._ids = 0
        self._started = 0
        self._refusals: deque[int] = deque()

    def refuse_next(self, code: int, times: int = 1) -> None:
        """Answer the next `times` create/run requests with HTTP `code`, starting nothing
        (an outage, quota, a gateway error)."""
        self._refusals.extend([code] * times)

    def attach(self, runtime: Runtime) -> None:
        """Run created executions in `runtime` from now on, concurrently."""
        self.runtime = runtime
        while self._queue:
            self._start(runtime, self._queue.popleft())

    def of(self, workflow: str) -> list[ExecutionRecord]:
        """Recorded executions of one workflow, oldest first."""
        return [r for r in self.records if r.workflow == workflow]

    def enqueue(
        self, project: str, location: str, workflow: str, argument: Any, now: float, source: str
    ) -> ExecutionRecord:
        """Create an execution (404 for unknown workflows); it starts at once in the
        attached Runtime, else at the next drain."""
        record = self._new(project, location, workflow, argument, now, source)
        if self.runtime is not None:
            self._start(self.runtime, record)
        else:
            self._queue.append(record)
        return record

    def run_now(
        self, runtime: Runtime, project: str, location: str, workflow: str, argument: Any, now: float
    ) -> ExecutionRecord:
        """Create an execution and block the caller until it ends (executions.run)."""
        record = self._new(project, location, workflow, argument, now, "run")
        runtime.join(self._start(runtime, record))
        return record

    def get(self, name: str) -> dict[str, Any]:
        """executions.get."""
        for record in self.records:
            if record.name == name:
                return record.resource()
        raise api_error(404, f"Execution {name} not found")

    def drain(self, runtime: Runtime) -> list[ExecutionRecord]:
        """Attach `runtime`, run every queued execution and all they start; returns the
        executions that ended during the drain, in start order."""
        before = len(self.records)
        queued = list(self._queue)
        self.attach(runtime)
        runtime.wait(seed=runtime.clock.seed)
        return [*queued, *self.records[before:]]

    @property
    def pending(self) -> list[ExecutionRecord]:
        """Executions created but not started yet (no Runtime attached)."""
        return list(self._queue)

    def _new(
        self, project: str, location: str, workflow: str, argument: Any, now: float, source: str
    ) -> ExecutionRecord:
        if self._refusals:
            raise api_error(self._refusals.popleft(), f"scripted refusal of a {workflow} execution")
        try:
            self.deployment.path_of(workflow)
        except DeploymentError as exc:
            raise api_error(404, str(exc)) from None
        self._ids += 1
        execution_id = f"{self._ids:08d}-0000-4000-8000-000000000000"
        record = ExecutionRecord(
            name=f"projects/{project}/locations/{location}/workflows/{workflow}/executions/{execution_id}",
            workflow=workflow,
            argument=argument,
            source=source,
            created_at=now,
        )
        self.records.append(record)
        return record

    def _start(self, runtime: Runtime, record: ExecutionRecord) -> StartedExecution:
        self._started += 1
        if self._started > self.max_started_runs:
            raise RuntimeError(
                f"more than {self.max_started_runs} executions started: workflows keep starting "
                "each other; check the test's workflows for a loop"
            )
        workflow = runtime.load(self.deployment.source_of(record.workflow), name=record.workflow)

        def finished(outcome: ExecutionResult) -> None:
            record.outcome = outcome
            record.state = outcome.state
            record.result = outcome.result
            record.error = outcome.error
            record.ended_at = runtime.clock.now()

        return runtime.start(
            workflow,
            record.argument,
            env=self.deployment.env_for(record.workflow),
            workflow_id=record.workflow,
            on_done=finished,
        )


def _json(value: Any) -> str:
    """Compact JSON as the API returns it; bytes as base64, like Google's execution output."""
    return json.dumps(value, separators=(",", ":"), default=_bytes_as_base64)


def _bytes_as_base64(value: Any) -> str:
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    raise TypeError(f"not a Workflows value: {type(value).__name__}")
