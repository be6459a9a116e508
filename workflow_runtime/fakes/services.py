"""`Services`: the local stand-ins for everything a workflow talks to."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from workflow_runtime.connectors import CONNECTORS, ConnectorSpec
from workflow_runtime.connectors.gcs_client import GcsClient
from workflow_runtime.connectors.http_router import HttpRouter
from workflow_runtime.fakes.cloud_run import FakeCloudRun
from workflow_runtime.fakes.deployment import Deployment
from workflow_runtime.fakes.event_bus import FakeMessageBus
from workflow_runtime.fakes.executions import FakeWorkflowExecutions
from workflow_runtime.fakes.gke import FakeGke
from workflow_runtime.fakes.logging_metrics import FakeLogging
from workflow_runtime.fakes.monitoring import FakeMonitoring


@dataclass
class Services:
    """Cloud Storage (emulator client), Cloud Run, executions, event bus, HTTP, GKE
    clusters (Kubernetes Engine API and control plane), Cloud Monitoring and Logging,
    and the connector table that reaches them."""

    storage: GcsClient | None = None
    cloud_run: FakeCloudRun = field(default_factory=FakeCloudRun)
    executions: FakeWorkflowExecutions = field(default_factory=lambda: FakeWorkflowExecutions(Deployment()))
    bus: FakeMessageBus | None = None
    http: HttpRouter = field(default_factory=HttpRouter)
    gke: FakeGke = field(default_factory=FakeGke)
    monitoring: FakeMonitoring = field(default_factory=FakeMonitoring)
    logging: FakeLogging = field(default_factory=FakeLogging)
    # The connectors a workflow's `call:` reaches (the engine looks them up here).
    connectors: Mapping[str, ConnectorSpec] = field(default_factory=lambda: CONNECTORS)

    def __post_init__(self) -> None:
        # The bus delivers to the executions service of the same deployment.
        if self.bus is None:
            self.bus = FakeMessageBus(self.executions.deployment, self.executions)

    @classmethod
    def for_deployment(cls, deployment: Deployment, storage: GcsClient | None = None) -> Services:
        """Services whose executions and bus serve `deployment`."""
        executions = FakeWorkflowExecutions(deployment)
        return cls(storage=storage, executions=executions, bus=FakeMessageBus(deployment, executions))
