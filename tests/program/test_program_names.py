"""Names and ids of everything registered satisfy Google's formats and lengths, so a real
preview cannot fail on them; and the derivations are deterministic."""

from __future__ import annotations

import re

import pytest

from components import naming
from components.catalog import load_catalog
from components.stack_files import STACKS
from tests.program.conftest import DIRECT
from tests.program.resource_types import NOTIFICATION_CHANNEL
from tools.mock_engine import Evaluation, evaluate_cached

# Google's rules, written out independently of components/naming.py.
SA_ID = re.compile(r"^[a-z](?:[-a-z0-9]{4,28}[a-z0-9])$")
EVENTARC = re.compile(r"^[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?$")
SCHEDULER = re.compile(r"^[A-Za-z0-9_-]{1,500}$")
WORKFLOW = re.compile(r"^[A-Za-z][-_A-Za-z0-9]{0,63}$")
LABEL_KEY = re.compile(r"^[a-z][a-z0-9_-]{0,62}$")
LABEL_VALUE = re.compile(r"^[a-z0-9_-]{0,63}$")


@pytest.fixture(params=[*STACKS, "direct"])
def run(request: pytest.FixtureRequest) -> Evaluation:
    """Both stacks, plus staging in direct mode (which has the per-workflow trigger ids)."""
    if request.param == "direct":
        return evaluate_cached("staging", DIRECT)
    return evaluate_cached(request.param)


def ids(run: Evaluation, type_: str, key: str) -> list[str]:
    """The `key` input of every resource of a type."""
    values = [r.inputs[key] for r in run.of_type(type_)]
    assert values, f"no {type_} registered"
    return values


def test_service_account_ids(run: Evaluation) -> None:
    """6-30 chars, the IAM pattern, unique."""
    accounts = ids(run, "gcp:serviceaccount/account:Account", "accountId")
    assert len(accounts) >= 20
    assert all(SA_ID.match(a) and 6 <= len(a) <= 30 for a in accounts), accounts
    assert len(set(accounts)) == len(accounts)


def test_eventarc_ids(run: Evaluation) -> None:
    """Trigger, enrollment, pipeline and bus ids: lowercase, hyphens, at most 63, unique."""
    for type_, key in (
        ("gcp:eventarc/trigger:Trigger", "name"),
        ("gcp:eventarc/enrollment:Enrollment", "enrollmentId"),
        ("gcp:eventarc/pipeline:Pipeline", "pipelineId"),
        ("gcp:eventarc/messageBus:MessageBus", "messageBusId"),
    ):
        values = ids(run, type_, key)
        assert all(EVENTARC.match(v) for v in values), values
        assert len(set(values)) == len(values)


def test_scheduler_and_workflow_names(run: Evaluation) -> None:
    """Scheduler job names and workflow ids follow their formats and are unique."""
    jobs = ids(run, "gcp:cloudscheduler/job:Job", "name")
    assert all(SCHEDULER.match(j) for j in jobs)
    workflows = ids(run, "gcp:workflows/workflow:Workflow", "name")
    assert all(WORKFLOW.match(w) for w in workflows)
    assert len(set(workflows)) == len(workflows)


def test_labels(run: Evaluation) -> None:
    """Every label key and value on every resource satisfies the label rules."""
    # A notification channel's `labels` are its address fields; its labels are `userLabels`.
    labelled = [r for r in run.resources if r.inputs.get("labels") or r.inputs.get("userLabels")]
    assert len(labelled) >= 19
    for resource in labelled:
        field = "userLabels" if resource.type == NOTIFICATION_CHANNEL else "labels"
        labels = resource.inputs.get(field) or resource.inputs["userLabels"]
        assert len(labels) <= 64
        for key, value in labels.items():
            assert LABEL_KEY.match(key) and LABEL_VALUE.match(value), (resource.name, key, value)


def test_logical_names_are_unique(run: Evaluation) -> None:
    """The mock engine does not catch duplicate resource names, so check them here."""
    keys = [(r.type, r.name) for r in run.resources]
    assert len(set(keys)) == len(keys)


def test_long_workflow_names_get_short_stable_ids() -> None:
    """The 31-char Dream2Flow name fits; longer names are truncated with a stable hash."""
    assert naming.service_account_id("dream2flow-preparation-pipeline") == "wf-dream2flow-preparation"
    long_a = naming.service_account_id("a-very-long-workflow-name-for-testing-one")
    long_b = naming.service_account_id("a-very-long-workflow-name-for-testing-two")
    assert long_a != long_b
    assert long_a == naming.service_account_id("a-very-long-workflow-name-for-testing-one")
    assert all(SA_ID.match(v) and len(v) <= 30 for v in (long_a, long_b))
    assert SA_ID.match(naming.service_account_id("ab"))
    for name in load_catalog().workflows:
        assert SA_ID.match(naming.service_account_id(name))


def test_bad_names_are_rejected_with_the_rule() -> None:
    """check_id and check_labels name the value and the rule they break."""
    with pytest.raises(naming.NamingError, match="Cloud Scheduler job name 'bad job'"):
        naming.scheduler_job_name("bad job")
    with pytest.raises(naming.NamingError, match="label key"):
        naming.check_labels({"Team": "x"})
    with pytest.raises(naming.NamingError, match="value of label 'team'"):
        naming.check_labels({"team": "Robotics Data"})
