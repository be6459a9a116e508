"""The timeout and retry policy kept in sync: policy_configs/adaptive_timeouts.yaml,
TIMEOUT_AND_RETRY_POLICY.md, every workflow's header comment and the values in its body
(and workflows/lib). Each check fails naming the file and line where two disagree.

A body value that differs from the default must be declared in the workflow's header as
`# Override: <what> <value>: <reason>` and mentioned in the policy document."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from components.catalog import WORKFLOWS_DIR, load_catalog

CATALOG = load_catalog()
POLICY_DOC = WORKFLOWS_DIR / "TIMEOUT_AND_RETRY_POLICY.md"
POLICY_YAML = WORKFLOWS_DIR / "policy_configs" / "adaptive_timeouts.yaml"
LIB = WORKFLOWS_DIR / "lib"
_HEADER_JOB = re.compile(r"([a-z0-9-]+-job) \((\d+) s")
_OVERRIDE = re.compile(r"^# Override: (?P<what>\w+) (?P<value>[^:]+): ", re.MULTILINE)
_RETRY_KEYS = ("max_retries", "initial_delay", "max_delay", "multiplier")


@dataclass(frozen=True)
class Found:
    """A value in a workflow file, with where it is."""

    file: Path
    line: int
    value: Any
    context: dict[str, Any]

    @property
    def place(self) -> str:
        """file:line, relative to the workflows folder."""
        return f"{self.file.relative_to(WORKFLOWS_DIR)}:{self.line}"


def _policy() -> dict[str, Any]:
    return yaml.safe_load(POLICY_YAML.read_text())


def _flat(text: str) -> str:
    return " ".join(text.split())


def _header(path: Path) -> str:
    lines = []
    for line in path.read_text().splitlines():
        if not line.startswith("#"):
            break
        lines.append(line)
    return "\n".join(lines)


def _overrides(path: Path) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for match in _OVERRIDE.finditer(_header(path)):
        found.setdefault(match["what"], set()).add(match["value"].strip())
    return found


def _line_of(path: Path, needle: str, start: int = 0) -> int:
    lines = path.read_text().splitlines()
    for number, line in enumerate(lines[start:], start + 1):
        if needle in line:
            return number
    return 0


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def _calls(path: Path, target: str) -> Iterator[Found]:
    """Every `call: target` step in the file, with its args."""
    data = yaml.safe_load(path.read_text())
    cursor = 0
    for node in _walk(data):
        if node.get("call") == target and isinstance(node.get("args"), dict):
            cursor = _line_of(path, f"call: {target}", cursor) or cursor
            yield Found(path, cursor, node["args"], node)


def _retries(path: Path) -> Iterator[Found]:
    """Every `retry:` block that is a map (a custom policy), with its values."""
    data = yaml.safe_load(path.read_text())
    cursor = 0
    for node in _walk(data):
        retry = node.get("retry")
        if isinstance(retry, dict):
            cursor = _line_of(path, "retry:", cursor) or cursor
            values = {"max_retries": retry.get("max_retries"), **(retry.get("backoff") or {})}
            yield Found(path, cursor, {key: values.get(key) for key in _RETRY_KEYS}, retry)


BODIES = sorted(spec.path for spec in CATALOG.workflows.values())
ALL_FILES = [*BODIES, *sorted(LIB.glob("*.yaml"))]


def test_the_policy_yaml_states_the_launch_retry_the_document_states() -> None:
    retry = _policy()["launch_retry"]
    text = POLICY_DOC.read_text()
    expected = (
        f"up to {retry['max_retries']} retries, backoff {retry['initial_delay']} s\n"
        f"  doubling to at most {retry['max_delay']} s"
    )
    assert retry["multiplier"] == 2, "the document says 'doubling': change both"
    assert _flat(expected) in _flat(text), (
        f"{POLICY_DOC.name}: the launch retry sentence no longer says {expected!r}"
    )


def test_the_policy_yaml_states_the_job_wait_the_document_and_run_job_use() -> None:
    wait = _policy()["job_wait"]
    doc = POLICY_DOC.read_text()
    run_job = (LIB / "cloud_run.yaml").read_text()
    sentence = (
        f"{wait['poll_initial_seconds']} s doubling to {wait['poll_max_seconds']} s, "
        f"until the job timeout + {wait['wait_extra_seconds']} s"
    )
    assert _flat(sentence) in _flat(doc), f"{POLICY_DOC.name}: the job wait no longer says {sentence!r}"
    for needle in (
        f"- delay: {wait['poll_initial_seconds']}",
        f"math.min(delay * 2, {wait['poll_max_seconds']})",
        f"timeout_seconds + {wait['wait_extra_seconds']}",
    ):
        assert needle in run_job, f"lib/cloud_run.yaml: expected {needle!r} (policy job_wait)"


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: p.name)
def test_every_retry_in_a_body_is_the_default_or_a_declared_override(path: Path) -> None:
    default = _policy()["launch_retry"]
    declared = _overrides(path).get("retry", set())
    doc = POLICY_DOC.read_text()
    for found in _retries(path):
        if found.value == default:
            continue
        text = " ".join(f"{key}={found.value[key]}" for key in _RETRY_KEYS)
        assert text in declared, (
            f"{found.place}: retry {text} differs from the policy's launch_retry {default}; "
            f"declare it in the header as '# Override: retry {text}: <reason>'"
        )
        assert path.stem in doc and f"{found.value['max_retries']} retries" in doc, (
            f"{found.place}: the override retry is not in {POLICY_DOC.name}"
        )


@pytest.mark.parametrize("path", BODIES, ids=lambda p: p.name)
def test_header_job_timeouts_match_the_catalog(path: Path) -> None:
    spec = next(spec for spec in CATALOG.workflows.values() if spec.path == path)
    header = _header(path)
    listed = {job: int(seconds) for job, seconds in _HEADER_JOB.findall(header)}
    assert listed == dict(spec.jobs), (
        f"{path.name}:1: header 'Cloud Run jobs' lists {listed}, catalog.yaml has {dict(spec.jobs)}"
    )


@pytest.mark.parametrize("path", BODIES, ids=lambda p: p.name)
def test_body_job_timeouts_are_the_catalogs_or_declared_overrides(path: Path) -> None:
    catalog_jobs = {job: timeout for spec in CATALOG.workflows.values() for job, timeout in spec.jobs.items()}
    declared = _overrides(path).get("timeout", set())
    doc = POLICY_DOC.read_text()
    for found in _calls(path, "run_job"):
        job, timeout = found.value.get("job"), found.value.get("timeout_seconds")
        if not isinstance(job, str) or job.startswith("$") or not isinstance(timeout, int):
            continue  # computed values (scene-batch's param, upsell's adaptive timeout)
        assert job in catalog_jobs, f"{found.place}: {job} is not in catalog.yaml"
        if timeout == catalog_jobs[job]:
            continue
        assert f"{job} {timeout}" in declared, (
            f"{found.place}: {job} runs with {timeout} s, the catalog says {catalog_jobs[job]} s; "
            f"declare it in the header as '# Override: timeout {job} {timeout}: <reason>'"
        )
        row = next((line for line in doc.splitlines() if line.startswith(f"| `{job}` |")), "")
        assert str(timeout) in row, (
            f"{found.place}: {POLICY_DOC.name}'s row for {job} does not mention {timeout} s"
        )


def test_leases_agree_in_the_yaml_the_document_and_the_bodies() -> None:
    leases = _policy()["leases"]
    doc = POLICY_DOC.read_text().split("## Lock leases", 1)[1].split("\n## ", 1)[0]
    documented = {m[1]: int(m[2]) for m in re.finditer(r"^\| ([a-z0-9-]+) \| (\d+) \|$", doc, re.MULTILINE)}
    assert documented == leases, (
        f"{POLICY_DOC.name} 'Lock leases' table {documented} != {POLICY_YAML.name} {leases}"
    )
    in_bodies: dict[str, int] = {}
    for path in BODIES:
        for found in _calls(path, "acquire_lock"):
            workflow, ttl = found.value.get("workflow"), found.value.get("ttl_seconds")
            assert isinstance(ttl, int), f"{found.place}: ttl_seconds must be a literal the policy can check"
            assert leases.get(workflow) == ttl, (
                f"{found.place}: lease {ttl} s, policy says {leases.get(workflow)}"
            )
            in_bodies[workflow] = ttl
    assert in_bodies == leases, (
        f"workflows taking locks {sorted(in_bodies)} != policy leases {sorted(leases)}"
    )


def test_every_lease_covers_the_waits_of_its_jobs() -> None:
    # A lease shorter than the jobs it guards lets a second run in while the first works:
    # each job's wait is its timeout plus the wait extra (lib/cloud_run.yaml).
    extra = _policy()["job_wait"]["wait_extra_seconds"]
    for workflow, ttl in _policy()["leases"].items():
        waits = sum(timeout + extra for timeout in CATALOG.workflows[workflow].jobs.values())
        assert ttl >= waits, (
            f"{POLICY_YAML.name}: lease of {workflow} ({ttl} s) < its jobs' waits ({waits} s)"
        )


def test_a_planted_disagreement_is_named(tmp_path: Path) -> None:
    # The checks above must be able to fail: a body retry that differs from the policy
    # without a header override is reported with its file and line.
    body = tmp_path / "planted.yaml"
    body.write_text(
        "# planted: a workflow.\nmain:\n  steps:\n    - call_it:\n        try:\n"
        "          call: http.get\n          args: {url: https://example.com}\n"
        "        retry:\n          predicate: ${http.default_retry_predicate}\n          max_retries: 2\n"
        "          backoff: {initial_delay: 1, max_delay: 60, multiplier: 2}\n"
    )
    (found,) = list(_retries(body))
    assert found.line == 8 and found.value["max_retries"] == 2
    assert _overrides(body) == {}


def test_the_retention_claim_lease_agrees() -> None:
    lease = _policy()["retention_claim_lease_seconds"]
    body = (WORKFLOWS_DIR / "retention-cleanup.yaml").read_text()
    assert f"          lease: {lease}\n" in body, (
        f"retention-cleanup.yaml: lease is not the policy's {lease} s"
    )
    assert f"a lease of {lease} s" in _flat(POLICY_DOC.read_text()), (
        f"{POLICY_DOC.name} does not state {lease} s"
    )
