"""In-process fakes of Cloud Run jobs, workflow executions, the Eventarc Advanced bus, GKE
clusters (Kubernetes Engine API and Kubernetes API server) and Cloud Monitoring/Logging lists."""

from workflow_runtime.fakes.cloud_run import FakeCloudRun, JobOutcome, JobRun
from workflow_runtime.fakes.deployment import Deployment, DeploymentError
from workflow_runtime.fakes.event_bus import FakeMessageBus, PublishedEvent
from workflow_runtime.fakes.executions import ExecutionRecord, FakeWorkflowExecutions
from workflow_runtime.fakes.gke import ClusterRequest, FakeCluster, FakeGke
from workflow_runtime.fakes.k8s_jobs import JobOutcome as GkeJobOutcome
from workflow_runtime.fakes.logging_metrics import FakeLogging
from workflow_runtime.fakes.monitoring import FakeMonitoring
from workflow_runtime.fakes.services import Services

__all__ = [
    "ClusterRequest",
    "Deployment",
    "DeploymentError",
    "ExecutionRecord",
    "FakeCloudRun",
    "FakeCluster",
    "FakeGke",
    "FakeLogging",
    "FakeMessageBus",
    "FakeMonitoring",
    "FakeWorkflowExecutions",
    "GkeJobOutcome",
    "JobOutcome",
    "JobRun",
    "PublishedEvent",
    "Services",
]
