"""PipelineWorkflow: one workflow of the pipeline with its service account, IAM and trigger.

Everything comes from the workflow's catalog entry and the stack config; the caller only
supplies the deployable source (body + shared subworkflows, see components/sources.py).
"""

from __future__ import annotations

import pulumi

from components import iam, triggers
from components.catalog import WorkflowSpec
from components.config import StackConfig
from components.env import workflow_env
from components.project import ProjectPlatform
from components.workflow import deploy_workflow


class PipelineWorkflow(pulumi.ComponentResource):
    """A Cloud Workflow with its own service account, least-privilege IAM and its trigger.

    `name` is the component's; its resources are named after the catalog entry (the program
    passes `spec.name` for both). Outputs: `name`, `id` and `revision_id` (which resolve only
    after the IAM grants exist), `service_account` (email) and `trigger` (a plain description
    of how it is started, triggers.describe_trigger).
    """

    def __init__(
        self,
        name: str,
        spec: WorkflowSpec,
        config: StackConfig,
        platform: ProjectPlatform,
        source: str,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """Register the workflow's resources; env limits are checked before any of them."""
        env = workflow_env(spec, config)
        grants = iam.workflow_grants(spec, config)
        super().__init__("blueprint:workflows:PipelineWorkflow", name, None, opts)
        # Grants name the platform's custom roles, so they wait for them.
        child = pulumi.ResourceOptions(
            parent=self, depends_on=[*platform.api_resources, *platform.custom_roles]
        )

        deployed = deploy_workflow(spec.name, spec.description, source, env, grants, config, child)
        triggers.create_trigger(spec, deployed.workflow.id, config, platform, child, deployed.after_iam)
        self.trigger = triggers.describe_trigger(spec, config)
        self.name = deployed.name
        self.id = deployed.id
        self.revision_id = deployed.revision_id
        self.service_account = deployed.service_account
        self.register_outputs(deployed.outputs(self.trigger))
