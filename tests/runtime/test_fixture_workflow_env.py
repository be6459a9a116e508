"""End to end: small YAML workflows run through the Runtime with the workflow_env fixture."""

from __future__ import annotations

import json
from pathlib import Path
from textwrap import dedent

import pytest

from workflow_runtime.connectors.http_router import HttpResponse
from workflow_runtime.engine.clock import NO_LATENCY
from workflow_runtime.fakes import Deployment

CATALOG = Path(__file__).resolve().parents[2] / "workflows" / "catalog.yaml"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(dedent(text))
    return path


def test_emulator_starts_fast_and_each_test_gets_an_empty_bucket(workflow_env, gcs_emulator):
    assert gcs_emulator.url.startswith("http://127.0.0.1:")
    assert 0 < gcs_emulator.startup_seconds < 2
    assert workflow_env.list() == []
    workflow_env.put_json("a.json", {"x": 1})
    assert workflow_env.list() == ["a.json"]
    assert workflow_env.exists("a.json") and not workflow_env.exists("b.json")


def test_idempotency_marker_workflow(workflow_env, tmp_path):
    path = write(
        tmp_path,
        "marker",
        """
        main:
          params: [args]
          steps:
            - claim:
                try:
                  call: googleapis.storage.v1.objects.insert
                  args:
                    bucket: ${args.bucket}
                    name: ${"scenes/" + args.scene + "/.claimed"}
                    uploadType: media
                    ifGenerationMatch: 0
                    body:
                      by: ${sys.get_env("GOOGLE_CLOUD_WORKFLOW_EXECUTION_ID")}
                except:
                  as: e
                  steps:
                    - already:
                        switch:
                          - condition: ${e.code == 412}
                            return: "duplicate"
                    - other:
                        raise: ${e}
            - done:
                return: "claimed"
    """,
    )
    first = workflow_env.run(path, {"bucket": workflow_env.bucket, "scene": "s1"})
    second = workflow_env.run(path, {"bucket": workflow_env.bucket, "scene": "s1"})
    assert (first.result, second.result) == ("claimed", "duplicate")
    marker = workflow_env.get_json("scenes/s1/.claimed")
    assert marker == {"by": first.execution_id}


def test_cloud_run_job_with_env_overrides_and_polling_steps(workflow_env, tmp_path):
    path = write(
        tmp_path,
        "job",
        """
        main:
          params: [args]
          steps:
            - run:
                call: googleapis.run.v2.projects.locations.jobs.run
                args:
                  name: ${"projects/p/locations/" + sys.get_env("REGION") + "/jobs/export-job"}
                  body:
                    overrides:
                      containerOverrides:
                        - env:
                            - name: SCENE_ID
                              value: ${args.scene}
                result: execution
            - done:
                return: ${execution.name}
    """,
    )
    workflow_env.cloud_run.succeed("export-job", duration=10)
    workflow_env.clock.latency = NO_LATENCY  # the documented polling times, exactly
    result = workflow_env.run(path, {"scene": "s7"}, env={"REGION": "europe-west1"})
    assert result.state == "SUCCEEDED", result.error
    assert result.result.endswith("/jobs/export-job/executions/export-job-00000")
    [run] = workflow_env.cloud_run.runs
    assert (run.region, run.env) == ("europe-west1", {"SCENE_ID": "s7"})
    # 6 polls (see the connector tests) on top of the workflow's own steps
    assert result.virtual_seconds == pytest.approx(11.2587890625)
    assert result.steps.internal >= 6 + 2


def test_failed_job_is_catchable_operation_error(workflow_env, tmp_path):
    path = write(
        tmp_path,
        "job_fail",
        """
        main:
          steps:
            - run:
                try:
                  call: googleapis.run.v2.projects.locations.jobs.run
                  args:
                    name: projects/p/locations/us-central1/jobs/quality-gate-job
                except:
                  as: e
                  steps:
                    - report:
                        return:
                          tags: ${e.tags}
                          failed: ${e.operation.metadata.name}
    """,
    )
    workflow_env.cloud_run.fail("quality-gate-job", duration=5, message="quality too low")
    result = workflow_env.run(path)
    assert result.result == {
        "tags": ["OperationError"],
        "failed": "projects/p/locations/us-central1/jobs/quality-gate-job/executions/quality-gate-job-00000",
    }


def test_executions_create_returns_active_and_the_child_runs_concurrently(workflow_env, tmp_path):
    child = write(
        tmp_path,
        "child",
        """
        main:
          params: [args]
          steps:
            - write:
                call: googleapis.storage.v1.objects.insert
                args:
                  bucket: ${args.bucket}
                  name: ${"out/" + args.id}
                  uploadType: media
                  body: ${args}
            - done:
                return: ${args.id}
    """,
    )
    parent = write(
        tmp_path,
        "parent",
        """
        main:
          params: [args]
          steps:
            - init:
                assign:
                  - project: ${sys.get_env("GOOGLE_CLOUD_PROJECT_ID")}
            - start:
                call: googleapis.workflowexecutions.v1.projects.locations.workflows.executions.create
                args:
                  parent: ${"projects/" + project + "/locations/us-central1/workflows/child"}
                  body:
                    argument: '${json.encode_to_string({"bucket": args.bucket, "id": "c1"})}'
                result: execution
            - check:
                call: googleapis.storage.v1.objects.list
                args:
                  bucket: ${args.bucket}
                  prefix: out/
                result: listing
            - done:
                return:
                  state: ${execution.state}
                  name: ${execution.name}
                  seen_by_parent: ${len(default(map.get(listing, "items"), []))}
    """,
    )
    workflow_env.deploy("child", child)
    result = workflow_env.run(parent, {"bucket": workflow_env.bucket})
    assert result.result["state"] == "ACTIVE"  # create returns before the child has run
    # The child runs alongside the parent: across scheduler seeds the parent's listing
    # sees its output sometimes, and sometimes not yet.
    seen = set()
    for seed in range(20):
        workflow_env.delete("out/c1")
        workflow_env.start(parent, {"bucket": workflow_env.bucket})
        [outcome] = workflow_env.wait(seed=seed)
        seen.add(outcome.result["seen_by_parent"])
    assert seen == {0, 1}
    record = workflow_env.executions.of("child")[0]
    assert record.name == result.result["name"]
    assert record.source == "create"
    assert (record.state, record.result) == ("SUCCEEDED", "c1")
    assert workflow_env.get_json("out/c1") == {"bucket": workflow_env.bucket, "id": "c1"}


def test_executions_create_of_an_undeployed_workflow_is_404(workflow_env, tmp_path):
    parent = write(
        tmp_path,
        "parent404",
        """
        main:
          steps:
            - start:
                try:
                  call: googleapis.workflowexecutions.v1.projects.locations.workflows.executions.create
                  args:
                    parent: projects/p/locations/us-central1/workflows/missing
                    body:
                      argument: "{}"
                except:
                  as: e
                  steps:
                    - report:
                        return: ${e.code}
    """,
    )
    assert workflow_env.run(parent).result == 404


def test_executions_run_waits_for_the_child_result(workflow_env, tmp_path):
    child = write(
        tmp_path,
        "sleeper",
        """
        main:
          params: [args]
          steps:
            - wait:
                call: sys.sleep
                args:
                  seconds: 10
            - done:
                return: ${args.n * 2}
    """,
    )
    parent = write(
        tmp_path,
        "waiter",
        """
        main:
          steps:
            - run:
                call: googleapis.workflowexecutions.v1.projects.locations.workflows.executions.run
                args:
                  workflow_id: sleeper
                  argument: {n: 21}
                result: r
            - done:
                return: ${r}
    """,
    )
    workflow_env.deploy("sleeper", child)
    result = workflow_env.run(parent)
    assert result.result == 42
    # the caller resumes at its first poll at or after the child's 10 s
    assert result.virtual_seconds == pytest.approx(11.2587890625)
    [record] = workflow_env.executions.of("sleeper")
    assert (record.source, record.argument) == ("run", {"n": 21})


def test_executions_run_failure_raises_execution_error(workflow_env, tmp_path):
    child = write(
        tmp_path,
        "broken",
        """
        main:
          steps:
            - boom:
                raise: {code: 7, message: broken}
    """,
    )
    parent = write(
        tmp_path,
        "caller",
        """
        main:
          steps:
            - run:
                try:
                  call: googleapis.workflowexecutions.v1.projects.locations.workflows.executions.run
                  args:
                    workflow_id: broken
                except:
                  as: e
                  steps:
                    - report:
                        return:
                          tags: ${e.tags}
                          state: ${e.execution.state}
                          payload: ${json.decode(e.execution.error.payload)}
    """,
    )
    workflow_env.deploy("broken", child)
    assert workflow_env.run(parent).result == {
        "tags": ["ExecutionError"],
        "state": "FAILED",
        "payload": {"code": 7, "message": "broken"},
    }


def test_event_published_to_the_bus_reaches_the_enrolled_workflow(workflow_env, tmp_path):
    importer = write(
        tmp_path,
        "importer",
        """
        main:
          params: [event]
          steps:
            - record:
                call: googleapis.storage.v1.objects.insert
                args:
                  bucket: ${event.data.bucket}
                  name: imported.json
                  uploadType: media
                  body:
                    type: ${event.type}
                    id: ${event.id}
                    source: ${event.source}
                    scene: ${event.data.scene}
    """,
    )
    publisher = write(
        tmp_path,
        "publisher",
        """
        main:
          params: [args]
          steps:
            - build:
                assign:
                  - event:
                      specversion: "1.0"
                      id: e-1
                      source: //genie-sim
                      type: ${args.type}
                      datacontenttype: application/json
                      data:
                        bucket: ${args.bucket}
                        scene: s9
            - publish:
                call: http.post
                args:
                  url: https://eventarcpublishing.googleapis.com/v1/projects/p/locations/us-central1/messageBuses/bus:publish
                  auth:
                    type: OAuth2
                  body:
                    jsonMessage: ${json.encode_to_string(event)}
                result: response
            - done:
                return: ${response.code}
    """,
    )
    workflow_env.deploy("importer", importer, event_types=["manual.geniesim.job.completed"])
    result = workflow_env.run(
        publisher, {"bucket": workflow_env.bucket, "type": "manual.geniesim.job.completed"}
    )
    assert result.result == 200
    [event] = workflow_env.bus.published
    assert event.delivered_to == ["importer"]
    assert event.bus == "projects/p/locations/us-central1/messageBuses/bus"
    assert workflow_env.get_json("imported.json") == {
        "type": "manual.geniesim.job.completed",
        "id": "e-1",
        "source": "//genie-sim",
        "scene": "s9",
    }
    [record] = workflow_env.executions.of("importer")
    assert record.source == "event"
    unrouted = workflow_env.run(publisher, {"bucket": workflow_env.bucket, "type": "other.type"})
    assert unrouted.result == 200
    assert workflow_env.bus.published[-1].delivered_to == []


def test_invalid_publish_is_http_400_in_the_workflow(workflow_env, tmp_path):
    publisher = write(
        tmp_path,
        "bad_publish",
        """
        main:
          steps:
            - publish:
                try:
                  call: http.post
                  args:
                    url: https://eventarcpublishing.googleapis.com/v1/projects/p/locations/us-central1/messageBuses/bus:publish
                    body:
                      jsonMessage: '{"specversion": "1.0", "id": "x"}'
                except:
                  as: e
                  steps:
                    - report:
                        return:
                          - ${e.code}
                          - ${e.body.error.message}
    """,
    )
    code, message = workflow_env.run(publisher).result
    assert code == 400
    assert "source, type" in message


def test_http_calls_go_to_registered_handlers_only(workflow_env, tmp_path):
    path = write(
        tmp_path,
        "http",
        """
        main:
          steps:
            - ok:
                call: http.get
                args:
                  url: https://api.example.com/scenes/s1
                  query: {full: true}
                result: r
            - init_tags:  # an except's variables are local to it (catching-errors page)
                assign:
                  - tags: null
            - missing:
                try:
                  call: http.get
                  args:
                    url: https://unregistered.example.com/
                except:
                  as: e
                  steps:
                    - keep:
                        assign:
                          - tags: ${e.tags}
            - done:
                return:
                  - ${r.body}
                  - ${tags}
    """,
    )
    workflow_env.http.register(
        "GET",
        "https://api.example.com/scenes/{scene}",
        lambda req: HttpResponse(200, {"scene": req.params["scene"], "full": req.query["full"]}),
    )
    result = workflow_env.run(path)
    assert result.result == [{"scene": "s1", "full": True}, ["ConnectionFailedError"]]
    assert [r.url for r in workflow_env.http.requests] == [
        "https://api.example.com/scenes/s1",
        "https://unregistered.example.com/",
    ]


def test_run_by_deployed_name_uses_its_user_env_vars(workflow_env, tmp_path):
    path = write(
        tmp_path,
        "envy",
        """
        main:
          steps:
            - done:
                return:
                  - ${sys.get_env("PRIMARY_BUCKET")}
                  - ${sys.get_env("GOOGLE_CLOUD_WORKFLOW_ID")}
    """,
    )
    workflow_env.deploy("envy-pipeline", path, env={"PRIMARY_BUCKET": workflow_env.bucket})
    result = workflow_env.run("envy-pipeline")
    assert result.result == [workflow_env.bucket, "envy-pipeline"]


def test_deployment_from_the_project_catalog():
    deployment = Deployment.from_catalog(CATALOG, {"PRIMARY_BUCKET": "b", "BP_ENV": "test"})
    assert deployment.routes_for("manual.geniesim.job.completed") == ["genie-sim-import-pipeline"]
    path = deployment.path_of("genie-sim-import-pipeline")
    assert path.exists()
    assert deployment.env_for("episode-generation-pipeline") == {"PRIMARY_BUCKET": "b", "BP_ENV": "test"}
    assert json.dumps(sorted(deployment.workflows))  # every entry has a name


def test_storage_event_is_the_eventarc_cloud_event_of_a_real_object(workflow_env, tmp_path):
    path = write(
        tmp_path,
        "on_finalize",
        """
        main:
          params: [event]
          steps:
            - done:
                return:
                  bucket: ${event.data.bucket}
                  name: ${event.data.name}
                  type: ${event.type}
                  subject: ${event.subject}
    """,
    )
    workflow_env.put_text("scenes/s1/usd/.usd_complete", "")
    event = workflow_env.storage_event("scenes/s1/usd/.usd_complete")
    assert event["source"] == f"//storage.googleapis.com/projects/_/buckets/{workflow_env.bucket}"
    assert int(event["data"]["generation"]) == workflow_env.generation("scenes/s1/usd/.usd_complete")
    assert workflow_env.run(path, event).result == {
        "bucket": workflow_env.bucket,
        "name": "scenes/s1/usd/.usd_complete",
        "type": "google.cloud.storage.object.v1.finalized",
        "subject": "objects/scenes/s1/usd/.usd_complete",
    }
    with pytest.raises(KeyError, match="write it first"):
        workflow_env.storage_event("missing")


def test_publish_runs_the_enrolled_workflow(workflow_env, tmp_path):
    path = write(
        tmp_path,
        "listener",
        """
        main:
          params: [event]
          steps:
            - done:
                return: ${event.data.episodes}
    """,
    )
    workflow_env.deploy("listener", path, event_types=["blueprintpipeline.episodes.imported"])
    published = workflow_env.publish("blueprintpipeline.episodes.imported", {"episodes": 3})
    assert published.delivered_to == ["listener"]
    [record] = workflow_env.executions.of("listener")
    assert (record.state, record.result) == ("SUCCEEDED", 3)
    assert record.argument["id"] == "event-1"


def test_executions_run_skip_polling_and_get(workflow_env, tmp_path):
    child = write(
        tmp_path,
        "quick",
        """
        main:
          params: [args]
          steps:
            - done:
                return: ${args}
    """,
    )
    parent = write(
        tmp_path,
        "starter",
        """
        main:
          steps:
            - start:
                call: googleapis.workflowexecutions.v1.projects.locations.workflows.executions.run
                args:
                  workflow_id: quick
                  argument: {a: 1}
                  connector_params:
                    skip_polling: true
                result: nothing
            - init_bad_code:  # an except's variables are local to it (catching-errors page)
                assign:
                  - bad_code: null
            - bad_argument:
                try:
                  call: googleapis.workflowexecutions.v1.projects.locations.workflows.executions.create
                  args:
                    parent: projects/p/locations/us-central1/workflows/quick
                    body:
                      argument: {not: a string}
                except:
                  as: e
                  steps:
                    - keep:
                        assign:
                          - bad_code: ${e.code}
            - done:
                return:
                  - ${nothing}
                  - ${bad_code}
    """,
    )
    workflow_env.deploy("quick", child)
    result = workflow_env.run(parent)
    assert result.result == [None, 400]
    [record] = workflow_env.executions.of("quick")
    assert (record.source, record.state, record.result) == ("run", "SUCCEEDED", {"a": 1})
    getter = write(
        tmp_path,
        "getter",
        f"""
        main:
          steps:
            - get:
                call: googleapis.workflowexecutions.v1.projects.locations.workflows.executions.get
                args:
                  name: {record.name}
                result: execution
            - done:
                return: ${{[execution.state, json.decode(execution.result)]}}
    """,
    )
    assert workflow_env.run(getter).result == ["SUCCEEDED", {"a": 1}]


def test_parallel_branches_wait_for_jobs_and_children_concurrently(workflow_env, tmp_path):
    child = write(
        tmp_path,
        "nap",
        """
        main:
          steps:
            - wait:
                call: sys.sleep
                args:
                  seconds: 10
            - done:
                return: rested
    """,
    )
    parent = write(
        tmp_path,
        "fan_out",
        """
    main:
      steps:
        - init:
            assign:
              - results: {}
        - both:
            parallel:
              shared: [results]
              branches:
                - job:
                    steps:
                      - run_job:
                          call: googleapis.run.v2.projects.locations.jobs.run
                          args:
                            name: projects/p/locations/us-central1/jobs/export-job
                          result: execution
                      - keep_job:
                          assign:
                            - results.job: ${execution.succeededCount}
                - child:
                    steps:
                      - run_child:
                          call: googleapis.workflowexecutions.v1.projects.locations.workflows.executions.run
                          args:
                            workflow_id: nap
                          result: answer
                      - keep_child:
                          assign:
                            - results.child: ${answer}
        - done:
            return: ${results}
    """,
    )
    workflow_env.deploy("nap", child)
    workflow_env.cloud_run.succeed("export-job", duration=10)
    workflow_env.clock.latency = NO_LATENCY  # the documented polling times, exactly
    result = workflow_env.run(parent)
    assert result.state == "SUCCEEDED", result.error
    assert result.result == {"job": 1, "child": "rested"}
    # Both waits overlap on the virtual clock: one 10 s wait (first poll after it at
    # 11.2587890625 s), not two in a row.
    assert result.virtual_seconds == pytest.approx(11.2587890625)


def test_executions_run_polls_at_least_once_and_times_out(workflow_env, tmp_path):
    instant = write(tmp_path, "instant", "main:\n  steps:\n    - r:\n        return: 1\n")
    slow = write(
        tmp_path,
        "slow",
        "main:\n  steps:\n    - s:\n        call: sys.sleep\n        args: {seconds: 100}\n",
    )
    caller = write(
        tmp_path,
        "impatient",
        """
        main:
          params: [args]
          steps:
            - run:
                try:
                  call: googleapis.workflowexecutions.v1.projects.locations.workflows.executions.run
                  args:
                    workflow_id: ${args.target}
                    connector_params:
                      timeout: 10
                  result: r
                except:
                  as: e
                  steps:
                    - report:
                        return: ${e.tags}
            - done:
                return: ${r}
    """,
    )
    workflow_env.deploy("instant", instant)
    workflow_env.deploy("slow", slow)
    quick = workflow_env.run(caller, {"target": "instant"})
    assert quick.result == 1
    assert quick.virtual_seconds == pytest.approx(1.0)  # one poll, 1 s after the start
    late = workflow_env.run(caller, {"target": "slow"})
    assert late.result == ["TimeoutError"]
