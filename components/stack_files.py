"""The stack files `Pulumi.<stack>.yaml`, read the way the Pulumi CLI hands them to the program.

Tests and the offline plan have no Pulumi CLI, so they read the stack files themselves:
`engine_config` gives the flat map the CLI passes to the program (what
`pulumi.runtime.set_all_config` takes), `load_stack` the validated `StackConfig`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from components.config import StackConfig, load_stack_config

ROOT = Path(__file__).resolve().parent.parent
STACKS: tuple[str, ...] = ("staging", "prod")


def project_name(root: Path = ROOT) -> str:
    """The project name from Pulumi.yaml: the namespace of the program's config keys."""
    return str(yaml.safe_load((root / "Pulumi.yaml").read_text())["name"])


def stack_file(stack: str, root: Path = ROOT) -> Path:
    """Path of one stack's file; raises ValueError naming the known stacks."""
    path = root / f"Pulumi.{stack}.yaml"
    if not path.is_file():
        known = sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in root.glob("Pulumi.*.yaml"))
        raise ValueError(f"no stack file {path.name}; known stacks: {', '.join(known)}")
    return path


def file_config(stack: str, root: Path = ROOT) -> dict[str, Any]:
    """The `config:` map of a stack file, keys namespaced (`ns:key`), values as typed in YAML."""
    data = yaml.safe_load(stack_file(stack, root).read_text()) or {}
    config = data.get("config") or {}
    if not isinstance(config, dict):
        raise ValueError(f"{stack_file(stack, root).name}: `config` must be a map")
    return config


def engine_config(stack: str, root: Path = ROOT) -> dict[str, str]:
    """The flat config map as the CLI passes it: scalars as text, maps and lists as JSON."""
    return {key: _as_engine_text(value) for key, value in file_config(stack, root).items()}


def load_stack(stack: str, root: Path = ROOT) -> StackConfig:
    """Validate a stack file directly (no SDK); raises ConfigError like a preview would."""
    config = file_config(stack, root)
    prefix = f"{project_name(root)}:"
    raw = {key[len(prefix) :]: value for key, value in config.items() if key.startswith(prefix)}
    project, region = config.get("gcp:project"), config.get("gcp:region")
    return load_stack_config(raw, project=_text(project), region=_text(region))


def _text(value: Any) -> str | None:
    return None if value is None else _as_engine_text(value)


def _as_engine_text(value: Any) -> str:
    # The CLI keeps scalars as their YAML text and serialises structured values to JSON.
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, separators=(",", ":"))
    return str(value)
