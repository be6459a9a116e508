"""PipelineWorkflow: one workflow of the pipeline with its service account, IAM and trigger.

Everything comes from the workflow's catalog entry and the stack config; the caller only
supplies the deployable source (body + shared subworkflows, see components/sources.py).
"""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_gcp as gcp

from components import iam, naming, triggers
from components.catalog import WorkflowSpec
from components.config import StackConfig
from components.env import workflow_env
from components.project import ProjectPlatform
from components.routing import trigger_enabled
from components.workflow import deploy_workflow


class PipelineWorkflow(pulumi.ComponentResource):
    """A Cloud Workflow with its own service account, least-privilege IAM and its trigger.

    Outputs: `name`, `id` and `revision_id` (which resolve only after the IAM grants exist),
    `service_account` (email) and `trigger` (a plain description of how it is started).
    """

    def __init__(
        self,
        spec: WorkflowSpec,
        config: StackConfig,
        platform: ProjectPlatform,
        source: str,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """Register the workflow's resources; env limits are checked before any of them."""
        env = workflow_env(spec, config)
        grants = iam.workflow_grants(spec, config)
        super().__init__("blueprint:workflows:PipelineWorkflow", spec.name, None, opts)
        # Grants name the platform's custom roles, so they wait for them.
        child = pulumi.ResourceOptions(
            parent=self, depends_on=[*platform.api_resources, *platform.custom_roles]
        )

        deployed = deploy_workflow(spec.name, spec.description, source, env, grants, config, child)
        self.trigger = self._trigger(spec, config, platform, deployed.workflow, child, deployed.after_iam)
        self.name = deployed.name
        self.id = deployed.id
        self.revision_id = deployed.revision_id
        self.service_account = deployed.service_account
        self.register_outputs(deployed.outputs(self.trigger))

    @staticmethod
    def _trigger(
        spec: WorkflowSpec,
        config: StackConfig,
        platform: ProjectPlatform,
        workflow: gcp.workflows.Workflow,
        opts: pulumi.ResourceOptions,
        after_iam: list[pulumi.Resource],
    ) -> dict[str, Any]:
        """Create the trigger resources of the workflow's kind; return their description."""
        kind = spec.trigger.kind
        enabled = trigger_enabled(spec, config)
        described: dict[str, Any] = {"kind": kind, "enabled": enabled}
        if not enabled:
            described["reason"] = f"experimental flag {spec.experimental} is off in stack config"
        if kind == "gcs":
            routing = config.event_routing
            described.update(routing=routing, bucket=config.bucket, markers=list(spec.trigger.markers))
            if routing == "router":
                described["eventarcTrigger"] = naming.ROUTER_TRIGGER
            elif enabled:
                trigger_id = naming.direct_trigger_id(spec.name)
                triggers.gcs_trigger(
                    f"{spec.name}-trigger", trigger_id, workflow.id, config, platform, opts, after_iam
                )
                described["eventarcTrigger"] = trigger_id
        elif kind == "event":
            described.update(
                eventType=spec.trigger.event_type,
                enrollment=naming.enrollment_id(spec.trigger.event_type or ""),
                pipeline=naming.pipeline_id(spec.name),
            )
            if enabled:
                triggers.event_trigger(spec, workflow.id, config, platform, opts, after_iam)
        elif kind == "schedule":
            schedule = config.schedule(spec.trigger.settings or "")
            described.update(
                schedulerJob=spec.trigger.scheduler_job,
                schedule=schedule.schedule,
                timeZone=schedule.time_zone,
                paused=not schedule.enabled,
            )
            if enabled:
                triggers.scheduler_job(spec, workflow.id, config, platform, opts, after_iam)
        else:
            described["run"] = f"gcloud workflows run {spec.name} --location={config.region} --data='{{...}}'"
        return described
