"""The workflow catalog: `workflows/catalog.yaml` loaded into typed, validated records.

The catalog is the trigger map of the seed as data. Every other part of the program
(components, the marker router, the README check) reads it through `load_catalog`.
Names the catalog shares with other tables are read from their homes, never respelled:
capabilities from components/capabilities.py, experimental flags and schedule settings
from the stack config (components/config.py).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args

import yaml

from components.capabilities import CAPABILITIES
from components.config import EXPERIMENTAL_FLAGS, SCHEDULE_SETTINGS, StackConfig

WORKFLOWS_DIR = Path(__file__).resolve().parent.parent / "workflows"
CATALOG_PATH = WORKFLOWS_DIR / "catalog.yaml"

TriggerKind = Literal["gcs", "event", "schedule", "manual"]
RegionRouting = Literal["legacy", "primary-secondary", "none"]

TRIGGER_KINDS: tuple[str, ...] = get_args(TriggerKind)
REGION_ROUTINGS: tuple[str, ...] = get_args(RegionRouting)

# Workflow ids: letters, digits, hyphens, underscores; start with a letter; at most 64.
_WORKFLOW_NAME = re.compile(r"^[a-z][a-z0-9-]{0,62}[a-z0-9]$")
# Cloud Run job names: lowercase letters, digits, hyphens; at most 63 (49 leaves room for ids).
_JOB_NAME = re.compile(r"^[a-z](?:[-a-z0-9]{0,47}[a-z0-9])?$")
_EVENT_TYPE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
# Marker pattern: `scenes/*/<dir...>/<file>`; `*` is exactly one path segment.
_MARKER = re.compile(r"^scenes/\*(/[A-Za-z0-9_.\-]+)+$")
_ENV_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")

_WORKFLOW_KEYS = {
    "file",
    "description",
    "trigger",
    "experimental",
    "regionRouting",
    "jobs",
    "startsWorkflows",
    "publishesEvents",
    "writesMarkers",
    "capabilities",
    "env",
}
# The keys each trigger kind takes (what the program does with a kind: triggers.TRIGGER_KIND_RULES).
TRIGGER_KEYS: dict[str, set[str]] = {
    "gcs": {"kind", "markers"},
    "event": {"kind", "eventType"},
    "schedule": {"kind", "schedulerJob", "settings", "argument"},
    "manual": {"kind"},
}


class CatalogError(ValueError):
    """The catalog file is malformed; the message names the workflow and the key."""


@dataclass(frozen=True)
class Trigger:
    """How a workflow is started."""

    kind: TriggerKind
    markers: tuple[str, ...] = ()
    event_type: str | None = None
    scheduler_job: str | None = None
    settings: str | None = None
    argument: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class WorkflowSpec:
    """One workflow of the pipeline, as the catalog declares it."""

    name: str
    file: str
    description: str
    trigger: Trigger
    region_routing: RegionRouting
    jobs: Mapping[str, int]
    env: tuple[str, ...]
    experimental: str | None = None
    starts_workflows: tuple[str, ...] = ()
    publishes_events: tuple[str, ...] = ()
    capabilities: tuple[str, ...] = ()
    # Completion markers the workflow or its jobs write (the trigger map's outgoing edges).
    writes_markers: tuple[str, ...] = ()

    @property
    def path(self) -> Path:
        """Absolute path of the workflow body."""
        return WORKFLOWS_DIR / self.file


@dataclass(frozen=True)
class Catalog:
    """All workflows, keyed by workflow name, in catalog order."""

    workflows: Mapping[str, WorkflowSpec]

    def by_trigger(self, kind: TriggerKind) -> list[WorkflowSpec]:
        """The workflows started by one kind of trigger, in catalog order."""
        return [w for w in self.workflows.values() if w.trigger.kind == kind]

    def routes(self) -> list[tuple[str, str]]:
        """Every (marker pattern, workflow name) pair of the GCS-triggered workflows."""
        return [(m, w.name) for w in self.by_trigger("gcs") for m in w.trigger.markers]


def trigger_enabled(spec: WorkflowSpec, config: StackConfig) -> bool:
    """Whether the workflow's trigger exists in this stack: experimental ones only when
    their flag (or `experimental.shared`) is on."""
    return spec.experimental is None or config.experimental.enabled(spec.experimental)


def routed_workflows(catalog: Catalog, config: StackConfig) -> list[WorkflowSpec]:
    """The GCS-triggered workflows whose triggers are enabled, in catalog order (what the
    marker router starts, or what gets its own trigger in direct mode)."""
    return [spec for spec in catalog.by_trigger("gcs") if trigger_enabled(spec, config)]


def marker_regex(pattern: str) -> str:
    """The anchored RE2/Python regex of a marker pattern; `*` matches one path segment.

    `scenes/*/usd/.usd_complete` -> `^scenes/[^/]+/usd/\\.usd_complete$`. Unlike the
    original's `.+`, a segment cannot swallow `/`, so nested paths do not match and the
    scene id is always segment 1.
    """
    parts = (r"[^/]+" if part == "*" else re.escape(part) for part in pattern.split("/"))
    return "^" + "/".join(parts) + "$"


def load_catalog(path: Path = CATALOG_PATH) -> Catalog:
    """Read and validate the catalog; raises CatalogError naming what is wrong."""
    try:
        raw = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as exc:
        raise CatalogError(f"{path}: cannot read the catalog: {exc}") from exc
    if not isinstance(raw, dict) or not isinstance(raw.get("workflows"), dict):
        raise CatalogError(f"{path}: expected a top-level `workflows:` map")
    workflows = {
        name: _parse_workflow(str(name), body, path.parent) for name, body in raw["workflows"].items()
    }
    catalog = Catalog(workflows=workflows)
    _check_references(catalog)
    return catalog


def _parse_workflow(name: str, body: Any, folder: Path) -> WorkflowSpec:
    where = f"catalog: workflow {name!r}"
    if not _WORKFLOW_NAME.match(name):
        raise CatalogError(f"{where}: name must be lowercase letters, digits and hyphens")
    if not isinstance(body, dict):
        raise CatalogError(f"{where}: expected a map of settings")
    unknown = set(body) - _WORKFLOW_KEYS
    if unknown:
        raise CatalogError(f"{where}: unknown keys {sorted(unknown)}; allowed: {sorted(_WORKFLOW_KEYS)}")
    file = _required_str(body, "file", where)
    if file != f"{name}.yaml":
        raise CatalogError(f"{where}: file must be {name}.yaml (the workflow is named after its file)")
    if not (folder / file).is_file():
        raise CatalogError(f"{where}: workflow body {file} does not exist in {folder}")
    routing = body.get("regionRouting", "none")
    if routing not in REGION_ROUTINGS:
        raise CatalogError(f"{where}: regionRouting {routing!r} is not one of {REGION_ROUTINGS}")
    experimental = body.get("experimental")
    if experimental is not None and experimental not in EXPERIMENTAL_FLAGS:
        raise CatalogError(f"{where}: experimental {experimental!r} is not one of {EXPERIMENTAL_FLAGS}")
    jobs = body.get("jobs", {}) or {}
    if not isinstance(jobs, dict):
        raise CatalogError(f"{where}: jobs must map job name -> timeout seconds")
    for job, timeout in jobs.items():
        if not _JOB_NAME.match(str(job)):
            raise CatalogError(f"{where}: job name {job!r} is not a valid Cloud Run job name")
        if not isinstance(timeout, int) or isinstance(timeout, bool) or not 1 <= timeout <= 86400:
            raise CatalogError(f"{where}: job {job} timeout {timeout!r} must be 1..86400 seconds")
    capabilities = tuple(_str_list(body, "capabilities", where))
    for capability in capabilities:
        if capability not in CAPABILITIES:
            raise CatalogError(f"{where}: capability {capability!r} is not one of {tuple(CAPABILITIES)}")
    env = tuple(_str_list(body, "env", where))
    for env_name in env:
        if not _ENV_NAME.match(env_name) or env_name.startswith(("GOOGLE", "WORKFLOWS")):
            raise CatalogError(
                f"{where}: env {env_name!r} must be UPPER_SNAKE_CASE and not start with "
                "GOOGLE or WORKFLOWS (reserved by Cloud Workflows)"
            )
    events = tuple(_str_list(body, "publishesEvents", where))
    for event_type in events:
        if not _EVENT_TYPE.match(event_type):
            raise CatalogError(f"{where}: event type {event_type!r} is not a dotted lowercase name")
    writes = tuple(_str_list(body, "writesMarkers", where))
    for marker in writes:
        if not _MARKER.match(marker):
            raise CatalogError(
                f"{where}: writesMarkers entry {marker!r} must look like scenes/*/<dir>/<file> "
                "(one `*` for the scene id, no other wildcards)"
            )
    return WorkflowSpec(
        name=name,
        file=file,
        description=_required_str(body, "description", where),
        trigger=_parse_trigger(body.get("trigger"), where),
        region_routing=routing,
        jobs=dict(jobs),
        env=env,
        experimental=experimental,
        starts_workflows=tuple(_str_list(body, "startsWorkflows", where)),
        publishes_events=events,
        capabilities=capabilities,
        writes_markers=writes,
    )


def _parse_trigger(raw: Any, where: str) -> Trigger:
    if not isinstance(raw, dict) or raw.get("kind") not in TRIGGER_KINDS:
        raise CatalogError(f"{where}: trigger.kind must be one of {TRIGGER_KINDS}")
    kind = raw["kind"]
    unknown = set(raw) - TRIGGER_KEYS[kind]
    if unknown:
        raise CatalogError(
            f"{where}: trigger keys {sorted(unknown)} do not apply to kind {kind}; "
            f"allowed: {sorted(TRIGGER_KEYS[kind])}"
        )
    if kind == "gcs":
        markers = tuple(_str_list(raw, "markers", f"{where} trigger"))
        if not markers:
            raise CatalogError(f"{where}: a gcs trigger needs at least one marker")
        for marker in markers:
            if not _MARKER.match(marker):
                raise CatalogError(
                    f"{where}: marker {marker!r} must look like scenes/*/<dir>/<file> "
                    "(one `*` for the scene id, no other wildcards)"
                )
        return Trigger(kind="gcs", markers=markers)
    if kind == "event":
        event_type = _required_str(raw, "eventType", f"{where} trigger")
        if not _EVENT_TYPE.match(event_type):
            raise CatalogError(f"{where}: eventType {event_type!r} is not a dotted lowercase name")
        return Trigger(kind="event", event_type=event_type)
    if kind == "schedule":
        settings = raw.get("settings")
        if settings not in SCHEDULE_SETTINGS:
            raise CatalogError(f"{where}: trigger.settings must be one of {SCHEDULE_SETTINGS}")
        argument = raw.get("argument", {}) or {}
        if not isinstance(argument, dict):
            raise CatalogError(f"{where}: trigger.argument must be a map")
        return Trigger(
            kind="schedule",
            scheduler_job=_required_str(raw, "schedulerJob", f"{where} trigger"),
            settings=settings,
            argument=argument,
        )
    return Trigger(kind="manual")


def _check_references(catalog: Catalog) -> None:
    for spec in catalog.workflows.values():
        for target in spec.starts_workflows:
            # The marker router is deployed by the program itself (components/routing.py).
            if target not in catalog.workflows and target != "marker-router":
                raise CatalogError(f"catalog: workflow {spec.name!r} starts unknown workflow {target!r}")
    jobs = [w.trigger.scheduler_job for w in catalog.by_trigger("schedule")]
    if len(jobs) != len(set(jobs)):
        raise CatalogError(f"catalog: scheduler job names must be unique, got {jobs}")
    event_types = [w.trigger.event_type for w in catalog.by_trigger("event")]
    if len(event_types) != len(set(event_types)):
        raise CatalogError(f"catalog: each event type may start one workflow, got {event_types}")


def _required_str(raw: Mapping[str, Any], key: str, where: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise CatalogError(f"{where}: `{key}` is required and must be a non-empty string")
    return value


def _str_list(raw: Mapping[str, Any], key: str, where: str) -> list[str]:
    value = raw.get(key, []) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise CatalogError(f"{where}: `{key}` must be a list of strings")
    return value
