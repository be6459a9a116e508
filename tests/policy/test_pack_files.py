"""The pack as the Pulumi CLI runs it: its files, pins, and the pack served over gRPC."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
import yaml
from google.protobuf import empty_pb2, struct_pb2
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

from components.stack_files import ROOT, project_name
from policy.blueprint_policy.facts import NAMESPACE
from policy.blueprint_policy.pack import PACK_NAME, policies
from tests.policy.helpers import PROD

POLICY_DIR = ROOT / "policy"


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        name, sep, version = line.partition("==")
        if sep and not line.startswith("#"):
            pins[name.strip().lower()] = version.strip()
    return pins


def test_policy_yaml_names_the_pack_and_its_python_runtime() -> None:
    document = yaml.safe_load((POLICY_DIR / "PulumiPolicy.yaml").read_text())
    assert document["name"] == PACK_NAME
    assert document["runtime"]["name"] == "python"
    assert document["version"]


def test_the_pack_pins_what_the_tests_use() -> None:
    pack = _pins(POLICY_DIR / "requirements.txt")
    ours = {**_pins(ROOT / "requirements.txt"), **_pins(ROOT / "requirements-dev.txt")}
    assert set(pack) == {"pulumi", "pulumi-policy"}
    assert {name: ours[name] for name in pack} == pack


def test_the_config_namespace_is_the_project_name() -> None:
    assert project_name() == NAMESPACE


def test_policy_names_are_unique() -> None:
    names = [p.name for p in policies(lambda: PROD)]
    assert len(names) == len(set(names)) == 8


@pytest.fixture(scope="module")
def served_pack() -> Iterator[analyzer_pb2_grpc.AnalyzerStub]:
    """policy/ started the way `python -m pulumi.policy` does (runpy on the folder), on the
    stack config of prod; yields a client of its analyzer."""
    env = {
        **os.environ,
        "PULUMI_CONFIG": '{"blueprint-workflows:environment": "production"}',
        "PULUMI_PROJECT": "blueprint-workflows",
        "PULUMI_STACK": "prod",
        "PULUMI_DRY_RUN": "true",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import runpy, sys; runpy.run_path(sys.argv[1], run_name='__main__')",
            str(POLICY_DIR),
        ],
        stdout=subprocess.PIPE,
        env=env,
        cwd=POLICY_DIR,
    )
    try:
        assert process.stdout is not None
        port = process.stdout.readline().decode().strip()
        assert port.isdigit(), f"the pack printed {port!r} instead of its port"
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            yield analyzer_pb2_grpc.AnalyzerStub(channel)
    finally:
        process.kill()
        process.wait(timeout=10)


def test_the_served_pack_lists_every_policy_as_mandatory(served_pack: analyzer_pb2_grpc.AnalyzerStub) -> None:
    info = served_pack.GetAnalyzerInfo(empty_pb2.Empty(), timeout=10)
    assert info.name == PACK_NAME
    assert sorted(p.name for p in info.policies) == sorted(p.name for p in policies(lambda: PROD))
    assert {p.enforcementLevel for p in info.policies} == {analyzer_pb2.MANDATORY}


def test_the_served_pack_reads_the_stack_config_and_reports(
    served_pack: analyzer_pb2_grpc.AnalyzerStub,
) -> None:
    properties = struct_pb2.Struct()
    properties.update({"name": "w", "deletionProtection": False, "userEnvVars": {"CANARY_PERCENT": "150"}})
    request = analyzer_pb2.AnalyzeRequest(
        type="gcp:workflows/workflow:Workflow",
        properties=properties,
        urn="urn:pulumi:prod::blueprint-workflows::gcp:workflows/workflow:Workflow::w",
        name="w",
    )
    response = served_pack.Analyze(request, timeout=10)
    reported = sorted(d.policyName for d in response.diagnostics)
    assert reported == ["canary-percent-range", "deletion-protection-in-production", "required-labels"]
