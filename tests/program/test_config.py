"""Stack config: both real stack files validate; every invalid value is reported with its
key, the bad value and what is allowed; several problems are reported together."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pulumi
import pytest
import yaml
from pulumi.runtime import config as runtime_config
from pulumi.runtime import settings

from components import config_checks as checks
from components.config import (
    PROGRAM_LABEL_KEYS,
    ConfigError,
    StackConfig,
    load_stack_config,
    read_stack_config,
)
from components.stack_files import engine_config, file_config, load_stack, project_name

NAMESPACE = project_name()


def _raw(stack: str) -> dict[str, Any]:
    """The project-namespace keys of a stack file, without the namespace."""
    prefix = f"{NAMESPACE}:"
    return {k[len(prefix) :]: v for k, v in file_config(stack).items() if k.startswith(prefix)}


def _load(raw: dict[str, Any], project: str | None = "blueprint-test", region: str | None = "us-central1"):
    return load_stack_config(raw, project=project, region=region)


def _problems(raw: dict[str, Any], **kwargs: Any) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        _load(raw, **kwargs)
    assert str(caught.value).startswith("invalid stack config:")
    return caught.value.problems


# --- the real stack files ---------------------------------------------------------------


def test_staging_stack_file_validates_with_its_values() -> None:
    config = load_stack("staging")
    assert config.environment == "staging"
    assert config.project == "blueprint-pipeline-staging"
    assert config.bucket == "blueprint-pipeline-staging-scenes"
    assert config.bucket_location == "us-central1"
    assert config.canary.percent == 25
    assert config.deletion_protection is False
    assert config.experimental.enabled("dream2flow") and not config.experimental.enabled("dwm")
    assert config.retention.dry_run is True
    assert config.scene_generation.enabled is False


def test_prod_stack_file_validates_with_production_safeguards() -> None:
    config = load_stack("prod")
    assert config.environment == "production"
    assert config.deletion_protection is True
    assert config.firebase.uploads is True
    assert config.firebase.storage_bucket == "blueprint-pipeline-prod.firebasestorage.app"
    assert config.canary.percent == 5
    assert config.bucket_location == "us"
    assert not config.experimental.enabled("dream2flow") and not config.experimental.enabled("dwm")
    assert config.event_routing == "router"


@pytest.mark.parametrize("stack", ["staging", "prod"])
def test_engine_representation_of_stack_file_reads_back_identically(stack: str) -> None:
    """What the CLI passes (strings; maps as JSON) gives the same config as the typed file."""
    with _pulumi_config(engine_config(stack)):
        assert read_stack_config() == load_stack(stack)


def test_read_stack_config_rejects_unknown_keys_of_the_namespace() -> None:
    values = engine_config("staging") | {f"{NAMESPACE}:bukcet": "typo-bucket"}
    with _pulumi_config(values), pytest.raises(ConfigError) as caught:
        read_stack_config()
    assert caught.value.problems == [
        'bukcet: got "typo-bucket" (a string); expected a known key; this project takes '
        "environment, bucket, bucketLocation, circuitBreakerThreshold, eventRouting, "
        "deletionProtection, callLogLevel, regions, canary, experimental, geniesim, firebase, gke, poller, "
        "retention, sceneBatch, reconciler, sceneGeneration, labels, monitoring, jobRegions, eventBus"
    ]


def test_read_stack_config_reports_a_map_key_set_without_path_as_not_a_map() -> None:
    values = engine_config("staging") | {f"{NAMESPACE}:canary": "25"}
    with _pulumi_config(values), pytest.raises(ConfigError) as caught:
        read_stack_config()
    assert caught.value.problems == [
        "canary: got 25 (an integer); expected a map with keys percent, imageTag, stableImageTag, "
        "releaseChannel, rollbackMarker, tags, sceneIds"
    ]


class _pulumi_config:
    """Sets the SDK's project and config map for one `with` block, then restores them."""

    def __init__(self, values: dict[str, str]) -> None:
        self.values = values

    def __enter__(self) -> None:
        self.saved = settings.get_project(), dict(runtime_config.CONFIG.get())
        settings._set_project(NAMESPACE)
        pulumi.runtime.set_all_config(self.values)

    def __exit__(self, *exc: object) -> None:
        settings._set_project(self.saved[0])
        pulumi.runtime.set_all_config(self.saved[1])


# --- defaults and accepted forms ---------------------------------------------------------


def test_minimal_config_gets_documented_defaults() -> None:
    config = _load({"environment": "staging", "bucket": "scenes-bucket"}, region="europe-west1")
    assert config == StackConfig(
        project="blueprint-test",
        region="europe-west1",
        environment="staging",
        bucket="scenes-bucket",
        bucket_location="europe-west1",
    )
    assert config.event_bus_region == "europe-west1"
    assert config.job_regions == {}
    assert config.events.publishers == ()
    assert (config.primary_region, config.secondary_region, config.legacy_region) == (
        "us-central1",
        "us-east1",
        "us-central1",
    )
    assert config.circuit_breaker_threshold == 3
    assert config.poller.schedule == "*/10 * * * *"
    assert config.scene_generation.enabled is False
    assert config.deletion_protection is True
    assert config.event_routing == "router"
    assert config.call_log_level == "LOG_ERRORS_ONLY"


def test_top_level_scalars_may_be_strings_as_pulumi_stores_them() -> None:
    raw = _raw("staging") | {"circuitBreakerThreshold": "5", "deletionProtection": "true"}
    config = _load(raw)
    assert config.circuit_breaker_threshold == 5
    assert config.deletion_protection is True


@pytest.mark.parametrize(
    "schedule",
    [
        "*/5 * * * *",
        "*/6 * * * *",
        "*/9 * * * *",
        "*/10 * * * *",
        "0,10,20,30,40,50 * * * *",
        "0-59/5 * * * *",
    ],
)
def test_poller_accepts_every_5_to_10_minutes(schedule: str) -> None:
    raw = _raw("staging")
    raw["poller"] = {"schedule": schedule}
    assert _load(raw).poller.schedule == schedule


def test_env_values_follow_config() -> None:
    env = load_stack("prod").env_values()
    assert env["CANARY_PERCENT"] == "5"
    assert env["PRIMARY_BUCKET"] == "blueprint-pipeline-prod-scenes"
    assert env["FIREBASE_STORAGE_BUCKET"] == "blueprint-pipeline-prod.firebasestorage.app"
    assert env["ENABLE_FIREBASE_UPLOAD"] == "true"
    assert env["GENIESIM_CIRCUIT_BREAKER_THRESHOLD"] == "3"
    assert env["CANARY_TAGS"] == "canary"
    # geniesim section defaults; ALLOW_IDEMPOTENT_RETRY is empty when off (the original
    # tested for a non-empty value).
    assert (
        env["GENIESIM_BREAKER_COOLDOWN_SECONDS"],
        env["GENIESIM_CLAIM_LEASE_SECONDS"],
        env["GENIESIM_IMPORT_WAIT_SECONDS"],
        env["ALLOW_IDEMPOTENT_RETRY"],
    ) == ("3600", "900", "7200", "")


def test_geniesim_section_sets_its_env() -> None:
    raw = _raw("staging") | {
        "geniesim": {
            "breakerCooldownSeconds": 600,
            "claimLeaseSeconds": 120,
            "importWaitSeconds": 10800,
            "allowIdempotentRetry": True,
        }
    }
    env = _load(raw).env_values()
    assert (
        env["GENIESIM_BREAKER_COOLDOWN_SECONDS"],
        env["GENIESIM_CLAIM_LEASE_SECONDS"],
        env["GENIESIM_IMPORT_WAIT_SECONDS"],
        env["ALLOW_IDEMPOTENT_RETRY"],
    ) == ("600", "120", "10800", "true")


# --- every invalid case: key, bad value, allowed ------------------------------------------

# (description, change to the staging config, key, the value as shown, text of what is allowed)
_INVALID: list[tuple[str, dict[str, Any], str, str, str]] = [
    ("unknown environment", {"environment": "prod"}, "environment", '"prod"', "one of staging, production"),
    ("missing environment", {"environment": None}, "environment", "nothing", "one of staging, production"),
    ("uppercase bucket", {"bucket": "My_Bucket"}, "bucket", '"My_Bucket"', "a bucket name: 3-63"),
    (
        "google in bucket",
        {"bucket": "my-google-data"},
        "bucket",
        '"my-google-data"',
        "not containing 'google'",
    ),
    ("ip bucket", {"bucket": "192.168.5.4"}, "bucket", '"192.168.5.4"', "not an IP address"),
    ("short bucket", {"bucket": "ab"}, "bucket", '"ab"', "3-63 characters"),
    ("missing bucket", {"bucket": None}, "bucket", "nothing", "pulumi config set bucket"),
    ("bucket as number", {"bucket": 42}, "bucket", "42 (an integer)", "a string"),
    ("uppercase location", {"bucketLocation": "US"}, "bucketLocation", '"US"', "lowercase"),
    ("bad location", {"bucketLocation": "mars"}, "bucketLocation", '"mars"', "us, eu, asia"),
    (
        "bad region",
        {"regions": {"primary": "uscentral1"}},
        "regions.primary",
        '"uscentral1"',
        "a region name",
    ),
    (
        "same regions",
        {"regions": {"primary": "us-east1", "secondary": "us-east1"}},
        "regions.secondary",
        '"us-east1"',
        "a region other than regions.primary",
    ),
    (
        "unknown region key",
        {"regions": {"tertiary": "x"}},
        "regions.tertiary",
        '"x"',
        "regions takes primary",
    ),
    (
        "percent as string",
        {"canary": {"percent": "25"}},
        "canary.percent",
        '"25" (a string)',
        "an integer from 0",
    ),
    ("percent as bool", {"canary": {"percent": True}}, "canary.percent", "true (a boolean)", "0 to 100"),
    ("percent as float", {"canary": {"percent": 25.5}}, "canary.percent", "25.5 (a number)", "0 to 100"),
    ("percent above 100", {"canary": {"percent": 101}}, "canary.percent", "101", "0 to 100"),
    ("percent below 0", {"canary": {"percent": -1}}, "canary.percent", "-1", "0 to 100"),
    ("bad image tag", {"canary": {"imageTag": "-canary"}}, "canary.imageTag", '"-canary"', "an image tag"),
    (
        "space in stable tag",
        {"canary": {"stableImageTag": "isaac sim"}},
        "canary.stableImageTag",
        '"isaac sim"',
        "an image tag",
    ),
    (
        "bad channel",
        {"canary": {"releaseChannel": "beta"}},
        "canary.releaseChannel",
        '"beta"',
        "stable, canary",
    ),
    (
        "marker without placeholder",
        {"canary": {"rollbackMarker": "scenes/x/.canary_rollback"}},
        "canary.rollbackMarker",
        '"scenes/x/.canary_rollback"',
        "containing {scene_id}",
    ),
    (
        "marker with other placeholder",
        {"canary": {"rollbackMarker": "scenes/{scene_id}/{job}/.rb"}},
        "canary.rollbackMarker",
        '"scenes/{scene_id}/{job}/.rb"',
        "no other {placeholder}",
    ),
    (
        "absolute marker",
        {"canary": {"rollbackMarker": "/scenes/{scene_id}/.rb"}},
        "canary.rollbackMarker",
        '"/scenes/{scene_id}/.rb"',
        "an object-name template",
    ),
    ("tags not a list", {"canary": {"tags": "canary"}}, "canary.tags", '"canary" (a string)', "a list of"),
    ("comma in tag", {"canary": {"tags": ["a,b"]}}, "canary.tags[0]", '"a,b"', "without commas"),
    (
        "slash in scene id",
        {"canary": {"sceneIds": ["a/b"]}},
        "canary.sceneIds[0]",
        '"a/b"',
        "without commas, slashes",
    ),
    ("canary typo", {"canary": {"percnt": 5}}, "canary.percnt", "5", "canary takes percent"),
    ("canary not a map", {"canary": 25}, "canary", "25", "a map with keys percent"),
    ("threshold zero", {"circuitBreakerThreshold": 0}, "circuitBreakerThreshold", "0", "an integer >= 1"),
    ("threshold text", {"circuitBreakerThreshold": "three"}, "circuitBreakerThreshold", '"three"', ">= 1"),
    ("threshold bool", {"circuitBreakerThreshold": True}, "circuitBreakerThreshold", "true", ">= 1"),
    (
        "cool-down too short",
        {"geniesim": {"breakerCooldownSeconds": 5}},
        "geniesim.breakerCooldownSeconds",
        "5",
        "an integer from 60 to 86400",
    ),
    (
        "lease as text",
        {"geniesim": {"claimLeaseSeconds": "900"}},
        "geniesim.claimLeaseSeconds",
        '"900"',
        "an integer from 60 to 86400",
    ),
    ("geniesim typo", {"geniesim": {"importWait": 60}}, "geniesim.importWait", "60", "geniesim takes"),
    (
        "nested bool as string",
        {"experimental": {"dwm": "true"}},
        "experimental.dwm",
        '"true" (a string)',
        "true or false",
    ),
    (
        "firebase bucket invalid",
        {"firebase": {"uploads": True, "storageBucket": "Bad Bucket"}},
        "firebase.storageBucket",
        '"Bad Bucket"',
        "a bucket name",
    ),
    (
        "poller every 4",
        {"poller": {"schedule": "*/4 * * * *"}},
        "poller.schedule",
        '"*/4 * * * *"',
        "gaps of [4]",
    ),
    (
        "poller every 7",
        {"poller": {"schedule": "*/7 * * * *"}},
        "poller.schedule",
        '"*/7 * * * *"',
        "gaps of [4, 7]",
    ),
    (
        "poller every 15",
        {"poller": {"schedule": "*/15 * * * *"}},
        "poller.schedule",
        '"*/15 * * * *"',
        "5 to 10",
    ),
    (
        "poller hourly",
        {"poller": {"schedule": "0 * * * *"}},
        "poller.schedule",
        '"0 * * * *"',
        "gaps of [60]",
    ),
    (
        "poller office hours",
        {"poller": {"schedule": "*/5 9-17 * * *"}},
        "poller.schedule",
        '"*/5 9-17',
        "clock",
    ),
    (
        "poller not cron",
        {"poller": {"schedule": "every 5 minutes"}},
        "poller.schedule",
        '"every 5',
        "5 fields",
    ),
    ("bad time zone", {"poller": {"timeZone": "Mars/Olympus"}}, "poller.timeZone", '"Mars/Olympus"', "IANA"),
    (
        "bad hour",
        {"retention": {"schedule": "0 25 * * *"}},
        "retention.schedule",
        '"0 25 * * *"',
        "hour field",
    ),
    ("days zero", {"retention": {"days": 0}}, "retention.days", "0", "an integer from 1 to 3650"),
    ("days too many", {"retention": {"days": 3651}}, "retention.days", "3651", "1 to 3650"),
    ("days as string", {"retention": {"days": "30"}}, "retention.days", '"30" (a string)', "1 to 3650"),
    ("dry run yes", {"retention": {"dryRun": "yes"}}, "retention.dryRun", '"yes"', "true or false"),
    (
        "scene generation enabled as string",
        {"sceneGeneration": {"enabled": "false"}},
        "sceneGeneration.enabled",
        '"false" (a string)',
        "true or false",
    ),
    ("bad routing", {"eventRouting": "fanout"}, "eventRouting", '"fanout"', "one of router, direct"),
    (
        "reconciler without a router",
        {"eventRouting": "direct"},
        "reconciler.enabled",
        "true",
        "false with eventRouting: direct",
    ),
    ("label key case", {"labels": {"Team": "x"}}, "labels.Team", '"Team"', "a label key"),
    ("label value case", {"labels": {"team": "Robotics"}}, "labels.team", '"Robotics"', "a label value"),
    ("label value number", {"labels": {"tier": 5}}, "labels.tier", "5 (an integer)", "a string label value"),
    ("reserved label", {"labels": {"workflow": "x"}}, "labels.workflow", '"x"', "the program sets those"),
    ("labels not a map", {"labels": ["a"]}, "labels", '["a"]', "a map of label key"),
    ("protection text", {"deletionProtection": "no"}, "deletionProtection", '"no"', "true or false"),
    ("bad log level", {"callLogLevel": "DEBUG"}, "callLogLevel", '"DEBUG"', "LOG_ALL_CALLS, LOG_ERRORS_ONLY"),
    ("unknown key", {"bukcet": "x"}, "bukcet", '"x"', "a known key"),
]


@pytest.mark.parametrize(
    ("change", "key", "shown", "allowed"),
    [case[1:] for case in _INVALID],
    ids=[case[0] for case in _INVALID],
)
def test_invalid_value_names_key_value_and_allowed(
    change: dict[str, Any], key: str, shown: str, allowed: str
) -> None:
    raw = _raw("staging")
    for name, value in change.items():
        if value is None:
            raw.pop(name)
        else:
            raw[name] = value
    problems = _problems(raw)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{key}: got {shown}"), problems[0]
    assert "expected" in problems[0]
    assert allowed in problems[0], problems[0]


@pytest.mark.parametrize(
    "section", ["regions", "canary", "experimental", "firebase", "poller", "retention", "sceneGeneration"]
)
def test_unknown_key_in_each_section_is_reported_once(section: str) -> None:
    raw = _raw("staging")
    raw[section] = dict(raw.get(section, {}), colour="blue")
    (problem,) = _problems(raw)
    assert problem.startswith(
        f'{section}.colour: got "blue" (a string); expected no such key; {section} takes '
    )


def test_too_many_labels_counts_the_program_labels() -> None:
    room = 64 - len(PROGRAM_LABEL_KEYS)
    raw = _raw("staging") | {"labels": {f"l{i}": "v" for i in range(room + 1)}}
    assert _problems(raw) == [
        f"labels: got {room + 1} labels; expected at most {room} labels (64 minus the program's own)"
    ]
    raw["labels"] = {f"l{i}": "v" for i in range(room)}
    assert len(_load(raw).labels) == room


def test_gcp_project_and_region_are_required_and_checked() -> None:
    problems = _problems(_raw("staging"), project="P", region=None)
    assert problems == [
        'gcp:project: got "P" (a string); expected a project id: 6-30 lowercase letters, digits and '
        "hyphens, starting with a letter",
        "gcp:region: got nothing (the key is missing); expected a value; set it with "
        "`pulumi config set gcp:region <value>`",
    ]


def test_production_requires_deletion_protection_and_rejects_rather_than_forces() -> None:
    raw = _raw("prod") | {"deletionProtection": False}
    (problem,) = _problems(raw)
    assert problem.startswith(
        "deletionProtection: got false (a boolean); expected true when environment is production"
    )
    raw["deletionProtection"] = "false"  # the string form from `pulumi config set` is the same mistake
    assert _problems(raw)[0].startswith('deletionProtection: got "false" (a string); expected true')


def test_production_firebase_uploads_need_a_storage_bucket() -> None:
    raw = _raw("prod")
    raw["firebase"] = {"uploads": True}
    assert _problems(raw) == [
        "firebase.storageBucket: got nothing (the key is missing); expected a Firebase storage bucket "
        "name: production with firebase.uploads=true requires it (or set firebase.uploads to false)"
    ]
    raw["firebase"] = {"uploads": False}
    assert _load(raw).firebase.storage_bucket == ""


def test_staging_may_upload_to_firebase_without_a_bucket_and_drop_protection() -> None:
    raw = _raw("staging") | {"firebase": {"uploads": True}, "deletionProtection": "false"}
    config = _load(raw)
    assert config.firebase.uploads is True
    assert config.deletion_protection is False


def test_several_problems_are_reported_together() -> None:
    raw = _raw("prod")
    raw["canary"] = dict(raw["canary"], percent="25", releaseChannel="beta")
    raw["poller"] = {"schedule": "*/15 * * * *", "timeZone": "Nowhere/City"}
    raw["deletionProtection"] = False
    raw.pop("bucket")
    problems = _problems(raw)
    keys = [problem.split(":")[0] for problem in problems]
    assert sorted(keys) == sorted(
        [
            "bucket",
            "deletionProtection",
            "canary.percent",
            "canary.releaseChannel",
            "poller.schedule",
            "poller.timeZone",
        ]
    )


def test_stack_file_errors_surface_through_load_stack(tmp_path: Path) -> None:
    """A broken copy of a real stack file fails like a preview would, before any resource."""
    (tmp_path / "Pulumi.yaml").write_text(f"name: {NAMESPACE}\nruntime: python\n")
    broken = copy.deepcopy(file_config("prod"))
    broken[f"{NAMESPACE}:canary"]["percent"] = 250
    (tmp_path / "Pulumi.prod.yaml").write_text(yaml.safe_dump({"config": broken}))
    with pytest.raises(ConfigError) as caught:
        load_stack("prod", root=tmp_path)
    assert caught.value.problems == [
        "canary.percent: got 250 (an integer); expected an integer from 0 to 100"
    ]
    with pytest.raises(ValueError, match="known stacks: prod"):
        load_stack("qa", root=tmp_path)


# --- the format rules themselves --------------------------------------------------------


@pytest.mark.parametrize(
    ("schedule", "ok"),
    [
        ("0 3 * * *", True),
        ("30 8 * * MON-FRI", True),
        ("0 0 1 JAN,JUL *", True),
        ("*/15 * * * 0-6", True),
        ("0 3 * *", False),
        ("60 3 * * *", False),
        ("0 3 32 * *", False),
        ("0 3 * 13 *", False),
        ("0 3 * * 8", False),
        ("5-1 * * * *", False),
        ("*/0 * * * *", False),
    ],
)
def test_cron_rule(schedule: str, ok: bool) -> None:
    assert (checks.check_cron(schedule) is None) is ok


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("blueprint-pipeline-prod.firebasestorage.app", True),
        ("a_b-c", True),
        ("abc", True),
        ("-abc", False),
        ("abc-", False),
        ("a..b", False),
        ("goog-data", False),
        ("x" * 64, False),
        (".".join(["x" * 63] * 3), True),
    ],
)
def test_bucket_name_rule(name: str, ok: bool) -> None:
    assert (checks.check_bucket_name(name) is None) is ok


# --- gke (episode generation's GPU clusters) --------------------------------------------------


def test_gke_defaults_are_the_original_values_and_reach_the_env() -> None:
    config = _load({"environment": "staging", "bucket": "scenes-bucket"})
    env = config.env_values()
    assert {key: env[key] for key in env if "GKE" in key or key == "EPISODE_IMAGE_REPOSITORY"} == {
        "PRIMARY_GKE_CLUSTER": "blueprint-cluster",
        "PRIMARY_GKE_ZONE": "us-central1-a",
        "SECONDARY_GKE_CLUSTER": "blueprint-cluster-secondary",
        "SECONDARY_GKE_ZONE": "us-east1-b",
        "GKE_NAMESPACE": "blueprint",
        "EPISODE_IMAGE_REPOSITORY": "blueprint-jobs",
    }
    custom = _load(
        {
            "environment": "staging",
            "bucket": "b-1234",
            "gke": {"namespace": "gpu", "primaryLocation": "europe-west4"},
        }
    )
    assert (custom.gke.namespace, custom.gke.primary_location) == ("gpu", "europe-west4")


@pytest.mark.parametrize(
    ("gke", "problem"),
    [
        ({"primaryCluster": "Blueprint_Cluster"}, "gke.primaryCluster: got"),
        ({"secondaryLocation": "east"}, "gke.secondaryLocation: got"),
        ({"namespace": "-bad-"}, "gke.namespace: got"),
        ({"imageRepository": "Jobs"}, "gke.imageRepository: got"),
        (
            {"secondaryCluster": "blueprint-cluster", "secondaryLocation": "us-central1-a"},
            "gke.secondaryCluster: got",
        ),
    ],
)
def test_gke_values_are_checked(gke: dict[str, str], problem: str) -> None:
    problems = _problems({"environment": "staging", "bucket": "b-1234", "gke": gke})
    assert len(problems) == 1 and problems[0].startswith(problem), problems
