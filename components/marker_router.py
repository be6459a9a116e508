"""The MarkerRouter component: the router workflow, its service account and the one
Eventarc trigger on the bucket that feeds it (`eventRouting: router`, see routing.py)."""

from __future__ import annotations

from collections.abc import Sequence

import pulumi

from components import iam, naming, triggers
from components.catalog import Catalog
from components.config import StackConfig
from components.project import ProjectPlatform
from components.routing import route_table, router_env
from components.workflow import deploy_workflow


class MarkerRouter(pulumi.ComponentResource):
    """The router workflow, its service account and the one bucket trigger feeding it."""

    def __init__(
        self,
        name: str,
        catalog: Catalog,
        config: StackConfig,
        platform: ProjectPlatform,
        source: str,
        targets: Sequence[pulumi.Resource],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """Deploy the router (component `name`; the workflow is naming.ROUTER_WORKFLOW, the
        name the catalog and the reconciler start); `targets` (the workflows it starts)
        exist before its trigger."""
        env = router_env(catalog, config)
        super().__init__("blueprint:workflows:MarkerRouter", name, None, opts)
        child = pulumi.ResourceOptions(parent=self, depends_on=platform.api_resources)
        workflow = naming.ROUTER_WORKFLOW
        deployed = deploy_workflow(
            workflow,
            "Routes Cloud Storage marker objects to the workflows of the pipeline.",
            source,
            env,
            iam.router_grants(),
            config,
            child,
        )
        self.trigger_resource = triggers.gcs_trigger(
            f"{workflow}-trigger",
            naming.ROUTER_TRIGGER,
            deployed.workflow.id,
            config,
            platform,
            child,
            depends_on=[*deployed.after_iam, *targets],
        )
        self.routes = route_table(catalog, config)
        self.name = deployed.name
        self.id = deployed.id
        self.revision_id = deployed.revision_id
        self.service_account = deployed.service_account
        self.trigger = triggers.describe_router_trigger(config, self.routes)
        self.register_outputs(deployed.outputs(self.trigger))
