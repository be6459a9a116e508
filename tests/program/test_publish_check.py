"""components/publish_check.py: a workflow that publishes an event must say it is JSON."""

from __future__ import annotations

import textwrap

import pytest
import yaml

from components.catalog import WORKFLOWS_DIR, load_catalog
from components.publish_check import PublishError, check_publishers, publish_problems
from components.sources import workflow_source

URL = "https://eventarcpublishing.googleapis.com/v1/projects/p/locations/us-central1/messageBuses/b:publish"


def _problems(text: str) -> list[str]:
    return publish_problems("wf", yaml.safe_load(textwrap.dedent(text)))


def _publisher(event: str, message: str = "${json.encode_to_string(event)}") -> str:
    return f"""
    main:
      steps:
        - build:
            assign:
              - event: {event}
        - publish:
            call: http.post
            args:
              url: {URL}
              auth: {{type: OAuth2}}
              body:
                jsonMessage: {message}
    """


GOOD_EVENT = (
    '{specversion: "1.0", id: e1, source: //s, type: a.b, datacontenttype: application/json, data: {x: 1}}'
)


def test_an_event_map_with_the_json_content_type_passes() -> None:
    assert _problems(_publisher(GOOD_EVENT)) == []


@pytest.mark.parametrize(
    "event",
    [
        '{specversion: "1.0", id: e1, source: //s, type: a.b, data: {x: 1}}',
        '{specversion: "1.0", id: e1, source: //s, type: a.b, datacontenttype: text/plain, data: x}',
    ],
)
def test_an_event_without_the_json_content_type_is_named(event: str) -> None:
    assert _problems(_publisher(event)) == [
        "wf: step 'publish' of main publishes an event without datacontenttype: build the event as a map "
        "with `datacontenttype: application/json` and send `jsonMessage: ${json.encode_to_string(event)}`"
    ]


def test_a_message_the_check_cannot_read_is_refused() -> None:
    """An expression other than json.encode_to_string(NAME) cannot be verified: refused."""
    built = _publisher(GOOD_EVENT, message="${json.encode_to_string(map.merge(event, {}))}")
    assert len(_problems(built)) == 1


def test_literal_json_and_proto_messages() -> None:
    literal = (
        '\'{"specversion": "1.0", "id": "e", "source": "s", "type": "a.b", '
        '"datacontenttype": "application/json"}\''
    )
    assert _problems(_publisher(GOOD_EVENT, message=literal)) == []
    assert len(_problems(_publisher(GOOD_EVENT, message='\'{"id": "e"}\''))) == 1
    proto = f"""
    main:
      steps:
        - publish:
            call: http.post
            args:
              url: {URL}
              body:
                protoMessage:
                  id: e
                  attributes:
                    datacontenttype: {{ceString: application/json}}
    """
    assert _problems(proto) == []
    assert len(_problems(proto.replace("application/json", "text/plain"))) == 1


def test_publishing_steps_are_found_at_any_depth() -> None:
    """Inside try (inline), switch conditions, for loops and parallel branches."""
    nested = f"""
    main:
      steps:
        - build:
            assign:
              - event: {{id: e, type: a.b}}
        - guarded:
            try:
              call: http.post
              args: {{url: {URL}, body: {{jsonMessage: "${{json.encode_to_string(event)}}"}}}}
            except:
              as: e
              steps:
                - again:
                    call: http.post
                    args: {{url: {URL}, body: {{jsonMessage: "${{json.encode_to_string(event)}}"}}}}
        - choose:
            switch:
              - condition: true
                steps:
                  - in_switch:
                      call: http.post
                      args: {{url: {URL}, body: {{jsonMessage: "${{json.encode_to_string(event)}}"}}}}
        - fan_out:
            parallel:
              branches:
                - one:
                    steps:
                      - in_branch:
                          call: http.post
                          args: {{url: {URL}, body: {{jsonMessage: "${{json.encode_to_string(event)}}"}}}}
        - loop:
            for:
              value: i
              in: [1]
              steps:
                - in_loop:
                    call: http.request
                    args:
                      method: POST
                      url: {URL}
                      body: {{jsonMessage: "${{json.encode_to_string(event)}}"}}
    """
    steps = [line.split("'")[1] for line in _problems(nested)]
    assert steps == ["guarded.try", "again", "in_switch", "in_branch", "in_loop"]


def test_every_deployable_source_passes() -> None:
    """The check the program runs, on every body as deployed (library merged) and the router."""
    sources = {name: workflow_source(spec.path) for name, spec in load_catalog().workflows.items()}
    sources["marker-router"] = workflow_source(WORKFLOWS_DIR / "marker-router.yaml")
    check_publishers(sources)
    with pytest.raises(PublishError, match="events published without a content type"):
        check_publishers({**sources, "bad": textwrap.dedent(_publisher("{id: e}"))})
