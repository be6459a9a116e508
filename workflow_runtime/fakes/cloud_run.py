"""An in-process fake of the Cloud Run Admin API v2 (jobs), scripted by tests.

Time is passed in by the caller (`now`, virtual epoch seconds), so the fake never reads a
clock: a job execution started at t with duration d is running before t + d and finished
from t + d on. Tests script, per job (and optionally per region):

- outcomes, consumed in order: `succeed(duration)`, `fail(duration, message)`, or
  `raise_on_start(code, message)` (jobs.run answers that HTTP status, nothing starts);
  unscripted runs succeed after `default_duration`;
- region availability: `set_region_down(region, code=503, until=None)` makes every request
  in that region answer `code` (e.g. 503 or 404) until virtual time `until` (if given) or
  `set_region_up(region)`.

Every started execution is recorded in `runs` with its overrides (container env, args,
taskCount, timeout). Resources are shaped like the real API's Job, Execution and
Operation (name, metadata, done, response / error).
"""

from __future__ import annotations

import uuid
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from workflow_runtime.connectors.errors import api_error
from workflow_runtime.connectors.names import base36, parse_job_name, rfc3339

EXECUTION_TYPE = "type.googleapis.com/google.cloud.run.v2.Execution"
_OVERRIDE_KEYS = {"containerOverrides", "taskCount", "timeout"}
_CONTAINER_OVERRIDE_KEYS = {"name", "args", "env", "clearArgs"}


@dataclass(frozen=True)
class JobOutcome:
    """What the next execution of a job does."""

    kind: Literal["succeed", "fail", "raise"] = "succeed"
    duration: float = 60.0
    code: int = 500
    message: str = ""


@dataclass
class JobRun:
    """One recorded execution of a job, with the overrides it was started with."""

    job: str
    project: str
    region: str
    name: str
    operation: str
    overrides: dict[str, Any]
    env: dict[str, str]
    args: list[str] | None
    task_count: int
    timeout: str | None
    started_at: float
    finishes_at: float
    succeeds: bool
    failure_message: str = ""

    def done(self, now: float) -> bool:
        """Whether the execution has finished at virtual time `now`."""
        return now >= self.finishes_at


@dataclass
class FakeCloudRun:
    """Fake Cloud Run jobs service; see the module docstring."""

    default_duration: float = 60.0
    # None: every job name exists; otherwise only these short job names do (others 404).
    known_jobs: set[str] | None = None
    runs: list[JobRun] = field(default_factory=list)
    _down: dict[str, tuple[int, float | None]] = field(default_factory=dict)
    _scripts: dict[tuple[str, str | None], deque[JobOutcome]] = field(default_factory=dict)

    # ---- scripting -----------------------------------------------------------------
    def set_region_down(self, region: str, code: int = 503, until: float | None = None) -> None:
        """Make every request in `region` answer HTTP `code` (before virtual time `until`)."""
        self._down[region] = (code, until)

    def set_region_up(self, region: str) -> None:
        """Undo set_region_down."""
        self._down.pop(region, None)

    def script(self, job: str, *outcomes: JobOutcome, region: str | None = None) -> None:
        """Queue outcomes for the next runs of `job` (in `region` only, if given)."""
        self._scripts.setdefault((job, region), deque()).extend(outcomes)

    def succeed(self, job: str, duration: float = 60.0, *, region: str | None = None) -> None:
        """The next run of `job` succeeds after `duration` virtual seconds."""
        self.script(job, JobOutcome("succeed", duration), region=region)

    def fail(
        self,
        job: str,
        duration: float = 60.0,
        message: str = "Task failed",
        *,
        region: str | None = None,
    ) -> None:
        """The next run of `job` fails after `duration` virtual seconds."""
        self.script(job, JobOutcome("fail", duration, message=message), region=region)

    def raise_on_start(
        self,
        job: str,
        code: int = 500,
        message: str = "Internal error",
        *,
        region: str | None = None,
    ) -> None:
        """The next jobs.run of `job` answers HTTP `code` and starts nothing."""
        self.script(job, JobOutcome("raise", code=code, message=message), region=region)

    def runs_of(self, job: str) -> list[JobRun]:
        """Recorded runs of one job, oldest first."""
        return [run for run in self.runs if run.job == job]

    # ---- API -----------------------------------------------------------------------
    def get_job(self, name: str, now: float) -> dict[str, Any]:
        """jobs.get: the Job resource."""
        project, region, job = self._resolve(name, now)
        latest = next((r for r in reversed(self.runs) if r.job == job and r.region == region), None)
        resource: dict[str, Any] = {
            "name": name,
            "uid": str(uuid.uuid5(uuid.NAMESPACE_URL, name)),
            "generation": "1",
            "launchStage": "GA",
            "executionCount": sum(1 for r in self.runs if r.job == job and r.region == region),
            "template": {
                "taskCount": 1,
                "parallelism": 1,
                "template": {
                    "maxRetries": 3,
                    "timeout": "600s",
                    "containers": [{"image": f"gcr.io/{project}/{job}"}],
                },
            },
            "terminalCondition": {"type": "Ready", "state": "CONDITION_SUCCEEDED"},
            "reconciling": False,
            "etag": f'"{base36(len(self.runs))}"',
        }
        if latest is not None:
            resource["latestCreatedExecution"] = {
                "name": latest.name,
                "createTime": rfc3339(latest.started_at),
                "completionStatus": _completion_status(latest, now),
            }
        return resource

    def run_job(self, name: str, body: Mapping[str, Any] | None, now: float) -> dict[str, Any]:
        """jobs.run: start an execution; returns the Operation (not done yet)."""
        project, region, job = self._resolve(name, now)
        overrides = _validate_overrides((body or {}).get("overrides") or {})
        outcome = self._next_outcome(job, region)
        if outcome.kind == "raise":
            raise api_error(outcome.code, outcome.message)
        env: dict[str, str] = {}
        args: list[str] | None = None
        for container in overrides.get("containerOverrides", []):
            env.update({e["name"]: str(e.get("value", "")) for e in container.get("env", [])})
            if "args" in container:
                args = list(container["args"])
        timeout = overrides.get("timeout")
        duration = outcome.duration
        succeeds = outcome.kind == "succeed"
        message = outcome.message
        limit = _seconds(timeout) if timeout else None
        if limit is not None and duration > limit:
            duration, succeeds = limit, False
            message = f"Task exceeded the timeout of {timeout}"
        number = len(self.runs)
        run = JobRun(
            job=job,
            project=project,
            region=region,
            name=f"{name}/executions/{job}-{base36(number)}",
            operation=f"projects/{project}/locations/{region}/operations/"
            f"{uuid.uuid5(uuid.NAMESPACE_URL, f'{name}#{number}')}",
            overrides=overrides,
            env=env,
            args=args,
            task_count=int(overrides.get("taskCount", 1)),
            timeout=timeout,
            started_at=now,
            finishes_at=now + duration,
            succeeds=succeeds,
            failure_message=message,
        )
        self.runs.append(run)
        return self._operation(run, now)

    def get_operation(self, name: str, now: float) -> dict[str, Any]:
        """operations.get for an operation returned by jobs.run."""
        for run in self.runs:
            if run.operation == name:
                self._check_region(run.region, now)
                return self._operation(run, now)
        raise api_error(404, f"Operation {name} not found")

    def get_execution(self, name: str, now: float) -> dict[str, Any]:
        """jobs.executions.get: the Execution resource."""
        for run in self.runs:
            if run.name == name:
                self._check_region(run.region, now)
                return _execution(run, now)
        raise api_error(404, f"Resource '{name}' was not found")

    # ---- internals -----------------------------------------------------------------
    def _resolve(self, name: str, now: float) -> tuple[str, str, str]:
        project, region, job = parse_job_name(name)
        self._check_region(region, now)
        if self.known_jobs is not None and job not in self.known_jobs:
            raise api_error(
                404,
                f"Resource '{job}' of kind 'JOB' in region '{region}' in project '{project}' does not exist.",
            )
        return project, region, job

    def _check_region(self, region: str, now: float) -> None:
        code, until = self._down.get(region, (None, None))
        if code is not None and (until is None or now < until):
            raise api_error(code, f"region {region} is unavailable")

    def _next_outcome(self, job: str, region: str) -> JobOutcome:
        for key in ((job, region), (job, None)):
            queue = self._scripts.get(key)
            if queue:
                return queue.popleft()
        return JobOutcome("succeed", self.default_duration)

    def _operation(self, run: JobRun, now: float) -> dict[str, Any]:
        execution = {"@type": EXECUTION_TYPE, **_execution(run, now)}
        operation: dict[str, Any] = {"name": run.operation, "metadata": execution, "done": run.done(now)}
        if run.done(now):
            if run.succeeds:
                operation["response"] = execution
            else:
                operation["error"] = {"code": 2, "message": run.failure_message, "details": []}
        return operation


def _completion_status(run: JobRun, now: float) -> str:
    if not run.done(now):
        return "EXECUTION_RUNNING"
    return "EXECUTION_SUCCEEDED" if run.succeeds else "EXECUTION_FAILED"


def _execution(run: JobRun, now: float) -> dict[str, Any]:
    done = run.done(now)
    state = ("CONDITION_SUCCEEDED" if run.succeeds else "CONDITION_FAILED") if done else ("CONDITION_PENDING")
    resource: dict[str, Any] = {
        "name": run.name,
        "uid": str(uuid.uuid5(uuid.NAMESPACE_URL, run.name)),
        "job": run.job,
        "generation": "1",
        "createTime": rfc3339(run.started_at),
        "startTime": rfc3339(run.started_at),
        "launchStage": "GA",
        "parallelism": run.task_count,
        "taskCount": run.task_count,
        "runningCount": 0 if done else run.task_count,
        "succeededCount": run.task_count if done and run.succeeds else 0,
        "failedCount": run.task_count if done and not run.succeeds else 0,
        "conditions": [
            {
                "type": "Completed",
                "state": state,
                "lastTransitionTime": rfc3339(run.finishes_at if done else run.started_at),
                **({"message": run.failure_message} if done and not run.succeeds else {}),
            }
        ],
        "reconciling": not done,
        "observedGeneration": "1",
        "logUri": f"https://console.cloud.google.com/logs/viewer?project={run.project}",
    }
    if done:
        resource["completionTime"] = rfc3339(run.finishes_at)
    return resource


def _validate_overrides(overrides: Any) -> dict[str, Any]:
    if not isinstance(overrides, Mapping):
        raise api_error(400, "overrides must be an object")
    unknown = set(overrides) - _OVERRIDE_KEYS
    if unknown:
        raise api_error(
            400,
            f"Invalid JSON payload received. Unknown name {sorted(unknown)[0]!r} at "
            "'overrides': Cannot find field.",
        )
    containers = overrides.get("containerOverrides", [])
    if not isinstance(containers, list):
        raise api_error(400, "containerOverrides must be a list")
    for container in containers:
        if not isinstance(container, Mapping) or set(container) - _CONTAINER_OVERRIDE_KEYS:
            raise api_error(
                400,
                f"Invalid containerOverrides entry {container!r}; allowed keys: "
                f"{', '.join(sorted(_CONTAINER_OVERRIDE_KEYS))}",
            )
        for env in container.get("env", []):
            if not isinstance(env, Mapping) or not isinstance(env.get("name"), str):
                raise api_error(400, f"Invalid env entry {env!r}; expected {{name: ..., value: ...}}")
        arguments = container.get("args", [])
        if not isinstance(arguments, list) or not all(isinstance(a, str) for a in arguments):
            raise api_error(400, f"Invalid args {arguments!r}; expected a list of strings")
    task_count = overrides.get("taskCount", 1)
    if isinstance(task_count, bool) or not isinstance(task_count, int) or task_count < 1:
        raise api_error(400, f"Invalid taskCount {task_count!r}; expected a positive integer")
    timeout = overrides.get("timeout")
    if timeout is not None and _seconds(timeout) is None:
        raise api_error(400, f"Invalid duration {timeout!r}; expected e.g. '600s'")
    return dict(overrides)


def _seconds(duration: Any) -> float | None:
    if isinstance(duration, str) and duration.endswith("s"):
        try:
            return float(duration[:-1])
        except ValueError:
            return None
    return None
