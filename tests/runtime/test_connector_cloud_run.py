"""googleapis.run.v2 jobs connectors against the fake Cloud Run, on the virtual clock."""

from __future__ import annotations

import pytest

from workflow_runtime.connectors import lookup_connector
from workflow_runtime.connectors.errors import ApiError
from workflow_runtime.errors import WorkflowError
from workflow_runtime.fakes import FakeCloudRun, Services
from workflow_runtime.testing import connector_context

JOB = "projects/p/locations/us-central1/jobs/export-job"
RUN = "googleapis.run.v2.projects.locations.jobs.run"
GET = "googleapis.run.v2.projects.locations.jobs.get"


@pytest.fixture
def ctx():
    return connector_context(Services(cloud_run=FakeCloudRun()))


def call(ctx, connector: str, **args):
    return lookup_connector(connector).impl(ctx, args)


def fail(ctx, connector: str, **args) -> dict:
    with pytest.raises(WorkflowError) as info:
        call(ctx, connector, **args)
    return info.value.value


def test_run_blocks_until_done_polling_with_documented_backoff(ctx):
    ctx.services.cloud_run.succeed("export-job", duration=10)
    start = ctx.clock.now()
    execution = call(ctx, RUN, name=JOB)
    # Polls at 1, 2.25, 3.8125, 5.765625, 8.20703125, 11.2587890625 s: the sixth sees it done.
    assert ctx.steps.counts.internal == 6
    assert ctx.clock.now() - start == pytest.approx(11.2587890625)
    assert execution["name"] == JOB + "/executions/export-job-00000"
    assert execution["conditions"][0]["state"] == "CONDITION_SUCCEEDED"
    assert execution["succeededCount"] == 1
    assert execution["@type"] == "type.googleapis.com/google.cloud.run.v2.Execution"


def test_polling_policy_and_max_delay_come_from_connector_params(ctx):
    ctx.services.cloud_run.succeed("export-job", duration=100)
    start = ctx.clock.now()
    call(
        ctx,
        RUN,
        name=JOB,
        connector_params={"polling_policy": {"initial_delay": 10, "multiplier": 2, "max_delay": 30}},
    )
    # Polls at 10, 30, 60, 90, 120.
    assert ctx.steps.counts.internal == 5
    assert ctx.clock.now() - start == pytest.approx(120)


def test_long_job_polls_at_most_every_60_seconds(ctx):
    ctx.services.cloud_run.succeed("export-job", duration=1200)
    start = ctx.clock.now()
    call(ctx, RUN, name=JOB)
    # 19 backoff polls (1 s .. 1.25**18 s, ~273.56 s in all), then 16 polls 60 s apart.
    assert ctx.steps.counts.internal == 35
    assert ctx.clock.now() - start == pytest.approx(273.5557561562891 + 16 * 60)


def test_failed_execution_raises_operation_error_with_operation(ctx):
    ctx.services.cloud_run.fail("export-job", duration=3, message="exit code 1")
    error = fail(ctx, RUN, name=JOB)
    assert error["tags"] == ["OperationError"]
    assert "exit code 1" in error["message"]
    operation = error["operation"]
    assert operation["done"] is True
    assert operation["error"]["message"] == "exit code 1"
    assert operation["metadata"]["name"] == JOB + "/executions/export-job-00000"
    assert operation["name"].startswith("projects/p/locations/us-central1/operations/")
    assert ctx.steps.counts.internal == 3  # polls at 1, 2.25, 3.8125


def test_timeout_raises_timeout_error_at_the_deadline(ctx):
    ctx.services.cloud_run.succeed("export-job", duration=10)
    start = ctx.clock.now()
    error = fail(ctx, RUN, name=JOB, connector_params={"timeout": 5})
    assert error["tags"] == ["TimeoutError"]
    assert ctx.clock.now() - start == pytest.approx(5)
    assert ctx.steps.counts.internal == 4  # 1, 2.25, 3.8125, then one at the deadline


def test_skip_polling_returns_the_running_operation(ctx):
    operation = call(ctx, RUN, name=JOB, connector_params={"skip_polling": True})
    assert operation["done"] is False
    assert operation["metadata"]["name"] == JOB + "/executions/export-job-00000"
    assert ctx.steps.counts.internal == 0


def test_overrides_are_recorded(ctx):
    call(
        ctx,
        RUN,
        name=JOB,
        body={
            "overrides": {
                "containerOverrides": [
                    {
                        "env": [{"name": "SCENE_ID", "value": "s1"}, {"name": "BUCKET", "value": "b"}],
                        "args": ["--fast"],
                    }
                ],
                "taskCount": 3,
                "timeout": "900s",
            }
        },
    )
    [run] = ctx.services.cloud_run.runs_of("export-job")
    assert run.env == {"SCENE_ID": "s1", "BUCKET": "b"}
    assert run.args == ["--fast"]
    assert run.task_count == 3
    assert run.timeout == "900s"
    assert run.region == "us-central1"


def test_timeout_override_shorter_than_the_job_fails_it(ctx):
    ctx.services.cloud_run.succeed("export-job", duration=100)
    error = fail(ctx, RUN, name=JOB, body={"overrides": {"timeout": "30s"}})
    assert error["tags"] == ["OperationError"]
    assert "timeout" in error["operation"]["error"]["message"]


@pytest.mark.parametrize(
    "overrides",
    [
        {"envs": []},
        {"taskCount": "three"},
        {"taskCount": 0},
        {"timeout": "ten minutes"},
        {"containerOverrides": {"env": []}},
        {"containerOverrides": [{"args": "--fast"}]},
        {"containerOverrides": [{"env": [{"value": "no name"}]}]},
    ],
)
def test_invalid_overrides_are_http_400(ctx, overrides):
    error = fail(ctx, RUN, name=JOB, body={"overrides": overrides})
    assert error["code"] == 400
    assert ctx.services.cloud_run.runs == []


def test_raise_on_start_with_non_retryable_code(ctx):
    ctx.services.cloud_run.raise_on_start("export-job", code=500)
    error = fail(ctx, RUN, name=JOB)
    assert (error["tags"], error["code"]) == (["HttpError"], 500)
    assert ctx.steps.counts.internal == 0
    assert ctx.services.cloud_run.runs == []


def test_503_on_start_is_retried_by_the_non_idempotent_policy(ctx):
    ctx.services.cloud_run.raise_on_start("export-job", code=503)
    ctx.services.cloud_run.succeed("export-job", duration=1)
    call(ctx, RUN, name=JOB)
    # one retry (after 1 s) plus one poll (1 s after the start)
    assert ctx.steps.counts.internal == 2
    assert len(ctx.services.cloud_run.runs) == 1


def test_region_down_with_503_is_retried_then_raised(ctx):
    ctx.services.cloud_run.set_region_down("us-central1")
    start = ctx.clock.now()
    error = fail(ctx, GET, name=JOB)
    assert error["code"] == 503
    assert ctx.steps.counts.internal == 5
    assert ctx.clock.now() - start == pytest.approx(8.20703125)


def test_region_down_with_404_is_not_retried(ctx):
    ctx.services.cloud_run.set_region_down("us-central1", code=404)
    assert fail(ctx, GET, name=JOB)["code"] == 404
    assert ctx.steps.counts.internal == 0
    ctx.services.cloud_run.set_region_up("us-central1")
    assert call(ctx, GET, name=JOB)["name"] == JOB


def test_region_going_down_while_polling_fails_the_polls(ctx):
    ctx.services.cloud_run.succeed("export-job", duration=100)
    operation = call(ctx, RUN, name=JOB, connector_params={"skip_polling": True})
    ctx.services.cloud_run.set_region_down("us-central1", code=500)
    with pytest.raises(ApiError) as info:
        ctx.services.cloud_run.get_operation(operation["name"], ctx.clock.now())
    assert info.value.code == 500


def test_outage_window_ends_at_its_virtual_time(ctx):
    ctx.services.cloud_run.set_region_down("us-central1", until=ctx.clock.now() + 2)
    start = ctx.clock.now()
    assert call(ctx, GET, name=JOB)["name"] == JOB
    # attempts at 0 s and 1 s fail, the retry at 2.25 s succeeds
    assert ctx.steps.counts.internal == 2
    assert ctx.clock.now() - start == pytest.approx(2.25)


def test_other_regions_stay_available(ctx):
    ctx.services.cloud_run.set_region_down("us-central1")
    job = call(ctx, GET, name="projects/p/locations/us-east4/jobs/export-job")
    assert job["terminalCondition"]["state"] == "CONDITION_SUCCEEDED"


def test_region_specific_script(ctx):
    ctx.services.cloud_run.fail("export-job", duration=1, region="us-central1")
    east = "projects/p/locations/us-east4/jobs/export-job"
    assert call(ctx, RUN, name=east)["succeededCount"] == 1
    assert fail(ctx, RUN, name=JOB)["tags"] == ["OperationError"]


def test_known_jobs_limits_what_exists(ctx):
    ctx.services.cloud_run.known_jobs = {"other-job"}
    assert fail(ctx, GET, name=JOB)["code"] == 404


def test_malformed_job_name_is_http_400(ctx):
    error = fail(ctx, GET, name="export-job")
    assert error["code"] == 400
    assert "projects/PROJECT/locations/REGION/jobs/JOB" in error["body"]["error"]["message"]


def test_executions_get_reports_progress_on_the_virtual_clock(ctx):
    ctx.services.cloud_run.succeed("export-job", duration=30)
    operation = call(ctx, RUN, name=JOB, connector_params={"skip_polling": True})
    name = operation["metadata"]["name"]
    getter = "googleapis.run.v2.projects.locations.jobs.executions.get"
    assert call(ctx, getter, name=name)["runningCount"] == 1
    ctx.clock.advance(30)
    done = call(ctx, getter, name=name)
    assert done["succeededCount"] == 1
    assert "completionTime" in done


def test_invalid_connector_params_are_rejected(ctx):
    error = fail(ctx, RUN, name=JOB, connector_params={"timeout": -1})
    assert error["tags"] == ["ValueError"]
    error = fail(ctx, RUN, name=JOB, connector_params={"poll": 1})
    assert "poll" in error["message"]
