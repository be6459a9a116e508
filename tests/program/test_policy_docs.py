"""The timeout policy documents agree with the catalog: every Cloud Run job's timeout and
workflows, both directions, and adaptive timeouts within the job's ceiling."""

from __future__ import annotations

import re

import yaml

from components.catalog import WORKFLOWS_DIR, load_catalog

CATALOG = load_catalog()
POLICY = WORKFLOWS_DIR / "TIMEOUT_AND_RETRY_POLICY.md"
ADAPTIVE = WORKFLOWS_DIR / "policy_configs" / "adaptive_timeouts.yaml"
_ROW = re.compile(r"^\| `(?P<job>[a-z0-9-]+)` \| (?P<workflows>[^|]+) \| (?P<timeout>\d+) \|", re.MULTILINE)


def _catalog_jobs() -> dict[str, tuple[int, set[str]]]:
    jobs: dict[str, tuple[int, set[str]]] = {}
    for spec in CATALOG.workflows.values():
        for job, timeout in spec.jobs.items():
            previous = jobs.get(job, (timeout, set()))
            assert previous[0] == timeout, f"{job} has two timeouts in the catalog"
            jobs[job] = (timeout, previous[1] | {spec.name})
    return jobs


def test_policy_job_table_matches_the_catalog_both_ways() -> None:
    section = POLICY.read_text().split("## Cloud Run job timeouts", 1)[1].split("\n## ", 1)[0]
    documented = {
        m["job"]: (int(m["timeout"]), {w.strip() for w in m["workflows"].split(",")})
        for m in _ROW.finditer(section)
    }
    assert len(documented) == 21
    assert documented == _catalog_jobs()


def test_adaptive_timeouts_stay_within_the_upsell_job_ceiling() -> None:
    adaptive = yaml.safe_load(ADAPTIVE.read_text())
    ceiling = CATALOG.workflows["upsell-features-pipeline"].jobs["upsell-features-job"]
    assert adaptive["default_timeout_seconds"] == 1800
    assert adaptive["bundle_tier"] == {"standard": 900, "pro": 1800, "enterprise": 2700, "foundation": 1800}
    values = [adaptive["default_timeout_seconds"], *adaptive["bundle_tier"].values()]
    assert all(0 < value <= ceiling for value in values)
    assert adaptive["timeout_override_seconds"] == {"min": 60, "max": ceiling}
