"""The part every deployed workflow shares: its own service account, the grants of that
account, and the Workflow resource running as it, with outputs that wait for the IAM.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_gcp as gcp

from components import iam, naming
from components.config import StackConfig


@dataclass(frozen=True)
class DeployedWorkflow:
    """A workflow with its service account and grants; `id` and `revision_id` wait for IAM."""

    workflow: gcp.workflows.Workflow
    grants: list[pulumi.CustomResource]
    name: pulumi.Output[str]
    id: pulumi.Output[str]
    revision_id: pulumi.Output[str]
    service_account: pulumi.Output[str]

    @property
    def after_iam(self) -> list[pulumi.Resource]:
        """What a trigger of this workflow must wait for."""
        return [self.workflow, *self.grants]

    def outputs(self, trigger: Mapping[str, Any]) -> dict[str, Any]:
        """The outputs a component owning this workflow registers."""
        return {
            "name": self.name,
            "id": self.id,
            "revision": self.revision_id,
            "serviceAccount": self.service_account,
            "trigger": trigger,
        }


def deploy_workflow(
    name: str,
    description: str,
    source: str,
    env: Mapping[str, str],
    grants: Sequence[iam.Grant],
    config: StackConfig,
    opts: pulumi.ResourceOptions,
) -> DeployedWorkflow:
    """The service account, its grants and the Workflow running as it (children of `opts`)."""
    account = gcp.serviceaccount.Account(
        f"{name}-sa",
        project=config.project,
        account_id=naming.service_account_id(name),
        display_name=f"Workflow {name}",
        description=description[:256],
        deletion_policy=config.deletion_policy,
        opts=opts,
    )
    grant_resources = iam.create_grants(name, grants, iam.service_account_member(account.email), config, opts)
    workflow = gcp.workflows.Workflow(
        name,
        name=naming.workflow_id(name),
        project=config.project,
        region=config.region,
        description=description,
        service_account=account.email,
        source_contents=source,
        user_env_vars=dict(env),
        call_log_level=config.call_log_level,
        labels=naming.workflow_labels(config.labels, name),
        deletion_protection=config.deletion_protection,
        opts=opts,
    )
    # Anything that reveals the workflow waits for its IAM, so a caller that starts it
    # from these outputs never races the grants.
    grant_ids = [grant.id for grant in grant_resources]
    return DeployedWorkflow(
        workflow=workflow,
        grants=grant_resources,
        name=workflow.name,
        id=pulumi.Output.all(workflow.id, *grant_ids).apply(lambda ids: ids[0]),
        revision_id=pulumi.Output.all(workflow.revision_id, *grant_ids).apply(lambda ids: ids[0]),
        service_account=account.email,
    )
