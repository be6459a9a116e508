"""The marker router's route table as deployed (its MARKER_ROUTES env var), evaluated with
RE2 like Cloud Workflows does, and the bucket trigger limit of `eventRouting: direct`."""

from __future__ import annotations

import json
from typing import Any

import pytest
import re2

from components.catalog import load_catalog
from components.env import trigger_markers
from components.routing import MAX_FINALIZE_TRIGGERS_PER_BUCKET, RoutingError, route_table
from components.stack_files import load_stack
from tests.program.conftest import DIRECT
from tools.mock_engine import Evaluation, ProgramFailed, evaluate, evaluate_cached

USD = ["arena-export-pipeline", "episode-generation-pipeline"]
REGEN3D_PROD = ["usd-assembly-pipeline"]
REGEN3D_STAGING = ["dream2flow-preparation-pipeline", "usd-assembly-pipeline"]
LAYOUT = ["objects-pipeline", "scale-pipeline"]

# object name -> workflows started, per stack (staging triggers Dream2Flow; prod does not).
CASES: list[tuple[str, list[str], list[str]]] = [
    ("scenes/s1/usd/.usd_complete", USD, USD),
    ("scenes/s1/isaac_lab/.isaac_lab_complete", ["arena-export-pipeline"], ["arena-export-pipeline"]),
    ("scenes/s1/geniesim/.geniesim_complete", ["arena-export-pipeline"], ["arena-export-pipeline"]),
    ("scenes/s1/assets/.regen3d_complete", REGEN3D_STAGING, REGEN3D_PROD),
    (
        "scenes/s1/variation_assets/.variation_pipeline_complete",
        ["genie-sim-export-pipeline"],
        ["genie-sim-export-pipeline"],
    ),
    ("scenes/s1/assets/scene_assets.json", ["interactive-pipeline"], ["interactive-pipeline"]),
    ("scenes/s1/layout/scene_layout.json", LAYOUT, LAYOUT),
    ("scenes/s1/assets/.assets_ready", ["regen3d-pipeline"], ["regen3d-pipeline"]),
    (
        "scenes/s1/replicator/.replicator_complete",
        ["variation-assets-pipeline"],
        ["variation-assets-pipeline"],
    ),
    ("scenes/scene_001-b.v2/usd/.usd_complete", USD, USD),
    # Near misses: suffixes, prefixes, nesting, other roots, case, escaped dots, empty id.
    ("scenes/a/usd/.usd_complete.tmp", [], []),
    ("other/a/usd/.usd_complete", [], []),
    ("scenes/a/b/usd/.usd_complete", [], []),
    ("scenes//usd/.usd_complete", [], []),
    ("scenes/a/usd/usd_complete", [], []),
    ("scenes/a/usd/x.usd_complete", [], []),
    ("scenes/a/usd/.usd_completeX", [], []),
    ("Scenes/a/usd/.usd_complete", [], []),
    ("scenes/a/USD/.usd_complete", [], []),
    ("xscenes/a/usd/.usd_complete", [], []),
    ("scenes/a/usd/.usd_complete/", [], []),
    ("scenes/a/assets/scene_assetsXjson", [], []),
    ("scenes/a/assets/scene_assets.json.bak", [], []),
    ("scenes/a/layout/scene_layout.json\n", [], []),
    ("scenes/a/geniesim/job.json", [], []),
    ("scenes/a/geniesim/.circuit_breaker.json", [], []),
    ("scenes/a/usd/scene.usda", [], []),
]


def deployed_routes(run: Evaluation) -> list[dict[str, Any]]:
    """The route entries the router workflow receives, parsed from its env var.

    Also checks the table's key: each entry sits under its pattern's file name, which is
    what the router's one-lookup reject relies on.
    """
    table = json.loads(run.named("marker-router").inputs["userEnvVars"]["MARKER_ROUTES"])
    for file_name, entries in table.items():
        assert all(entry["pattern"].rsplit("/", 1)[-1] == file_name for entry in entries)
    return [entry for entries in table.values() for entry in entries]


def route(routes: list[dict[str, Any]], name: str) -> list[str]:
    """The workflows the router starts for an object name, with RE2 full-string semantics."""
    started: list[str] = []
    for entry in routes:
        if re2.search(entry["regex"], name):
            started.extend(w for w in entry["workflows"] if w not in started)
    return sorted(started)


@pytest.mark.parametrize(("name", "staging", "prod"), CASES)
def test_route_table_selects_exactly_the_right_workflows(
    name: str, staging: list[str], prod: list[str]
) -> None:
    """Each object name selects exactly the expected workflows in each stack's deployed table
    (evaluated here with RE2; tests/program/test_workflow_bodies.py runs the router itself)."""
    assert route(deployed_routes(evaluate_cached("staging")), name) == sorted(staging)
    assert route(deployed_routes(evaluate_cached("prod")), name) == sorted(prod)


def test_every_catalog_marker_is_routed_to_its_workflows() -> None:
    """Instantiating each catalog pattern (scene id for `*`) reaches every enabled owner."""
    catalog = load_catalog()
    for stack in ("staging", "prod"):
        config = load_stack(stack)
        routes = deployed_routes(evaluate_cached(stack))
        patterns = {pattern for pattern, _ in catalog.routes()}
        assert {entry["pattern"] for entry in routes} == patterns
        for pattern in patterns:
            owners = [
                s.name
                for s in catalog.by_trigger("gcs")
                if pattern in s.trigger.markers
                and (s.experimental is None or config.experimental.enabled(s.experimental))
            ]
            assert route(routes, pattern.replace("*", "scene_42")) == sorted(owners), pattern


def test_the_table_cases_cover_every_pattern() -> None:
    """The case table above exercises every marker of the catalog (guards against drift)."""
    routes = deployed_routes(evaluate_cached("prod"))
    hit = {entry["pattern"] for entry in routes for name, _, _ in CASES if re2.search(entry["regex"], name)}
    assert hit == {entry["pattern"] for entry in routes}
    assert len(routes) == 9


def test_route_table_matches_the_pure_function_and_fits_the_env_limit() -> None:
    """The deployed env var is route_table() verbatim, and under the 4 KiB value limit."""
    for stack in ("staging", "prod"):
        text = evaluate_cached(stack).named("marker-router").inputs["userEnvVars"]["MARKER_ROUTES"]
        assert json.loads(text) == route_table(load_catalog(), load_stack(stack))
        assert len(text.encode()) <= 4096


def test_workflow_marker_guards_match_only_their_own_markers() -> None:
    """TRIGGER_MARKERS of each GCS workflow accepts its markers and none of the others'."""
    run = evaluate_cached("prod")
    catalog = load_catalog()
    all_markers = {pattern for pattern, _ in catalog.routes()}
    for spec in catalog.by_trigger("gcs"):
        guards = json.loads(run.named(spec.name).inputs["userEnvVars"]["TRIGGER_MARKERS"])
        assert guards == json.loads(trigger_markers(spec))
        for pattern in all_markers:
            name = pattern.replace("*", "s9")
            matched = any(re2.search(guard["regex"], name) for guard in guards)
            assert matched is (pattern in spec.trigger.markers), (spec.name, pattern)


def test_router_account_only_starts_workflows_and_logs() -> None:
    """The router's service account gets workflows.invoker and logWriter, nothing else."""
    run = evaluate_cached("prod")
    email = run.named("marker-router-sa").outputs["email"]
    roles = sorted(
        r.inputs["role"] for r in run.resources if r.inputs.get("member") == f"serviceAccount:{email}"
    )
    assert roles == ["roles/logging.logWriter", "roles/workflows.invoker"]


def test_direct_mode_over_the_bucket_limit_fails_before_any_resource() -> None:
    """Eleven direct finalize triggers on one bucket: a clear error and nothing registered."""
    overrides = {**dict(DIRECT), "experimental.shared": True}
    with pytest.raises(ProgramFailed) as failure:
        evaluate("staging", overrides=overrides)
    error = failure.value.error
    assert isinstance(error, RoutingError)
    message = str(error)
    assert "11 Eventarc finalize triggers" in message
    assert f"at most {MAX_FINALIZE_TRIGGERS_PER_BUCKET}" in message
    assert "blueprint-pipeline-staging-scenes" in message
    assert "eventRouting: router" in message
    assert failure.value.resources == []


def test_direct_mode_at_the_limit_deploys() -> None:
    """Ten direct triggers (staging: nine GCS workflows + Dream2Flow) are allowed."""
    run = evaluate_cached("staging", DIRECT)
    assert len(run.of_type("gcp:eventarc/trigger:Trigger")) == MAX_FINALIZE_TRIGGERS_PER_BUCKET
