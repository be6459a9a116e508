"""The `user_env_vars` of each workflow, built from the catalog and stack config, and
checked against the Cloud Workflows limits before any resource is registered.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from components.catalog import WorkflowSpec, marker_regex
from components.config import StackConfig

MAX_ENV_KEYS = 20
MAX_ENV_VALUE_BYTES = 4096
RESERVED_PREFIXES = ("GOOGLE", "WORKFLOWS")
TRIGGER_MARKERS = "TRIGGER_MARKERS"
MARKER_ROUTES = "MARKER_ROUTES"


class EnvError(ValueError):
    """user_env_vars break a Cloud Workflows limit; the message names workflow and key."""


def trigger_markers(spec: WorkflowSpec) -> str:
    """JSON list of {"pattern","regex"} for a GCS workflow's own marker guard."""
    return json.dumps([{"pattern": m, "regex": marker_regex(m)} for m in spec.trigger.markers])


def workflow_env(spec: WorkflowSpec, config: StackConfig) -> dict[str, str]:
    """The workflow's env names (catalog) mapped through config, plus TRIGGER_MARKERS."""
    values = config.env_values()
    missing = [name for name in spec.env if name not in values]
    if missing:
        raise EnvError(
            f"workflow {spec.name}: env {missing} have no value in StackConfig.env_values(); "
            "add them to components/config.py or remove them from workflows/catalog.yaml"
        )
    env = {name: values[name] for name in spec.env}
    if spec.trigger.kind == "gcs":
        env[TRIGGER_MARKERS] = trigger_markers(spec)
    return check_env(spec.name, env)


def check_env(workflow: str, env: Mapping[str, str]) -> dict[str, str]:
    """Return env as a dict if it satisfies the user_env_vars limits, else raise EnvError."""
    if len(env) > MAX_ENV_KEYS:
        raise EnvError(f"workflow {workflow}: {len(env)} env vars, Cloud Workflows allows {MAX_ENV_KEYS}")
    for key, value in env.items():
        if not key or key.startswith(RESERVED_PREFIXES):
            raise EnvError(f"workflow {workflow}: env key {key!r} is empty or starts with GOOGLE/WORKFLOWS")
        size = len(value.encode())
        if size > MAX_ENV_VALUE_BYTES:
            raise EnvError(
                f"workflow {workflow}: env {key} is {size} bytes; "
                f"Cloud Workflows allows {MAX_ENV_VALUE_BYTES}"
            )
    return dict(env)
