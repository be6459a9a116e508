"""The Pulumi program: stack config -> catalog -> platform, workflows, router -> outputs.

Every limit (config values, env vars, bucket trigger count, Cloud Run job regions, event
destinations) is checked before the first resource is registered, so an invalid stack
fails `pulumi preview` with nothing created.
"""

import pulumi

from components import naming
from components.catalog import WORKFLOWS_DIR, load_catalog
from components.config import read_stack_config
from components.event_routes import create_external_routes, validate_event_routes
from components.marker_router import MarkerRouter
from components.observability import REQUIRED_APIS as OBSERVABILITY_APIS
from components.observability import Observability
from components.pipeline_workflow import PipelineWorkflow
from components.project import ProjectPlatform, required_apis
from components.publish_check import check_publishers
from components.routing import validate_routing
from components.run_grants import validate_job_regions
from components.sources import workflow_source

config = read_stack_config()
catalog = load_catalog()
validate_routing(catalog, config)
validate_job_regions(catalog, config)
validate_event_routes(catalog, config)
sources = {name: workflow_source(spec.path) for name, spec in catalog.workflows.items()}
router_source = workflow_source(WORKFLOWS_DIR / "marker-router.yaml")
check_publishers({**sources, "marker-router": router_source})

platform = ProjectPlatform("platform", config, sorted({*required_apis(catalog), *OBSERVABILITY_APIS}))
create_external_routes(config, platform)

workflows = {
    name: PipelineWorkflow(name, spec, config, platform, sources[name])
    for name, spec in catalog.workflows.items()
}

if config.event_routing == "router":
    router = MarkerRouter(
        naming.ROUTER_WORKFLOW, catalog, config, platform, router_source, targets=list(workflows.values())
    )
    pulumi.export("markerRouter", {"name": router.name, "id": router.id, "trigger": router.trigger})

# Metrics, alerts and dashboards over the workflows' bp_metric logs and executions (#13).
deployed = [*workflows, *([naming.ROUTER_WORKFLOW] if config.event_routing == "router" else [])]
observability = Observability("observability", config, catalog, deployed, platform.api_resources)

pulumi.export(
    "workflows",
    {
        name: {
            "name": workflow.name,
            "id": workflow.id,
            "revision": workflow.revision_id,
            "service_account": workflow.service_account,
            "trigger": workflow.trigger,
        }
        for name, workflow in workflows.items()
    },
)
