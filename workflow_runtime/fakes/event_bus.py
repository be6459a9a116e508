"""A fake Eventarc Advanced message bus with enrollments that route by event type.

Publishing follows the Eventarc Publishing API (`POST https://eventarcpublishing.
googleapis.com/v1/projects/P/locations/L/messageBuses/B:publish`), whose body holds the
CloudEvent as `jsonMessage` (a JSON string in the CloudEvents JSON format) or
`protoMessage` (the CloudEvent proto as JSON); the response is an empty map. There is no
Workflows connector for it, so workflows publish with `http.post` and OAuth2; the HTTP
router hands such requests here.

Each enrollment matches `message.type == "<type>"` and its pipeline delivers the event to a
workflow destination, which receives the CloudEvent in the structured JSON format as its
execution argument: `{"specversion", "id", "source", "type", "datacontenttype"?, "time"?,
"data", <extension attributes>}`, `data` JSON-decoded when the content type is JSON. The
deliveries are queued executions (see executions.py); events nobody enrolled for are only
recorded.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from workflow_runtime.connectors.errors import ApiError, api_error
from workflow_runtime.fakes.deployment import Deployment
from workflow_runtime.fakes.executions import FakeWorkflowExecutions

_REQUIRED = ("specversion", "id", "source", "type")


@dataclass
class PublishedEvent:
    """One event published to the bus and the workflows it was delivered to."""

    bus: str
    event: dict[str, Any]
    published_at: float
    delivered_to: list[str] = field(default_factory=list)

    @property
    def type(self) -> str:
        """The CloudEvent type."""
        return str(self.event["type"])


class FakeMessageBus:
    """Records published events and routes them to the enrolled workflows."""

    def __init__(self, deployment: Deployment, executions: FakeWorkflowExecutions) -> None:
        self.deployment = deployment
        self.executions = executions
        self.published: list[PublishedEvent] = []

    def of_type(self, event_type: str) -> list[PublishedEvent]:
        """Published events of one type, oldest first."""
        return [e for e in self.published if e.type == event_type]

    def publish(self, bus: str, body: Any, now: float) -> dict[str, Any]:
        """Handle a Publish request for bus `projects/P/locations/L/messageBuses/B`."""
        parts = bus.split("/")
        if len(parts) != 6 or parts[0::2] != ["projects", "locations", "messageBuses"]:
            raise _bad_request(
                f"Invalid message bus name {bus!r}; expected "
                "projects/PROJECT/locations/LOCATION/messageBuses/BUS"
            )
        event = _cloud_event(body)
        record = PublishedEvent(bus, event, now)
        self.published.append(record)
        for workflow in self.deployment.routes_for(record.type):
            self.executions.enqueue(parts[1], parts[3], workflow, event, now, "event")
            record.delivered_to.append(workflow)
        return {}


def _cloud_event(body: Any) -> dict[str, Any]:
    if not isinstance(body, Mapping):
        raise _bad_request("the Publish body must be a map with jsonMessage or protoMessage")
    formats = [key for key in ("jsonMessage", "protoMessage", "avroMessage") if key in body]
    if len(formats) != 1:
        raise _bad_request(
            "give exactly one of jsonMessage, protoMessage (avroMessage is "
            f"not supported locally); got {sorted(body)}"
        )
    if formats[0] == "avroMessage":
        raise _bad_request("avroMessage is not supported by the local bus; use jsonMessage")
    if formats[0] == "jsonMessage":
        raw = body["jsonMessage"]
        if not isinstance(raw, str):
            raise _bad_request("jsonMessage must be a JSON string: use json.encode_to_string")
        try:
            decoded = json.loads(raw)
        except ValueError:
            raise _bad_request(f"jsonMessage is not valid JSON: {raw[:80]!r}") from None
        if not isinstance(decoded, dict):
            raise _bad_request("jsonMessage must encode a JSON object (a CloudEvent)")
        event: dict[str, Any] = decoded
    else:
        event = _from_proto(body["protoMessage"])
    missing = [key for key in _REQUIRED if not event.get(key)]
    if missing:
        raise _bad_request(f"CloudEvent is missing required attribute(s) {', '.join(missing)}")
    if event["specversion"] != "1.0":
        raise _bad_request(f"unsupported CloudEvents specversion {event['specversion']!r}")
    if "data_base64" in event:
        event["data"] = _decode_data(_base64(event.pop("data_base64")), event)
    return event


def _from_proto(proto: Any) -> dict[str, Any]:
    if not isinstance(proto, Mapping):
        raise _bad_request("protoMessage must be a map (the CloudEvent proto as JSON)")
    event: dict[str, Any] = {
        "specversion": proto.get("specVersion"),
        "id": proto.get("id"),
        "source": proto.get("source"),
        "type": proto.get("type"),
    }
    for name, value in (proto.get("attributes") or {}).items():
        if isinstance(value, Mapping) and value:
            event[name] = next(iter(value.values()))
    if "textData" in proto:
        event["data"] = _decode_data(str(proto["textData"]).encode(), event)
    elif "binaryData" in proto:
        event["data"] = _decode_data(_base64(proto["binaryData"]), event)
    return event


def _decode_data(raw: bytes, event: Mapping[str, Any]) -> Any:
    content_type = str(event.get("datacontenttype", "application/json")).lower()
    if "json" in content_type:
        try:
            return json.loads(raw)
        except ValueError:
            raise _bad_request("event data is not valid JSON but datacontenttype says JSON") from None
    return raw.decode("utf-8", errors="replace")


def _base64(text: Any) -> bytes:
    try:
        return base64.b64decode(str(text), validate=True)
    except ValueError:
        raise _bad_request(f"event data is not valid base64: {str(text)[:40]!r}") from None


def _bad_request(message: str) -> ApiError:
    return api_error(400, message)
