"""Run the policy pack (policy/) against a stack's offline plan, without the Pulumi CLI.

    python -m tools.policy_check --stack prod [--set labels={}]

Evaluates the program under the mock engine, hands every resource to the pack's policies
the way the CLI's analyzer does (resource policies see inputs, stack policies see every
resource's outputs with parents and property dependencies, all behind pulumi-policy's
unknown-checking proxies), and prints the violations like `pulumi preview` does. Exit 1
when there is a violation.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pulumi_policy import (
    Policy,
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import unknown_checking_proxy

from components.stack_files import engine_config, project_name
from policy.blueprint_policy.facts import StackFacts, facts_from_config
from policy.blueprint_policy.pack import PACK_NAME, policies
from tools.mock_engine import Evaluation, ProgramFailed, Registered, evaluate, set_config_path
from tools.plan import _parse_set


@dataclass(frozen=True)
class Violation:
    """One reported violation: which policy, on which resource (None: the stack), why."""

    policy: str
    resource_type: str | None
    name: str | None
    message: str


def options(parent: str | None = None) -> PolicyResourceOptions:
    """Resource options as the analyzer builds them for a plain resource."""
    return PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [], parent)


def resource_args(
    resource_type: str, props: Mapping[str, Any], name: str = "r", urn: str | None = None
) -> ResourceValidationArgs:
    """The argument of a resource policy for one resource's inputs."""
    return ResourceValidationArgs(
        resource_type,
        unknown_checking_proxy(dict(props)),
        urn or f"urn:pulumi:test::blueprint-workflows::{resource_type}::{name}",
        name,
        options(),
        None,
    )


def stack_resources(registered: Iterable[Registered]) -> list[PolicyResource]:
    """Policy resources (outputs, parents, dependencies) linked the way the analyzer links them."""
    items = list(registered)
    by_urn = {
        r.urn: PolicyResource(
            r.type,
            unknown_checking_proxy(dict(r.outputs)),
            r.urn,
            r.name,
            options(r.parent),
            None,
            None,
            [],
            {},
        )
        for r in items
    }
    for r in items:
        resource = by_urn[r.urn]
        resource.parent = by_urn.get(r.parent or "")
        resource.dependencies = [by_urn[d] for d in r.dependencies if d in by_urn]
        resource.property_dependencies = {
            key: [by_urn[d] for d in urns if d in by_urn] for key, urns in r.property_dependencies.items()
        }
    return list(by_urn.values())


def check(pack: Sequence[Policy], registered: Sequence[Registered]) -> list[Violation]:
    """Every violation the pack reports for these registrations."""
    found: list[Violation] = []
    custom = [r for r in registered if r.custom]
    for policy in pack:
        if isinstance(policy, ResourceValidationPolicy):
            for r in custom:
                policy.validate(
                    resource_args(r.type, r.inputs, r.name, r.urn), _collector(found, policy, [r])
                )
        elif isinstance(policy, StackValidationPolicy):
            args = StackValidationArgs(stack_resources(registered))
            policy.validate(args, _collector(found, policy, registered))
    # Registration order is asynchronous; report in a stable order.
    return sorted(found, key=lambda v: (v.policy, v.resource_type or "", v.name or "", v.message))


def _collector(
    found: list[Violation], policy: Policy, resources: Sequence[Registered]
) -> Callable[[str, str | None], None]:
    """A report_violation that records against the given URN, else the only resource, else the stack."""
    by_urn = {r.urn: r for r in resources}
    default = resources[0] if len(resources) == 1 else None

    def report(message: str, urn: str | None = None) -> None:
        target = by_urn.get(urn or "", default)
        found.append(
            Violation(policy.name, target.type if target else None, target.name if target else None, message)
        )

    return report


def facts_for(stack: str, overrides: Mapping[str, Any] | None = None) -> StackFacts:
    """The facts the CLI would hand the pack for this stack file (plus config overrides)."""
    config = dict(engine_config(stack))
    for path, value in (overrides or {}).items():
        config = set_config_path(config, path, value, project_name())
    return facts_from_config(stack, config)


@dataclass(frozen=True)
class StackCheck:
    """The pack's verdict on one stack and what it took."""

    violations: list[Violation]
    registrations: int
    evaluation_seconds: float
    pack_seconds: float


def check_stack_timed(stack: str, overrides: Mapping[str, Any] | None = None) -> StackCheck:
    """Evaluate the stack offline and run the whole pack on it, timing both."""
    evaluation: Evaluation = evaluate(stack, overrides=overrides)
    facts = facts_for(stack, overrides)
    started = time.perf_counter()
    violations = check(policies(lambda: facts), evaluation.resources)
    return StackCheck(
        violations, len(evaluation.resources), evaluation.seconds, time.perf_counter() - started
    )


def check_stack(stack: str, overrides: Mapping[str, Any] | None = None) -> list[Violation]:
    """Evaluate the stack offline and run the whole pack on it."""
    return check_stack_timed(stack, overrides).violations


def render(stack: str, violations: Sequence[Violation]) -> str:
    """The violations in the layout of `pulumi preview`'s Policies section."""
    mark = "❌" if violations else "✅"
    lines = ["Policies:", f"    {mark} {PACK_NAME}@v0.1.0 (local: policy) on stack {stack}"]
    for v in violations:
        where = f"{v.resource_type}: {v.name}" if v.name else f"pulumi:pulumi:Stack: {stack}"
        lines.append(f"        - [mandatory]  {v.policy}  ({where})")
        lines.append(f"          {v.message}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point; exit status 1 when the pack reports a violation."""
    parser = argparse.ArgumentParser(prog="python -m tools.policy_check", description=__doc__.splitlines()[0])
    parser.add_argument("--stack", default="staging", help="stack name (Pulumi.<stack>.yaml)")
    parser.add_argument(
        "--set", action="append", default=[], metavar="PATH=VALUE", help="override a config path"
    )
    args = parser.parse_args(argv)
    overrides = _parse_set(args.set)
    try:
        result = check_stack_timed(args.stack, overrides)
    except (ProgramFailed, ValueError) as exc:
        print(f"error: the program fails for stack {args.stack}: {exc}", file=sys.stderr)
        return 2
    print(render(args.stack, result.violations))
    print(
        f"Evaluated the program in {result.evaluation_seconds:.2f} s; the pack checked "
        f"{result.registrations} registrations in {result.pack_seconds * 1000:.1f} ms"
    )
    return 1 if result.violations else 0


if __name__ == "__main__":
    sys.exit(main())
