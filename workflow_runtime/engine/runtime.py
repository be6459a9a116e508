"""The Runtime: loads workflows and runs executions on one clock with one set of services.

Executions run concurrently, as on Google: each is its own task on the shared virtual
clock (see clock.py for the scheduler). `start` queues one (or, from inside a running
execution, starts it at once, as `executions.create` does); `wait` runs everything started
until all of it has ended; `run` is one execution to its end.
"""

from __future__ import annotations

import functools
import hashlib
import random
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workflow_runtime.engine.accounting import Limits, StepCounter
from workflow_runtime.engine.callbacks import CallbackHub
from workflow_runtime.engine.clock import Task, VirtualClock
from workflow_runtime.engine.compiler import Compiler
from workflow_runtime.engine.context import CallContext
from workflow_runtime.engine.executor import Execution
from workflow_runtime.engine.loader import parse_document, read_source
from workflow_runtime.engine.model import Workflow
from workflow_runtime.engine.result import ExecutionResult
from workflow_runtime.errors import WorkflowError


class Runtime:
    """Loads and runs workflows; executions share the clock, services and base env."""

    def __init__(
        self,
        *,
        services: Any = None,
        env: Mapping[str, str] | None = None,
        clock: VirtualClock | None = None,
        project_id: str = "test-project",
        location: str = "us-central1",
        limits: Limits | None = None,
        project_number: str = "123456789012",
        service_account: str | None = None,
        library: Sequence[str | Path] = (),
    ) -> None:
        self.services = services
        self.env = check_user_env(env or {})
        self.clock = clock or VirtualClock()
        self.project_id = project_id
        self.location = location
        self.project_number = project_number
        # The default compute service account, which executions use unless told otherwise.
        self.service_account = service_account or f"{project_number}-compute@developer.gserviceaccount.com"
        self.limits = limits or Limits()
        # Shared subworkflow files merged into every workflow this runtime loads.
        self.library = [Path(p) for p in library]
        self.callbacks = CallbackHub(self.clock)
        self._executions = 0
        # Every execution that has ended, whoever started it, in the order they ended.
        self.finished: list[ExecutionResult] = []
        self._queued: list[StartedExecution] = []
        self._tasks: list[Task] = []

    def load(self, path_or_text: str | Path, *, name: str | None = None) -> Workflow:
        """Load and validate a workflow file or text (WorkflowDefinitionError if invalid).

        Every execution started by name loads its source again, so a compiled workflow is
        kept by its exact texts and limits: it is immutable, sharing it is safe."""
        file, text = read_source(path_or_text)
        if name is None:
            name = Path(file).stem if file != "<string>" else "workflow"
        library = tuple((str(p), p.read_text(encoding="utf-8")) for p in self.library)
        return _compile(file, text, name, library, self.limits)

    def start(
        self,
        workflow: Workflow | str | Path,
        argument: Any = None,
        *,
        env: Mapping[str, str] | None = None,
        workflow_id: str | None = None,
        on_done: Callable[[ExecutionResult], None] | None = None,
    ) -> StartedExecution:
        """Start an execution: at once when called from a running execution, else at the
        next `wait()`. `on_done(result)` runs when it ends."""
        if not isinstance(workflow, Workflow):
            workflow = self.load(workflow)
        started = StartedExecution(self._new_context(workflow_id or workflow.name, env))

        def body() -> None:
            started.result = self._execute(workflow, argument, started.ctx)
            if on_done is not None:
                on_done(started.result)

        started.body = body
        if self.clock.running:
            self._spawn(started)
        else:
            self._queued.append(started)
        return started

    def _spawn(self, started: StartedExecution) -> None:
        started.task = self.clock.spawn(started.ctx.execution_id, started.body)
        self._tasks.append(started.task)

    def wait(self, *, seed: int | None = None) -> None:
        """Run every started execution, and everything they start, concurrently until all
        have ended. `seed` picks the interleaving (None: FIFO); see clock.py."""
        if self.clock.running:
            raise RuntimeError("Runtime.wait() is for code outside executions; join a task instead")
        self.clock.reseed(seed)  # each wait replays exactly for its seed
        with self.clock.task("scheduler"):
            while True:
                while self._queued:
                    self._spawn(self._queued.pop(0))
                live = [task for task in self._tasks if not task.done]
                if not live:
                    break
                self.clock.join(live)
        tasks, self._tasks = self._tasks, []
        # A Python exception escaping an execution is a runtime bug: surface it.
        bug = next((task.error for task in tasks if task.error is not None), None)
        if bug is not None:
            raise bug

    def join(self, started: StartedExecution) -> ExecutionResult:
        """Block until `started` has ended (only the calling execution, when inside one)."""
        if self.clock.running:
            assert started.task is not None
            self.clock.join([started.task])
            if started.task.error is not None:
                raise started.task.error
        else:
            self.wait()
        assert started.result is not None
        return started.result

    def run(
        self,
        workflow: Workflow | str | Path,
        argument: Any = None,
        *,
        env: Mapping[str, str] | None = None,
        workflow_id: str | None = None,
        seed: int | None = None,
    ) -> ExecutionResult:
        """Run one execution to its end in virtual time (outside an execution: with every
        execution it starts, and anything else already started, under `seed`)."""
        started = self.start(workflow, argument, env=env, workflow_id=workflow_id)
        if not self.clock.running:
            self.wait(seed=seed)
        return self.join(started)

    def _new_context(self, workflow_id: str, env: Mapping[str, str] | None) -> CallContext:
        self._executions += 1
        execution_id = str(
            uuid.UUID(int=random.Random(f"{workflow_id}:{self._executions}").getrandbits(128), version=4)
        )
        return CallContext(
            clock=self.clock,
            steps=StepCounter(self.limits.max_steps),
            services=self.services,
            env=self._environment(workflow_id, execution_id, env),
            rng=random.Random(execution_id),
            execution_id=execution_id,
            workflow_id=workflow_id,
            runtime=self,
        )

    def _execute(self, workflow: Workflow, argument: Any, ctx: CallContext) -> ExecutionResult:
        start = self.clock.now()
        result = ExecutionResult(ctx.execution_id, ctx.workflow_id, "SUCCEEDED", logs=ctx.logs)
        try:
            result.result = Execution(workflow, ctx, self.limits).run(argument)
        except WorkflowError as error:
            result.state = "FAILED"
            result.error = error.value
        result.steps = ctx.steps.counts
        result.virtual_seconds = self.clock.now() - start
        self.finished.append(result)
        return result

    def _environment(
        self, workflow_id: str, execution_id: str, extra: Mapping[str, str] | None
    ) -> dict[str, str]:
        revision = hashlib.sha256(workflow_id.encode()).hexdigest()[:3]
        return {
            **self.env,
            **check_user_env(extra or {}),
            "GOOGLE_CLOUD_PROJECT_ID": self.project_id,
            "GOOGLE_CLOUD_PROJECT_NUMBER": self.project_number,
            "GOOGLE_CLOUD_SERVICE_ACCOUNT_NAME": self.service_account,
            "GOOGLE_CLOUD_LOCATION": self.location,
            "GOOGLE_CLOUD_WORKFLOW_ID": workflow_id,
            "GOOGLE_CLOUD_WORKFLOW_REVISION_ID": f"000001-{revision}",
            "GOOGLE_CLOUD_WORKFLOW_EXECUTION_ID": execution_id,
        }


def clear_compile_cache() -> None:
    """Forget every compiled workflow (mutation testing: a process forked after the
    unmutated code compiled them must compile them again with the mutant)."""
    _compile.cache_clear()


@functools.lru_cache(maxsize=256)
def _compile(
    file: str, text: str, name: str, library: tuple[tuple[str, str], ...], limits: Limits
) -> Workflow:
    raw = parse_document(file, text)
    parsed = [(path, parse_document(path, source)) for path, source in library]
    return Compiler(file, name, limits).compile(raw, parsed)


@dataclass(eq=False)
class StartedExecution:
    """An execution handed to the scheduler; `result` is set when it has ended."""

    ctx: CallContext
    task: Task | None = None
    result: ExecutionResult | None = None
    body: Callable[[], None] = lambda: None

    @property
    def execution_id(self) -> str:
        """The execution's id (also the GOOGLE_CLOUD_WORKFLOW_EXECUTION_ID it sees)."""
        return self.ctx.execution_id


RESERVED_ENV_PREFIXES = ("GOOGLE_", "WORKFLOWS_")


def check_user_env(env: Mapping[str, str]) -> dict[str, str]:
    """user_env_vars as Google accepts them: string values, no empty or reserved names."""
    for name, value in env.items():
        if not name or name.startswith(RESERVED_ENV_PREFIXES):
            raise ValueError(
                f"user environment variable {name!r} is not allowed: names must be non-empty and "
                "must not start with GOOGLE_ or WORKFLOWS_ (those are reserved)"
            )
        if not isinstance(value, str):
            raise ValueError(
                f"user environment variable {name!r} must be a string, got {type(value).__name__}"
            )
    return dict(env)
