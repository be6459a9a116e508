"""In-process fakes of Cloud Run jobs, workflow executions and the Eventarc Advanced bus."""

from workflow_runtime.fakes.cloud_run import FakeCloudRun, JobOutcome, JobRun
from workflow_runtime.fakes.deployment import Deployment, DeploymentError
from workflow_runtime.fakes.event_bus import FakeMessageBus, PublishedEvent
from workflow_runtime.fakes.executions import ExecutionRecord, FakeWorkflowExecutions
from workflow_runtime.fakes.services import Services

__all__ = [
    "Deployment",
    "DeploymentError",
    "ExecutionRecord",
    "FakeCloudRun",
    "FakeMessageBus",
    "FakeWorkflowExecutions",
    "JobOutcome",
    "JobRun",
    "PublishedEvent",
    "Services",
]
