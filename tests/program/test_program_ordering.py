"""Creation order a real `up` needs on a fresh project: nothing calls an API before the
program has enabled it (the mock engine never fails on a disabled API, so check the graph)."""

from __future__ import annotations

from tools.mock_engine import Evaluation, Registered


def _closure(run: Evaluation, resource: Registered) -> set[str]:
    """URNs of everything `resource` depends on, directly or through its dependencies."""
    by_urn = run.by_urn()
    seen: set[str] = set()
    pending = list(resource.dependencies)
    while pending:
        urn = pending.pop()
        if urn not in seen:
            seen.add(urn)
            pending.extend(by_urn[urn].dependencies if urn in by_urn else ())
    return seen


def test_everything_outside_the_platform_waits_for_the_apis(run: Evaluation) -> None:
    """Each workflow, account, grant and trigger depends on every API the program enables."""
    apis = {r.urn for r in run.resources if r.type == "gcp:projects/service:Service"}
    assert len(apis) >= 10
    checked = 0
    for resource in run.resources:
        owner = run.component_of(resource)
        if not resource.custom or owner is None or owner.name == "platform":
            continue
        missing = apis - _closure(run, resource)
        assert not missing, f"{resource.type} {resource.name} does not wait for {sorted(missing)}"
        checked += 1
    assert checked > 100
