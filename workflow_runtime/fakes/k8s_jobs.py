"""Kubernetes batch/v1 Jobs as the fake GKE cluster runs them, on virtual time.

What a Job does (kubernetes.io, "Jobs" concept page and the batch/v1 Job API reference):
- the controller starts the Job at once (`status.startTime`) and runs a pod; a failed pod
  is replaced after an exponential back-off delay "(10s, 20s, 40s ...) capped at six
  minutes" ("Pod backoff failure policy");
- once more pods failed than `spec.backoffLimit` (default 6) the Job fails: condition
  `Failed`, reason `BackoffLimitExceeded`;
- `spec.activeDeadlineSeconds` bounds the whole Job: at the deadline its running pod is
  terminated (counted as failed) and the Job fails with reason `DeadlineExceeded`;
- a Job that succeeds gets condition `Complete` and `status.completionTime`; the counts
  `active`, `succeeded`, `failed` are omitted when zero, `ready` is always present and
  `uncountedTerminatedPods` is `{}` (as in the output Google shows on "Access Kubernetes
  API objects using a connector").

What each Job does is scripted by the test (`JobOutcome`: how long each pod runs, how many
pods fail before one succeeds, or that every pod fails). Not modelled: parallelism and
completions above 1 (kept in the spec, run as one pod), podFailurePolicy, suspend, pod
scheduling delays, and the interim FailureTarget / SuccessCriteriaMet conditions newer
Kubernetes versions add.

Requests the API server rejects answer a Kubernetes `Status` body (`kind: Status`,
`reason`, `message`, `code`): 400 BadRequest, 404 NotFound, 409 AlreadyExists,
422 Invalid.
"""

from __future__ import annotations

import copy
import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from workflow_runtime.connectors.errors import ApiError

DEFAULT_BACKOFF_LIMIT = 6
BACKOFF_INITIAL = 10.0
BACKOFF_CAP = 360.0
# Job names become the value of the `job-name` pod label, which is at most 63 characters.
MAX_NAME_LENGTH = 63
_DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
_RESTART_POLICIES = ("OnFailure", "Never")

_REASONS = {
    400: "BadRequest",
    403: "Forbidden",
    404: "NotFound",
    405: "MethodNotAllowed",
    409: "AlreadyExists",
    415: "UnsupportedMediaType",
    422: "Invalid",
    429: "TooManyRequests",
    500: "InternalError",
    503: "ServiceUnavailable",
    504: "Timeout",
}


@dataclass(frozen=True)
class JobOutcome:
    """What a scripted Job does: each pod runs `duration` virtual seconds; `succeed` Jobs
    see `pod_failures` failed pods before one succeeds, `fail` Jobs only failing pods."""

    kind: Literal["succeed", "fail"] = "succeed"
    duration: float = 60.0
    pod_failures: int = 0


@dataclass(frozen=True)
class Pod:
    """One pod of a Job: when it ran and whether it succeeded."""

    start: float
    end: float
    succeeded: bool


@dataclass(frozen=True)
class JobTimeline:
    """Everything a Job will do, decided when it is created."""

    start: float
    pods: tuple[Pod, ...]
    end: float
    condition: Literal["Complete", "Failed"]
    reason: str = ""
    message: str = ""


def status_error(code: int, message: str, *, reason: str | None = None, **details: Any) -> ApiError:
    """An ApiError whose body is the Kubernetes `Status` the API server answers with."""
    body: dict[str, Any] = {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": reason or _REASONS.get(code, "Unknown"),
        "code": code,
    }
    if details:
        body["details"] = details
    return ApiError(code, body, {"Content-Type": "application/json"})


def k8s_time(epoch_seconds: float) -> str:
    """Kubernetes' timestamp format (RFC 3339, whole seconds), e.g. 2023-10-31T17:04:28Z."""
    return datetime.fromtimestamp(epoch_seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_job(
    manifest: Any,
    namespace: str,
    *,
    uid: str,
    resource_version: str,
    now: float,
) -> dict[str, Any]:
    """The Job the API server stores for a create request: validated, defaults filled in,
    status empty (the controller has not seen it yet). Raises a Status ApiError."""
    if not isinstance(manifest, dict):
        raise status_error(400, f"the request body must be a Job object, got {type(manifest).__name__}")
    job = copy.deepcopy(manifest)
    _check_type(job)
    metadata = job.setdefault("metadata", {})
    if not isinstance(metadata, dict):
        raise status_error(400, "metadata must be an object")
    if metadata.get("namespace", namespace) != namespace:
        raise status_error(
            400, "the namespace of the provided object does not match the namespace sent on the request"
        )
    name = metadata.get("name")
    if not name and metadata.get("generateName"):
        name = f"{metadata['generateName']}{uid[:5]}"
    name = _check_name(name)
    spec = _check_spec(name, job.get("spec"))
    controller = {"batch.kubernetes.io/controller-uid": uid, "batch.kubernetes.io/job-name": name}
    labels = {**(metadata.get("labels") or {}), **controller, "controller-uid": uid, "job-name": name}
    job["apiVersion"] = "batch/v1"
    job["kind"] = "Job"
    metadata.update(
        name=name,
        namespace=namespace,
        uid=uid,
        resourceVersion=resource_version,
        generation=1,
        creationTimestamp=k8s_time(now),
        labels=labels,
    )
    spec.setdefault("parallelism", 1)
    spec.setdefault("completions", 1)
    spec.setdefault("backoffLimit", DEFAULT_BACKOFF_LIMIT)
    spec.setdefault("completionMode", "NonIndexed")
    spec.setdefault("suspend", False)
    spec.setdefault("selector", {"matchLabels": {"batch.kubernetes.io/controller-uid": uid}})
    template_meta = spec["template"].setdefault("metadata", {})
    template_meta["labels"] = {**(template_meta.get("labels") or {}), **labels}
    job["status"] = {}
    return job


def plan(job: dict[str, Any], outcome: JobOutcome, start: float) -> JobTimeline:
    """What `job` will do when started at `start` with the scripted `outcome`."""
    spec = job["spec"]
    backoff_limit = spec["backoffLimit"]
    deadline_seconds = spec.get("activeDeadlineSeconds")
    deadline = start + deadline_seconds if deadline_seconds is not None else math.inf
    pods: list[Pod] = []
    clock = start
    failures = 0
    while True:
        succeeds = outcome.kind == "succeed" and failures >= outcome.pod_failures
        end = clock + outcome.duration
        if end > deadline:
            pods.append(Pod(clock, deadline, False))
            return _deadline_exceeded(start, pods, deadline)
        pods.append(Pod(clock, end, succeeds))
        if succeeds:
            return JobTimeline(start, tuple(pods), end, "Complete")
        failures += 1
        if failures > backoff_limit:
            return JobTimeline(
                start,
                tuple(pods),
                end,
                "Failed",
                "BackoffLimitExceeded",
                "Job has reached the specified backoff limit",
            )
        clock = end + min(BACKOFF_INITIAL * 2 ** (failures - 1), BACKOFF_CAP)
        if clock >= deadline:
            return _deadline_exceeded(start, pods, deadline)


def with_status(job: dict[str, Any], timeline: JobTimeline, now: float) -> dict[str, Any]:
    """A copy of the stored `job` with its batch/v1 JobStatus at virtual time `now`."""
    shown = copy.deepcopy(job)
    ended = [pod for pod in timeline.pods if pod.end <= now]
    running = now < timeline.end and any(pod.start <= now < pod.end for pod in timeline.pods)
    status: dict[str, Any] = {"startTime": k8s_time(timeline.start)}
    counts = {
        "active": 1 if running else 0,
        "succeeded": sum(1 for pod in ended if pod.succeeded),
        "failed": sum(1 for pod in ended if not pod.succeeded),
    }
    status.update({key: value for key, value in counts.items() if value})
    status["ready"] = counts["active"]
    status["uncountedTerminatedPods"] = {}
    if now >= timeline.end:
        condition: dict[str, Any] = {
            "type": timeline.condition,
            "status": "True",
            "lastProbeTime": k8s_time(timeline.end),
            "lastTransitionTime": k8s_time(timeline.end),
        }
        if timeline.reason:
            condition.update(reason=timeline.reason, message=timeline.message)
        status["conditions"] = [condition]
        if timeline.condition == "Complete":
            status["completionTime"] = k8s_time(timeline.end)
    shown["status"] = status
    return shown


def _deadline_exceeded(start: float, pods: list[Pod], deadline: float) -> JobTimeline:
    return JobTimeline(
        start,
        tuple(pods),
        deadline,
        "Failed",
        "DeadlineExceeded",
        "Job was active longer than specified deadline",
    )


def _check_type(job: dict[str, Any]) -> None:
    api_version = job.get("apiVersion", "batch/v1")
    if api_version != "batch/v1":
        raise status_error(
            400,
            f"the API version in the data ({api_version}) does not match the expected API version (batch/v1)",
        )
    kind = job.get("kind", "Job")
    if kind != "Job":
        raise status_error(400, f"the kind in the data ({kind}) does not match the expected kind (Job)")


def _check_name(name: Any) -> str:
    """`name` once it is a valid Job name (else a 422 Status naming the rule it breaks)."""
    if not name:
        raise _invalid("", "metadata.name: Required value: name or generateName is required")
    if not isinstance(name, str) or not _DNS_SUBDOMAIN.match(name) or len(name) > MAX_NAME_LENGTH:
        raise _invalid(
            str(name),
            f"metadata.name: Invalid value: {name!r}: must be a lowercase RFC 1123 subdomain of at most "
            f"{MAX_NAME_LENGTH} characters (lowercase letters, digits, '-' and '.')",
        )
    return name


def _check_spec(name: str, spec: Any) -> dict[str, Any]:
    """`spec` once it has a pod template with named, imaged containers (else a 422 Status)."""
    if not isinstance(spec, dict) or not isinstance(spec.get("template"), dict):
        raise _invalid(name, "spec.template: Required value")
    pod = spec["template"].get("spec")
    if not isinstance(pod, dict):
        raise _invalid(name, "spec.template.spec: Required value")
    containers = pod.get("containers")
    if not isinstance(containers, list) or not containers:
        raise _invalid(name, "spec.template.spec.containers: Required value")
    for index, container in enumerate(containers):
        for key in ("name", "image"):
            if not isinstance(container, dict) or not container.get(key):
                raise _invalid(name, f"spec.template.spec.containers[{index}].{key}: Required value")
    # A pod's restartPolicy defaults to Always, which a Job refuses.
    restart = pod.get("restartPolicy", "Always")
    if restart not in _RESTART_POLICIES:
        raise _invalid(
            name,
            f'spec.template.spec.restartPolicy: Unsupported value: "{restart}": supported values: '
            '"OnFailure", "Never"',
        )
    for key, minimum in (("backoffLimit", 0), ("activeDeadlineSeconds", 1)):
        value = spec.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < minimum):
            raise _invalid(name, f"spec.{key}: Invalid value: {value!r}: must be an integer >= {minimum}")
    return spec


def _invalid(name: str, cause: str) -> ApiError:
    return status_error(
        422,
        f'Job.batch "{name}" is invalid: {cause}',
        name=name,
        group="batch",
        kind="Job",
    )
