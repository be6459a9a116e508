"""The fake Eventarc Advanced bus: Publish request validation, CloudEvent shapes, routing."""

from __future__ import annotations

import base64
import json

import pytest

from workflow_runtime.connectors.errors import ApiError
from workflow_runtime.fakes import Deployment, FakeMessageBus, FakeWorkflowExecutions

BUS = "projects/p/locations/us-central1/messageBuses/bus"


@pytest.fixture
def bus(tmp_path) -> FakeMessageBus:
    deployment = Deployment()
    deployment.add_workflow("importer", tmp_path / "importer.yaml", event_types=["t.done"])
    deployment.add_workflow("auditor", tmp_path / "auditor.yaml", event_types=["t.done"])
    return FakeMessageBus(deployment, FakeWorkflowExecutions(deployment))


def event(**overrides) -> dict:
    return {
        "specversion": "1.0",
        "id": "1",
        "source": "//src",
        "type": "t.done",
        "datacontenttype": "application/json",
        "data": {"k": "v"},
        **overrides,
    }


def rejected(bus: FakeMessageBus, body, bus_name: str = BUS) -> str:
    with pytest.raises(ApiError) as info:
        bus.publish(bus_name, body, 0.0)
    assert info.value.code == 400
    return info.value.body["error"]["message"]


def test_json_message_is_delivered_to_every_enrolled_workflow(bus):
    assert bus.publish(BUS, {"jsonMessage": json.dumps(event(subject="s1"))}, 5.0) == {}
    [published] = bus.published
    assert published.delivered_to == ["importer", "auditor"]
    assert published.published_at == 5.0
    queued = bus.executions.pending
    assert [r.workflow for r in queued] == ["importer", "auditor"]
    assert queued[0].argument == event(subject="s1")
    assert queued[0].source == "event"
    assert queued[0].name.startswith("projects/p/locations/us-central1/workflows/importer/")


def test_data_base64_is_decoded(bus):
    payload = base64.b64encode(json.dumps({"n": 1}).encode()).decode()
    message = {k: v for k, v in event().items() if k != "data"} | {"data_base64": payload}
    bus.publish(BUS, {"jsonMessage": json.dumps(message)}, 0.0)
    assert bus.published[0].event["data"] == {"n": 1}
    assert "data_base64" not in bus.published[0].event


def test_proto_message_becomes_the_structured_cloud_event(bus):
    bus.publish(
        BUS,
        {
            "protoMessage": {
                "id": "9",
                "source": "//src",
                "specVersion": "1.0",
                "type": "t.done",
                "attributes": {
                    "datacontenttype": {"ceString": "application/json"},
                    "subject": {"ceString": "scenes/s1"},
                },
                "textData": '{"scene": "s1"}',
            }
        },
        0.0,
    )
    assert bus.published[0].event == {
        "specversion": "1.0",
        "id": "9",
        "source": "//src",
        "type": "t.done",
        "datacontenttype": "application/json",
        "subject": "scenes/s1",
        "data": {"scene": "s1"},
    }


def test_unrouted_types_are_recorded_but_start_nothing(bus):
    bus.publish(BUS, {"jsonMessage": json.dumps(event(type="other"))}, 0.0)
    assert bus.of_type("other")[0].delivered_to == []
    assert bus.executions.pending == []


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"jsonMessage": json.dumps({"specversion": "1.0", "id": "1"})}, "source, type"),
        ({"jsonMessage": json.dumps(event(specversion="0.3"))}, "specversion"),
        ({"jsonMessage": {"id": "1"}}, "JSON string"),
        ({"jsonMessage": "{not json"}, "not valid JSON"),
        ({"avroMessage": "AAAA"}, "avroMessage"),
        ({"jsonMessage": json.dumps({**event(), "data_base64": "@@"})}, "base64"),
        ({}, "exactly one"),
        ({"jsonMessage": "{}", "protoMessage": {}}, "exactly one"),
    ],
)
def test_invalid_publish_requests_are_http_400(bus, body, fragment):
    assert fragment in rejected(bus, body)
    assert bus.published == []


def test_bus_name_must_be_a_full_resource_name(bus):
    assert "messageBuses" in rejected(bus, {"jsonMessage": json.dumps(event())}, "bus")
