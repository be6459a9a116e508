"""Print the `gcloud` commands that give a principal exactly what deploying a stack needs.

    python -m tools.deployer_grants --stack prod --principal user:alice@example.com
    python -m tools.deployer_grants --principal user:alice@example.com   # every stack

Prints, in the order a first deploy needs them: the project roles, the data bucket role,
Cloud Run Admin on each job the program grants (per region), then the `pulumi up --target`
that creates only the service accounts (with the APIs they wait for), then actAs on each
account (it must exist to be granted), then the full `pulumi up`. The list comes from
components/deployer.py; the target URNs from the program run under the mock engine.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from components.catalog import load_catalog
from components.config_checks import check_principal
from components.deployer import PROJECT_ROLES, deployer_grants, gcloud_commands
from components.stack_files import STACKS, load_stack
from tools.mock_engine import Evaluation, evaluate

ACCOUNT = "gcp:serviceaccount/account:Account"


def account_targets(evaluation: Evaluation) -> list[str]:
    """URNs of the service accounts and everything they need first (dependencies and the
    components they belong to), in registration order."""
    by_urn = evaluation.by_urn()
    wanted: set[str] = set()
    pending = [r.urn for r in evaluation.of_type(ACCOUNT)]
    while pending:
        urn = pending.pop()
        if urn in wanted or urn not in by_urn:
            continue
        wanted.add(urn)
        resource = by_urn[urn]
        pending.extend(resource.dependencies)
        if resource.parent:
            pending.append(resource.parent)
    return [r.urn for r in evaluation.resources if r.urn in wanted]


def script(stack: str, principal: str) -> str:
    """The commands for one stack and principal, with a comment before each group."""
    config = load_stack(stack)
    grants = deployer_grants(load_catalog(), config)
    commands = gcloud_commands(grants, principal)
    roles = len(PROJECT_ROLES)
    jobs = len(grants.jobs)
    targets = " ".join(f"--target '{urn}'" for urn in account_targets(evaluate(stack)))
    lines = [
        f"# Deployer grants for stack {stack} (project {config.project}) to {principal}",
        "# 1. Project roles: each manages resources that have no narrower parent.",
        *(f"{command}  # {why}" for command, (_, why) in zip(commands[:roles], PROJECT_ROLES, strict=True)),
        "# 2. The data bucket: read its location, add the workflows' object grants.",
        commands[roles],
        "# 3. Each Cloud Run job the workflows run (read it, add them to its policy).",
        *commands[roles + 1 : roles + 1 + jobs],
        "# 4. First deploy only: create the service accounts (and the APIs they wait for).",
        f"pulumi up --stack {stack} {targets}",
        "# 5. Act as each account the program creates (workflows, triggers, pipelines and",
        "#    Scheduler jobs run as them).",
        *commands[roles + 1 + jobs :],
        "# 6. Deploy everything.",
        f"pulumi up --stack {stack}",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m tools.deployer_grants", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--stack", choices=STACKS, help="one stack (Pulumi.<stack>.yaml); default: every stack"
    )
    parser.add_argument(
        "--principal", required=True, help="e.g. user:alice@example.com or serviceAccount:ci@P.iam..."
    )
    args = parser.parse_args(argv)
    reason = check_principal(args.principal)
    if reason:
        print(f"error: --principal {args.principal!r}: expected {reason}", file=sys.stderr)
        return 2
    try:
        print(
            "\n\n".join(script(stack, args.principal) for stack in ([args.stack] if args.stack else STACKS))
        )
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
