"""Workflows calling gke.*, clusters.get and the Monitoring/Logging lists, run in
`workflow_env` (the fakes are env.gke, env.monitoring, env.logging)."""

from __future__ import annotations

import textwrap

import pytest

from workflow_runtime.errors import WorkflowDefinitionError

# Google's "Use the connector to run a Kubernetes Job" workflow (workflows/docs/
# access-kubernetes-api), with its placeholders filled in.
GOOGLE_JOB_EXAMPLE = """
main:
  steps:
    - init:
        assign:
          - project: "test-project"
          - location: "us-central1"
          - cluster_id: "hello-cluster"
          - job_name: "hello-job"
          - namespace: "default"
    - create_job:
        call: gke.create_job
        args:
          cluster_id: '${cluster_id}'
          location: '${location}'
          project: '${project}'
          namespace: '${namespace}'
          job:
            apiVersion: batch/v1
            kind: Job
            metadata:
              name: "${job_name}"
            spec:
              template:
                spec:
                  containers:
                    - name: counter
                      image: centos:7
                      command:
                        - "bin/bash"
                        - "-c"
                        - "for i in 9 8 7 6 5 4 3 2 1 ; do echo $i ; done"
                  restartPolicy: Never
        result: job
    - wait_for_job:
        call: gke.await_job
        args:
          cluster_id: '${cluster_id}'
          job_name: '${job_name}'
          location: '${location}'
          project: '${project}'
          timeout: 90
        result: completed_job
    - cleanup_job:
        call: gke.delete_job
        args:
          cluster_id: '${cluster_id}'
          job_name: '${job_name}'
          location: '${location}'
          project: '${project}'
          query:
            propagationPolicy: "Foreground"
    - return_job:
        return: '${completed_job}'
"""


def test_googles_job_example_runs_waits_and_cleans_up(workflow_env):
    cluster = workflow_env.gke.add_cluster("hello-cluster", "us-central1")
    cluster.succeed("hello-job", duration=4)
    result = workflow_env.run(GOOGLE_JOB_EXAMPLE)
    assert result.state == "SUCCEEDED", result.error
    status = result.result["status"]
    assert status["succeeded"] == 1
    assert status["conditions"][0]["type"] == "Complete"
    [manifest] = workflow_env.gke.created_jobs("hello-cluster")
    assert manifest["spec"]["template"]["spec"]["containers"][0]["command"][0] == "bin/bash"
    assert [(r.method, r.code) for r in workflow_env.gke.requests] == [
        ("POST", 201),
        *[("GET", 200)] * 5,
        ("DELETE", 200),
    ]
    assert workflow_env.gke.requests[-1].query == {"propagationPolicy": "Foreground"}
    assert cluster.jobs == {}
    # 5 steps, plus polls at 1, 2.25, 3.8125 (running) and 5.765625 s (complete).
    assert (result.steps.internal, result.steps.external) == (5 + 4, 0)


def test_googles_example_times_out_while_a_failing_job_backs_off(workflow_env):
    # backoffLimit defaults to 6: pods at 0, 12, 34, 76, ... s; the example waits 90 s.
    workflow_env.gke.add_cluster("hello-cluster", "us-central1").fail("hello-job", duration=2)
    result = workflow_env.run(GOOGLE_JOB_EXAMPLE)
    assert result.state == "FAILED"
    assert result.error["tags"] == ["TimeoutError"]
    assert "did not finish within 90 s" in result.error["message"]
    # 90 s of polling plus the network latency of the requests.
    assert 90 <= result.virtual_seconds < 92
    assert all(r.method != "DELETE" for r in workflow_env.gke.requests)


def test_a_failed_job_is_caught_as_failed_job_error_with_its_status(workflow_env):
    workflow_env.gke.add_cluster("c1").fail("train", duration=30)
    source = """
    main:
      steps:
        - run:
            try:
              steps:
                - create:
                    call: gke.create_job
                    args:
                      cluster_id: c1
                      job:
                        metadata: {name: train}
                        spec:
                          backoffLimit: 1
                          template:
                            spec:
                              containers: [{name: t, image: t:1}]
                              restartPolicy: Never
                - wait:
                    call: gke.await_job
                    args: {cluster_id: c1, job_name: train}
            except:
              as: e
              steps:
                - report:
                    return: ${[e.tags, e.message, e.job.status.failed, e.job.status.conditions[0].reason]}
    """
    result = workflow_env.run(textwrap.dedent(source))
    assert result.result == [["FailedJobError"], "Kubernetes job failed", 2, "BackoffLimitExceeded"]


def test_project_and_location_default_to_the_workflows(workflow_env):
    workflow_env.gke.add_cluster("c1", workflow_env.runtime.location, workflow_env.runtime.project_id)
    source = """
    main:
      steps:
        - list:
            call: gke.request
            args: {cluster_id: c1, method: GET, path: /apis/batch/v1/namespaces/default/jobs}
            result: response
        - done:
            return: ${response.body.kind}
    """
    result = workflow_env.run(textwrap.dedent(source))
    assert (result.state, result.result) == ("SUCCEEDED", "JobList")
    [request] = workflow_env.gke.requests
    assert (request.project, request.location) == ("test-project", "us-central1")


def test_a_misspelled_gke_function_is_refused_at_load_time(workflow_env):
    source = """
    main:
      steps:
        - create:
            call: gke.create_jobs
            args: {cluster_id: c1}
    """
    with pytest.raises(WorkflowDefinitionError, match=r"unknown function or subworkflow 'gke\.create_jobs'"):
        workflow_env.runtime.load(textwrap.dedent(source))


def test_parallel_branches_creating_one_job_name_start_it_once(workflow_env):
    workflow_env.gke.add_cluster("c1")
    source = """
    main:
      steps:
        - init:
            assign:
              - outcomes: {}
        - launch:
            parallel:
              shared: [outcomes]
              for:
                value: i
                range: [1, 5]
                steps:
                  - create:
                      try:
                        call: gke.create_job
                        args:
                          cluster_id: c1
                          job:
                            metadata: {name: episode-gen-s1, labels: {attempt: '${string(i)}'}}
                            spec:
                              template:
                                spec:
                                  containers: [{name: gen, image: gen:1}]
                                  restartPolicy: Never
                      except:
                        as: e
                        steps:
                          - conflict:
                              assign:
                                - outcomes[string(i)]: ${e.code}
                              next: end
                  - created:
                      assign:
                        - outcomes[string(i)]: 201
        - done:
            return: ${outcomes}
    """
    result = workflow_env.run(textwrap.dedent(source))
    assert result.state == "SUCCEEDED", result.error
    assert sorted(result.result.values()) == [201, 409, 409, 409, 409]
    [stored] = workflow_env.gke.cluster("c1").jobs.values()
    winner = [attempt for attempt, code in result.result.items() if code == 201]
    assert stored.job["metadata"]["labels"]["attempt"] == winner[0]


# Launch the scene's job under a fixed name: the API server's 409 makes it happen once.
LAUNCH_ONCE = """
main:
  steps:
    - launch:
        try:
          call: gke.create_job
          args:
            cluster_id: c1
            job:
              metadata: {name: episode-gen-s1}
              spec:
                template:
                  spec:
                    containers: [{name: gen, image: gen:1}]
                    restartPolicy: Never
        except:
          as: e
          steps:
            - already:
                switch:
                  - condition: ${e.code == 409}
                    return: already launched
            - reraise:
                raise: ${e}
    - launched:
        return: launched
"""

# Control: look for the scene's job, create one (generated name) when none is listed. The
# check and the create are separate requests, so two executions can both see none.
CHECK_THEN_CREATE = """
main:
  steps:
    - look:
        call: gke.request
        args:
          cluster_id: c1
          method: GET
          path: /apis/batch/v1/namespaces/default/jobs
          query: {labelSelector: scene=s1}
        result: found
    - decide:
        switch:
          - condition: ${len(found.body["items"]) > 0}
            return: already launched
    - launch:
        call: gke.create_job
        args:
          cluster_id: c1
          job:
            metadata: {generateName: episode-gen-s1-, labels: {scene: s1}}
            spec:
              template:
                spec:
                  containers: [{name: gen, image: gen:1}]
                  restartPolicy: Never
    - launched:
        return: launched
"""
COPIES = 6
SEEDS = range(25)


@pytest.mark.parametrize("seed", SEEDS)
def test_concurrent_executions_launch_a_named_job_once(workflow_env, seed):
    cluster = workflow_env.gke.add_cluster(
        "c1", workflow_env.runtime.location, workflow_env.runtime.project_id
    )
    for _ in range(COPIES):
        workflow_env.start(LAUNCH_ONCE)
    results = workflow_env.wait(seed=seed)
    assert all(r.state == "SUCCEEDED" for r in results), [r.error for r in results]
    assert sorted(r.result for r in results) == ["already launched"] * (COPIES - 1) + ["launched"]
    assert list(cluster.jobs) == [("default", "episode-gen-s1")]


def test_control_check_then_create_does_launch_twice_under_some_seed(workflow_env):
    duplicated = []
    for seed in SEEDS:
        cluster = workflow_env.gke.add_cluster(
            "c1", workflow_env.runtime.location, workflow_env.runtime.project_id
        )
        for _ in range(COPIES):
            workflow_env.start(CHECK_THEN_CREATE)
        results = workflow_env.wait(seed=seed)
        assert all(r.state == "SUCCEEDED" for r in results), [r.error for r in results]
        assert sum(r.result == "launched" for r in results) == len(cluster.jobs)
        duplicated.append(len(cluster.jobs) > 1)
        workflow_env.gke.remove_cluster("c1", cluster.location, cluster.project)
    # The interleavings are real: unguarded, some seeds launch the job more than once.
    assert any(duplicated)


ROUTING = """
main:
  params: [args]
  steps:
    - try_primary:
        try:
          call: googleapis.container.v1.projects.locations.clusters.get
          args:
            name: projects/test-project/locations/us-central1-a/clusters/blueprint-cluster
          result: primary
        except:
          as: e
          steps:
            - primary_missing:
                assign:
                  - primary: {status: MISSING}
    - choose:
        switch:
          - condition: ${primary.status == "RUNNING"}
            return: us-central1-a
    - secondary:
        call: googleapis.container.v1.projects.locations.clusters.get
        args:
          name: projects/test-project/locations/us-east1-b/clusters/blueprint-cluster-secondary
        result: secondary
    - fallback:
        switch:
          - condition: ${secondary.status == "RUNNING"}
            return: us-east1-b
        next: none_healthy
    - none_healthy:
        raise: '${"no healthy cluster: " + primary.status + ", " + secondary.status}'
"""


@pytest.mark.parametrize(
    ("primary", "secondary", "expected"),
    [
        ("RUNNING", "RUNNING", ("SUCCEEDED", "us-central1-a")),
        ("DEGRADED", "RUNNING", ("SUCCEEDED", "us-east1-b")),
        (None, "RUNNING", ("SUCCEEDED", "us-east1-b")),
        ("ERROR", "RECONCILING", ("FAILED", "no healthy cluster: ERROR, RECONCILING")),
    ],
)
def test_routing_by_cluster_health(workflow_env, primary, secondary, expected):
    if primary is not None:
        workflow_env.gke.add_cluster("blueprint-cluster", "us-central1-a", status=primary)
    workflow_env.gke.add_cluster("blueprint-cluster-secondary", "us-east1-b", status=secondary)
    result = workflow_env.run(ROUTING, {})
    assert (result.state, result.result if result.state == "SUCCEEDED" else result.error) == expected


GATE = """
main:
  steps:
    - init:
        assign:
          - names: []
          - token: null
    - page:
        call: googleapis.logging.v2.projects.metrics.list
        args:
          parent: projects/test-project
          pageToken: ${token}
        result: response
    - collect:
        for:
          value: metric
          in: ${default(map.get(response, "metrics"), [])}
          steps:
            - add:
                assign:
                  - names: ${list.concat(names, metric.name)}
    - more:
        switch:
          - condition: ${"nextPageToken" in response}
            assign:
              - token: ${response.nextPageToken}
            next: page
    - done:
        return: ${names}
"""


def test_a_gate_following_next_page_token_sees_every_metric(workflow_env):
    names = [
        "blueprint_job_timeout_events",
        "blueprint_job_retry_exhausted_total",
        "blueprint_job_timeout_usage_ratio",
        "blueprint_geniesim_sla_violations",
        "blueprint_job_failure_events",
    ]
    for name in names:
        workflow_env.logging.add_metric(name, f'jsonPayload.metric="{name}"')
    workflow_env.logging.default_page_size = 2
    result = workflow_env.run(GATE)
    assert (result.state, result.result) == ("SUCCEEDED", names)
    assert [call.page_token is None for call in workflow_env.logging.calls] == [True, False, False]
