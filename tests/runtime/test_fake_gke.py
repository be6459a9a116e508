"""The fake GKE cluster's Job model (back-off, deadlines, status) and its scripting API."""

from __future__ import annotations

import itertools

import pytest

from workflow_runtime.connectors.errors import ApiError
from workflow_runtime.fakes import FakeGke, GkeJobOutcome
from workflow_runtime.fakes.failures import ScriptedFailures
from workflow_runtime.fakes.k8s_jobs import new_job, plan, with_status

JOB = {
    "metadata": {"name": "train"},
    "spec": {"template": {"spec": {"containers": [{"name": "c", "image": "i"}], "restartPolicy": "Never"}}},
}


def stored(**spec) -> dict:
    manifest = {**JOB, "spec": {**JOB["spec"], **spec}}
    return new_job(manifest, "default", uid="0123456789", resource_version="1", now=0)


def test_failed_pods_are_replaced_after_a_back_off_doubling_from_10_s_capped_at_6_minutes():
    timeline = plan(stored(backoffLimit=7), GkeJobOutcome("fail", duration=1), 0)
    starts = [pod.start for pod in timeline.pods]
    gaps = [round(b - a - 1) for a, b in itertools.pairwise(starts)]
    assert gaps == [10, 20, 40, 80, 160, 320, 360]
    assert (timeline.condition, timeline.reason) == ("Failed", "BackoffLimitExceeded")
    assert len(timeline.pods) == 8


def test_the_deadline_can_fall_during_a_back_off():
    timeline = plan(stored(activeDeadlineSeconds=12), GkeJobOutcome("fail", duration=5), 0)
    # Pod 0-5 s fails, the next would start at 15 s: the Job fails at its 12 s deadline.
    assert [(pod.start, pod.end) for pod in timeline.pods] == [(0, 5)]
    assert (timeline.end, timeline.reason) == (12, "DeadlineExceeded")


def test_a_pod_ending_exactly_at_the_deadline_completes():
    timeline = plan(stored(activeDeadlineSeconds=60), GkeJobOutcome("succeed", duration=60), 0)
    assert (timeline.condition, timeline.end) == ("Complete", 60)


def test_status_while_running_and_between_pods():
    job = stored()
    timeline = plan(job, GkeJobOutcome("succeed", duration=5, pod_failures=1), 100)
    running = with_status(job, timeline, 102)["status"]
    assert (running["active"], running["ready"]) == (1, 1)
    assert "failed" not in running and "conditions" not in running
    backing_off = with_status(job, timeline, 110)["status"]  # first pod failed at 105
    assert (backing_off["failed"], backing_off["ready"]) == (1, 0)
    assert "active" not in backing_off
    assert job["status"] == {}  # the stored object is not changed


def test_generate_name_gets_a_suffix():
    job = new_job(
        {**JOB, "metadata": {"generateName": "train-"}},
        "default",
        uid="abcdef0123",
        resource_version="1",
        now=0,
    )
    assert job["metadata"]["name"] == "train-abcde"


def test_clusters_must_be_added_and_can_be_removed():
    gke = FakeGke()
    name = "projects/test-project/locations/us-central1/clusters/c1"
    with pytest.raises(ApiError) as missing:
        gke.get_cluster(name, 0)
    assert missing.value.code == 404
    gke.add_cluster("c1")
    assert gke.get_cluster(name, 0)["status"] == "RUNNING"
    gke.remove_cluster("c1")
    with pytest.raises(ApiError):
        gke.get_cluster(name, 0)


def test_cluster_lookup_by_id_needs_a_location_when_ambiguous():
    gke = FakeGke()
    gke.add_cluster("blueprint-cluster", "us-central1-a")
    gke.add_cluster("blueprint-cluster", "us-east1-b")
    with pytest.raises(KeyError, match="2 clusters named"):
        gke.cluster("blueprint-cluster")
    assert gke.cluster("blueprint-cluster", "us-east1-b").location == "us-east1-b"


def test_unknown_cluster_status_is_refused():
    with pytest.raises(ValueError, match="unknown cluster status 'SICK'"):
        FakeGke().add_cluster("c1").set_status("SICK")


def test_scripted_failures_match_labels_and_run_out():
    failures = ScriptedFailures()
    failures.fail_next(503, count=2, when="POST *")
    assert failures.take("GET /api/v1/nodes") is None
    assert failures.take("POST /apis/batch/v1/namespaces/default/jobs").code == 503
    assert failures.take("POST /x").code == 503
    assert failures.take("POST /x") is None


@pytest.mark.parametrize(("code", "count"), [(200, 1), (503, 0)])
def test_scripted_failures_refuse_nonsense(code, count):
    with pytest.raises(ValueError):
        ScriptedFailures().fail_next(code, count=count)


def test_job_scripts_are_consumed_in_order_then_the_default_applies():
    gke = FakeGke()
    cluster = gke.add_cluster("c1")
    cluster.fail("train", duration=1)
    conditions = []
    for _ in range(2):
        gke.kube_request(cluster, "POST", "/apis/batch/v1/namespaces/default/jobs", {}, JOB, 0)
        conditions.append(cluster.jobs[("default", "train")].timeline.condition)
        gke.kube_request(cluster, "DELETE", "/apis/batch/v1/namespaces/default/jobs/train", {}, None, 0)
    assert conditions == ["Failed", "Complete"]
    assert [(r.method, r.code) for r in gke.requests] == [("POST", 201), ("DELETE", 200)] * 2
