"""Each policy of the pack on resource inputs that pass and that violate it."""

from __future__ import annotations

import json
from typing import Any

import pytest

from policy.blueprint_policy.eventarc_rules import NO_RETRY_TO_WORKFLOWS, trigger_colocated
from policy.blueprint_policy.facts import StackFacts, facts_from_config
from policy.blueprint_policy.iam_rules import NO_BROAD_ROLES
from policy.blueprint_policy.identity import OWN_SERVICE_ACCOUNT
from policy.blueprint_policy.label_rules import REQUIRED_LABELS
from policy.blueprint_policy.props import (
    ACCOUNT,
    ENROLLMENT,
    PIPELINE,
    SCHEDULER_JOB,
    TRIGGER,
    WORKFLOW,
)
from policy.blueprint_policy.scheduler_rules import SCHEDULER_JOB_IDENTITY
from policy.blueprint_policy.workflow_rules import CANARY_PERCENT_RANGE, deletion_protection
from tests.policy.helpers import PROD, STAGING, messages, resource, urn

PROJECT_MEMBER = "gcp:projects/iAMMember:IAMMember"
PROJECT_POLICY = "gcp:projects/iAMPolicy:IAMPolicy"
BUCKET_MEMBER = "gcp:storage/bucketIAMMember:BucketIAMMember"
SA_MEMBER = "gcp:serviceaccount/iAMMember:IAMMember"
LABELS = {"team": "robotics-data", "cost-center": "sim-pipeline", "managed-by": "pulumi"}
GCS = "google.cloud.storage.object.v1.finalized"


# --- no-primitive-or-project-storage-roles -----------------------------------------


@pytest.mark.parametrize(
    ("type_", "role"),
    [
        (PROJECT_MEMBER, "roles/workflows.invoker"),
        (BUCKET_MEMBER, "roles/storage.objectUser"),
        (SA_MEMBER, "roles/iam.serviceAccountUser"),
    ],
)
def test_narrow_roles_pass(type_: str, role: str) -> None:
    assert messages(NO_BROAD_ROLES, resource(type_, "g", {"role": role, "member": "user:a@b.c"})) == []


@pytest.mark.parametrize("role", ["roles/owner", "roles/editor", "roles/viewer"])
@pytest.mark.parametrize(
    "type_", [PROJECT_MEMBER, BUCKET_MEMBER, SA_MEMBER, "gcp:cloudrunv2/jobIamMember:JobIamMember"]
)
def test_primitive_roles_are_rejected_anywhere(type_: str, role: str) -> None:
    found = messages(NO_BROAD_ROLES, resource(type_, "g", {"role": role, "member": "user:a@b.c"}))
    assert found == [
        f"g grants the basic role {role}; grant the predefined roles the workflow needs instead "
        "(components/iam.py lists them)."
    ]


@pytest.mark.parametrize(
    "type_", [PROJECT_MEMBER, "gcp:projects/iAMBinding:IAMBinding", "gcp:folder/iAMMember:IAMMember"]
)
def test_storage_roles_on_a_project_are_rejected(type_: str) -> None:
    found = messages(NO_BROAD_ROLES, resource(type_, "g", {"role": "roles/storage.objectAdmin"}))
    assert len(found) == 1 and "on a whole" in found[0] and "BucketIAMMember" in found[0]


def test_iam_policy_documents_are_read_binding_by_binding() -> None:
    data = {
        "bindings": [
            {"role": "roles/logging.logWriter"},
            {"role": "roles/storage.admin"},
            {"role": "roles/editor"},
        ]
    }
    found = messages(NO_BROAD_ROLES, resource(PROJECT_POLICY, "p", {"policyData": json.dumps(data)}))
    assert [m.split(" ")[2:4] for m in found] == [["roles/storage.admin", "on"], ["the", "basic"]]


# --- workflow-own-service-account ---------------------------------------------------


def _account(name: str, email: str) -> Any:
    return resource(ACCOUNT, name, {"accountId": email.split("@")[0]}, {"email": email})


def _workflow(name: str, email: str | None, account: str | None = None) -> Any:
    inputs = {"name": name} if email is None else {"name": name, "serviceAccount": email}
    depends = {"serviceAccount": [urn(ACCOUNT, account)]} if account else None
    return resource(WORKFLOW, name, inputs, depends=depends)


A = "wf-a@p.iam.gserviceaccount.com"
B = "wf-b@p.iam.gserviceaccount.com"
INVOKER = "scheduler-invoker@p.iam.gserviceaccount.com"


def test_each_workflow_with_its_own_account_passes() -> None:
    job = resource(
        SCHEDULER_JOB,
        "job",
        {"httpTarget": {"oauthToken": {"serviceAccountEmail": INVOKER}}},
        depends={"httpTarget": [urn(ACCOUNT, "invoker")]},
    )
    found = messages(
        OWN_SERVICE_ACCOUNT,
        _account("a-sa", A),
        _account("b-sa", B),
        _account("invoker", INVOKER),
        _workflow("a", A, "a-sa"),
        _workflow("b", B, "b-sa"),
        job,
    )
    assert found == []


def test_a_workflow_without_an_account_is_rejected() -> None:
    found = messages(OWN_SERVICE_ACCOUNT, _workflow("a", None))
    assert found == [
        "workflow a sets no serviceAccount, so it runs as the project's default compute service "
        "account; give it its own gcp.serviceaccount.Account."
    ]


def test_an_account_the_stack_does_not_create_is_rejected() -> None:
    found = messages(OWN_SERVICE_ACCOUNT, _workflow("a", "someone@other.iam.gserviceaccount.com"))
    assert found == [
        "workflow a runs as someone@other.iam.gserviceaccount.com, which this stack does not create; "
        "give it its own gcp.serviceaccount.Account."
    ]


def test_two_workflows_sharing_an_account_are_both_rejected() -> None:
    found = messages(OWN_SERVICE_ACCOUNT, _account("a-sa", A), _workflow("a", A, "a-sa"), _workflow("b", A))
    assert found == [
        f"workflow a shares its service account {A} with Workflow b; each workflow's account must be used by "
        "nothing else.",
        f"workflow b shares its service account {A} with Workflow a; each workflow's account must be used by "
        "nothing else.",
    ]


@pytest.mark.parametrize(
    ("type_", "inputs"),
    [
        (TRIGGER, {"serviceAccount": A}),
        (SCHEDULER_JOB, {"httpTarget": {"oauthToken": {"serviceAccountEmail": A}}}),
        (SCHEDULER_JOB, {"httpTarget": {"oidcToken": {"serviceAccountEmail": A}}}),
        (PIPELINE, {"destinations": [{"authenticationConfig": {"oauthToken": {"serviceAccount": A}}}]}),
    ],
)
def test_a_workflow_account_used_by_an_invoker_is_rejected(type_: str, inputs: dict[str, Any]) -> None:
    found = messages(
        OWN_SERVICE_ACCOUNT, _account("a-sa", A), _workflow("a", A, "a-sa"), resource(type_, "x", inputs)
    )
    assert found == [
        f"workflow a shares its service account {A} with {type_.rsplit(':', 1)[-1]} x; each workflow's "
        "account must be used by nothing else."
    ]


UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"  # pulumi-policy's unknown-string sentinel


def test_unknown_references_are_matched_by_the_account_they_depend_on() -> None:
    # A first preview: neither the account's email nor the references to it are known.
    account = resource(ACCOUNT, "a-sa", {"accountId": "wf-a"}, {"email": UNKNOWN})
    workflow = _workflow("a", UNKNOWN, "a-sa")
    shared = resource(TRIGGER, "t", {"serviceAccount": UNKNOWN}, depends={"serviceAccount": [account.urn]})
    assert messages(OWN_SERVICE_ACCOUNT, account, workflow) == []
    assert messages(OWN_SERVICE_ACCOUNT, account, workflow, shared) == [
        "workflow a shares its service account a-sa with Trigger t; each workflow's account must be used by "
        "nothing else."
    ]


def test_an_unknown_reference_without_an_account_is_left_to_the_next_preview() -> None:
    assert messages(OWN_SERVICE_ACCOUNT, _workflow("a", UNKNOWN)) == []


def test_an_oauth_identity_known_only_after_the_update_counts_as_set() -> None:
    inputs = {"timeZone": "Etc/UTC", "httpTarget": {"oauthToken": {"serviceAccountEmail": UNKNOWN}}}
    assert messages(SCHEDULER_JOB_IDENTITY, resource(SCHEDULER_JOB, "j", inputs)) == []


SA_GRANT = "gcp:serviceaccount/iAMMember:IAMMember"


@pytest.mark.parametrize(
    ("role", "violates"),
    [
        ("roles/iam.serviceAccountTokenCreator", True),
        ("roles/iam.serviceAccountUser", True),
        ("roles/iam.serviceAccountKeyAdmin", False),
    ],
)
def test_a_grant_to_act_as_a_workflow_account_is_rejected(role: str, violates: bool) -> None:
    grant = resource(
        SA_GRANT,
        "g",
        {"serviceAccountId": f"projects/p/serviceAccounts/{A}", "role": role, "member": "user:x@example.com"},
    )
    found = messages(OWN_SERVICE_ACCOUNT, _account("a-sa", A), _workflow("a", A, "a-sa"), grant)
    expected = (
        f"workflow a's service account {A} can be used by user:x@example.com ({role}, IAMMember g); each "
        "workflow's account must be used by nothing else."
    )
    assert found == ([expected] if violates else [])


def test_a_grant_on_another_account_passes() -> None:
    grant = resource(
        SA_GRANT,
        "g",
        {
            "serviceAccountId": f"projects/p/serviceAccounts/{INVOKER}",
            "role": "roles/iam.serviceAccountTokenCreator",
        },
    )
    found = messages(
        OWN_SERVICE_ACCOUNT, _account("a-sa", A), _account("i", INVOKER), _workflow("a", A, "a-sa"), grant
    )
    assert found == []


def test_accounts_are_matched_by_dependency_when_the_email_is_not_known_yet() -> None:
    # A first preview: the new account's email is unknown, the workflow's input depends on it.
    account = resource(ACCOUNT, "a-sa", {"accountId": "wf-a"}, {"email": UNKNOWN})
    shared = resource(TRIGGER, "t", {"serviceAccount": "wf-a"}, depends={"serviceAccount": [account.urn]})
    found = messages(OWN_SERVICE_ACCOUNT, account, _workflow("a", "wf-a", "a-sa"), shared)
    assert found == [
        "workflow a shares its service account a-sa with Trigger t; each workflow's account must be used by "
        "nothing else."
    ]


# --- deletion-protection-in-production ------------------------------------------------


@pytest.mark.parametrize(
    ("facts", "protection", "violates"),
    [(PROD, True, False), (PROD, None, False), (PROD, False, True), (STAGING, False, False)],
)
def test_deletion_protection_in_production(
    facts: StackFacts, protection: bool | None, violates: bool
) -> None:
    inputs = {"name": "w"} if protection is None else {"name": "w", "deletionProtection": protection}
    found = messages(deletion_protection(lambda: facts), resource(WORKFLOW, "w", inputs))
    assert found == (
        [
            "workflow w has deletionProtection false in production; a `pulumi destroy` or a replacement "
            "would delete it and its execution history. Remove the override."
        ]
        if violates
        else []
    )


def test_production_comes_from_the_environment_then_the_stack_name() -> None:
    assert facts_from_config("anything", {"blueprint-workflows:environment": "production"}).production
    assert not facts_from_config("prod", {"blueprint-workflows:environment": "staging"}).production
    assert facts_from_config("prod", {}).production
    assert not facts_from_config("dev", {}).production


# --- required-labels ---------------------------------------------------------------


@pytest.mark.parametrize("type_", [WORKFLOW, TRIGGER, PIPELINE, ENROLLMENT])
def test_required_labels_pass(type_: str) -> None:
    assert messages(REQUIRED_LABELS, resource(type_, "x", {"labels": {**LABELS, "extra": "1"}})) == []


def test_missing_or_empty_labels_are_named() -> None:
    found = messages(
        REQUIRED_LABELS, resource(TRIGGER, "t", {"labels": {"team": "", "managed-by": "pulumi"}})
    )
    assert found == [
        "Trigger t lacks the label(s) team, cost-center; set them in stack config `labels` (managed-by is "
        "added by the program)."
    ]


def test_unlabelled_types_are_not_checked() -> None:
    assert messages(REQUIRED_LABELS, resource(ACCOUNT, "a", {"accountId": "a"})) == []


# --- canary-percent-range ----------------------------------------------------------


@pytest.mark.parametrize("value", ["0", "5", "100"])
def test_canary_percent_in_range_passes(value: str) -> None:
    inputs = {"userEnvVars": {"CANARY_PERCENT": value}}
    assert messages(CANARY_PERCENT_RANGE, resource(WORKFLOW, "w", inputs)) == []


@pytest.mark.parametrize("value", ["101", "-1", "2.5", "five", ""])
def test_canary_percent_out_of_range_is_rejected(value: str) -> None:
    found = messages(
        CANARY_PERCENT_RANGE, resource(WORKFLOW, "w", {"userEnvVars": {"CANARY_PERCENT": value}})
    )
    assert len(found) == 1
    assert found[0].startswith("workflow w: CANARY_PERCENT got ") and "from 0 to 100" in found[0]


def test_workflows_without_canary_percent_pass() -> None:
    assert messages(CANARY_PERCENT_RANGE, resource(WORKFLOW, "w", {"userEnvVars": {"X": "1"}})) == []


# --- no-eventarc-retry-to-workflows ------------------------------------------------


def test_triggers_and_pipelines_to_workflows_without_retry_pass() -> None:
    trigger = resource(TRIGGER, "t", {"destination": {"workflow": "w"}})
    pipeline = resource(PIPELINE, "p", {"destinations": [{"workflow": "w"}]})
    assert messages(NO_RETRY_TO_WORKFLOWS, trigger, pipeline) == []


def test_retry_policy_to_a_workflow_is_rejected() -> None:
    trigger = resource(TRIGGER, "t", {"destination": {"workflow": "w"}, "retryPolicy": {"maxAttempts": 3}})
    pipeline = resource(
        PIPELINE, "p", {"destinations": [{"workflow": "w"}], "retryPolicy": {"maxAttempts": 5}}
    )
    found = messages(NO_RETRY_TO_WORKFLOWS, trigger, pipeline)
    assert [m.split(" delivers")[0] for m in found] == ["Pipeline p", "Trigger t"]


def test_retry_policy_to_cloud_run_is_not_this_rules_concern() -> None:
    trigger = resource(
        TRIGGER,
        "t",
        {"destination": {"cloudRunService": {"service": "s"}}, "retryPolicy": {"maxAttempts": 3}},
    )
    assert messages(NO_RETRY_TO_WORKFLOWS, trigger) == []


# --- storage-trigger-colocated -------------------------------------------------------


def _gcs_trigger(location: str, bucket: str = "data") -> Any:
    criteria = [{"attribute": "type", "value": GCS}, {"attribute": "bucket", "value": bucket}]
    return resource(TRIGGER, "t", {"location": location, "matchingCriterias": criteria})


def test_trigger_where_its_bucket_is_passes() -> None:
    assert messages(trigger_colocated(lambda: PROD), _gcs_trigger("us")) == []
    assert messages(trigger_colocated(lambda: STAGING), _gcs_trigger("us-central1")) == []


def test_trigger_elsewhere_is_rejected() -> None:
    assert messages(trigger_colocated(lambda: PROD), _gcs_trigger("us-central1")) == [
        "trigger t is in us-central1 but bucket data is in us; a Cloud Storage trigger must be where its "
        "bucket is."
    ]


def test_trigger_on_an_undeclared_bucket_is_rejected() -> None:
    found = messages(trigger_colocated(lambda: PROD), _gcs_trigger("us", bucket="elsewhere"))
    assert found == [
        "trigger t watches bucket elsewhere, whose location the stack does not declare; set `bucket` and "
        "`bucketLocation` in stack config."
    ]


def test_non_storage_triggers_are_not_checked() -> None:
    criteria = [{"attribute": "type", "value": "google.cloud.pubsub.topic.v1.messagePublished"}]
    trigger = resource(TRIGGER, "t", {"location": "europe-west1", "matchingCriterias": criteria})
    assert messages(trigger_colocated(lambda: PROD), trigger) == []


# --- scheduler-timezone-and-oauth ------------------------------------------------------


def test_scheduler_job_with_time_zone_and_oauth_passes() -> None:
    inputs = {"timeZone": "Etc/UTC", "httpTarget": {"oauthToken": {"serviceAccountEmail": INVOKER}}}
    assert messages(SCHEDULER_JOB_IDENTITY, resource(SCHEDULER_JOB, "j", inputs)) == []


@pytest.mark.parametrize(
    ("inputs", "expected"),
    [
        ({"httpTarget": {"oauthToken": {"serviceAccountEmail": INVOKER}}}, ["timeZone"]),
        (
            {"timeZone": "Etc/UTC", "httpTarget": {"oidcToken": {"serviceAccountEmail": INVOKER}}},
            ["oauthToken"],
        ),
        ({"timeZone": "", "httpTarget": {}}, ["timeZone", "oauthToken"]),
    ],
)
def test_scheduler_job_without_time_zone_or_oauth_is_rejected(
    inputs: dict[str, Any], expected: list[str]
) -> None:
    found = messages(SCHEDULER_JOB_IDENTITY, resource(SCHEDULER_JOB, "j", inputs))
    assert len(found) == len(expected)
    assert all(m.startswith("scheduler job j has no ") for m in found)
    assert all(sum(word in m for m in found) == 1 for word in expected)
