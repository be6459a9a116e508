"""Adopt the original system's workflows and Scheduler jobs instead of deleting them.

    python -m tools.adopt --stack prod [--inventory FILE] [--out import-prod.json]

Writes the file for `pulumi import --file FILE --generate-code=false`: type, name, id and
parent of every workflow and Cloud Scheduler job of the original that this program
registers under the same name (the parents are the program's components, created empty
by the import), so the stack's state holds them and the next `pulumi up` updates them in
place. With `--inventory` (the output of `gcloud workflows list` and `gcloud scheduler
jobs list` with `--format='value(name)'`), only resources that exist are listed.

Then it prints the original's Eventarc triggers (other names and settings than ours, so
not adopted) with the `gcloud` commands that delete them once the new routing is live,
and the cleanup of the original's shared service accounts. README: "Taking over from
the original scripts".
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from components.catalog import load_catalog
from components.stack_files import engine_config, project_name
from tools.mock_engine import Evaluation, Registered, evaluate

WORKFLOW = "gcp:workflows/workflow:Workflow"
SCHEDULER_JOB = "gcp:cloudscheduler/job:Job"
ADOPTED_TYPES = (WORKFLOW, SCHEDULER_JOB)
ROOT_STACK = "pulumi:pulumi:Stack"

# The original's Eventarc triggers (setup scripts, ORIGINAL-SYSTEM.md section 7), created in
# the workflows' region.
ORIGINAL_TRIGGERS: tuple[str, ...] = (
    "usd-assembly-trigger",
    "genie-sim-export-trigger",
    "objects-trigger",
    "arena-export-usd-trigger",
    "arena-export-geniesim-trigger",
    "arena-export-isaac-lab-trigger",
    "episode-generation-trigger",
    "dwm-preparation-trigger",
)
# The project roles the setup scripts granted their shared `workflow-invoker` account.
ORIGINAL_INVOKER = "workflow-invoker"
ORIGINAL_INVOKER_ROLES: tuple[str, ...] = (
    "roles/workflows.invoker",
    "roles/run.invoker",
    "roles/storage.objectAdmin",
    "roles/logging.logWriter",
    "roles/cloudbuild.builds.editor",
    "roles/container.developer",
)
# Terraform's account for retention-cleanup; its project roles are not in the sheet, so
# the cut-over lists them instead of guessing.
ORIGINAL_TERRAFORM_ACCOUNT = "blueprint-workflow-sa"


@dataclass(frozen=True)
class Adoption:
    """The import file of one stack and what it leaves out."""

    stack: str
    document: dict[str, Any]
    missing: tuple[str, ...]  # resource ids the inventory does not list (the first `up` creates them)


def adoptable(evaluation: Evaluation) -> list[Registered]:
    """The registrations that take over an original resource: the catalog's workflows (not
    the new marker router) and the Scheduler jobs, in registration order."""
    catalog = load_catalog()
    return [
        r
        for r in evaluation.resources
        if (r.type == WORKFLOW and r.inputs.get("name") in catalog.workflows) or r.type == SCHEDULER_JOB
    ]


def _entry_name(resource: Registered) -> str:
    # Entry names must be unique in the file; a component and its workflow share a logical name.
    return f"{resource.type.rsplit(':', 1)[-1].lower()}:{resource.name}"


def import_file(evaluation: Evaluation, inventory: Sequence[str] | None = None) -> Adoption:
    """The `pulumi import --file` document adopting the original's resources for one stack."""
    by_urn = evaluation.by_urn()
    adopted, missing = [], []
    for resource in adoptable(evaluation):
        if inventory is not None and resource.id not in inventory:
            missing.append(str(resource.id))
        else:
            adopted.append(resource)
    parents: dict[str, Registered] = {}
    for resource in adopted:
        chain = resource
        while chain.parent and chain.parent in by_urn:
            chain = by_urn[chain.parent]
            parents.setdefault(chain.urn, chain)
    entries: list[dict[str, Any]] = []
    for parent in sorted(parents.values(), key=lambda p: p.urn.count("$")):
        entries.append(_entry(parent, by_urn, component=True))
    entries.extend(_entry(r, by_urn, component=False) for r in adopted)
    return Adoption(evaluation.stack, {"resources": entries}, tuple(missing))


def _entry(resource: Registered, by_urn: Mapping[str, Registered], component: bool) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "type": resource.type,
        "name": _entry_name(resource),
        "logicalName": resource.name,
    }
    if component:
        entry["component"] = True
    else:
        entry["id"] = resource.id
    if resource.parent is not None and resource.parent in by_urn:
        entry["parent"] = _entry_name(by_urn[resource.parent])
    return entry


def import_urns(document: Mapping[str, Any], stack: str, project: str) -> dict[str, str]:
    """The URN `pulumi import` gives each entry (entry name -> URN), as the CLI derives it:
    parent's qualified type + `$` + type, then `::` + logical name (pulumi/pulumi
    pkg/cmd/pulumi import.go, parseImportFile)."""
    entries = {e["name"]: e for e in document["resources"]}
    qualified: dict[str, str] = {}

    def qualify(name: str) -> str:
        if name not in qualified:
            entry = entries[name]
            parent = entry.get("parent")
            qualified[name] = f"{qualify(parent)}${entry['type']}" if parent else entry["type"]
        return qualified[name]

    return {
        name: f"urn:pulumi:{stack}::{project}::{qualify(name)}::{entry.get('logicalName', name)}"
        for name, entry in entries.items()
    }


def engine_urn(evaluation: Evaluation, resource: Registered) -> str:
    """The URN the Pulumi engine gives a registration: its parents' types joined by `$`,
    the root stack's left out (pulumi/pulumi, Deployment.generateURN). The SDK's mock
    monitor keeps the stack type and only the immediate parent's type instead."""
    by_urn = evaluation.by_urn()
    types = [resource.type]
    parent = by_urn.get(resource.parent or "")
    while parent is not None and parent.type != ROOT_STACK:
        types.insert(0, parent.type)
        parent = by_urn.get(parent.parent or "")
    return f"urn:pulumi:{evaluation.stack}::{project_name()}::{'$'.join(types)}::{resource.name}"


def trigger_deletes(project: str, region: str) -> list[str]:
    """gcloud commands that delete the original's Eventarc triggers."""
    return [
        f"gcloud eventarc triggers delete {name} --location={region} --project={project} --quiet"
        for name in ORIGINAL_TRIGGERS
    ]


def colliding_triggers(evaluation: Evaluation, region: str) -> list[str]:
    """Original triggers whose name and location the program itself uses (`eventRouting:
    direct` with the bucket in the workflows' region): they must go BEFORE the first `up`."""
    ours = {
        (r.inputs.get("name"), str(r.inputs.get("location")).lower())
        for r in evaluation.resources
        if r.type == "gcp:eventarc/trigger:Trigger"
    }
    return [name for name in ORIGINAL_TRIGGERS if (name, region.lower()) in ours]


def grant_cleanup(project: str) -> list[str]:
    """gcloud commands that strip the project roles of the original's shared accounts."""
    invoker = f"serviceAccount:{ORIGINAL_INVOKER}@{project}.iam.gserviceaccount.com"
    commands = [
        f"gcloud projects remove-iam-policy-binding {project} --member={invoker} --role={role} "
        "--condition=None"
        for role in ORIGINAL_INVOKER_ROLES
    ]
    terraform = f"serviceAccount:{ORIGINAL_TERRAFORM_ACCOUNT}@{project}.iam.gserviceaccount.com"
    commands.append(
        f"gcloud projects get-iam-policy {project} --flatten=bindings[].members "
        f"--filter=bindings.members:{terraform} --format='value(bindings.role)'"
        "   # then remove-iam-policy-binding each role listed"
    )
    return commands


def _read_inventory(path: Path) -> list[str]:
    names = [line.strip() for line in path.read_text().splitlines() if line.strip()]
    bad = [n for n in names if not n.startswith("projects/")]
    if bad:
        raise SystemExit(
            f"--inventory {path}: {bad[0]!r} is not a full resource name; produce the file with "
            "`gcloud workflows list --location=REGION --format='value(name)'` and "
            "`gcloud scheduler jobs list --location=REGION --format='value(name)'`"
        )
    return names


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m tools.adopt", description=__doc__.splitlines()[0])
    parser.add_argument("--stack", required=True, help="stack name (Pulumi.<stack>.yaml)")
    parser.add_argument("--inventory", type=Path, help="full resource names that exist, one a line")
    parser.add_argument(
        "--out", type=Path, help="where to write the import file (default import-<stack>.json)"
    )
    args = parser.parse_args(argv)
    inventory = _read_inventory(args.inventory) if args.inventory else None
    evaluation = evaluate(args.stack)
    adoption = import_file(evaluation, inventory)
    out = args.out or Path(f"import-{args.stack}.json")
    out.write_text(json.dumps(adoption.document, indent=2) + "\n")
    adopted = [e for e in adoption.document["resources"] if not e.get("component")]
    print(f"wrote {out}: {len(adopted)} resources to adopt into stack {args.stack}")
    for missing in adoption.missing:
        print(f"  not in the inventory (the first `pulumi up` creates it): {missing}")
    config = engine_config(args.stack)
    project, region = config["gcp:project"], config["gcp:region"]
    collisions = colliding_triggers(evaluation, region)
    if collisions:
        print("\n0. BEFORE the first `pulumi up`: the program creates triggers with these names here:")
        for command in trigger_deletes(project, region):
            if command.split()[4] in collisions:
                print(f"   {command}")
    print(f"\n1. pulumi import --stack {args.stack} --file {out} --generate-code=false --protect=false")
    print(
        f"2. pulumi preview --stack {args.stack} --policy-pack policy   # updates in place, no replacements"
    )
    print(f"3. pulumi up --stack {args.stack} --policy-pack policy")
    print("4. right after, once the new routing is live: delete the original's triggers")
    for command in trigger_deletes(project, region):
        if command.split()[4] not in collisions:
            print(f"   {command}")
    print("5. strip the original's shared service accounts of their project roles")
    for command in grant_cleanup(project):
        print(f"   {command}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
