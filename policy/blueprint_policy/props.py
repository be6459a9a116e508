"""Reading resource properties: type tokens, nested paths and service-account references."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, TypeGuard

from pulumi_policy.proxy import UnknownValueError

WORKFLOW = "gcp:workflows/workflow:Workflow"
ACCOUNT = "gcp:serviceaccount/account:Account"
TRIGGER = "gcp:eventarc/trigger:Trigger"
PIPELINE = "gcp:eventarc/pipeline:Pipeline"
ENROLLMENT = "gcp:eventarc/enrollment:Enrollment"
MESSAGE_BUS = "gcp:eventarc/messageBus:MessageBus"
SCHEDULER_JOB = "gcp:cloudscheduler/job:Job"
BUCKET = "gcp:storage/bucket:Bucket"


def get_path(props: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted path (`httpTarget.oauthToken.serviceAccountEmail`), or None."""
    node: Any = props
    for part in path.split("."):
        if not isinstance(node, Mapping):
            return None
        node = node.get(part)
    return node


def values_at(props: Mapping[str, Any], path: str) -> Iterator[Any]:
    """Every value at a dotted path where `[]` walks into each element of a list.

    `destinations[].authenticationConfig.oauthToken.serviceAccount` yields one value per
    destination (absent ones are skipped).
    """
    head, _, rest = path.partition(".")
    many = head.endswith("[]")
    value = props.get(head.removesuffix("[]")) if isinstance(props, Mapping) else None
    # Under the CLI, props are read-only proxies: Mapping and Sequence, not dict and list.
    items = value if many and _is_list(value) else [value]
    for item in items:
        if item is None:
            continue
        if rest:
            yield from values_at(item, rest)
        else:
            yield item


def is_set(props: Mapping[str, Any], path: str) -> bool:
    """True when the value at `path` is present and not empty; a value only known after the
    update (a new account's email during a first preview) counts as set."""
    try:
        return bool(get_path(props, path))
    except UnknownValueError:
        return True


def known_values(props: Mapping[str, Any], path: str) -> list[Any] | None:
    """The values at `path` (see values_at), or None when one is unknown during a preview."""
    try:
        return list(values_at(props, path))
    except UnknownValueError:
        return None


def _is_list(value: Any) -> TypeGuard[Sequence[Any]]:
    return isinstance(value, Sequence) and not isinstance(value, str)


def account_email(reference: str) -> str:
    """The email in a service-account reference: a bare email, `serviceAccount:<email>`
    (IAM member) or `projects/<p>/serviceAccounts/<email>` (resource name)."""
    return reference.removeprefix("serviceAccount:").rsplit("/", 1)[-1].lower()
