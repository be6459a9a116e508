"""What the policies need to know about the stack beyond its resources.

Under the CLI the stack's config reaches the pack as under a program (PULUMI_CONFIG, read
by pulumi.runtime; pulumi/pulumi#20570 tests that stack config is readable from policy
packs). The offline runner builds the same facts from Pulumi.<stack>.yaml.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi

# The program's config namespace (Pulumi.yaml `name`); a test holds them equal.
NAMESPACE = "blueprint-workflows"
PRODUCTION = "production"


@dataclass(frozen=True)
class StackFacts:
    """The stack's name, its `environment` and where its data bucket(s) are."""

    stack: str
    environment: str | None
    bucket_locations: Mapping[str, str] = field(default_factory=dict)

    @property
    def production(self) -> bool:
        """True for the production environment (or a stack named prod whose config is unread)."""
        if self.environment is not None:
            return self.environment == PRODUCTION
        return self.stack == "prod"


def facts_from_config(stack: str, config: Mapping[str, str]) -> StackFacts:
    """Facts from an engine config map (`namespace:key` -> string, JSON for maps)."""
    environment = config.get(f"{NAMESPACE}:environment")
    bucket = config.get(f"{NAMESPACE}:bucket")
    location = config.get(f"{NAMESPACE}:bucketLocation") or config.get("gcp:region")
    locations = {_text(bucket): _text(location)} if bucket and location else {}
    return StackFacts(
        stack=stack, environment=_text(environment) if environment else None, bucket_locations=locations
    )


def facts_from_runtime() -> StackFacts:
    """Facts from the config and stack name the CLI hands to the policy pack."""
    config = dict(pulumi.runtime.get_config_env())
    try:
        stack = pulumi.get_stack()
    except Exception:  # the SDK raises when no stack is configured (older CLIs)
        stack = os.environ.get("PULUMI_STACK", "")
    return facts_from_config(stack, config)


def _text(value: str) -> str:
    # Config values arrive as strings; a JSON-encoded string ("\"us\"") is unwrapped.
    try:
        decoded = json.loads(value)
    except (TypeError, ValueError):
        return value
    return decoded if isinstance(decoded, str) else value
