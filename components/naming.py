"""Deterministic names and ids of the cloud resources, checked against Google's formats.

A real `pulumi preview` only learns that an id is too long or malformed from the
provider; we have no provider here, so every id is derived by a pure function and checked
by `check_id` (tests run every catalog name through them). Nothing here is random:
the same workflow always gets the same ids, so a rerun never replaces a resource.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping

# Service account ids (IAM): 6-30 characters, lowercase letters, digits, hyphens.
SERVICE_ACCOUNT_ID = re.compile(r"^[a-z](?:[-a-z0-9]{4,28}[a-z0-9])$")
# Eventarc trigger, enrollment and pipeline ids (AIP-122 style, at most 63 characters).
EVENTARC_ID = re.compile(r"^[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?$")
# Cloud Scheduler job ids: letters, digits, hyphens, underscores; at most 500 characters.
SCHEDULER_JOB = re.compile(r"^[A-Za-z0-9_-]{1,500}$")
# Workflow ids: start with a letter, letters, digits, hyphens, underscores; at most 64.
WORKFLOW_ID = re.compile(r"^[A-Za-z](?:[-_A-Za-z0-9]{0,62}[A-Za-z0-9])?$")
# Labels: keys start with a lowercase letter; keys and values at most 63 characters of
# lowercase letters, digits, underscores and hyphens (we do not use international ones).
LABEL_KEY = re.compile(r"^[a-z][a-z0-9_-]{0,62}$")
LABEL_VALUE = re.compile(r"^[a-z0-9_-]{0,63}$")
MAX_LABELS = 64

SERVICE_ACCOUNT_PREFIX = "wf-"
SERVICE_ACCOUNT_MAX = 30
_HASH_LEN = 4

ROUTER_WORKFLOW = "marker-router"
ROUTER_TRIGGER = "gcs-marker-router"
EVENTARC_INVOKER_ACCOUNT = "eventarc-invoker"
PIPELINE_INVOKER_ACCOUNT = "pipeline-invoker"
SCHEDULER_INVOKER_ACCOUNT = "scheduler-invoker"
MANAGED_BY = "pulumi"


class NamingError(ValueError):
    """A derived name breaks a Google format; the message names the value and the rule."""


def check_id(kind: str, value: str, pattern: re.Pattern[str]) -> str:
    """Return `value` if it matches `pattern`, else raise NamingError naming the kind."""
    if not pattern.match(value):
        raise NamingError(f"{kind} {value!r} ({len(value)} chars) does not match {pattern.pattern}")
    return value


def short_name(workflow: str) -> str:
    """The workflow name without its `-pipeline` suffix (`objects-pipeline` -> `objects`)."""
    return workflow.removesuffix("-pipeline")


def service_account_id(workflow: str) -> str:
    """The account id of a workflow's service account: `wf-<short name>`, at most 30 chars.

    Too long ids keep a prefix and end in a 4-hex-digit hash of the full workflow name, so
    two long names sharing a prefix still differ and the id never changes between runs.
    """
    candidate = SERVICE_ACCOUNT_PREFIX + short_name(workflow)
    if len(candidate) > SERVICE_ACCOUNT_MAX:
        digest = hashlib.sha256(workflow.encode()).hexdigest()[:_HASH_LEN]
        keep = SERVICE_ACCOUNT_MAX - _HASH_LEN - 1
        candidate = f"{candidate[:keep].rstrip('-')}-{digest}"
    if len(candidate) < 6:
        candidate = candidate + "-wf"
    return check_id("service account id", candidate, SERVICE_ACCOUNT_ID)


def direct_trigger_id(workflow: str) -> str:
    """Eventarc trigger id of a workflow's own bucket trigger (`eventRouting: direct`).

    Follows the original's `<short name>-trigger` names.
    """
    return check_id("Eventarc trigger id", f"{short_name(workflow)}-trigger", EVENTARC_ID)


def enrollment_id(event_type: str) -> str:
    """Eventarc Advanced enrollment id of one custom event type (dots become hyphens)."""
    slug = re.sub(r"[^a-z0-9]+", "-", event_type.lower()).strip("-")
    return check_id("Eventarc enrollment id", slug[:63].rstrip("-"), EVENTARC_ID)


def pipeline_id(workflow: str) -> str:
    """Eventarc Advanced pipeline id delivering to one workflow."""
    return check_id("Eventarc pipeline id", f"to-{workflow}"[:63].rstrip("-"), EVENTARC_ID)


def scheduler_job_name(job: str) -> str:
    """A Cloud Scheduler job name, kept as the catalog (the original) spells it."""
    return check_id("Cloud Scheduler job name", job, SCHEDULER_JOB)


def principal_slug(principal: str) -> str:
    """A resource-name-safe form of an IAM principal (`user:a@b.c` -> `user-a-b-c`)."""
    return re.sub(r"[^A-Za-z0-9]+", "-", principal).strip("-").lower()


def workflow_id(name: str) -> str:
    """A Cloud Workflows workflow id, checked."""
    return check_id("workflow id", name, WORKFLOW_ID)


def check_labels(labels: Mapping[str, str]) -> dict[str, str]:
    """Return the labels as a dict if every key and value satisfies Google's label rules."""
    if len(labels) > MAX_LABELS:
        raise NamingError(f"at most {MAX_LABELS} labels are allowed, got {len(labels)}")
    for key, value in labels.items():
        check_id("label key", key, LABEL_KEY)
        check_id(f"value of label {key!r}", value, LABEL_VALUE)
    return dict(labels)


def workflow_labels(base: Mapping[str, str], workflow: str) -> dict[str, str]:
    """The labels of one workflow: the stack's labels plus `workflow` and `managed-by`."""
    return check_labels({**base, "workflow": workflow, "managed-by": MANAGED_BY})
