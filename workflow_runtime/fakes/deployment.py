"""The deployment map: which workflows exist, their files, env vars and event routes.

Tests build a `Deployment` explicitly, or read the project's `workflows/catalog.yaml` with
`Deployment.from_catalog(path, env_values)`: the catalog names the env vars each workflow
receives, the stack config gives their values, so tests pass the values in.

`source` turns a workflow file into what is deployed (for this project,
`components.sources.workflow_source`, which merges the shared subworkflows of
workflows/lib); without it the file is deployed as it is.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml


class DeploymentError(ValueError):
    """A workflow or event type the deployment does not have, or a malformed catalog."""


@dataclass
class Deployment:
    """Workflow name -> YAML file, event type -> workflows, workflow -> user_env_vars."""

    workflows: dict[str, Path] = field(default_factory=dict)
    event_routes: dict[str, list[str]] = field(default_factory=dict)
    env: dict[str, dict[str, str]] = field(default_factory=dict)
    source: Callable[[Path], str] | None = None

    def add_workflow(
        self,
        name: str,
        path: str | Path,
        *,
        env: Mapping[str, str] | None = None,
        event_types: tuple[str, ...] | list[str] = (),
    ) -> None:
        """Deploy `name` from `path`, with its user_env_vars and the event types it gets."""
        self.workflows[name] = Path(path)
        if env:
            self.env[name] = dict(env)
        for event_type in event_types:
            self.event_routes.setdefault(event_type, []).append(name)

    def path_of(self, name: str) -> Path:
        """The YAML file of workflow `name`."""
        try:
            return self.workflows[name]
        except KeyError:
            known = ", ".join(sorted(self.workflows)) or "none"
            raise DeploymentError(
                f"workflow {name!r} is not deployed (deployed: {known}); "
                "add it with Deployment.add_workflow(name, path)"
            ) from None

    def source_of(self, name: str) -> Path | str:
        """What runs for workflow `name`: its file, or the text `source` makes of it."""
        path = self.path_of(name)
        return self.source(path) if self.source is not None else path

    def env_for(self, name: str) -> dict[str, str]:
        """The user_env_vars of workflow `name`."""
        return dict(self.env.get(name, {}))

    def routes_for(self, event_type: str) -> list[str]:
        """The workflows an enrollment routes events of `event_type` to."""
        return list(self.event_routes.get(event_type, []))

    @classmethod
    def from_catalog(
        cls,
        path: str | Path,
        env_values: Mapping[str, str] | None = None,
        *,
        source: Callable[[Path], str] | None = None,
    ) -> Deployment:
        """Read a catalog.yaml (workflows: name -> file, trigger, env) next to its YAMLs."""
        path = Path(path)
        data: Any = yaml.safe_load(path.read_text())
        workflows = data.get("workflows") if isinstance(data, dict) else None
        if not isinstance(workflows, dict):
            raise DeploymentError(f"{path}: expected a top-level 'workflows' map")
        values = dict(env_values or {})
        deployment = cls(source=source)
        for name, spec in workflows.items():
            if not isinstance(spec, dict) or not isinstance(spec.get("file"), str):
                raise DeploymentError(f"{path}: workflow {name!r} needs a 'file'")
            trigger = spec.get("trigger") or {}
            event_type = trigger.get("eventType") if trigger.get("kind") == "event" else None
            deployment.add_workflow(
                name,
                path.parent / spec["file"],
                env={key: values[key] for key in spec.get("env", []) if key in values},
                event_types=(event_type,) if event_type else (),
            )
        return deployment
