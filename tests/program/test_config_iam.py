"""Stack config keys of least privilege and the event bus: `jobRegions` and `eventBus`
(region, publishers, destinations), each problem named with its key and what is allowed."""

from __future__ import annotations

from typing import Any

import pytest

from components.config import ConfigError, load_stack_config
from components.stack_files import file_config, project_name

NAMESPACE = project_name()


def _raw(**extra: Any) -> dict[str, Any]:
    prefix = f"{NAMESPACE}:"
    raw = {k[len(prefix) :]: v for k, v in file_config("staging").items() if k.startswith(prefix)}
    return raw | extra


def _problems(raw: dict[str, Any], region: str = "us-central1") -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_stack_config(raw, project="blueprint-test", region=region)
    return caught.value.problems


def test_valid_keys_are_read() -> None:
    config = load_stack_config(
        _raw(
            jobRegions={"objects-job": ["us-central1"], "training-job": ["us-central1", "us-east1"]},
            eventBus={
                "region": "us-east4",
                "publishers": [
                    "serviceAccount:gpu@p-123456.iam.gserviceaccount.com",
                    "group:ops@example.com",
                ],
                "destinations": {"a.b": "projects/other-project/locations/us-east4/workflows/consumer"},
            },
        ),
        project="blueprint-test",
        region="europe-west4",
    )
    assert config.job_regions == {
        "objects-job": ("us-central1",),
        "training-job": ("us-central1", "us-east1"),
    }
    assert config.event_bus_region == "us-east4"
    assert config.event_bus == "projects/blueprint-test/locations/us-east4/messageBuses/pipeline-events"
    assert config.events.publishers == (
        "serviceAccount:gpu@p-123456.iam.gserviceaccount.com",
        "group:ops@example.com",
    )
    assert config.events.destinations == {
        "a.b": "projects/other-project/locations/us-east4/workflows/consumer"
    }


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("us-central1", 'jobRegions: got "us-central1" (a string); expected a map of Cloud Run job name'),
        ({"Objects_Job": ["us-central1"]}, "jobRegions.Objects_Job: got"),
        (
            {"objects-job": []},
            "jobRegions.objects-job: got [] (a list); expected a non-empty list of regions",
        ),
        (
            {"objects-job": "us-central1"},
            'jobRegions.objects-job: got "us-central1" (a string); expected a non-empty',
        ),
        (
            {"objects-job": ["Central"]},
            'jobRegions.objects-job[0]: got "Central" (a string); expected a region name',
        ),
        ({"objects-job": ["us-east1", "us-east1"]}, "jobRegions.objects-job: got"),
    ],
)
def test_bad_job_regions_are_named(value: Any, problem: str) -> None:
    (found,) = _problems(_raw(jobRegions=value))
    assert found.startswith(problem)


def test_duplicate_job_regions_say_each_region_once() -> None:
    (found,) = _problems(_raw(jobRegions={"objects-job": ["us-east1", "us-east1"]}))
    assert found.endswith("expected each region once")


def test_event_bus_region_is_checked_against_eventarc_advanced_regions() -> None:
    (found,) = _problems(_raw(eventBus={"region": "us-east1"}))
    assert found.startswith('eventBus.region: got "us-east1" (a string); expected a region where Eventarc')
    assert "us-east4" in found and "(or set eventBus.region" not in found


def test_gcp_region_without_eventarc_advanced_points_to_event_bus_region() -> None:
    (found,) = _problems(_raw(bucketLocation="us"), region="us-west1")
    assert found.startswith('gcp:region: got "us-west1"')
    assert found.endswith("(or set eventBus.region to one: the bus may live elsewhere)")
    load_stack_config(
        _raw(bucketLocation="us", eventBus={"region": "us-central1"}),
        project="blueprint-test",
        region="us-west1",
    )


@pytest.mark.parametrize(
    "principal",
    ["gpu@p.iam.gserviceaccount.com", "serviceAccount:", "owner:me@example.com", "user: me@example.com"],
)
def test_bad_publishers_are_named(principal: str) -> None:
    (found,) = _problems(_raw(eventBus={"publishers": [principal]}))
    assert found.startswith("eventBus.publishers[0]: got")
    assert "serviceAccount:NAME@PROJECT.iam.gserviceaccount.com" in found


def test_bad_destinations_are_named() -> None:
    problems = _problems(
        _raw(eventBus={"destinations": {"a.b": "dataset-delivery", "c.d": 3}, "typo": 1}),
    )
    assert problems == [
        "eventBus.typo: got 1 (an integer); expected no such key; eventBus takes "
        "region, publishers, destinations",
        'eventBus.destinations.a.b: got "dataset-delivery" (a string); expected a workflow id: '
        "projects/PROJECT/locations/REGION/workflows/NAME",
        "eventBus.destinations.c.d: got 3 (an integer); expected a workflow id: "
        "projects/PROJECT/locations/REGION/workflows/NAME",
    ]
