"""Offline plan: what `pulumi preview` would create for a stack, without CLI or credentials.

    python -m tools.plan --stack staging [--json] [--set canary.percent=50]

Evaluates the program under the mock engine (tools/mock_engine.py) and prints the
resources grouped by workflow (the component that owns them): type, name and the key
inputs (triggers, env vars, IAM roles), then the totals per type and the evaluation time.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from tools.mock_engine import Evaluation, ProgramFailed, Registered, evaluate

_MAX_VALUE = 90


def summarize(resource: Registered) -> dict[str, Any]:
    """The inputs a reviewer cares about for one resource, by type."""
    i = resource.inputs
    kind = resource.type.split(":")[-1]
    if kind == "IAMMember":
        scope = "service account" if "serviceAccountId" in i else f"project {i.get('project')}"
        return {"role": i.get("role"), "on": scope, "member": i.get("member")}
    if kind == "JobIamMember":
        on = f"job {i.get('name')} in {i.get('location')}"
        return {"role": i.get("role"), "on": on, "member": i.get("member")}
    if kind == "IAMCustomRole":
        return {"roleId": i.get("roleId"), "permissions": ", ".join(i.get("permissions") or [])}
    if kind == "BucketIAMMember":
        return {"role": i.get("role"), "on": f"bucket {i.get('bucket')}", "member": i.get("member")}
    if kind == "Workflow":
        return {
            "name": i.get("name"),
            "region": i.get("region"),
            "serviceAccount": i.get("serviceAccount"),
            "callLogLevel": i.get("callLogLevel"),
            "deletionProtection": i.get("deletionProtection"),
            "env": dict(i.get("userEnvVars") or {}),
        }
    if kind == "Trigger":
        criteria = {c["attribute"]: c["value"] for c in i.get("matchingCriterias", [])}
        return {"name": i.get("name"), "location": i.get("location"), "filters": criteria, **i["destination"]}
    if kind == "Job":
        target = i.get("httpTarget", {})
        return {
            "name": i.get("name"),
            "schedule": i.get("schedule"),
            "timeZone": i.get("timeZone"),
            "paused": i.get("paused"),
            "uri": target.get("uri"),
        }
    if kind == "Enrollment":
        return {"id": i.get("enrollmentId"), "celMatch": i.get("celMatch"), "pipeline": i.get("destination")}
    if kind == "Pipeline":
        return {"id": i.get("pipelineId"), "workflow": i["destinations"][0].get("workflow")}
    if kind == "Account":
        return {"accountId": i.get("accountId")}
    if kind == "MessageBus":
        return {"id": i.get("messageBusId"), "location": i.get("location")}
    if kind in _MONITORING:
        return _MONITORING[kind](i)
    return {key: i[key] for key in ("service",) if key in i}


# Log-based metrics, alert policies, channels and dashboards (components/observability.py).
_MONITORING: dict[str, Callable[[Mapping[str, Any]], dict[str, Any]]] = {
    "Metric": lambda i: {"filter": i.get("filter"), "labels": sorted(i.get("labelExtractors") or {})},
    "AlertPolicy": lambda i: {
        "displayName": i.get("displayName"),
        "severity": i.get("severity"),
        "channels": len(i.get("notificationChannels") or []),
    },
    "NotificationChannel": lambda i: {"type": i.get("type"), "labels": i.get("labels")},
    "Dashboard": lambda i: {"displayName": json.loads(i.get("dashboardJson") or "{}").get("displayName")},
}


def plan(evaluation: Evaluation) -> dict[str, Any]:
    """The plan as data: resources per owning component, totals per type, timing."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for resource in evaluation.resources:
        if not resource.custom:
            continue
        owner = evaluation.component_of(resource)
        group = owner.name if owner is not None else "(stack)"
        groups.setdefault(group, []).append(
            {"type": resource.type, "name": resource.name, "inputs": summarize(resource)}
        )
    custom = [r for r in evaluation.resources if r.custom]
    totals: dict[str, int] = {}
    for resource in custom:
        totals[resource.type] = totals.get(resource.type, 0) + 1
    # Registration is asynchronous: sort so the same program always prints the same plan
    # (the project platform first, then the workflows by name).
    ordered = {
        group: sorted(groups[group], key=lambda r: (r["type"], r["name"]))
        for group in sorted(groups, key=lambda group: (group != "platform", group))
    }
    return {
        "stack": evaluation.stack,
        "groups": ordered,
        "totals": dict(sorted(totals.items())),
        "resources": len(custom),
        "components": len(evaluation.resources) - len(custom),
        "evaluationSeconds": round(evaluation.seconds, 3),
    }


def render(data: Mapping[str, Any]) -> str:
    """The plan as text for a terminal or a pull-request comment."""
    lines = [f"Offline plan for stack {data['stack']} (Pulumi mock engine, no CLI)", ""]
    for group, resources in data["groups"].items():
        lines.append(f"== {group} ({len(resources)} resources)")
        for resource in resources:
            lines.append(f"  + {resource['type']}  {resource['name']}")
            for key, value in resource["inputs"].items():
                if isinstance(value, Mapping) and key == "env":
                    for env_key, env_value in sorted(value.items()):
                        lines.append(f"      env {env_key}={_short(env_value)}")
                else:
                    lines.append(f"      {key}: {_short(value)}")
        lines.append("")
    lines.append("Totals per type:")
    width = max(len(t) for t in data["totals"]) if data["totals"] else 0
    lines.extend(f"  {type_:<{width}}  {count}" for type_, count in data["totals"].items())
    lines.append(f"  {'resources':<{width}}  {data['resources']} (+ {data['components']} components)")
    lines.append(f"Evaluated the full program in {data['evaluationSeconds']:.2f} s")
    return "\n".join(lines)


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value)
    return text if len(text) <= _MAX_VALUE else text[: _MAX_VALUE - 3] + "..."


def _parse_set(items: Sequence[str]) -> dict[str, Any]:
    overrides: dict[str, Any] = {}
    for item in items:
        path, sep, text = item.partition("=")
        if not sep:
            raise SystemExit(f"--set {item!r}: expected PATH=VALUE, e.g. canary.percent=50")
        try:
            overrides[path] = json.loads(text)
        except json.JSONDecodeError:
            overrides[path] = text
    return overrides


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m tools.plan", description=__doc__.splitlines()[0])
    parser.add_argument("--stack", default="staging", help="stack name (Pulumi.<stack>.yaml)")
    parser.add_argument("--json", action="store_true", help="print the plan as JSON")
    parser.add_argument(
        "--set", action="append", default=[], metavar="PATH=VALUE", help="override a config path"
    )
    args = parser.parse_args(argv)
    try:
        evaluation = evaluate(args.stack, overrides=_parse_set(args.set))
    except ProgramFailed as exc:
        print(f"error: the program fails for stack {args.stack}:\n{exc.error}", file=sys.stderr)
        return 1
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    data = plan(evaluation)
    print(json.dumps(data, indent=2) if args.json else render(data))
    return 0


if __name__ == "__main__":
    sys.exit(main())
