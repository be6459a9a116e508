"""Every IAM member the program registers goes through iam.create_grant, so
check_least_privilege sees the platform's grants (service agents, invokers, bus publishers)
as it sees the workflows'; a bad platform grant stops the program before any resource."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from components import iam, project
from components.stack_files import load_stack
from tests.program.resource_types import BUCKET_MEMBER, JOB_MEMBER, PROJECT_MEMBER, SA_MEMBER
from tools.mock_engine import ProgramFailed, evaluate

MEMBER_TYPES = (PROJECT_MEMBER, BUCKET_MEMBER, SA_MEMBER, JOB_MEMBER)
PUBLISHERS = {"eventBus.publishers": ["user:ops@example.com"]}


def _refused(message: str) -> None:
    with pytest.raises(ProgramFailed) as caught:
        evaluate("prod", overrides=PUBLISHERS)
    assert isinstance(caught.value.error, iam.IamError)
    assert message in str(caught.value.error)
    assert caught.value.resources == []


@pytest.mark.parametrize(
    "table", ["EVENTARC_AGENT_GRANT", "GCS_AGENT_GRANT", "PIPELINE_INVOKER_GRANTS", "publisher_grant"]
)
def test_an_unlisted_project_role_planted_on_the_platform_is_refused(
    monkeypatch: pytest.MonkeyPatch, table: str
) -> None:
    planted = iam.Grant("roles/pubsub.editor", "project", "planted")
    replacement: Any = {
        "EVENTARC_AGENT_GRANT": planted,
        "GCS_AGENT_GRANT": planted,
        "PIPELINE_INVOKER_GRANTS": (planted,),
        "publisher_grant": lambda principal: planted,
    }[table]
    monkeypatch.setattr(project, table, replacement)
    _refused("roles/pubsub.editor on the project (planted): add it to PROJECT_LEVEL_ROLES")


@pytest.mark.parametrize("role", [iam.EVENTARC_AGENT_ROLE, iam.GCS_AGENT_ROLE, iam.EVENT_RECEIVER])
def test_each_platform_role_needs_its_documented_page(monkeypatch: pytest.MonkeyPatch, role: str) -> None:
    """The platform's own roles (no workflow has them) pass only while iam.py documents them."""
    monkeypatch.delitem(iam.PROJECT_LEVEL_ROLES, role)
    _refused(f"{role} on the project")


def test_the_checked_table_is_what_the_platform_grants_on_the_project() -> None:
    """platform_grants (checked before any resource) lists exactly the project roles the
    platform then registers, so nothing it creates escapes the early check."""
    prod = load_stack("prod")
    config = dataclasses.replace(
        prod, events=dataclasses.replace(prod.events, publishers=("user:ops@example.com",))
    )
    run = evaluate("prod", overrides=PUBLISHERS)
    registered = sorted(
        r.inputs["role"] for r in run.of_type(PROJECT_MEMBER) if run.component_of(r).name == "platform"
    )
    assert registered == sorted(grant.role for grant in project.platform_grants(config))
    assert iam.BUS_PUBLISHER in registered


def test_every_registered_iam_member_went_through_create_grant(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[str] = []
    create = iam.create_grant

    def spy(resource_name: str, *args: Any, **kwargs: Any) -> Any:
        made.append(resource_name)
        return create(resource_name, *args, **kwargs)

    monkeypatch.setattr(iam, "create_grant", spy)
    run = evaluate("prod", overrides=PUBLISHERS)
    registered = sorted(r.name for r in run.resources if r.type in MEMBER_TYPES)
    assert len(registered) > 80
    assert sorted(made) == registered
    assert {
        "eventarc-agent-serviceAgent",
        "gcs-agent-pubsub.publisher",
        "eventarc-agent-tokenCreator",
    } <= set(made)
    assert "event-bus-publisher-user-ops-example-com" in made
