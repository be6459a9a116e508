"""A fake of GKE clusters: their Kubernetes Engine API resource and their control plane.

Two faces of the same clusters, as on Google Cloud:
- the Kubernetes Engine API (`clusters.get`): the Cluster resource with its `status`
  (RUNNING, DEGRADED, ERROR, ...); an unknown cluster is a 404;
- the cluster's control plane (the Kubernetes API server the `gke.*` connector calls):
  batch/v1 Jobs (create, get, list, delete, status) run for a scripted virtual duration
  and outcome (see k8s_jobs.py), nodes can be listed; anything else is a 404.

Clusters exist only once a test adds them (`add_cluster`), so a workflow that names the
wrong cluster, zone or project fails as it would on Google Cloud. Tests script per
cluster: its status (`set_status`), namespaces, nodes, per-job outcomes
(`succeed` / `fail` / `script`), a lasting permission failure (`permission_denied`, every
Kubernetes API request answers 403) and one-off failures (`failures.fail_next(code,
when="POST *")`; the Kubernetes Engine API request is labelled "clusters.get").

Every Kubernetes API request is recorded in `FakeGke.requests` (cluster, method, path,
query, body as sent, the status answered), so tests can assert the exact Job manifest a
workflow created; `created_jobs()` returns the manifests of the Jobs that were created.
"""

from __future__ import annotations

import copy
import re
import uuid
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from workflow_runtime.connectors.errors import ApiError, api_error
from workflow_runtime.fakes.failures import ScriptedFailures
from workflow_runtime.fakes.k8s_jobs import (
    JobOutcome,
    JobTimeline,
    k8s_time,
    new_job,
    plan,
    status_error,
    with_status,
)

CLUSTER_STATUSES = ("PROVISIONING", "RUNNING", "RECONCILING", "STOPPING", "ERROR", "DEGRADED")
_CLUSTER_NAME = re.compile(r"^projects/([^/]+)/locations/([^/]+)/clusters/([^/]+)$")
_JOBS = re.compile(r"^/apis/batch/v1/namespaces/([^/]+)/jobs$")
_JOB = re.compile(r"^/apis/batch/v1/namespaces/([^/]+)/jobs/([^/]+)$")
_JOB_STATUS = re.compile(r"^/apis/batch/v1/namespaces/([^/]+)/jobs/([^/]+)/status$")
_NODES = re.compile(r"^/api/v1/nodes$")
_PROPAGATION = ("Orphan", "Background", "Foreground")


@dataclass
class ClusterRequest:
    """One request sent to a cluster's Kubernetes API server."""

    project: str
    location: str
    cluster_id: str
    method: str
    path: str
    query: dict[str, Any]
    body: Any
    time: float
    code: int = 0  # the HTTP status answered


@dataclass
class StoredJob:
    """A Job in a cluster: the object as stored and what it will do."""

    job: dict[str, Any]
    timeline: JobTimeline


@dataclass
class FakeCluster:
    """One GKE cluster; see the module docstring for what tests can script."""

    project: str
    location: str
    cluster_id: str
    status: str = "RUNNING"
    status_message: str = ""
    namespaces: set[str] = field(default_factory=lambda: {"default", "kube-system", "kube-public"})
    nodes: list[dict[str, Any]] = field(default_factory=list)
    permission_denied: bool = False
    default_outcome: JobOutcome = field(default_factory=JobOutcome)
    failures: ScriptedFailures = field(default_factory=ScriptedFailures)
    jobs: dict[tuple[str, str], StoredJob] = field(default_factory=dict)
    _scripts: dict[str, deque[JobOutcome]] = field(default_factory=dict)
    _version: int = 0

    @property
    def name(self) -> str:
        """The cluster's resource name, projects/P/locations/L/clusters/C."""
        return f"projects/{self.project}/locations/{self.location}/clusters/{self.cluster_id}"

    # ---- scripting -----------------------------------------------------------------
    def set_status(self, status: str, message: str = "") -> None:
        """Set the Kubernetes Engine API status (RUNNING, DEGRADED, ERROR, ...)."""
        if status not in CLUSTER_STATUSES:
            raise ValueError(f"unknown cluster status {status!r}; use one of {', '.join(CLUSTER_STATUSES)}")
        self.status, self.status_message = status, message

    def add_node(
        self, name: str, labels: Mapping[str, str] | None = None, capacity: Mapping[str, str] | None = None
    ) -> None:
        """Add a node with `labels` and resource `capacity` (e.g. {"nvidia.com/gpu": "1"})."""
        node_capacity = dict(capacity or {})
        self.nodes.append(
            {
                "apiVersion": "v1",
                "kind": "Node",
                "metadata": {"name": name, "labels": dict(labels or {})},
                "status": {"capacity": node_capacity, "allocatable": dict(node_capacity)},
            }
        )

    def script(self, job_name: str, *outcomes: JobOutcome) -> None:
        """Queue what the next Jobs named `job_name` (any namespace) do."""
        self._scripts.setdefault(job_name, deque()).extend(outcomes)

    def succeed(self, job_name: str, duration: float = 60.0, *, pod_failures: int = 0) -> None:
        """The next Job `job_name` succeeds: `pod_failures` failed pods first, each pod
        running `duration` virtual seconds."""
        self.script(job_name, JobOutcome("succeed", duration, pod_failures))

    def fail(self, job_name: str, duration: float = 60.0) -> None:
        """Every pod of the next Job `job_name` fails after `duration` virtual seconds."""
        self.script(job_name, JobOutcome("fail", duration))

    def job(self, name: str, namespace: str = "default") -> dict[str, Any]:
        """The stored Job object (KeyError when there is none)."""
        return self.jobs[(namespace, name)].job

    # ---- the Kubernetes Engine API view -----------------------------------------------
    def resource(self) -> dict[str, Any]:
        """The Cluster resource as clusters.get returns it."""
        resource: dict[str, Any] = {
            "name": self.cluster_id,
            "location": self.location,
            "zone": self.location,
            "locations": [self.location],
            "status": self.status,
            "endpoint": "10.0.0.2",
            "currentMasterVersion": "1.30.5-gke.1014001",
            "currentNodeVersion": "1.30.5-gke.1014001",
            "selfLink": f"https://container.googleapis.com/v1/{self.name}",
            "id": uuid.uuid5(uuid.NAMESPACE_URL, self.name).hex,
        }
        if self.status_message:
            resource["statusMessage"] = self.status_message
            resource["conditions"] = [{"code": "UNKNOWN", "message": self.status_message}]
        return resource

    # ---- the Kubernetes API server ----------------------------------------------------
    def handle(self, method: str, path: str, query: dict[str, Any], body: Any, now: float) -> tuple[int, Any]:
        """Serve one Kubernetes API request: (status, body), or raise a Status ApiError."""
        failure = self.failures.take(f"{method} {path}")
        if failure is not None:
            raise status_error(failure.code, failure.message)
        if self.permission_denied:
            raise status_error(
                403,
                f'{path} is forbidden: User "workflows-sa" cannot {method.lower()} this resource '
                "(roles/container.developer missing?)",
            )
        head = method == "HEAD"
        method = "GET" if head else method
        for pattern, handlers in self._routes():
            match = pattern.match(path)
            if match:
                handler = handlers.get(method)
                if handler is None:
                    raise status_error(
                        405, f"the server does not allow this method on the requested resource: {method}"
                    )
                code, answer = handler(*match.groups(), query=query, body=body, now=now)
                return code, None if head else answer
        raise status_error(404, "the server could not find the requested resource")

    def _routes(self) -> tuple[tuple[re.Pattern[str], dict[str, Any]], ...]:
        return (
            (_JOBS, {"GET": self._list_jobs, "POST": self._create_job}),
            (_JOB, {"GET": self._read_job, "DELETE": self._delete_job}),
            (_JOB_STATUS, {"GET": self._read_job}),
            (_NODES, {"GET": self._list_nodes}),
        )

    def _create_job(self, namespace: str, *, query: dict[str, Any], body: Any, now: float) -> tuple[int, Any]:
        self._check_namespace(namespace)
        if isinstance(body, bytes | str):
            raise status_error(415, "the body of the request must be a JSON Job object")
        uid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{self.name}#{self._version}"))
        job = new_job(body, namespace, uid=uid, resource_version=str(self._version + 1), now=now)
        name = job["metadata"]["name"]
        if (namespace, name) in self.jobs:
            raise status_error(
                409, f'jobs.batch "{name}" already exists', name=name, group="batch", kind="jobs"
            )
        if query.get("dryRun") == "All":
            return 201, job
        self._version += 1
        self.jobs[(namespace, name)] = StoredJob(job, plan(job, self._next_outcome(name), now))
        return 201, copy.deepcopy(job)

    def _read_job(
        self, namespace: str, name: str, *, query: dict[str, Any], body: Any, now: float
    ) -> tuple[int, Any]:
        stored = self._stored(namespace, name)
        return 200, with_status(stored.job, stored.timeline, now)

    def _list_jobs(self, namespace: str, *, query: dict[str, Any], body: Any, now: float) -> tuple[int, Any]:
        self._check_namespace(namespace)
        items = [
            with_status(stored.job, stored.timeline, now)
            for (ns, _), stored in sorted(self.jobs.items())
            if ns == namespace
        ]
        selector = query.get("labelSelector")
        if selector:
            items = [job for job in items if _selects(str(selector), job["metadata"].get("labels", {}))]
        return 200, {
            "apiVersion": "batch/v1",
            "kind": "JobList",
            "metadata": {"resourceVersion": str(self._version)},
            "items": items,
        }

    def _delete_job(
        self, namespace: str, name: str, *, query: dict[str, Any], body: Any, now: float
    ) -> tuple[int, Any]:
        stored = self._stored(namespace, name)
        policy = query.get("propagationPolicy", "Background")
        if policy not in _PROPAGATION:
            raise status_error(
                400,
                f"propagationPolicy: Unsupported value: {policy!r}: supported values: "
                f"{', '.join(_PROPAGATION)}",
            )
        if query.get("dryRun") == "All":
            return 200, with_status(stored.job, stored.timeline, now)
        # The fake removes the Job and its pods at once; a real cluster may keep it until
        # its finalizers (Foreground deletion) have run.
        del self.jobs[(namespace, name)]
        self._version += 1
        deleted = with_status(stored.job, stored.timeline, now)
        deleted["metadata"]["deletionTimestamp"] = k8s_time(now)
        if policy == "Foreground":
            deleted["metadata"]["finalizers"] = ["foregroundDeletion"]
        return 200, deleted

    def _list_nodes(self, *, query: dict[str, Any], body: Any, now: float) -> tuple[int, Any]:
        selector = query.get("labelSelector")
        items = [
            copy.deepcopy(node)
            for node in self.nodes
            if not selector or _selects(str(selector), node["metadata"]["labels"])
        ]
        return 200, {
            "apiVersion": "v1",
            "kind": "NodeList",
            "metadata": {"resourceVersion": str(self._version)},
            "items": items,
        }

    def _stored(self, namespace: str, name: str) -> StoredJob:
        self._check_namespace(namespace)
        stored = self.jobs.get((namespace, name))
        if stored is None:
            raise status_error(404, f'jobs.batch "{name}" not found', name=name, group="batch", kind="jobs")
        return stored

    def _check_namespace(self, namespace: str) -> None:
        if namespace not in self.namespaces:
            raise status_error(404, f'namespaces "{namespace}" not found', name=namespace, kind="namespaces")

    def _next_outcome(self, job_name: str) -> JobOutcome:
        queue = self._scripts.get(job_name)
        return queue.popleft() if queue else self.default_outcome


@dataclass
class FakeGke:
    """The GKE clusters tests add; see the module docstring."""

    clusters: dict[tuple[str, str, str], FakeCluster] = field(default_factory=dict)
    requests: list[ClusterRequest] = field(default_factory=list)

    def add_cluster(
        self,
        cluster_id: str,
        location: str = "us-central1",
        project: str = "test-project",
        *,
        status: str = "RUNNING",
        namespaces: tuple[str, ...] = (),
    ) -> FakeCluster:
        """Create a cluster (with extra `namespaces` besides default ones) and return it."""
        cluster = FakeCluster(project, location, cluster_id)
        cluster.set_status(status)
        cluster.namespaces.update(namespaces)
        self.clusters[(project, location, cluster_id)] = cluster
        return cluster

    def remove_cluster(
        self, cluster_id: str, location: str = "us-central1", project: str = "test-project"
    ) -> None:
        """Delete a cluster: from now on it is a 404 (KeyError when it does not exist)."""
        del self.clusters[(project, location, cluster_id)]

    def cluster(self, cluster_id: str, location: str | None = None) -> FakeCluster:
        """The added cluster called `cluster_id` (in `location`, when several share the id)."""
        found = [
            c for c in self.clusters.values() if c.cluster_id == cluster_id and location in (None, c.location)
        ]
        if len(found) != 1:
            where = f" in {location}" if location else ""
            raise KeyError(
                f"{len(found)} clusters named {cluster_id!r}{where}; add_cluster it first or give location"
            )
        return found[0]

    def created_jobs(self, cluster_id: str | None = None) -> list[dict[str, Any]]:
        """The manifests (bodies as sent) of every Job created, oldest first."""
        return [
            request.body
            for request in self.requests
            if request.method == "POST"
            and request.code == 201
            and _JOBS.match(request.path)
            and cluster_id in (None, request.cluster_id)
        ]

    # ---- Kubernetes Engine API ----------------------------------------------------------
    def get_cluster(self, name: str, now: float) -> dict[str, Any]:
        """clusters.get: the Cluster resource `projects/P/locations/L/clusters/C`."""
        cluster = self._lookup(name)
        failure = cluster.failures.take("clusters.get")
        if failure is not None:
            raise api_error(failure.code, failure.message)
        return cluster.resource()

    # ---- the control plane ------------------------------------------------------------
    def control_plane(self, project: str, location: str, cluster_id: str) -> FakeCluster:
        """The cluster whose API server a `gke.*` call reaches (HTTP 404 if none)."""
        return self._lookup(f"projects/{project}/locations/{location}/clusters/{cluster_id}")

    def kube_request(
        self,
        cluster: FakeCluster,
        method: str,
        path: str,
        query: Mapping[str, Any] | None,
        body: Any,
        now: float,
    ) -> tuple[int, Any]:
        """Send one request to `cluster`'s API server; recorded whatever it answers."""
        query = dict(query or {})
        request = ClusterRequest(
            cluster.project,
            cluster.location,
            cluster.cluster_id,
            method,
            path,
            query,
            copy.deepcopy(body),
            now,
        )
        self.requests.append(request)
        try:
            code, answer = cluster.handle(method, path, query, body, now)
        except ApiError as error:
            request.code = error.code
            raise
        request.code = code
        return code, answer

    def _lookup(self, name: str) -> FakeCluster:
        match = _CLUSTER_NAME.match(name) if isinstance(name, str) else None
        if not match:
            raise api_error(
                400,
                f"Invalid cluster name {name!r}; expected "
                "projects/PROJECT/locations/LOCATION/clusters/CLUSTER",
            )
        cluster = self.clusters.get(match.groups())  # type: ignore[arg-type]
        if cluster is None:
            raise api_error(404, f"Not found: {name}.")
        return cluster


def _selects(selector: str, labels: Mapping[str, str]) -> bool:
    """Kubernetes equality-based label selectors: `k=v`, `k==v`, `k!=v`, `k`, `!k`, ANDed."""
    for term in (part.strip() for part in selector.split(",") if part.strip()):
        if "!=" in term:
            key, value = (s.strip() for s in term.split("!=", 1))
            if labels.get(key) == value:
                return False
        elif "=" in term:
            key, value = (s.strip() for s in term.replace("==", "=").split("=", 1))
            if labels.get(key) != value:
                return False
        elif term.startswith("!"):
            if term[1:] in labels:
                return False
        elif term not in labels:
            return False
    return True
