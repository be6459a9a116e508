"""The catalog holds the seed's trigger map: 18 workflows, their trigger kinds and markers,
and marker regexes that match exactly the marker objects (RE2, as Cloud Workflows runs them)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import re2
import yaml

from components.catalog import WORKFLOWS_DIR, CatalogError, load_catalog, marker_regex

CATALOG = load_catalog()

# The seed README's trigger map (workflows-README.seed.md), written out once here.
SEED_MARKERS: dict[str, set[str]] = {
    "arena-export-pipeline": {
        "scenes/*/usd/.usd_complete",
        "scenes/*/isaac_lab/.isaac_lab_complete",
        "scenes/*/geniesim/.geniesim_complete",
    },
    "dream2flow-preparation-pipeline": {"scenes/*/assets/.regen3d_complete"},
    "dwm-preparation-pipeline": {"scenes/*/assets/.regen3d_complete"},
    "episode-generation-pipeline": {"scenes/*/usd/.usd_complete"},
    "genie-sim-export-pipeline": {"scenes/*/variation_assets/.variation_pipeline_complete"},
    "interactive-pipeline": {"scenes/*/assets/scene_assets.json"},
    "objects-pipeline": {"scenes/*/layout/scene_layout.json"},
    "regen3d-pipeline": {"scenes/*/assets/.assets_ready"},
    "scale-pipeline": {"scenes/*/layout/scene_layout.json"},
    "usd-assembly-pipeline": {"scenes/*/assets/.regen3d_complete"},
    "variation-assets-pipeline": {"scenes/*/replicator/.replicator_complete"},
}
SEED_EVENTS = {
    "genie-sim-import-pipeline": "manual.geniesim.job.completed",
    "training-pipeline": "blueprintpipeline.episodes.imported",
}
SEED_SCHEDULES = {
    "genie-sim-import-poller": ("genie-sim-import-poller", "poller"),
    "retention-cleanup": ("retention-cleanup-daily", "retention"),
    "scene-generation-pipeline": ("scene-generation-daily", "sceneGeneration"),
}
# Added by issue #13 (not in the seed): the reconciler of stalled scenes.
ADDED_SCHEDULES = {"scene-reconciler": ("scene-reconciler", "reconciler")}
SEED_MANUAL = {"scene-batch", "upsell-features-pipeline"}


def test_catalog_has_the_18_workflows_of_the_seed_and_the_reconciler_with_their_files() -> None:
    names = set(CATALOG.workflows)
    assert len(names) == 19
    assert (
        names
        == set(SEED_MARKERS) | set(SEED_EVENTS) | set(SEED_SCHEDULES) | set(ADDED_SCHEDULES) | SEED_MANUAL
    )
    for spec in CATALOG.workflows.values():
        assert spec.path == WORKFLOWS_DIR / f"{spec.name}.yaml"
        assert spec.path.is_file()


def test_trigger_kinds_and_markers_are_the_seeds() -> None:
    gcs = {spec.name: set(spec.trigger.markers) for spec in CATALOG.by_trigger("gcs")}
    assert gcs == SEED_MARKERS
    assert {s.name: s.trigger.event_type for s in CATALOG.by_trigger("event")} == SEED_EVENTS
    schedules = {
        s.name: (s.trigger.scheduler_job, s.trigger.settings) for s in CATALOG.by_trigger("schedule")
    }
    assert schedules == {**SEED_SCHEDULES, **ADDED_SCHEDULES}
    assert {s.name for s in CATALOG.by_trigger("manual")} == SEED_MANUAL


def test_experimental_workflows_and_the_scene_generation_argument() -> None:
    experimental = {s.name: s.experimental for s in CATALOG.workflows.values() if s.experimental}
    assert experimental == {
        "dream2flow-preparation-pipeline": "dream2flow",
        "dwm-preparation-pipeline": "dwm",
    }
    assert CATALOG.workflows["scene-generation-pipeline"].trigger.argument == {"scenes_per_run": 10}


def test_routes_pair_every_marker_with_its_workflows() -> None:
    routes = CATALOG.routes()
    assert len(routes) == 13  # the original's 13 finalize triggers, now 13 routes behind one trigger
    by_marker: dict[str, set[str]] = {}
    for marker, workflow in routes:
        by_marker.setdefault(marker, set()).add(workflow)
    assert by_marker["scenes/*/assets/.regen3d_complete"] == {
        "dream2flow-preparation-pipeline",
        "dwm-preparation-pipeline",
        "usd-assembly-pipeline",
    }
    assert by_marker["scenes/*/layout/scene_layout.json"] == {"objects-pipeline", "scale-pipeline"}
    assert by_marker["scenes/*/usd/.usd_complete"] == {"arena-export-pipeline", "episode-generation-pipeline"}


def test_marker_regex_shape() -> None:
    assert marker_regex("scenes/*/usd/.usd_complete") == r"^scenes/[^/]+/usd/\.usd_complete$"


def _near_misses(marker: str) -> list[str]:
    head, _, rest = marker.partition("/*/")
    directory, _, file = rest.rpartition("/")
    return [
        marker.replace("*", "scene_001") + ".tmp",  # temporary upload name
        marker.replace("*", "scene_001").replace("scenes/", "other/", 1),  # other top-level folder
        marker.replace("*", "a/b"),  # nested: `*` is one segment only
        marker.replace("*", ""),  # empty scene id
        "x" + marker.replace("*", "scene_001"),  # prefix
        f"{head}/scene_001/{directory}/sub/{file}",  # marker one level deeper
        f"{head}/scene_001/{directory}/{file.replace('.', 'x', 1)}",  # the dot is literal
        marker.replace("*", "scene_001").upper(),  # case matters
    ]


@pytest.mark.parametrize("marker", sorted({m for m, _ in CATALOG.routes()}))
@pytest.mark.parametrize("engine", [re, re2], ids=["python-re", "re2"])
def test_marker_regex_matches_the_marker_and_rejects_near_misses(marker: str, engine: object) -> None:
    pattern = engine.compile(marker_regex(marker))
    for scene in ("scene_001", "a", "Scene-42.v2"):
        assert pattern.search(marker.replace("*", scene)), (marker, scene)
    for miss in _near_misses(marker):
        assert not pattern.search(miss), (marker, miss)


@pytest.mark.parametrize(
    "name",
    [
        "scenes/a/usd/.usd_complete.tmp",
        "other/a/usd/.usd_complete",
        "scenes/a/b/usd/.usd_complete",
        "scenes/a/usd/.usd_complete/",
        "scenes/a/usd/xusd_complete",
    ],
)
def test_brief_near_misses_match_no_marker(name: str) -> None:
    assert not [m for m, _ in CATALOG.routes() if re2.search(marker_regex(m), name)]


# --- malformed catalogs fail with the workflow and key named ------------------------------


def _copy_catalog(tmp_path: Path) -> tuple[Path, dict]:
    for body in WORKFLOWS_DIR.glob("*.yaml"):
        shutil.copy(body, tmp_path / body.name)
    data = yaml.safe_load((WORKFLOWS_DIR / "catalog.yaml").read_text())
    return tmp_path / "catalog.yaml", data


@pytest.mark.parametrize(
    ("workflow", "change", "message"),
    [
        ("objects-pipeline", {"trigger": {"kind": "gcs", "markers": ["scenes/**/layout/x.json"]}}, "marker"),
        ("objects-pipeline", {"trigger": {"kind": "gcs", "markers": []}}, "at least one marker"),
        ("objects-pipeline", {"trigger": {"kind": "pubsub"}}, "trigger.kind must be one of"),
        ("objects-pipeline", {"regionRouting": "nearest"}, "regionRouting 'nearest'"),
        ("objects-pipeline", {"jobs": {"objects-job": 0}}, "timeout 0"),
        ("objects-pipeline", {"env": ["GOOGLE_PROJECT"]}, "GOOGLE"),
        ("objects-pipeline", {"owner": "me"}, "unknown keys ['owner']"),
        ("objects-pipeline", {"file": "objects.yaml"}, "file must be objects-pipeline.yaml"),
        ("genie-sim-export-pipeline", {"startsWorkflows": ["nope"]}, "starts unknown workflow 'nope'"),
        # Names read from their homes (capabilities.py, config.py), listed in the message.
        (
            "objects-pipeline",
            {"capabilities": ["gke-admin"]},
            "capability 'gke-admin' is not one of ('gke-read'",
        ),
        (
            "dwm-preparation-pipeline",
            {"experimental": "dmw"},
            "experimental 'dmw' is not one of ('dream2flow', 'dwm')",
        ),
        (
            "genie-sim-import-poller",
            {"trigger": {"kind": "schedule", "schedulerJob": "poller", "settings": "poler"}},
            "trigger.settings must be one of ('poller', 'reconciler', 'retention', 'sceneGeneration')",
        ),
    ],
)
def test_malformed_catalog_names_workflow_and_key(
    tmp_path: Path, workflow: str, change: dict, message: str
) -> None:
    path, data = _copy_catalog(tmp_path)
    data["workflows"][workflow].update(change)
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(CatalogError, match=re.escape(message)):
        load_catalog(path)


def test_catalog_entry_without_body_file_is_an_error(tmp_path: Path) -> None:
    path, data = _copy_catalog(tmp_path)
    (tmp_path / "scale-pipeline.yaml").unlink()
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(CatalogError, match=re.escape("scale-pipeline.yaml does not exist")):
        load_catalog(path)
