"""The scene reconciler's stage table (`RECONCILER_STAGES`), built from the catalog.

A stage is a trigger marker (its name relative to `scenes/<id>/`, e.g.
`assets/.regen3d_complete`) with the enabled workflows it triggers. A target settles the
stage once one of its `writesMarkers` or a `.failed` marker in one of their folders exists;
targets that declare no `writesMarkers` leave no trace the reconciler could check, so they
are not part of the table (a marker with no such target is never re-driven). The listing
glob is the cross product of every folder and file name the reconciler reads (stage
markers, outputs, `.failed`, `locks/*.lock`, its own `.reconciler/<marker file>.json`
records), so the listing returns a scene's control objects only, never its data.
"""

from __future__ import annotations

import json
import re
from typing import Any

from components.catalog import Catalog, routed_workflows
from components.config import StackConfig

SCENE_PREFIX = "scenes/*/"
RECORD_FOLDER = ".reconciler"


class ReconcilerError(ValueError):
    """The stage table cannot be built; the message names the marker or key at fault."""


def _relative(marker: str) -> str:
    if not marker.startswith(SCENE_PREFIX) or marker.count("*") != 1:
        raise ReconcilerError(f"marker {marker!r}: the reconciler handles only scenes/*/<path> markers")
    return marker[len(SCENE_PREFIX) :]


def _folder(relative: str) -> str:
    return relative.rsplit("/", 1)[0]


def _file(relative: str) -> str:
    return relative.rsplit("/", 1)[-1]


def reconciler_stages(catalog: Catalog, config: StackConfig) -> dict[str, Any]:
    """{"glob": matchGlob of the control objects, "stages": {relative marker: {stall_seconds,
    targets: [{workflow, settled}]}}}; `settled` is an anchored regex over the scene's
    `|`-joined relative names that matches once the target ran."""
    stages: dict[str, dict[str, Any]] = {}
    for spec in routed_workflows(catalog, config):
        if not spec.writes_markers:
            continue
        outputs = [_relative(m) for m in spec.writes_markers]
        folders = sorted({_folder(o) for o in outputs})
        names = outputs + [f"{folder}/.failed" for folder in folders]
        settled = "(^|\\|)(" + "|".join(re.escape(n) for n in names) + ")(\\||$)"
        for marker in spec.trigger.markers:
            stage = stages.setdefault(_relative(marker), {"targets": []})
            stage["targets"].append({"workflow": spec.name, "settled": settled})
    settings = config.reconciler
    unknown = sorted(set(settings.stall_minutes) - {_file(m) for m in stages})
    if unknown:
        known = ", ".join(sorted({_file(m) for m in stages}))
        raise ReconcilerError(f"reconciler.stallMinutes names unknown stages {unknown}; stages: {known}")
    for marker, stage in stages.items():
        minutes = settings.stall_minutes.get(_file(marker), settings.default_stall_minutes)
        stage["stall_seconds"] = minutes * 60
    return {"glob": listing_glob(stages, catalog, config), "stages": stages}


def listing_glob(stages: dict[str, Any], catalog: Catalog, config: StackConfig) -> str:
    """matchGlob of every control object the reconciler reads under scenes/<id>/."""
    relative = set(stages)
    for spec in routed_workflows(catalog, config):
        relative |= {_relative(m) for m in spec.writes_markers if spec.name in _targets(stages)}
    folders = {_folder(r) for r in relative} | {"locks", RECORD_FOLDER}
    files = {_file(r) for r in relative} | {".failed", "*.lock"} | {f"{_file(m)}.json" for m in stages}
    return f"{SCENE_PREFIX}{{{','.join(sorted(folders))}}}/{{{','.join(sorted(files))}}}"


def _targets(stages: dict[str, Any]) -> set[str]:
    return {target["workflow"] for stage in stages.values() for target in stage["targets"]}


def reconciler_env_value(catalog: Catalog, config: StackConfig) -> str:
    """The stage table as compact JSON (the workflow's RECONCILER_STAGES)."""
    return json.dumps(reconciler_stages(catalog, config), separators=(",", ":"), sort_keys=True)
