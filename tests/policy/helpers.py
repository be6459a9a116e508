"""Building resource registrations for policy tests and running one policy on them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pulumi_policy import Policy

from policy.blueprint_policy.facts import StackFacts
from tools.mock_engine import Registered
from tools.policy_check import check

PROD = StackFacts(stack="prod", environment="production", bucket_locations={"data": "US"})
STAGING = StackFacts(stack="staging", environment="staging", bucket_locations={"data": "us-central1"})


def urn(type_: str, name: str) -> str:
    """A URN of a resource registered under the stack."""
    return f"urn:pulumi:test::blueprint-workflows::{type_}::{name}"


def resource(
    type_: str,
    name: str,
    inputs: Mapping[str, Any],
    outputs: Mapping[str, Any] | None = None,
    depends: Mapping[str, Sequence[str]] | None = None,
) -> Registered:
    """One custom resource; `depends` maps an input to the URNs its value came from."""
    return Registered(
        type=type_,
        name=name,
        urn=urn(type_, name),
        id=f"{name}-id",
        parent=None,
        custom=True,
        inputs=dict(inputs),
        outputs={**inputs, **(outputs or {})},
        dependencies=tuple(u for urns in (depends or {}).values() for u in urns),
        property_dependencies={key: tuple(urns) for key, urns in (depends or {}).items()},
    )


def messages(policy: Policy, *resources: Registered) -> list[str]:
    """The violation messages one policy reports for these resources."""
    return [v.message for v in check([policy], list(resources))]
