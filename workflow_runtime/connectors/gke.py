"""The Kubernetes API connector (`gke.create_job`, `gke.await_job`, `gke.delete_job`,
`gke.request`) against the fake GKE clusters.

Documented (cloud.google.com/workflows/docs/reference/connectors/gke/Overview and the
function pages create_job, await_job, delete_job, request; guide "Access Kubernetes API
objects using a connector", workflows/docs/access-kubernetes-api):
- every function reaches the control plane of the cluster `cluster_id`, private clusters
  included; `project` and `location` default to the workflow's;
- `create_job(cluster_id, job, namespace="default", project, location, query, timeout)`
  returns the created Job; `delete_job(cluster_id, job_name, namespace, ...)` returns the
  deleted Job; `request(cluster_id, path, method, body, headers, query, timeout, ...)`
  returns `{body, code, headers}`; method is one of GET, HEAD, POST, PUT, DELETE,
  OPTIONS, PATCH; a request timeout defaults to 300 s, above 1800 s is a ValueError;
- `await_job(cluster_id, job_name, namespace, query, timeout=1800 (at most one year),
  polling_policy)` waits until the Job's status has a condition `Complete` (returns the
  Job) or fails with a `FailedJobError` map `{tags, message: "Kubernetes job failed",
  job}`; TimeoutError when it does not complete in time;
- HttpError for a response status >= 400 (body: the Kubernetes `Status`), ValueError "if
  the cluster does not have status RUNNING".

Not settled by those pages, decided here:
- how the connector finds the control plane: it looks the cluster up (an unknown cluster
  is the Kubernetes Engine API's HTTP 404) and checks its status, as part of each request;
- await_job's default polling policy: the pages point to the connectors reference, so it
  is the connectors' default (1 s, x1.25, at most 60 s); the first check is made at once
  (a Job that already finished returns without waiting), every later poll is one billed
  step, like polls of long-running operations (polling.py);
- `method` is required (every example gives it; no default is documented), and
  `connector_params`, which none of these pages lists, is refused;
- requests follow the connector retry policy (retry.py): GET idempotent, others not.
The fake answers at once, so a request never reaches its own `timeout`; `headers` are
checked (a map of simple types) but the fake API server only speaks JSON, so they do not
change how a body is sent.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from workflow_runtime.connectors.args import (
    check_args,
    polling_args,
    project_and_location,
    simple_map_arg,
    string_arg,
    timeout_arg,
)
from workflow_runtime.connectors.context import ConnectorContext, service
from workflow_runtime.connectors.polling import poll_until
from workflow_runtime.connectors.retry import with_retries
from workflow_runtime.errors import make_error

REQUEST_TIMEOUT = 300.0
MAX_REQUEST_TIMEOUT = 1800.0
AWAIT_TIMEOUT = 1800.0
METHODS = ("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH")
_TARGET_ARGS = ("project", "location")
# The Kubernetes API server answers JSON.
_RESPONSE_HEADERS = {"Content-Type": "application/json"}


@dataclass(frozen=True)
class Cluster:
    """Which cluster a call reaches."""

    project: str
    location: str
    cluster_id: str


def create_job(ctx: ConnectorContext, args: Mapping[str, Any]) -> Any:
    """Create the Job `job` in `namespace`; the created Job."""
    name = "gke.create_job"
    check_args(
        name,
        args,
        required=("cluster_id", "job"),
        optional=("namespace", "query", "timeout", *_TARGET_ARGS),
        connector_params=False,
    )
    job = args["job"]
    if not isinstance(job, Mapping):
        raise make_error("TypeError", f"{name}: argument job must be a map (a Kubernetes Job), got {job!r}")
    path = f"/apis/batch/v1/namespaces/{_namespace(name, args)}/jobs"
    _, body = _send(ctx, name, _cluster(ctx, name, args), "POST", path, _request_query(name, args), dict(job))
    return body


def await_job(ctx: ConnectorContext, args: Mapping[str, Any]) -> Any:
    """Wait for Job `job_name` to complete; the completed Job, or FailedJobError."""
    name = "gke.await_job"
    check_args(
        name,
        args,
        required=("cluster_id", "job_name"),
        optional=("namespace", "query", "timeout", "polling_policy", *_TARGET_ARGS),
        connector_params=False,
    )
    params = polling_args(name, args, default_timeout=AWAIT_TIMEOUT)
    cluster = _cluster(ctx, name, args)
    job_name = _job_name(name, args)
    path = f"/apis/batch/v1/namespaces/{_namespace(name, args)}/jobs/{job_name}"
    query = simple_map_arg(name, args, "query")

    def fetch() -> Any:
        return _send(ctx, name, cluster, "GET", path, query, None)[1]

    job = poll_until(
        ctx,
        name,
        fetch(),
        fetch,
        lambda current: _finished(current) is not None,
        params,
        what=f"Kubernetes job {job_name}",
        timeout_source="timeout argument",
    )
    if _finished(job) == "Failed":
        raise make_error("FailedJobError", "Kubernetes job failed", job=job)
    return job


def delete_job(ctx: ConnectorContext, args: Mapping[str, Any]) -> Any:
    """Delete Job `job_name` (query e.g. propagationPolicy); the deleted Job."""
    name = "gke.delete_job"
    check_args(
        name,
        args,
        required=("cluster_id", "job_name"),
        optional=("namespace", "query", "timeout", *_TARGET_ARGS),
        connector_params=False,
    )
    path = f"/apis/batch/v1/namespaces/{_namespace(name, args)}/jobs/{_job_name(name, args)}"
    _, body = _send(ctx, name, _cluster(ctx, name, args), "DELETE", path, _request_query(name, args), None)
    return body


def request(ctx: ConnectorContext, args: Mapping[str, Any]) -> Any:
    """Send `method path` to the cluster's control plane; {body, code, headers}."""
    name = "gke.request"
    check_args(
        name,
        args,
        required=("cluster_id", "path", "method"),
        optional=("body", "headers", "query", "timeout", *_TARGET_ARGS),
        connector_params=False,
    )
    method = string_arg(name, args, "method") or ""
    if method.upper() not in METHODS:
        raise make_error("ValueError", f"{name}: method {method!r} is not one of {', '.join(METHODS)}")
    path = string_arg(name, args, "path") or ""
    if not path.startswith("/"):
        raise make_error("ValueError", f"{name}: path {path!r} must start with '/' (e.g. /api/v1/namespaces)")
    simple_map_arg(name, args, "headers")
    query = _request_query(name, args)
    code, body = _send(ctx, name, _cluster(ctx, name, args), method.upper(), path, query, args.get("body"))
    return {"body": body, "code": code, "headers": dict(_RESPONSE_HEADERS)}


CONNECTORS: dict[str, Callable[[ConnectorContext, Mapping[str, Any]], Any]] = {
    "gke.create_job": create_job,
    "gke.await_job": await_job,
    "gke.delete_job": delete_job,
    "gke.request": request,
}


def _send(
    ctx: ConnectorContext,
    name: str,
    cluster: Cluster,
    method: str,
    path: str,
    query: dict[str, Any] | None,
    body: Any,
) -> tuple[int, Any]:
    fake = service(ctx, "gke", "no GKE clusters are configured: give Services(gke=FakeGke())")

    def send() -> tuple[int, Any]:
        target = fake.control_plane(cluster.project, cluster.location, cluster.cluster_id)
        if target.status != "RUNNING":
            raise make_error(
                "ValueError",
                f"{name}: cluster {target.name} does not have status RUNNING (status: {target.status})",
            )
        # ctx.services is untyped (connectors sit below the fakes): FakeGke.kube_request
        # answers (status, body).
        answer: tuple[int, Any] = fake.kube_request(target, method, path, query, body, ctx.clock.now())
        return answer

    return with_retries(ctx, method, send)


def _finished(job: Any) -> str | None:
    """ "Complete" or "Failed" once the Job's status has that condition True (the guide: "a
    Job is considered complete if its status includes a condition type of Complete")."""
    status = job.get("status") if isinstance(job, dict) else None
    for condition in (status or {}).get("conditions") or []:
        if condition.get("type") in ("Complete", "Failed") and condition.get("status") == "True":
            return str(condition["type"])
    return None


def _cluster(ctx: ConnectorContext, name: str, args: Mapping[str, Any]) -> Cluster:
    cluster_id = string_arg(name, args, "cluster_id") or ""
    project, location = project_and_location(name, args, ctx.env)
    return Cluster(project, location, cluster_id)


def _namespace(name: str, args: Mapping[str, Any]) -> str:
    namespace = string_arg(name, args, "namespace") or "default"
    _check_segment(name, "namespace", namespace)
    return namespace


def _job_name(name: str, args: Mapping[str, Any]) -> str:
    job_name = string_arg(name, args, "job_name") or ""
    _check_segment(name, "job_name", job_name)
    return job_name


def _check_segment(name: str, arg: str, value: str) -> None:
    # A value with '/' or '?' would address another resource than the one named.
    if not value or any(char in value for char in "/?#"):
        raise make_error("ValueError", f"{name}: argument {arg} {value!r} is not a Kubernetes object name")


def _request_query(name: str, args: Mapping[str, Any]) -> dict[str, Any] | None:
    """The `query` of a single-request function, once its `timeout` is checked too."""
    timeout_arg(name, args, default=REQUEST_TIMEOUT, maximum=MAX_REQUEST_TIMEOUT)
    return simple_map_arg(name, args, "query")
