"""retention-cleanup on the runtime: the stack config's classes and windows, never anything
outside them, server-side filtered paged listings, dry run, the original's deletion log
lines and maintenance_job metrics, continuation past the step budget, and resuming from
the checkpoint after a failure without redoing work."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from tools.pipeline_world import Pipeline, metrics
from tools.retention_world import age, count_calls
from workflow_runtime.connectors import ConnectorSpec
from workflow_runtime.connectors.errors import api_error, from_api_error

CHECKPOINT = "maintenance/retention-cleanup/checkpoint.json"

# name -> age in days; the windows are the original's (inputs 90, intermediate 30,
# outputs 365, logs 180) plus this project's locks (1) and canary artifacts (30).
EXPIRED = {
    "scenes/s1/input/photo.jpg": 91,
    "scenes/s1/layout/scene_layout.json": 31,
    "scenes/s1/seg/mask.png": 40,
    "scenes/s1/.checkpoints/step.json": 31,
    "scenes/s1/assets/mesh.glb": 366,
    "scenes/s2/episodes/episode_0.json": 400,
    "scenes/s2/logs/run.log": 181,
    "scenes/s2/locks/scale.lock": 2,
    "canary-validation/20260101-000000/stable-execution.json": 31,
}
KEPT = {
    "scenes/s1/input/fresh.jpg": 89,
    "scenes/s1/layout/recent.json": 29,
    "scenes/s1/assets/model.usd": 364,
    "scenes/s2/logs/today.log": 0,
    "scenes/s2/locks/usd-assembly.lock": 0.2,
    # Never touched, however old (as in the original).
    "scenes/s1/geniesim/job.json": 5000,
    "scenes/s1/arena/package.zip": 5000,
    "scenes/s1/dwm/out.json": 5000,
    "scenes/s1/objects/.objects_complete": 5000,
    "scenes/s1/layout_backup/old.json": 5000,
    "other/scenes/s1/layout/x.json": 5000,
    "batch_reports/batch_report.json": 5000,
}


def _seed(pipeline: Pipeline, ages: dict[str, float]) -> None:
    for name in ages:
        pipeline.env.put_json(name, {"name": name})
    age(pipeline, ages)


def _two_runs_one_worker(world: Pipeline, seed: int) -> Any:
    """Start two runs together; exactly one works (SUCCEEDED), the other skips. The worker."""
    world.env.start("retention-cleanup", {})
    world.env.start("retention-cleanup", {})
    first, second = world.env.wait(seed=seed)
    statuses = sorted([first.result["status"], second.result["status"]])
    assert statuses == ["SKIPPED", "SUCCEEDED"], (first.result, second.result)
    return first if first.result["status"] == "SUCCEEDED" else second


def _deletion_lines(result: Any) -> list[dict[str, Any]]:
    return [
        entry.payload
        for entry in result.logs
        if isinstance(entry.payload, dict) and entry.payload.get("action") in ("delete", "would_delete")
    ]


def test_deletes_exactly_what_expired_by_class(pipeline: Pipeline) -> None:
    _seed(pipeline, {**EXPIRED, **KEPT})
    result = pipeline.run("retention-cleanup", {"bucket": pipeline.bucket})
    assert result.state == "SUCCEEDED", result.error
    assert pipeline.objects() == sorted(KEPT)
    assert result.result["deleted"] == len(EXPIRED)
    assert result.result["by_class"] == {
        "inputs": 1,
        "intermediate": 3,
        "outputs": 2,
        "logs": 1,
        "locks": 1,
        "canary": 1,
    }
    lines = {line["path"]: line for line in _deletion_lines(result)}
    assert set(lines) == {f"gs://{pipeline.bucket}/{name}" for name in EXPIRED}
    line = lines[f"gs://{pipeline.bucket}/scenes/s1/input/photo.jpg"]
    assert set(line) == {"action", "class", "path", "retention_days", "last_modified", "scene", "deleted_at"}
    assert (line["action"], line["class"], line["retention_days"], line["scene"]) == (
        "delete",
        "inputs",
        90,
        "s1",
    )
    assert not pipeline.env.exists(CHECKPOINT)


def test_dry_run_reports_and_deletes_nothing(pipeline: Pipeline) -> None:
    _seed(pipeline, {**EXPIRED, **KEPT})
    result = pipeline.run("retention-cleanup", {"dry_run": True})
    assert result.state == "SUCCEEDED", result.error
    assert result.result["status"] == "DRY_RUN" and result.result["deleted"] == len(EXPIRED)
    assert pipeline.objects() == sorted({**EXPIRED, **KEPT})
    assert {line["action"] for line in _deletion_lines(result)} == {"would_delete"}


def test_windows_come_from_stack_config_and_the_run_can_override_a_class(pipeline: Pipeline) -> None:
    _seed(
        pipeline, {"scenes/s1/layout/a.json": 10, "scenes/s1/input/b.jpg": 10, "scenes/s1/assets/c.glb": 10}
    )
    result = pipeline.run("retention-cleanup", {"retention_days": {"inputs": 5}})
    assert result.state == "SUCCEEDED", result.error
    assert pipeline.objects() == ["scenes/s1/assets/c.glb", "scenes/s1/layout/a.json"]
    # An integer is the intermediate window (the original's retention_days).
    again = pipeline.run("retention-cleanup", {"retention_days": 7})
    assert again.state == "SUCCEEDED", again.error
    assert pipeline.objects() == ["scenes/s1/assets/c.glb"]


@pytest.mark.parametrize(
    ("payload", "named"),
    [
        ({"dry_run": "yes"}, 'dry_run must be true or false, got "yes"'),
        ({"retention_days": 0}, "retention_days for intermediate must be an integer from 1 to 3650, got 0"),
        ({"retention_days": {"geniesim": 3}}, 'retention_days names an unknown class "geniesim"'),
        ({"retention_days": "30"}, "retention_days must be an integer (the intermediate window) or a map"),
        (["bucket"], "retention-cleanup takes a map"),
    ],
)
def test_bad_params_fail_before_any_listing(pipeline: Pipeline, payload: Any, named: str) -> None:
    _seed(pipeline, EXPIRED)
    calls = count_calls(pipeline)
    result = pipeline.run("retention-cleanup", payload)
    assert result.state == "FAILED" and result.error["code"] == "invalid_params"
    assert named in result.error["message"], result.error["message"]
    assert calls["storage.v1.objects.list"] == 0 and pipeline.objects() == sorted(EXPIRED)


def test_listings_are_filtered_server_side_and_paged(pipeline: Pipeline) -> None:
    expired = {f"scenes/s{number}/layout/part.json": 60 for number in range(1500)}
    _seed(pipeline, {**expired, **{f"scenes/s{number}/geniesim/job.json": 500 for number in range(300)}})
    calls = count_calls(pipeline)
    result = pipeline.run("retention-cleanup", {})
    assert result.state == "SUCCEEDED", result.error
    assert result.result["deleted"] == 1500 and result.result["examined"] == 1500
    # Two pages for intermediate (1500 matches), one (empty) for each other class: the
    # 300 geniesim objects are never listed.
    assert calls["storage.v1.objects.list"] == 2 + 5
    assert calls["storage.v1.objects.delete"] == 1500 + 1  # + the checkpoint
    assert pipeline.objects() == sorted(f"scenes/s{number}/geniesim/job.json" for number in range(300))


def test_maintenance_job_metrics_and_summary(pipeline: Pipeline) -> None:
    _seed(pipeline, EXPIRED)
    result = pipeline.run("retention-cleanup", {})
    start, complete = metrics(result, "maintenance_job")
    assert (start["event"], complete["event"]) == ("start", "complete")
    for entry in (start, complete):
        assert entry["workflow"] == "retention-cleanup" and entry["job"] == "retention-cleanup-job"
        assert entry["bucket"] == pipeline.bucket and entry["dry_run"] is False
        assert entry["retention_days"]["intermediate"] == 30
    assert "start_time" in start and "end_time" in complete
    (summary,) = [
        e.payload for e in result.logs if isinstance(e.payload, dict) and e.payload.get("action") == "summary"
    ]
    assert summary["deleted"] == len(EXPIRED) and summary["by_class"]["outputs"] == 2


def test_past_the_step_budget_a_continuation_execution_finishes_the_work(pipeline: Pipeline) -> None:
    expired = {f"scenes/s{number:05d}/seg/m.png": 60 for number in range(2500)}
    kept = {f"scenes/s{number:05d}/seg/n.png": 1 for number in range(2500)}
    _seed(pipeline, {**expired, **kept})
    # Deployed with a small budget, so the continuations have it too.
    pipeline.env.deployment.env["retention-cleanup"]["RETENTION_STEP_BUDGET"] = "12000"
    result = pipeline.run("retention-cleanup", {})
    assert result.state == "SUCCEEDED", result.error
    assert result.result["status"] == "CONTINUED"
    # The continuations (the first execution is the test's own).
    runs = [r for r in pipeline.env.executions.records if r.workflow == "retention-cleanup"]
    assert len(runs) >= 1 and all(r.state == "SUCCEEDED" for r in runs)
    assert runs[-1].result["status"] == "SUCCEEDED"
    assert runs[-1].result["deleted"] == 2500 and runs[-1].result["examined"] == 5000
    steps = [result.steps.internal] + [run.outcome.steps.internal for run in runs]
    assert max(steps) <= 12000, steps
    assert pipeline.objects() == sorted(kept)


def test_a_failed_run_resumes_from_its_checkpoint_without_redoing_work(pipeline: Pipeline) -> None:
    expired = {f"scenes/s{number:05d}/layout/l.json": 60 for number in range(2500)}
    _seed(pipeline, expired)
    # Listing 4 fails: inputs (1, empty), then two pages of intermediate (2000 objects)
    # are done and saved; the third page is refused.
    calls = count_calls(pipeline)
    original = pipeline.env.services.connectors["googleapis.storage.v1.objects.list"]
    lists = [0]

    def failing_list(ctx: Any, args: Any) -> Any:
        lists[0] += 1
        if lists[0] == 4:
            raise from_api_error(api_error(403, "listing refused by the test"))
        return original.impl(ctx, args)

    pipeline.env.services.connectors = {
        **pipeline.env.services.connectors,
        original.name: ConnectorSpec(original.name, failing_list),
    }
    failed = pipeline.run("retention-cleanup", {})
    assert failed.state == "FAILED"
    (failure,) = [m for m in metrics(failed, "maintenance_job") if m["event"] == "failed"]
    assert "listing refused" in failure["error"]
    assert len(pipeline.objects("scenes/")) == 500
    assert pipeline.env.get_json(CHECKPOINT)["deleted"] == 2000
    deletes_before = calls["storage.v1.objects.delete"]
    resumed = pipeline.run("retention-cleanup", {})
    assert resumed.state == "SUCCEEDED", resumed.error
    assert resumed.result["deleted"] == 2500 and resumed.result["executions"] == 2
    # Only the 500 left were deleted by the second run (+ its checkpoint removal).
    assert calls["storage.v1.objects.delete"] - deletes_before == 500 + 1
    assert pipeline.objects() == []


SEEDS = range(12)


@pytest.mark.parametrize("seed", SEEDS)
def test_two_runs_started_together_work_once(fresh_pipeline: Callable[[], Pipeline], seed: int) -> None:
    world = fresh_pipeline()
    expired = {f"scenes/s{number:03d}/layout/l.json": 60 for number in range(30)}
    _seed(world, expired)
    calls = count_calls(world)
    worker = _two_runs_one_worker(world, seed)
    assert worker.result["deleted"] == 30
    # Every expired object deleted once, plus the claim removed once.
    assert calls["storage.v1.objects.delete"] == 30 + 1
    assert world.objects() == []


@pytest.mark.parametrize("seed", SEEDS)
def test_two_runs_racing_for_an_expired_claim_resume_it_once(
    fresh_pipeline: Callable[[], Pipeline], seed: int
) -> None:
    world = fresh_pipeline()
    names = [f"scenes/s{number:03d}/layout/l.json" for number in range(20)]
    _seed(world, dict.fromkeys(names, 60))
    # A crashed run's claim: its lease has expired; it had done the first 5 objects.
    world.env.put_json(
        CHECKPOINT,
        {
            "started_at": world.env.runtime.clock.now(),
            "classes": [
                c for c in json.loads(world.env.deployment.env["retention-cleanup"]["RETENTION_CLASSES"])
            ],
            "windows": {},
            "class_index": 1,  # inputs done; intermediate in progress
            "after": names[4],
            "examined": 5,
            "deleted": 5,
            "bytes": 0,
            "pages": 1,
            "by_class": {"inputs": 0, "intermediate": 5, "outputs": 0, "logs": 0, "locks": 0, "canary": 0},
            "executions": 1,
            "resumed": False,
            "owner": "crashed-execution",
            "lease_until": world.env.runtime.clock.now() - 1,
            "generation": 0,
        },
    )
    for name in names[:5]:
        world.env.delete(name)
    calls = count_calls(world)
    worker = _two_runs_one_worker(world, seed)
    assert worker.result["deleted"] == 20 and worker.result["executions"] == 2
    assert calls["storage.v1.objects.delete"] == 15 + 1
    assert world.objects() == []
