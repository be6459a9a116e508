"""workflows/README.md's trigger table and env var table agree with the catalog and config,
in both directions; mutated copies prove the check fails when either side changes alone."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from components.catalog import WORKFLOWS_DIR, Catalog, WorkflowSpec, load_catalog
from components.env import file_env_values
from components.stack_files import load_stack

README = WORKFLOWS_DIR / "README.md"
CATALOG = load_catalog()

# The "Trigger source" column, by trigger kind (the seed's wording, updated for this program).
SOURCE_BY_KIND = {
    "gcs": "Eventarc (GCS finalized)",
    "event": "Eventarc Advanced custom event",
    "schedule": "Cloud Scheduler",
    "manual": "Manual only",
}
_ROW = re.compile(r"^\| `(?P<file>[^`]+)` \| (?P<source>[^|]+) \| (?P<detail>.+) \|$")
_TOKEN = re.compile(r"`([^`]+)`")


def trigger_table(readme: str) -> dict[str, tuple[str, str]]:
    """Rows of the "Workflow trigger map" table: file -> (trigger source, detail column)."""
    section = readme.split("## Workflow trigger map", 1)[1].split("\n## ", 1)[0]
    rows: dict[str, tuple[str, str]] = {}
    for line in section.splitlines():
        match = _ROW.match(line.strip())
        if match:
            rows[match["file"]] = (match["source"].strip(), match["detail"].strip())
    return rows


def table_mismatches(readme: str, catalog: Catalog) -> list[str]:
    """Every disagreement between the README trigger table and the catalog."""
    rows = trigger_table(readme)
    specs = {spec.file: spec for spec in catalog.workflows.values()}
    problems = [
        f"{file}: in the README table but not in the catalog" for file in sorted(set(rows) - set(specs))
    ]
    problems += [
        f"{file}: in the catalog but missing from the README table" for file in sorted(set(specs) - set(rows))
    ]
    all_markers = {marker for marker, _ in catalog.routes()}
    for file in sorted(set(rows) & set(specs)):
        problems += [f"{file}: {p}" for p in _row_mismatches(specs[file], *rows[file], all_markers)]
    return problems


def _row_mismatches(spec: WorkflowSpec, source: str, detail: str, all_markers: set[str]) -> list[str]:
    tokens = _TOKEN.findall(detail)
    problems = []
    expected_source = SOURCE_BY_KIND[spec.trigger.kind]
    if not source.startswith(expected_source):
        problems.append(f"trigger source {source!r} should start with {expected_source!r}")
    markers = {token for token in tokens if token.startswith("scenes/")} & (
        all_markers | set(spec.trigger.markers)
    )
    if spec.trigger.kind == "gcs":
        listed = {token for token in tokens if token.startswith("scenes/")}
        if listed != set(spec.trigger.markers):
            problems.append(f"markers {sorted(listed)} != catalog {sorted(spec.trigger.markers)}")
    elif markers:
        problems.append(f"lists markers {sorted(markers)} but the catalog trigger is {spec.trigger.kind}")
    if spec.trigger.kind == "event" and spec.trigger.event_type not in tokens:
        problems.append(f"event type {spec.trigger.event_type} is not named")
    event_tokens = {token for token in tokens if re.fullmatch(r"[a-z_]+(\.[a-z_]+){2,}", token)}
    if spec.trigger.kind != "event" and event_tokens:
        problems.append(
            f"names event types {sorted(event_tokens)} but the catalog trigger is {spec.trigger.kind}"
        )
    if spec.trigger.kind == "schedule" and spec.trigger.scheduler_job not in tokens:
        problems.append(f"scheduler job {spec.trigger.scheduler_job} is not named")
    flag = f"experimental.{spec.experimental}"
    if spec.experimental and flag not in tokens:
        problems.append(f"experimental flag {flag} is not named")
    if not spec.experimental and any(token.startswith("experimental.") for token in tokens):
        problems.append("mentions an experimental flag but the workflow is not experimental")
    return problems


def test_readme_trigger_table_and_catalog_agree() -> None:
    readme = README.read_text()
    assert len(trigger_table(readme)) == 18
    assert table_mismatches(readme, CATALOG) == []


# --- the check fails when either side changes alone --------------------------------------


def _row_of(readme: str, file: str) -> str:
    return next(line for line in readme.splitlines() if line.startswith(f"| `{file}`"))


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (
            lambda text: text.replace(_row_of(text, "scale-pipeline.yaml") + "\n", ""),
            "scale-pipeline.yaml: in the catalog but missing from the README table",
        ),
        (
            lambda text: text.replace(
                _row_of(text, "scene-batch.yaml"),
                _row_of(text, "scene-batch.yaml") + "\n| `ghost-pipeline.yaml` | Manual only | Nothing |",
            ),
            "ghost-pipeline.yaml: in the README table but not in the catalog",
        ),
        (
            lambda text: text.replace("`scenes/*/assets/.assets_ready`", "`scenes/*/assets/.assets_done`"),
            "regen3d-pipeline.yaml: markers ['scenes/*/assets/.assets_done'] != catalog",
        ),
        (
            lambda text: text.replace(", `scenes/*/geniesim/.geniesim_complete` |", " |"),
            "arena-export-pipeline.yaml: markers",
        ),
        (
            lambda text: text.replace(
                "| `upsell-features-pipeline.yaml` | Manual only |",
                "| `upsell-features-pipeline.yaml` | Cloud Scheduler |",
            ),
            "upsell-features-pipeline.yaml: trigger source 'Cloud Scheduler' should start with 'Manual only'",
        ),
        (
            lambda text: text.replace(
                "Event type `blueprintpipeline.episodes.imported`", "Event type `x.y.z`"
            ),
            "training-pipeline.yaml: event type blueprintpipeline.episodes.imported is not named",
        ),
        (
            lambda text: text.replace("Job `retention-cleanup-daily`", "Job `retention-cleanup`"),
            "retention-cleanup.yaml: scheduler job retention-cleanup-daily is not named",
        ),
        (
            lambda text: text.replace(
                "`scenes/*/assets/.regen3d_complete` (experimental: triggered only when `experimental.dwm`",
                "`scenes/*/assets/.regen3d_complete` (triggered only when `flags.dwm`",
            ),
            "dwm-preparation-pipeline.yaml: experimental flag experimental.dwm is not named",
        ),
    ],
    ids=[
        "row removed",
        "row added",
        "marker renamed",
        "marker dropped",
        "kind",
        "event",
        "scheduler",
        "flag",
    ],
)
def test_check_fails_when_only_the_readme_changes(mutate, expected: str) -> None:
    original = README.read_text()
    mutated = mutate(original)
    assert mutated != original, "the mutation must change the README copy"
    problems = table_mismatches(mutated, CATALOG)
    assert any(problem.startswith(expected) for problem in problems), problems


def _catalog_copy(tmp_path: Path, edit) -> Catalog:
    for body in WORKFLOWS_DIR.glob("*.yaml"):
        shutil.copy(body, tmp_path / body.name)
    data = yaml.safe_load((WORKFLOWS_DIR / "catalog.yaml").read_text())
    edit(data["workflows"])
    (tmp_path / "catalog.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    return load_catalog(tmp_path / "catalog.yaml")


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            lambda w: w["objects-pipeline"]["trigger"].update(
                markers=["scenes/*/layout/objects_layout.json"]
            ),
            "objects-pipeline.yaml: markers",
        ),
        (
            lambda w: w["upsell-features-pipeline"].update(
                trigger={"kind": "gcs", "markers": ["scenes/*/episodes/.episodes_complete"]}
            ),
            "upsell-features-pipeline.yaml: trigger source 'Manual only' should start with "
            "'Eventarc (GCS finalized)'",
        ),
        (
            lambda w: w["training-pipeline"]["trigger"].update(
                eventType="blueprintpipeline.training.requested"
            ),
            "training-pipeline.yaml: event type blueprintpipeline.training.requested is not named",
        ),
        (lambda w: w.pop("scene-batch"), "scene-batch.yaml: in the README table but not in the catalog"),
        (
            lambda w: w["interactive-pipeline"].update(experimental="dwm"),
            "interactive-pipeline.yaml: experimental flag experimental.dwm is not named",
        ),
    ],
    ids=["marker", "kind", "event type", "workflow removed", "experimental"],
)
def test_check_fails_when_only_the_catalog_changes(tmp_path: Path, edit, expected: str) -> None:
    catalog = _catalog_copy(tmp_path, edit)
    problems = table_mismatches(README.read_text(), catalog)
    assert any(problem.startswith(expected) for problem in problems), problems


def test_check_fails_when_the_catalog_gains_a_workflow(tmp_path: Path) -> None:
    (tmp_path / "new-pipeline.yaml").write_text("main:\n  steps:\n    - done:\n        return: 1\n")

    def add(workflows: dict) -> None:
        workflows["new-pipeline"] = {
            "file": "new-pipeline.yaml",
            "description": "A new workflow.",
            "trigger": {"kind": "manual"},
        }

    problems = table_mismatches(README.read_text(), _catalog_copy(tmp_path, add))
    assert problems == ["new-pipeline.yaml: in the catalog but missing from the README table"]


# --- environment variables ---------------------------------------------------------------


def test_readme_documents_every_env_var_the_program_sets_and_no_other() -> None:
    section = README.read_text().split("## Key environment variables", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^\| `([A-Z0-9_]+)` \|", section, flags=re.MULTILINE))
    catalog_env = {name for spec in CATALOG.workflows.values() for name in spec.env}
    program_env = set(load_stack("staging").env_values()) | set(file_env_values())
    program_env |= {"TRIGGER_MARKERS", "MARKER_ROUTES"}
    assert catalog_env <= program_env
    assert documented == program_env
