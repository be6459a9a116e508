"""The whole program under the mock engine, for both real stack files: what gets registered,
how it is parented, what the stack exports."""

from __future__ import annotations

import pytest

from components import iam
from components.alerts import ALERTS
from components.catalog import WORKFLOWS_DIR, load_catalog
from components.config import ConfigError
from components.dashboards import DASHBOARDS
from components.env import file_env_values
from components.log_metrics import LOG_METRICS
from components.observability import REQUIRED_APIS as OBSERVABILITY_APIS
from components.project import required_apis
from components.reconciler import reconciler_env_value
from components.sources import workflow_source
from components.stack_files import load_stack
from tests.program.resource_types import (
    ACCOUNT,
    ALERT_POLICY,
    BUCKET_MEMBER,
    CUSTOM_ROLE,
    DASHBOARD,
    JOB_MEMBER,
    LOG_METRIC,
    NOTIFICATION_CHANNEL,
    PIPELINE_WORKFLOW,
    PROJECT_MEMBER,
    WORKFLOW,
)
from tools.mock_engine import Evaluation, ProgramFailed, evaluate

# Platform grants: GCS agent publisher, Eventarc agent, Eventarc invoker x2, pipeline invoker,
# scheduler invoker (plus one per eventBus.publishers principal).
PLATFORM_PROJECT_GRANTS = 6


def expected_counts(stack: str) -> dict[str, int]:
    """Resource counts per type, derived from the catalog, the stack config and the IAM table."""
    catalog = load_catalog()
    config = load_stack(stack)
    specs = list(catalog.workflows.values())
    router = 1 if config.event_routing == "router" else 0
    grants = [grant for spec in specs for grant in iam.workflow_grants(spec, config)]
    project_grants = sum(1 for grant in grants if grant.scope == "project")
    events = len(catalog.by_trigger("event"))
    return {
        PIPELINE_WORKFLOW: len(specs),
        "blueprint:workflows:MarkerRouter": router,
        "blueprint:workflows:ProjectPlatform": 1,
        WORKFLOW: len(specs) + router,
        ACCOUNT: len(specs) + router + 3,
        BUCKET_MEMBER: len(specs),
        PROJECT_MEMBER: project_grants + 2 * router + PLATFORM_PROJECT_GRANTS + len(config.events.publishers),
        JOB_MEMBER: sum(1 for grant in grants if grant.scope == "job"),
        CUSTOM_ROLE: len(iam.CUSTOM_ROLES),
        "gcp:serviceaccount/iAMMember:IAMMember": 1,
        "gcp:eventarc/trigger:Trigger": 1,
        "gcp:eventarc/enrollment:Enrollment": events,
        "gcp:eventarc/pipeline:Pipeline": events,
        "gcp:eventarc/messageBus:MessageBus": 1,
        "gcp:cloudscheduler/job:Job": len(catalog.by_trigger("schedule")),
        "gcp:projects/service:Service": len({*required_apis(catalog), *OBSERVABILITY_APIS}),
        "gcp:projects/serviceIdentity:ServiceIdentity": 1,
        # Observability (issue #13): fixed sets of metrics, alerts, dashboards; channels from config.
        "blueprint:workflows:Observability": 1,
        LOG_METRIC: len(LOG_METRICS),
        ALERT_POLICY: len(ALERTS),
        DASHBOARD: len(DASHBOARDS),
        NOTIFICATION_CHANNEL: len(config.monitoring.notification_channels),
    }


def test_resource_counts_by_type(run: Evaluation, stack: str) -> None:
    """Every type is registered exactly as often as the catalog and config imply."""
    expected = {k: v for k, v in expected_counts(stack).items() if v}
    assert run.counts() == expected
    # The seed's shape, spelled out: 18 workflows + the reconciler + the router, one bucket
    # trigger, the seed's 3 Scheduler jobs + the reconciler's.
    assert run.counts()[PIPELINE_WORKFLOW] == 19
    assert run.counts()[WORKFLOW] == 20
    assert run.counts()["gcp:eventarc/trigger:Trigger"] == 1
    assert run.counts()["gcp:cloudscheduler/job:Job"] == 4


def test_every_custom_resource_is_parented_to_a_component(run: Evaluation) -> None:
    """Nothing hangs off the stack directly; each resource belongs to a component."""
    custom = [r for r in run.resources if r.custom]
    assert len(custom) > 100
    orphans = [r.name for r in custom if run.component_of(r) is None]
    assert orphans == []


def test_each_workflow_component_owns_its_account_workflow_and_grants(run: Evaluation) -> None:
    """A PipelineWorkflow holds exactly one account and one workflow, named after it."""
    components = run.of_type(PIPELINE_WORKFLOW)
    assert len(components) == 19
    for component in components:
        children = [r for r in run.resources if r.parent == component.urn]
        types = [r.type for r in children]
        assert types.count(ACCOUNT) == 1, component.name
        assert types.count(WORKFLOW) == 1, component.name
        workflow = next(r for r in children if r.type == WORKFLOW)
        assert workflow.inputs["name"] == component.name
        assert types.count(BUCKET_MEMBER) == 1, component.name


def test_workflow_inputs_follow_the_catalog_and_config(run: Evaluation, stack: str) -> None:
    """Region, log level, labels, deletion protection and description come from config/catalog."""
    config = load_stack(stack)
    catalog = load_catalog()
    for name, spec in catalog.workflows.items():
        inputs = run.named(name).inputs
        assert inputs["region"] == config.region
        assert inputs["project"] == config.project
        assert inputs["callLogLevel"] == config.call_log_level
        assert inputs["deletionProtection"] is config.deletion_protection
        assert inputs["description"] == spec.description
        assert inputs["labels"] == {**config.labels, "workflow": name, "managed-by": "pulumi"}
        assert inputs["sourceContents"] == workflow_source(spec.path), name
        account = run.named(f"{name}-sa")
        assert inputs["serviceAccount"] == account.outputs["email"], name
    router = run.named("marker-router").inputs
    assert router["sourceContents"] == workflow_source(WORKFLOWS_DIR / "marker-router.yaml")
    assert router["serviceAccount"] == run.named("marker-router-sa").outputs["email"]


def test_env_vars_are_the_catalog_names_mapped_through_config(run: Evaluation, stack: str) -> None:
    """user_env_vars: exactly the catalog's names with config (or policy file) values, plus
    the marker guard."""
    config = load_stack(stack)
    values = {**config.env_values(), **file_env_values()}
    values["RECONCILER_STAGES"] = reconciler_env_value(load_catalog(), config)
    for name, spec in load_catalog().workflows.items():
        env = run.named(name).inputs["userEnvVars"]
        expected = {key: values[key] for key in spec.env}
        if spec.trigger.kind == "gcs":
            assert "TRIGGER_MARKERS" in env
            expected["TRIGGER_MARKERS"] = env["TRIGGER_MARKERS"]
        assert env == expected, name
        assert len(env) <= 20
        assert not any(key.startswith(("GOOGLE", "WORKFLOWS")) for key in env)


def test_stack_outputs_per_workflow(run: Evaluation, stack: str) -> None:
    """Each workflow exports name, id, revision, service account and trigger, all resolved."""
    config = load_stack(stack)
    exported = run.outputs["workflows"]
    assert sorted(exported) == sorted(load_catalog().workflows)
    for name, out in exported.items():
        assert out["name"] == name
        assert out["id"] == f"projects/{config.project}/locations/{config.region}/workflows/{name}"
        assert out["revision"].startswith("000001-")
        assert out["service_account"].endswith(f"@{config.project}.iam.gserviceaccount.com")
        assert out["trigger"]["kind"] in ("gcs", "event", "schedule", "manual")
    assert run.outputs["markerRouter"]["name"] == "marker-router"


def test_the_storage_agent_invoke_was_answered(run: Evaluation) -> None:
    """The Cloud Storage service agent comes from an invoke; its grant names the agent."""
    assert "gcp:storage/getProjectServiceAccount:getProjectServiceAccount" in run.invokes
    grant = run.named("gcs-agent-pubsub.publisher")
    assert grant.inputs["role"] == "roles/pubsub.publisher"
    assert grant.inputs["member"].endswith("@gs-project-accounts.iam.gserviceaccount.com")


def test_apis_are_never_disabled_on_destroy(run: Evaluation) -> None:
    """Enabled APIs stay enabled when the stack is destroyed (other systems use them)."""
    services = run.of_type("gcp:projects/service:Service")
    assert {s.inputs["service"] for s in services} >= {
        "workflows.googleapis.com",
        "eventarc.googleapis.com",
        "cloudscheduler.googleapis.com",
    }
    assert all(s.inputs["disableOnDestroy"] is False for s in services)


def test_full_program_evaluates_in_seconds(run: Evaluation) -> None:
    """The whole program under mocks stays fast enough for every test run."""
    assert 0 < run.seconds < 10


@pytest.mark.parametrize(
    ("path", "value", "named"),
    [
        ("canary.percent", 150, "canary.percent"),
        ("eventRouting", "sideways", "eventRouting"),
        ("labels", {"Team": "x"}, "labels"),
    ],
)
def test_invalid_config_fails_before_any_resource(path: str, value: object, named: str) -> None:
    """Bad stack config stops the program before the first registration, naming the key."""
    with pytest.raises(ProgramFailed) as failure:
        evaluate("prod", overrides={path: value})
    assert isinstance(failure.value.error, ConfigError)
    assert named in str(failure.value.error)
    assert failure.value.resources == []


def test_components_take_their_name_first_and_keep_their_resources_names(tmp_path) -> None:
    """`Component(name, args..., opts)`, as every Pulumi component: the name is the
    component's; the resources under it keep the names the catalog and naming.py give."""
    program = tmp_path / "__main__.py"
    program.write_text(
        "from components.catalog import WORKFLOWS_DIR, load_catalog\n"
        "from components.config import read_stack_config\n"
        "from components.marker_router import MarkerRouter\n"
        "from components.pipeline_workflow import PipelineWorkflow\n"
        "from components.project import ProjectPlatform, required_apis\n"
        "from components.sources import workflow_source\n"
        "config = read_stack_config()\n"
        "catalog = load_catalog()\n"
        "platform = ProjectPlatform('the-platform', config, required_apis(catalog))\n"
        "spec = catalog.workflows['objects-pipeline']\n"
        "objects = PipelineWorkflow('objects', spec, config, platform, workflow_source(spec.path))\n"
        "MarkerRouter('router', catalog, config, platform,\n"
        "             workflow_source(WORKFLOWS_DIR / 'marker-router.yaml'), targets=[objects])\n"
    )
    run = evaluate("prod", program=program)
    components = {r.type.rsplit(":", 1)[-1]: r.name for r in run.resources if not r.custom}
    assert {k: components[k] for k in ("ProjectPlatform", "PipelineWorkflow", "MarkerRouter")} == {
        "ProjectPlatform": "the-platform",
        "PipelineWorkflow": "objects",
        "MarkerRouter": "router",
    }
    assert run.component_of(run.named("objects-pipeline")).name == "objects"
    assert run.component_of(run.named("marker-router")).name == "router"
    assert run.component_of(run.named("eventarc-invoker")).name == "the-platform"
