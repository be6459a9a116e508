"""Retention test and benchmark helpers: objects of a chosen age, and the storage calls a
run made.

The emulator stamps `updated` with the machine's wall time, while workflows run on the
virtual clock (2025-01-01 onwards), so every real object looks fresh. `age` makes the
listed metadata of chosen objects say they were last written that many days before the
virtual clock's current time, the way Cloud Storage reports an old object."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from tools.pipeline_world import Pipeline
from workflow_runtime.connectors import ConnectorSpec
from workflow_runtime.connectors.names import rfc3339

DAY = 86400.0


def age(pipeline: Pipeline, days_by_name: Mapping[str, float]) -> None:
    """Objects in `days_by_name` report `updated` that many days ago (others stay fresh)."""
    storage = pipeline.env.storage
    original = storage.request_json
    now = pipeline.env.runtime.clock.now()
    stamps = {name: rfc3339(now - days * DAY) for name, days in days_by_name.items()}

    def request_json(method: str, path: str, **kwargs: Any) -> Any:
        answer = original(method, path, **kwargs)
        if method == "GET" and isinstance(answer, dict):
            for item in answer.get("items", []) if path.endswith("/o") else [answer]:
                if isinstance(item, dict) and item.get("name") in stamps:
                    item["updated"] = stamps[item["name"]]
        return answer

    storage.request_json = request_json  # type: ignore[method-assign]


def count_calls(pipeline: Pipeline) -> Counter[str]:
    """Counts API calls by connector (e.g. "storage.v1.objects.list") from now on, one per
    call a workflow makes (the connector's own retries are not counted)."""
    services = pipeline.env.services
    calls: Counter[str] = Counter()

    def counted(spec: ConnectorSpec) -> ConnectorSpec:
        short = spec.name.removeprefix("googleapis.")

        def impl(ctx: Any, args: Mapping[str, Any]) -> Any:
            calls[short] += 1
            return spec.impl(ctx, args)

        return ConnectorSpec(spec.name, impl)

    services.connectors = {name: counted(spec) for name, spec in services.connectors.items()}
    return calls
