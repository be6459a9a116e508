"""The `user_env_vars` of each workflow, built from the catalog and stack config, and
checked against the Cloud Workflows limits before any resource is registered.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import yaml

from components.catalog import WORKFLOWS_DIR, WorkflowSpec, load_catalog, marker_regex
from components.config import StackConfig
from components.reconciler import reconciler_env_value

MAX_ENV_KEYS = 20
MAX_ENV_VALUE_BYTES = 4096
RESERVED_PREFIXES = ("GOOGLE", "WORKFLOWS")
TRIGGER_MARKERS = "TRIGGER_MARKERS"
MARKER_ROUTES = "MARKER_ROUTES"
ADAPTIVE_TIMEOUTS = "ADAPTIVE_TIMEOUTS"
RECONCILER_STAGES = "RECONCILER_STAGES"
ADAPTIVE_TIMEOUTS_FILE = WORKFLOWS_DIR / "policy_configs" / "adaptive_timeouts.yaml"


class EnvError(ValueError):
    """user_env_vars break a Cloud Workflows limit; the message names workflow and key."""


def trigger_markers(spec: WorkflowSpec) -> str:
    """JSON list of {"pattern","regex"} for a GCS workflow's own marker guard."""
    return json.dumps([{"pattern": m, "regex": marker_regex(m)} for m in spec.trigger.markers])


def file_env_values() -> dict[str, str]:
    """Env values that come from files of workflows/, not from stack config: the adaptive
    timeouts as compact JSON (a workflow cannot read the repository's files)."""
    adaptive = yaml.safe_load(ADAPTIVE_TIMEOUTS_FILE.read_text())
    return {ADAPTIVE_TIMEOUTS: json.dumps(adaptive, separators=(",", ":"), sort_keys=True)}


def workflow_env(spec: WorkflowSpec, config: StackConfig) -> dict[str, str]:
    """The workflow's env names (catalog) mapped through config and file_env_values, plus
    TRIGGER_MARKERS."""
    values = {**config.env_values(), **file_env_values()}
    if RECONCILER_STAGES in spec.env:
        values[RECONCILER_STAGES] = reconciler_env_value(load_catalog(), config)
    missing = [name for name in spec.env if name not in values]
    if missing:
        raise EnvError(
            f"workflow {spec.name}: env {missing} have no value in StackConfig.env_values() or "
            "file_env_values(); add them to components/config.py or remove them from "
            "workflows/catalog.yaml"
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
