"""tools.adopt: the `pulumi import --file` document takes over exactly what the program registers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from components.catalog import load_catalog
from components.stack_files import STACKS, project_name
from tests.program.conftest import DIRECT
from tools.adopt import (
    ORIGINAL_TRIGGERS,
    SCHEDULER_JOB,
    WORKFLOW,
    colliding_triggers,
    engine_urn,
    import_file,
    import_urns,
    main,
    trigger_deletes,
)
from tools.mock_engine import ProgramFailed, evaluate_cached

ORIGINAL_SCHEDULER_JOBS = {"genie-sim-import-poller", "retention-cleanup-daily", "scene-generation-daily"}


@pytest.mark.parametrize("stack", STACKS)
def test_import_urns_are_the_urns_the_program_registers(stack: str) -> None:
    evaluation = evaluate_cached(stack)
    document = import_file(evaluation).document
    urns = import_urns(document, stack, project_name())
    # Components sit under the stack, whose type the SDK's mock keeps in their URNs and the
    # engine drops; resources under a component have the same URN either way.
    registered = {engine_urn(evaluation, r): r for r in evaluation.resources}
    assert all(u == r.urn for u, r in registered.items() if r.custom)
    entries = {e["name"]: e for e in document["resources"]}
    for name, urn in urns.items():
        assert urn in registered, f"{name}: {urn} is not registered by the program"
        resource = registered[urn]
        assert resource.type == entries[name]["type"]
        assert entries[name].get("component", False) == (not resource.custom)
        if resource.custom:
            assert entries[name]["id"] == resource.id
    adopted = {registered[urns[n]].inputs["name"] for n, e in entries.items() if not e.get("component")}
    assert adopted == set(load_catalog().workflows) | ORIGINAL_SCHEDULER_JOBS
    expected = {r.urn for r in evaluation.resources if r.type in (WORKFLOW, SCHEDULER_JOB)}
    router = {r.urn for r in evaluation.resources if r.type == WORKFLOW and r.name == "marker-router"}
    assert {urns[n] for n, e in entries.items() if not e.get("component")} == expected - router


@pytest.mark.parametrize("stack", STACKS)
def test_import_ids_are_full_resource_names_in_the_stack_project(stack: str) -> None:
    document = import_file(evaluate_cached(stack)).document
    project = f"blueprint-pipeline-{stack}"
    for entry in document["resources"]:
        if entry.get("component"):
            assert "id" not in entry
            continue
        kind = "workflows" if entry["type"] == WORKFLOW else "jobs"
        assert (
            entry["id"] == f"projects/{project}/locations/us-central1/{kind}/{entry['id'].rsplit('/', 1)[1]}"
        )


def test_an_inventory_limits_the_file_to_what_exists() -> None:
    evaluation = evaluate_cached("prod")
    full = import_file(evaluation)
    ids = [e["id"] for e in full.document["resources"] if "id" in e]
    absent = "projects/blueprint-pipeline-prod/locations/us-central1/workflows/scene-batch"
    adoption = import_file(evaluation, [i for i in ids if i != absent])
    assert adoption.missing == (absent,)
    names = [e["logicalName"] for e in adoption.document["resources"]]
    assert "scene-batch" not in names  # neither the workflow nor its otherwise empty component
    assert len(names) == len(full.document["resources"]) - 2


def test_the_command_writes_the_file_and_prints_the_cut_over(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "import.json"
    assert main(["--stack", "prod", "--out", str(out)]) == 0
    document = json.loads(out.read_text())
    assert len([e for e in document["resources"] if not e.get("component")]) == 23
    printed = capsys.readouterr().out
    assert f"pulumi import --stack prod --file {out} --generate-code=false --protect=false" in printed
    for command in trigger_deletes("blueprint-pipeline-prod", "us-central1"):
        assert command in printed


def test_a_bad_inventory_names_the_line_and_the_fix(tmp_path: Path) -> None:
    inventory = tmp_path / "inventory.txt"
    inventory.write_text("scene-batch\n")
    with pytest.raises(SystemExit, match="'scene-batch' is not a full resource name; produce the file with"):
        main(["--stack", "prod", "--inventory", str(inventory), "--out", str(tmp_path / "x.json")])


def test_original_triggers_never_collide_with_the_router() -> None:
    for stack in STACKS:
        assert colliding_triggers(evaluate_cached(stack), "us-central1") == []
        names = {r.inputs["name"] for r in evaluate_cached(stack).resources if r.type.endswith("Trigger")}
        assert names.isdisjoint(ORIGINAL_TRIGGERS)


def test_direct_routing_in_the_workflows_region_collides_and_is_named() -> None:
    try:
        evaluation = evaluate_cached("staging", DIRECT)
    except ProgramFailed as failed:  # over the bucket's 10 notification configs
        pytest.fail(f"staging in direct mode should deploy: {failed}")
    collisions = colliding_triggers(evaluation, "us-central1")
    assert "usd-assembly-trigger" in collisions and "genie-sim-export-trigger" in collisions
    assert set(collisions) <= set(ORIGINAL_TRIGGERS)
