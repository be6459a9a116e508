"""End to end on a real project: deploy a throwaway stack with the Automation API, write one
marker object, and check through the Workflows Executions API that the marker router started
exactly the workflows the route table names for it; then destroy everything.

Opt-in (tests/e2e/conftest.py skips it unless E2E_PROJECT is set); README.md, "End-to-end
test", lists the prerequisites. The Google Cloud clients are imported here, lazily, because
only this suite needs them. API pages: Automation API (pulumi.com/docs/iac/automation-api),
workflowexecutions.v1 projects.locations.workflows.executions list (view FULL returns the
argument) and cancel, Cloud Storage buckets insert/delete.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.settings import E2ESettings
from tests.e2e.stack import BASE_STACK, MARKER, ROUTER, program_copy, routed_workflows, stack_config
from tools.inventory import inventory
from tools.mock_engine import evaluate

DELIVERY_TIMEOUT = 600.0  # Eventarc delivery on a brand-new trigger can take minutes
POLL_SECONDS = 10.0


@pytest.fixture
def data_bucket(e2e_settings: E2ESettings) -> Iterator[Any]:
    """A throwaway data bucket in the stack's region, deleted with its objects afterwards."""
    from google.cloud import storage

    client = storage.Client(project=e2e_settings.project)
    bucket = client.create_bucket(f"bp-e2e-{uuid.uuid4().hex[:12]}", location=e2e_settings.region)
    try:
        yield bucket
    finally:
        bucket.delete(force=True)


def _executions(client: Any, parent: str) -> list[Any]:
    from google.cloud.workflows import executions_v1

    request = executions_v1.ListExecutionsRequest(parent=parent, view=executions_v1.ExecutionView.FULL)
    return list(client.list_executions(request=request))


def _argument(execution: Any) -> Mapping[str, Any]:
    decoded = json.loads(execution.argument or "null")
    return decoded if isinstance(decoded, dict) else {}


def _wait_for(description: str, found: Any) -> Any:
    deadline = time.monotonic() + DELIVERY_TIMEOUT
    while time.monotonic() < deadline:
        result = found()
        if result:
            return result
        time.sleep(POLL_SECONDS)
    raise AssertionError(f"after {DELIVERY_TIMEOUT:.0f} s: {description}")


def test_a_marker_starts_exactly_its_routed_workflows(
    e2e_settings: E2ESettings, data_bucket: Any, tmp_path: Path
) -> None:
    from google.cloud.workflows import executions_v1
    from pulumi import automation as auto

    config = stack_config(e2e_settings, data_bucket.name)
    # The offline plan of the same config: fails here, before anything is deployed, on a
    # config the program refuses; and its inventory says which workflows the marker starts.
    planned = inventory(evaluate(BASE_STACK, config=config))
    expected = routed_workflows(planned, MARKER)
    assert expected, f"no workflow is routed for {MARKER} in the e2e config"

    backend = e2e_settings.backend_url or f"file://{tmp_path / 'state'}"
    (tmp_path / "state").mkdir()
    env = {"PULUMI_BACKEND_URL": backend, "PULUMI_CONFIG_PASSPHRASE": ""}
    stack = auto.create_or_select_stack(
        stack_name=f"e2e-{uuid.uuid4().hex[:8]}",
        work_dir=str(program_copy(tmp_path)),
        opts=auto.LocalWorkspaceOptions(env_vars=env, secrets_provider="passphrase"),
    )
    executions = executions_v1.ExecutionsClient()
    parent = f"projects/{e2e_settings.project}/locations/{e2e_settings.region}/workflows/"
    started: list[Any] = []
    try:
        stack.set_all_config({key: auto.ConfigValue(value=value) for key, value in config.items()})
        up = stack.up(on_output=print)
        assert up.summary.result == "succeeded"
        assert up.outputs["markerRouter"].value["name"] == ROUTER

        scene = f"e2e-{uuid.uuid4().hex[:8]}"
        marker = MARKER.replace("*", scene)
        data_bucket.blob(marker).upload_from_string(b"{}", content_type="application/json")

        def router_done() -> Any:
            runs = [
                e
                for e in _executions(executions, parent + ROUTER)
                if _argument(e).get("data", {}).get("name") == marker
            ]
            return (
                runs if runs and all(e.state != executions_v1.Execution.State.ACTIVE for e in runs) else None
            )

        routed = _wait_for(
            f"no finished {ROUTER} execution for gs://{data_bucket.name}/{marker}", router_done
        )
        assert [e.state for e in routed] == [executions_v1.Execution.State.SUCCEEDED], [
            e.error for e in routed
        ]

        def routed_runs() -> dict[str, list[Any]]:
            runs = {
                name: [
                    e for e in _executions(executions, parent + name) if _argument(e).get("object") == marker
                ]
                for name in planned["workflows"]
                if name != ROUTER
            }
            return {name: found for name, found in runs.items() if found}

        by_workflow = _wait_for(f"no execution of {expected} for {marker}", routed_runs)
        started = [e for found in by_workflow.values() for e in found]
        assert sorted(by_workflow) == expected
        assert all(len(found) == 1 for found in by_workflow.values()), by_workflow
        for found in by_workflow.values():
            argument = _argument(found[0])
            assert (argument["bucket"], argument["scene_id"], argument["marker"]) == (
                data_bucket.name,
                scene,
                MARKER,
            )
    finally:
        # The routed workflows go on to start Cloud Run jobs on an empty scene: stop them.
        for execution in started:
            if execution.state == executions_v1.Execution.State.ACTIVE:
                executions.cancel_execution(request={"name": execution.name})
        stack.destroy(on_output=print)
        stack.workspace.remove_stack(stack.name)
