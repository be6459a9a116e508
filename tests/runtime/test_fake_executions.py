"""The fake Workflow Executions service and the deployment map."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workflow_runtime.connectors.errors import ApiError
from workflow_runtime.engine import Runtime
from workflow_runtime.fakes import Deployment, DeploymentError, FakeWorkflowExecutions, Services


def deployment_with(tmp_path: Path, **bodies: str) -> Deployment:
    deployment = Deployment()
    for name, body in bodies.items():
        path = tmp_path / f"{name}.yaml"
        path.write_text(body)
        deployment.add_workflow(name, path, env={"WHO": name})
    return deployment


def test_queued_executions_run_in_creation_order_with_their_env(tmp_path):
    deployment = deployment_with(
        tmp_path,
        a='main:\n  params: [x]\n  steps:\n    - r:\n        return: ${[sys.get_env("WHO"), x]}\n',
    )
    executions = FakeWorkflowExecutions(deployment)
    runtime = Runtime(services=Services.for_deployment(deployment))
    first = executions.enqueue("p", "us-central1", "a", 1, 0.0, "create")
    second = executions.enqueue("p", "us-central1", "a", 2, 0.0, "create")
    assert first.resource()["state"] == "ACTIVE"
    assert json.loads(first.resource()["argument"]) == 1
    ran = executions.drain(runtime)
    assert ran == [first, second]
    assert [r.result for r in ran] == [["a", 1], ["a", 2]]
    assert executions.pending == []
    resource = executions.get(first.name)
    assert resource["state"] == "SUCCEEDED"
    assert json.loads(resource["result"]) == ["a", 1]
    assert "endTime" in resource


def test_failed_execution_resource_carries_the_error_payload(tmp_path):
    deployment = deployment_with(tmp_path, bad="main:\n  steps:\n    - r:\n        raise: oops\n")
    executions = FakeWorkflowExecutions(deployment)
    record = executions.enqueue("p", "l", "bad", None, 0.0, "create")
    executions.drain(Runtime(services=Services.for_deployment(deployment)))
    assert record.state == "FAILED"
    assert json.loads(executions.get(record.name)["error"]["payload"]) == "oops"


def test_unknown_workflow_and_execution_are_404():
    executions = FakeWorkflowExecutions(Deployment())
    with pytest.raises(ApiError) as info:
        executions.enqueue("p", "l", "ghost", None, 0.0, "create")
    assert info.value.code == 404
    assert "ghost" in info.value.body["error"]["message"]
    with pytest.raises(ApiError):
        executions.get("projects/p/locations/l/workflows/w/executions/x")


def test_endless_chain_of_executions_is_stopped(tmp_path):
    loop = (
        "main:\n  steps:\n    - again:\n"
        "        call: googleapis.workflowexecutions.v1.projects.locations.workflows."
        "executions.create\n"
        "        args:\n          parent: projects/p/locations/l/workflows/loop\n"
        "          body: {argument: '{}'}\n"
    )
    deployment = deployment_with(tmp_path, loop=loop)
    services = Services.for_deployment(deployment)
    services.executions.max_started_runs = 20
    runtime = Runtime(services=services)
    services.executions.enqueue("p", "l", "loop", {}, 0.0, "create")
    with pytest.raises(RuntimeError, match="keep starting each other"):
        services.executions.drain(runtime)
    assert len(services.executions.of("loop")) == 21  # 20 started, the 21st was refused


def test_deployment_errors_name_the_fix():
    with pytest.raises(DeploymentError, match="add_workflow"):
        Deployment().path_of("missing")


def test_source_hook_decides_what_is_deployed(tmp_path):
    path = tmp_path / "w.yaml"
    path.write_text("main:\n  steps:\n    - r:\n        return: file\n")
    deployment = Deployment(source=lambda p: p.read_text().replace("file", "merged"))
    deployment.add_workflow("w", path)
    services = Services.for_deployment(deployment)
    record = services.executions.enqueue("p", "l", "w", None, 0.0, "create")
    services.executions.drain(Runtime(services=services))
    assert record.result == "merged"


def test_catalog_must_have_a_workflows_map(tmp_path):
    bad = tmp_path / "catalog.yaml"
    bad.write_text("workflow: []\n")
    with pytest.raises(DeploymentError, match="workflows"):
        Deployment.from_catalog(bad)


def test_bytes_in_results_are_base64_like_googles_execution_output(tmp_path):
    deployment = deployment_with(
        tmp_path, b='main:\n  steps:\n    - r:\n        return: ${text.encode("hi")}\n'
    )
    services = Services.for_deployment(deployment)
    record = services.executions.enqueue("p", "l", "b", None, 0.0, "create")
    services.executions.drain(Runtime(services=services))
    assert record.result == b"hi"
    assert json.loads(services.executions.get(record.name)["result"]) == "aGk="
