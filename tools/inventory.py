"""Inventory per stack: what reviewers check, kept in `tests/program/inventory/<stack>.yaml`.

    python -m tools.inventory            # rewrite every stack's inventory
    python -m tools.inventory --check    # exit 1 naming the stale ones

Derived from the offline plan (tools/plan.py over the mock engine): resource and component
counts, counts per resource type, and per workflow its service account, triggers, project
roles, bucket roles, Cloud Run job grants and CANARY_PERCENT. README.md's resource-count
row is rendered from the inventories (`readme_row`) and rewritten with them, so no figure
is edited by hand.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from components.stack_files import ROOT, STACKS
from tools.mock_engine import Evaluation, evaluate_cached
from tools.plan import plan

INVENTORY_DIR = ROOT / "tests" / "program" / "inventory"
README = ROOT / "README.md"
README_ROW = "resources per stack"  # the Measurements row whose `latest` cell readme_row renders
REFRESH_COMMAND = "make plans"
HEADER = f"# Generated from the offline plan by `{REFRESH_COMMAND}` (tools/inventory.py); do not edit.\n"

# How README.md's Measurements table names each resource type (data, in table order).
README_LABELS: dict[str, str] = {
    "gcp:workflows/workflow:Workflow": "Workflow",
    "gcp:serviceaccount/account:Account": "ServiceAccount",
    "gcp:projects/iAMMember:IAMMember": "project IAMMember",
    "gcp:cloudrunv2/jobIamMember:JobIamMember": "Cloud Run JobIamMember",
    "gcp:projects/iAMCustomRole:IAMCustomRole": "IAMCustomRole",
    "gcp:storage/bucketIAMMember:BucketIAMMember": "BucketIAMMember",
    "gcp:serviceaccount/iAMMember:IAMMember": "service-account IAMMember",
    "gcp:projects/service:Service": "Service",
    "gcp:projects/serviceIdentity:ServiceIdentity": "ServiceIdentity",
    "gcp:eventarc/trigger:Trigger": "Eventarc Trigger",
    "gcp:eventarc/messageBus:MessageBus": "MessageBus",
    "gcp:eventarc/enrollment:Enrollment": "Enrollment",
    "gcp:eventarc/pipeline:Pipeline": "Pipeline",
    "gcp:cloudscheduler/job:Job": "Scheduler Job",
    "gcp:logging/metric:Metric": "logging Metric",
    "gcp:monitoring/alertPolicy:AlertPolicy": "AlertPolicy",
    "gcp:monitoring/notificationChannel:NotificationChannel": "NotificationChannel",
    "gcp:monitoring/dashboard:Dashboard": "Dashboard",
}


def inventory_path(stack: str) -> Path:
    """Where the inventory of a stack lives."""
    return INVENTORY_DIR / f"{stack}.yaml"


def _marker_routes(groups: Mapping[str, list[dict[str, Any]]]) -> dict[str, list[str]]:
    """Workflow name -> the markers the marker router starts it for."""
    routed: dict[str, list[str]] = {}
    for resource in groups.get("marker-router", []):
        if not resource["type"].endswith(":Workflow"):
            continue
        for entries in json.loads(resource["inputs"]["env"].get("MARKER_ROUTES", "{}")).values():
            for entry in entries:
                for workflow in entry["workflows"]:
                    routed.setdefault(workflow, []).append(f"marker {entry['pattern']}")
    return routed


def _trigger(resource: Mapping[str, Any]) -> str | None:
    kind, i = resource["type"].split(":")[-1], resource["inputs"]
    if kind == "Trigger":
        return f"eventarc cloud-storage {i['filters'].get('type')} on {i['filters'].get('bucket')}"
    if kind == "Enrollment":
        return f"eventarc-advanced {i['celMatch']}"
    if kind == "Job":
        paused = " (paused)" if i.get("paused") else ""
        return f"scheduler '{i['schedule']}' {i['timeZone']}{paused}"
    return None


def _workflow(resources: list[dict[str, Any]], routed: list[str]) -> dict[str, Any]:
    by_kind: dict[str, list[Mapping[str, Any]]] = {}
    for resource in resources:
        by_kind.setdefault(resource["type"].split(":")[-1], []).append(resource["inputs"])
    workflow = by_kind["Workflow"][0]
    triggers = sorted(t for t in map(_trigger, resources) if t is not None) + sorted(routed)
    entry: dict[str, Any] = {
        "serviceAccount": workflow["serviceAccount"],
        "triggers": triggers or ["manual"],
        "projectRoles": sorted(
            i["role"] for i in by_kind.get("IAMMember", []) if i["on"].startswith("project ")
        ),
        "bucketRoles": sorted(i["role"] for i in by_kind.get("BucketIAMMember", [])),
        "jobGrants": sorted(i["on"].removeprefix("job ") for i in by_kind.get("JobIamMember", [])),
    }
    if "CANARY_PERCENT" in workflow["env"]:
        entry["canaryPercent"] = int(workflow["env"]["CANARY_PERCENT"])
    return entry


def inventory(evaluation: Evaluation) -> dict[str, Any]:
    """The inventory of one evaluated stack, as data."""
    data = plan(evaluation)
    groups = data["groups"]
    routed = _marker_routes(groups)
    workflows = {
        name: _workflow(resources, routed.get(name, []))
        for name, resources in sorted(groups.items())
        if any(r["type"] == "gcp:workflows/workflow:Workflow" for r in resources)
    }
    return {
        "stack": data["stack"],
        "resources": data["resources"],
        "components": data["components"],
        "counts": data["totals"],
        "workflows": workflows,
    }


def render(evaluation: Evaluation) -> str:
    """The inventory as the exact text committed."""
    return HEADER + yaml.safe_dump(inventory(evaluation), sort_keys=False, width=120)


def load(stack: str) -> dict[str, Any]:
    """The committed inventory of a stack."""
    loaded: dict[str, Any] = yaml.safe_load(inventory_path(stack).read_text())
    return loaded


def readme_row(inventories: Mapping[str, Mapping[str, Any]]) -> str:
    """The `latest` cell of README's resource-count row: prod's counts, staging's where they differ."""
    prod, staging = inventories["prod"], inventories["staging"]
    unknown = sorted(set(prod["counts"]) - set(README_LABELS))
    if unknown:
        raise ValueError(f"no README label for {', '.join(unknown)}: add it to tools/inventory.README_LABELS")
    parts = []
    for type_, label in README_LABELS.items():
        count, other = prod["counts"].get(type_, 0), staging["counts"].get(type_, 0)
        if count or other:
            parts.append(f"{count} {label}" + (f" (staging {other})" if other != count else ""))
    head = f"{prod['resources']} resources + {prod['components']} components (prod"
    if (staging["resources"], staging["components"]) != (prod["resources"], prod["components"]):
        head += f"; staging {staging['resources']} + {staging['components']}"
    return f"{head}): " + ", ".join(parts)


def _row_cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def measurement(text: str, what: str = README_ROW) -> str:
    """The `latest` (last) cell of the README Measurements row named `what`."""
    for line in text.splitlines():
        if line.startswith("|") and _row_cells(line)[0] == what:
            return _row_cells(line)[-1]
    raise ValueError(f"README.md has no Measurements row {what!r}")


def with_measurement(text: str, latest: str, what: str = README_ROW) -> str:
    """`text` with the `latest` cell of row `what` replaced (every other byte kept)."""
    lines = text.split("\n")
    for index, line in enumerate(lines):
        if line.startswith("|") and _row_cells(line)[0] == what:
            cells = _row_cells(line)
            lines[index] = "| " + " | ".join([*cells[:-1], latest]) + " |"
            return "\n".join(lines)
    raise ValueError(f"README.md has no Measurements row {what!r}")


def stale(stacks: Sequence[str] = STACKS) -> list[str]:
    """The stacks whose committed inventory differs from the program's (or is missing)."""
    return [
        stack
        for stack in stacks
        if not inventory_path(stack).exists()
        or inventory_path(stack).read_text() != render(evaluate_cached(stack))
    ]


def write(stacks: Sequence[str] = STACKS) -> list[Path]:
    """Rewrite the inventory of each stack; returns the files written."""
    INVENTORY_DIR.mkdir(parents=True, exist_ok=True)
    written = []
    for stack in stacks:
        inventory_path(stack).write_text(render(evaluate_cached(stack)))
        written.append(inventory_path(stack))
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m tools.inventory", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report stale inventories (exit 1)")
    args = parser.parse_args(argv)
    if args.check:
        outdated = [str(inventory_path(stack).relative_to(ROOT)) for stack in stale()]
        if not outdated and measurement(README.read_text()) != readme_row({s: load(s) for s in STACKS}):
            outdated.append(f"README.md's {README_ROW!r} row")
        for what in outdated:
            print(f"{what} is stale; refresh with: {REFRESH_COMMAND}")
        return 1 if outdated else 0
    for path in write():
        print(f"wrote {path.relative_to(ROOT)}")
    text = README.read_text()
    updated = with_measurement(text, readme_row({stack: load(stack) for stack in STACKS}))
    if updated != text:
        README.write_text(updated)
        print(f"updated README.md's {README_ROW!r} row")
    return 0


if __name__ == "__main__":
    sys.exit(main())
