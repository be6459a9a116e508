"""Observability: the log-based metrics, alert policies, notification channels and dashboards.

Everything here is built from data: the metrics from components/log_metrics.py, the
alerts from components/alerts.py, the dashboards from the catalog (components/
dashboards.py), the notification channels from stack config (`monitoring`). Created once
per stack, after the Logging and Monitoring APIs are enabled.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from typing import TypedDict

import pulumi
import pulumi_gcp as gcp

from components import naming
from components.alerts import ALERTS, alert_policy_args
from components.catalog import Catalog
from components.config import CHANNEL_ADDRESS_LABELS, NotificationChannelConfig, StackConfig
from components.dashboards import DASHBOARDS, dashboard_json
from components.log_metrics import LABEL_DESCRIPTIONS, LOG_METRICS, LogMetric

REQUIRED_APIS: tuple[str, ...] = ("logging.googleapis.com", "monitoring.googleapis.com")


class MetricInputs(TypedDict, total=False):
    """The keyword arguments metric_args gives `gcp.logging.Metric`, typed as the SDK's."""

    name: str
    project: str
    description: str
    filter: str
    label_extractors: dict[str, str]
    metric_descriptor: gcp.logging.MetricMetricDescriptorArgsDict
    value_extractor: str
    bucket_options: gcp.logging.MetricBucketOptionsArgsDict


def metric_args(metric: LogMetric, project: str) -> MetricInputs:
    """Keyword arguments of `gcp.logging.Metric` for one log-based metric."""
    counter = metric.kind == "counter"
    args: MetricInputs = {
        "name": metric.name,
        "project": project,
        "description": metric.description,
        "filter": metric.filter,
        "label_extractors": {key: extractor.expression for key, extractor in metric.labels.items()},
        "metric_descriptor": {
            # Log-based metrics are DELTA: a counter of INT64, or a DISTRIBUTION of values.
            "metric_kind": "DELTA",
            "value_type": "INT64" if counter else "DISTRIBUTION",
            "unit": metric.unit,
            "display_name": metric.name,
            "labels": [
                {"key": key, "value_type": "STRING", "description": LABEL_DESCRIPTIONS[key]}
                for key in metric.labels
            ],
        },
    }
    if not counter:
        assert metric.value is not None
        args["value_extractor"] = metric.value.expression
        args["bucket_options"] = {"explicit_buckets": {"bounds": list(metric.bounds)}}
    return args


def channel_name(channel: NotificationChannelConfig) -> str:
    """Logical name of a channel: its type and a hash of its address (stable under reordering)."""
    digest = hashlib.sha256(channel.address.encode()).hexdigest()[:8]
    return f"notify-{channel.type.replace('_', '-')}-{digest}"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


class Observability(pulumi.ComponentResource):
    """The stack's log-based metrics, alert policies, notification channels and dashboards."""

    def __init__(
        self,
        name: str,
        config: StackConfig,
        catalog: Catalog,
        workflow_ids: Sequence[str],
        depends_on: Sequence[pulumi.Resource],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """Register everything; `workflow_ids` are the deployed workflows (catalog + router)."""
        super().__init__("blueprint:workflows:Observability", name, None, opts)
        after_apis = pulumi.ResourceOptions(parent=self, depends_on=list(depends_on))
        project = config.project
        # PREVENT in protected stacks, like the workflows (a deleted policy loses its history).
        protection = config.deletion_policy

        self.metrics = {
            metric.name: gcp.logging.Metric(
                f"metric-{metric.name}",
                **metric_args(metric, project),
                deletion_policy=protection,
                opts=after_apis,
            )
            for metric in LOG_METRICS
        }
        labels = naming.check_labels({**config.labels, "managed-by": naming.MANAGED_BY})
        self.channels = [
            gcp.monitoring.NotificationChannel(
                channel_name(channel),
                project=project,
                type=channel.type,
                display_name=channel.display_name or f"Blueprint pipeline ({channel.type} {channel.address})",
                labels={CHANNEL_ADDRESS_LABELS[channel.type]: channel.address},
                user_labels=labels,
                deletion_policy=protection,
                opts=after_apis,
            )
            for channel in config.monitoring.notification_channels
        ]
        channel_ids = [channel.id for channel in self.channels]
        # A threshold on a log-based metric fails to create until the metric exists.
        after_metrics = pulumi.ResourceOptions(parent=self, depends_on=[*depends_on, *self.metrics.values()])
        self.alerts = [
            gcp.monitoring.AlertPolicy(
                "alert-" + _slug(alert.display_name),
                project=project,
                user_labels=labels,
                deletion_policy=protection,
                **alert_policy_args(alert, workflow_ids, channel_ids),
                opts=after_metrics,
            )
            for alert in ALERTS
        ]
        self.dashboards = [
            gcp.monitoring.Dashboard(
                "dashboard-" + _slug(title.split(" - ")[-1]),
                project=project,
                dashboard_json=dashboard_json(title, catalog),
                deletion_policy=protection,
                opts=after_metrics,
            )
            for title in DASHBOARDS
        ]
        self.register_outputs(
            {
                "metrics": [metric.name for metric in LOG_METRICS],
                "alerts": [alert.display_name for alert in ALERTS],
                "dashboards": list(DASHBOARDS),
            }
        )
