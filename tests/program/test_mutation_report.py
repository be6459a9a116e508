"""tools.mutation_report reads mutmut's `.meta` records into a per-layer score table."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tools.mutation_report import read_scores, table


def _meta(root: Path, source: str, exit_codes: dict[str, int | None]) -> None:
    path = root / f"{source}.meta"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"exit_code_by_key": exit_codes, "durations_by_key": {}}))


def test_scores_per_layer_count_killed_timeouts_and_survivors(tmp_path: Path) -> None:
    _meta(
        tmp_path,
        "workflow_runtime/engine/executor.py",
        {"executor.x_a__mutmut_1": 1, "executor.x_a__mutmut_2": 0, "executor.x_a__mutmut_3": 36},
    )
    _meta(tmp_path, "workflow_runtime/engine/scopes.py", {"scopes.x_b__mutmut_1": 3})
    _meta(tmp_path, "components/env.py", {"env.x_c__mutmut_1": 33, "env.x_c__mutmut_2": None})
    _meta(tmp_path, "components/naming.py", {})  # a file without mutants is no layer row

    scores = read_scores(tmp_path)

    engine = scores["workflow_runtime/engine"]
    assert (engine.total, engine.outcomes["killed"], engine.outcomes["timeout"]) == (4, 2, 1)
    assert engine.survivors == ["executor.x_a__mutmut_2"]
    assert engine.score == pytest.approx(75.0)
    components = scores["components"]
    assert components.outcomes["no tests"] == 1 and components.outcomes["not checked"] == 1
    assert components.score is None  # nothing was judged by a test

    rendered = table(scores.values())
    assert "| workflow_runtime/engine | 4 | 2 | 1 | 1 | 0 | 0 | 0 | 75.0% |" in rendered
    assert "| components | 2 | 0 | 0 | 0 | 1 | 0 | 1 | - |" in rendered
    assert rendered.splitlines()[-1] == "| **total** | 6 | 2 | 1 | 1 | 1 | 0 | 1 | 75.0% |"


def test_missing_work_directory_says_how_to_make_it(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="run `make mutation`"):
        read_scores(tmp_path / "mutants")
