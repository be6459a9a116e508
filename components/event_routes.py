"""Custom events with no catalog consumer: each needs a configured destination.

Every event type a catalog workflow publishes (`publishesEvents`) is delivered somewhere:
to the catalog workflow whose trigger is that event type, or, for events consumed outside
this program, to the workflow named in stack config `eventBus.destinations`, through an
enrollment and pipeline on the stack's bus. An event with neither would be published into
nothing, so `validate_event_routes` refuses it before any resource is registered.
"""

from __future__ import annotations

import pulumi

from components import naming, triggers
from components.catalog import Catalog
from components.config import StackConfig
from components.project import ProjectPlatform


class EventRouteError(ValueError):
    """A published event has no destination, or a destination names no published event."""


def unconsumed_events(catalog: Catalog) -> list[str]:
    """Event types catalog workflows publish that no catalog workflow is triggered by."""
    consumed = {spec.trigger.event_type for spec in catalog.by_trigger("event")}
    published = {event for spec in catalog.workflows.values() for event in spec.publishes_events}
    return sorted(published - consumed)


def validate_event_routes(catalog: Catalog, config: StackConfig) -> None:
    """Raise EventRouteError listing each event without a destination and each stray entry."""
    needed = unconsumed_events(catalog)
    configured = config.events.destinations
    problems = [
        f"eventBus.destinations.{event}: got nothing; expected the workflow that consumes {event} "
        f"(`pulumi config set --path 'eventBus.destinations.{event}' projects/P/locations/L/workflows/W`), "
        "or remove the event from publishesEvents in workflows/catalog.yaml"
        for event in needed
        if event not in configured
    ]
    problems += [
        f"eventBus.destinations.{event}: no catalog workflow publishes {event} without consuming it "
        f"(events needing a destination: {', '.join(needed) or 'none'})"
        for event in sorted(set(configured) - set(needed))
    ]
    if problems:
        raise EventRouteError("invalid event routes:\n" + "\n".join(f"  - {p}" for p in problems))


def create_external_routes(config: StackConfig, platform: ProjectPlatform) -> list[pulumi.Resource]:
    """An enrollment and pipeline per `eventBus.destinations` entry, after the bus IAM."""
    opts = pulumi.ResourceOptions(parent=platform, depends_on=platform.event_deps)
    created: list[pulumi.Resource] = []
    for event_type, workflow in sorted(config.events.destinations.items()):
        name = workflow.rsplit("/", 1)[-1]
        labels = naming.check_labels({**config.labels, "managed-by": naming.MANAGED_BY})
        created.extend(triggers.event_route(name, event_type, workflow, labels, config, platform, opts))
    return created
