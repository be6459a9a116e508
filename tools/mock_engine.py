"""Evaluate `__main__.py` for a stack under the Pulumi SDK's mock engine, without the CLI.

`evaluate("staging")` reads `Pulumi.staging.yaml` the way the CLI would hand it to the
program (optionally with config overrides), runs the program with mocks that answer like
the provider (service account emails, workflow ids, revisions, ...), waits for every
registration, and returns what was registered (type, name, parent, inputs as the engine
receives them: camelCase, dependencies) plus the resolved stack outputs.

Each evaluation runs in a fresh `contextvars` context, so runs never share the SDK's
global settings, root stack or config.
"""

from __future__ import annotations

import contextvars
import functools
import hashlib
import json
import runpy
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
from pulumi.runtime.mocks import MockMonitor
from pulumi.runtime.settings import SETTINGS
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

from components.stack_files import ROOT, engine_config, project_name

PROGRAM = ROOT / "__main__.py"
PROJECT_NUMBER = "123456789012"
GCS_AGENT_INVOKE = "gcp:storage/getProjectServiceAccount:getProjectServiceAccount"
GET_BUCKET_INVOKE = "gcp:storage/getBucket:getBucket"
GET_JOB_INVOKE = "gcp:cloudrunv2/getJob:getJob"


@dataclass(frozen=True)
class Registered:
    """One resource registration as the engine saw it."""

    type: str
    name: str
    urn: str
    id: str | None
    parent: str | None
    custom: bool
    inputs: Mapping[str, Any]
    outputs: Mapping[str, Any]
    dependencies: tuple[str, ...]
    # Top-level input name -> URNs its value depends on (what the engine hands to policies).
    property_dependencies: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass
class Evaluation:
    """The result of one program run under mocks."""

    stack: str
    resources: list[Registered]
    outputs: dict[str, Any]
    seconds: float
    invokes: list[str] = field(default_factory=list)

    def of_type(self, type_: str) -> list[Registered]:
        """Registrations of one resource type token, in registration order."""
        return [r for r in self.resources if r.type == type_]

    def named(self, name: str) -> Registered:
        """The one custom resource with this logical name; KeyError if absent or ambiguous.

        (A PipelineWorkflow component and its Workflow share the workflow's name.)
        """
        found = [r for r in self.resources if r.name == name and r.custom]
        if len(found) != 1:
            raise KeyError(f"{len(found)} resources named {name!r}")
        return found[0]

    def by_urn(self) -> dict[str, Registered]:
        """Registrations keyed by URN."""
        return {r.urn: r for r in self.resources}

    def parent_of(self, resource: Registered) -> Registered | None:
        """The registered parent of a resource (None under the stack)."""
        return self.by_urn().get(resource.parent or "")

    def component_of(self, resource: Registered) -> Registered | None:
        """The nearest component resource above `resource`."""
        parent = self.parent_of(resource)
        while parent is not None and parent.custom:
            parent = self.parent_of(parent)
        return parent

    def counts(self) -> dict[str, int]:
        """Number of registrations per type token, sorted by type."""
        counts: dict[str, int] = {}
        for resource in self.resources:
            counts[resource.type] = counts.get(resource.type, 0) + 1
        return dict(sorted(counts.items()))


class ProgramFailed(Exception):
    """The program raised; `error` is its exception, `resources` what it had registered."""

    def __init__(self, error: Exception, resources: list[Registered]) -> None:
        super().__init__(f"{type(error).__name__}: {error}")
        self.error = error
        self.resources = resources


class ProgramMocks(pulumi.runtime.Mocks):
    """Answers resource registrations and invokes with realistic computed outputs."""

    def __init__(self, bucket_location: str, missing_jobs: frozenset[tuple[str, str]] = frozenset()) -> None:
        """`bucket_location` is where the data bucket really is (GCS answers in upper case);
        `missing_jobs` are the (job, region) pairs Cloud Run does not have."""
        self.bucket_location = bucket_location.upper()
        self.missing_jobs = missing_jobs
        self.invokes: list[str] = []
        self.registered: dict[tuple[str, str], tuple[str, dict[str, Any], dict[str, Any]]] = {}

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        """Return (id, state): the inputs plus what the provider would compute."""
        inputs = dict(args.inputs)
        resource_id, computed = _computed(args.typ, args.name, inputs)
        outputs = {**inputs, **computed}
        self.registered[(args.typ, args.name)] = (resource_id, inputs, outputs)
        return resource_id, outputs

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        """Answer the invokes the program makes; any other invoke is a test failure."""
        self.invokes.append(args.token)
        if args.token == GCS_AGENT_INVOKE:
            email = f"service-{PROJECT_NUMBER}@gs-project-accounts.iam.gserviceaccount.com"
            answer = {
                "emailAddress": email,
                "member": f"serviceAccount:{email}",
                "project": args.args.get("project"),
            }
            return answer, []
        if args.token == GET_BUCKET_INVOKE:
            return {"name": args.args.get("name"), "location": self.bucket_location}, []
        if args.token == GET_JOB_INVOKE:
            job, region, project = (args.args.get(key) for key in ("name", "location", "project"))
            if (job, region) in self.missing_jobs:
                # The provider's data source fails the invoke for an absent job (an error
                # the program sees as an exception from the invoke, like a real preview).
                return {}, [("name", f"projects/{project}/locations/{region}/jobs/{job} not found")]
            uid = hashlib.sha256(f"{project}/{region}/{job}".encode()).hexdigest()[:16]
            return {"name": job, "location": region, "project": project, "uid": uid}, []
        raise NotImplementedError(f"the mock engine does not answer invoke {args.token}")


def _computed(type_: str, name: str, inputs: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """The id and computed outputs the GCP provider returns for one resource."""
    project = inputs.get("project", "p")
    location = inputs.get("location") or inputs.get("region") or "r"
    if type_ == "gcp:serviceaccount/account:Account":
        email = f"{inputs['accountId']}@{project}.iam.gserviceaccount.com"
        full = f"projects/{project}/serviceAccounts/{email}"
        return full, {"email": email, "member": f"serviceAccount:{email}", "name": full, "uniqueId": "1" * 21}
    if type_ == "gcp:workflows/workflow:Workflow":
        digest = hashlib.sha256(str(inputs.get("sourceContents", "")).encode()).hexdigest()
        wf_id = f"projects/{project}/locations/{location}/workflows/{inputs['name']}"
        return wf_id, {"revisionId": f"000001-{digest[:3]}", "state": "ACTIVE"}
    if type_ == "gcp:projects/iAMCustomRole:IAMCustomRole":
        full = f"projects/{project}/roles/{inputs['roleId']}"
        return full, {"name": full, "deleted": False}
    if type_ == "gcp:projects/serviceIdentity:ServiceIdentity":
        agent = str(inputs["service"]).split(".")[0]
        email = f"service-{PROJECT_NUMBER}@gcp-sa-{agent}.iam.gserviceaccount.com"
        return f"{project}/{inputs['service']}", {"email": email, "member": f"serviceAccount:{email}"}
    collection = {
        "gcp:eventarc/messageBus:MessageBus": ("messageBuses", "messageBusId"),
        "gcp:eventarc/pipeline:Pipeline": ("pipelines", "pipelineId"),
        "gcp:eventarc/enrollment:Enrollment": ("enrollments", "enrollmentId"),
        "gcp:eventarc/trigger:Trigger": ("triggers", "name"),
        "gcp:cloudscheduler/job:Job": ("jobs", "name"),
    }.get(type_)
    if collection is not None:
        full = f"projects/{project}/locations/{location}/{collection[0]}/{inputs[collection[1]]}"
        return full, {"name": full, "uid": hashlib.sha256(full.encode()).hexdigest()[:16]}
    if type_.endswith(("IAMMember:IAMMember", "BucketIAMMember:BucketIAMMember")):
        scope = inputs.get("bucket") or inputs.get("serviceAccountId") or project
        return f"{scope}/{inputs['role']}/{inputs['member']}", {"etag": "BwY="}
    return f"{name}-id", {}


class _RecordingMonitor(MockMonitor):
    """The SDK's mock monitor, also remembering each registration's parent and dependencies."""

    def __init__(self, mocks: ProgramMocks) -> None:
        super().__init__(mocks)
        self.requests: list[tuple[Any, str]] = []

    def RegisterResource(self, request: Any) -> Any:
        """Register as the SDK's mock does, then record the request."""
        # The SDK leaves MockMonitor.RegisterResource unannotated (it takes and returns
        # protobuf messages); the response carries the registered `urn`.
        response = super().RegisterResource(request)  # type: ignore[no-untyped-call]
        if request.type != "pulumi:pulumi:Stack":
            self.requests.append((request, response.urn))
        return response


def set_config_path(config: Mapping[str, str], path: str, value: Any, namespace: str) -> dict[str, str]:
    """Return a copy of an engine config map with `path` (e.g. `canary.percent`) set.

    The first segment is a key of the program's namespace (or a full `ns:key`); later
    segments walk into its JSON value, like `pulumi config set --path`.
    """
    head, *rest = path.split(".")
    key = head if ":" in head else f"{namespace}:{head}"
    updated = dict(config)
    if not rest:
        updated[key] = value if isinstance(value, str) else json.dumps(value)
        return updated
    document = json.loads(config.get(key, "{}"))
    node = document
    for part in rest[:-1]:
        node = node.setdefault(part, {})
    node[rest[-1]] = value
    updated[key] = json.dumps(document)
    return updated


def evaluate(
    stack: str,
    overrides: Mapping[str, Any] | None = None,
    config: Mapping[str, str] | None = None,
    program: Path = PROGRAM,
    bucket_location: str | None = None,
    missing_jobs: frozenset[tuple[str, str]] = frozenset(),
) -> Evaluation:
    """Run the program for `stack` under mocks; if it raises, raise ProgramFailed.

    `config` replaces the stack file's engine config; `overrides` maps config paths
    (`canary.percent`, `eventRouting`, `gcp:region`) to values applied on top.
    `bucket_location` is where the mocked data bucket really is (default: where the
    config says it is); `missing_jobs` are (job, region) pairs absent from Cloud Run.
    """
    namespace = project_name()
    engine = dict(config if config is not None else engine_config(stack))
    for path, value in (overrides or {}).items():
        engine = set_config_path(engine, path, value, namespace)
    declared = engine.get(f"{namespace}:bucketLocation") or engine.get("gcp:region") or "us-central1"
    mocks = ProgramMocks(bucket_location or declared, missing_jobs)
    monitor = _RecordingMonitor(mocks)
    started = time.perf_counter()
    try:
        outputs = contextvars.Context().run(_run, program, namespace, stack, engine, mocks, monitor)
    except Exception as exc:
        raise ProgramFailed(exc, _registered(mocks, monitor)) from exc
    seconds = time.perf_counter() - started
    resources = _registered(mocks, monitor)
    return Evaluation(
        stack=stack, resources=resources, outputs=outputs, seconds=seconds, invokes=mocks.invokes
    )


@functools.lru_cache(maxsize=32)
def evaluate_cached(stack: str, overrides: tuple[tuple[str, Any], ...] = ()) -> Evaluation:
    """`evaluate` memoized per stack and overrides (tests share runs; never mutate them)."""
    return evaluate(stack, overrides=dict(overrides))


def _registered(mocks: ProgramMocks, monitor: _RecordingMonitor) -> list[Registered]:
    """Join the monitor's requests (parent, dependencies) with the mocks' inputs/outputs."""
    resources = []
    for request, urn in monitor.requests:
        resource_id, inputs, outputs = mocks.registered.get((request.type, request.name), (None, {}, {}))
        resources.append(
            Registered(
                type=request.type,
                name=request.name,
                urn=urn,
                id=resource_id,
                parent=request.parent or None,
                custom=bool(request.custom),
                inputs=inputs,
                outputs=outputs,
                dependencies=tuple(request.dependencies),
                property_dependencies={
                    key: tuple(value.urns) for key, value in request.propertyDependencies.items()
                },
            )
        )
    return resources


def _run(
    program: Path,
    namespace: str,
    stack: str,
    engine: dict[str, str],
    mocks: ProgramMocks,
    monitor: _RecordingMonitor,
) -> dict[str, Any]:
    # MockSettings never sets `outputs`, and the SDK's ContextProperty makes the first value
    # ever set (the import-time Settings' set) the default of every fresh context: all mock
    # runs would share one set of output tasks, and a failed run's unfinished tasks would be
    # awaited (and fail again, with that run's error) by the next run's wait_for_rpcs.
    SETTINGS.outputs = set()
    pulumi.runtime.set_all_config(engine)
    pulumi.runtime.set_mocks(mocks, project=namespace, stack=stack, preview=False, monitor=monitor)
    root = str(program.parent)
    if root not in sys.path:
        sys.path.insert(0, root)

    def run_program() -> None:
        runpy.run_path(str(program), run_name="__main__")

    _sync_await(run_pulumi_func(run_program))
    stack_resource = pulumi.runtime.get_root_resource()
    exported = getattr(stack_resource, "outputs", {})
    return _sync_await(pulumi.Output.from_input(exported).future()) or {}
