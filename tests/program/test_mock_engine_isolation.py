"""One mock evaluation never leaks into the next (tools/mock_engine.py)."""

from __future__ import annotations

import pytest

from tools.mock_engine import ProgramFailed, evaluate, evaluate_cached


def test_a_failed_evaluation_leaves_nothing_for_the_next_one() -> None:
    # The failed run stops with registrations still pending; before each run had its own set
    # of output tasks, the next run awaited them and failed with the prod bucket's error.
    with pytest.raises(ProgramFailed, match="bucketLocation is 'us'"):
        evaluate("prod", bucket_location="EUROPE-WEST4")

    staging = evaluate("staging")

    assert len(staging.resources) == len(evaluate_cached("staging").resources) > 0
    assert all("prod" not in r.name for r in staging.resources)
