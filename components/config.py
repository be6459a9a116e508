"""Typed, validated stack configuration: the only place the program reads stack config.

`load_stack_config` turns the raw key/value pairs of one stack (as `pulumi config` stores
them under this project's namespace, plus `gcp:project` / `gcp:region`) into a frozen
`StackConfig`, or raises `ConfigError` listing EVERY problem, each naming the key, the bad
value and what is allowed. The Pulumi program calls it before registering any resource,
so an invalid stack fails `pulumi preview` with nothing half-created.

`StackConfig.env_values()` is the table from user_env_vars names to values; the catalog
says which names each workflow receives.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

# One bus per project and region (an Eventarc Advanced limit); its id is fixed.
EVENT_BUS_ID = "pipeline-events"

EventRouting = Literal["router", "direct"]
CallLogLevel = Literal["LOG_ALL_CALLS", "LOG_ERRORS_ONLY", "LOG_NONE"]


class ConfigError(ValueError):
    """Invalid stack config; `problems` holds one line per bad key."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("invalid stack config:\n" + "\n".join(f"  - {problem}" for problem in problems))


@dataclass(frozen=True)
class CanaryConfig:
    """Genie Sim export canary rollout (release managers edit `percent`)."""

    percent: int = 0
    image_tag: str = "isaacsim-canary"
    stable_image_tag: str = "isaacsim"
    release_channel: str = "stable"
    # Object checked before every export; `{scene_id}` is replaced by the workflow.
    rollback_marker: str = "scenes/{scene_id}/geniesim/.canary_rollback"
    tags: tuple[str, ...] = ()
    scene_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class ExperimentalConfig:
    """Experimental workflows; `shared` is ENABLE_EXPERIMENTAL and enables all of them."""

    dream2flow: bool = False
    dwm: bool = False
    shared: bool = False

    def enabled(self, flag: str) -> bool:
        """True when the experimental workflow `flag` (dream2flow | dwm) is enabled."""
        return self.shared or bool(getattr(self, flag))


@dataclass(frozen=True)
class FirebaseConfig:
    """Firebase uploads of Genie Sim episodes."""

    uploads: bool = False
    storage_bucket: str = ""


@dataclass(frozen=True)
class ScheduleConfig:
    """One Cloud Scheduler job: cron, time zone, and whether it runs (else created paused)."""

    schedule: str
    time_zone: str = "Etc/UTC"
    enabled: bool = True


@dataclass(frozen=True)
class RetentionConfig:
    """The daily retention cleanup: its schedule and the retention window."""

    schedule: ScheduleConfig = field(default_factory=lambda: ScheduleConfig("0 3 * * *"))
    days: int = 30
    dry_run: bool = False


@dataclass(frozen=True)
class StackConfig:
    """Everything tunable about one stack, validated."""

    project: str
    region: str
    environment: Literal["staging", "production"]
    bucket: str
    bucket_location: str
    primary_region: str = "us-central1"
    secondary_region: str = "us-east1"
    legacy_region: str = "us-central1"
    canary: CanaryConfig = field(default_factory=CanaryConfig)
    circuit_breaker_threshold: int = 3
    experimental: ExperimentalConfig = field(default_factory=ExperimentalConfig)
    firebase: FirebaseConfig = field(default_factory=FirebaseConfig)
    poller: ScheduleConfig = field(default_factory=lambda: ScheduleConfig("*/10 * * * *"))
    retention: RetentionConfig = field(default_factory=RetentionConfig)
    scene_generation: ScheduleConfig = field(
        default_factory=lambda: ScheduleConfig("0 8 * * *", "America/Los_Angeles", False)
    )
    event_routing: EventRouting = "router"
    labels: Mapping[str, str] = field(default_factory=dict)
    deletion_protection: bool = True
    call_log_level: CallLogLevel = "LOG_ERRORS_ONLY"

    def schedule(self, settings: str) -> ScheduleConfig:
        """The schedule named by a catalog trigger's `settings` key."""
        return {
            "poller": self.poller,
            "retention": self.retention.schedule,
            "sceneGeneration": self.scene_generation,
        }[settings]

    @property
    def event_bus(self) -> str:
        """Full name of the stack's Eventarc Advanced message bus."""
        return f"projects/{self.project}/locations/{self.region}/messageBuses/{EVENT_BUS_ID}"

    def env_values(self) -> dict[str, str]:
        """Every user_env_vars name the catalog may ask for, with its value for this stack."""
        return {
            "PRIMARY_BUCKET": self.bucket,
            "PRIMARY_WORKFLOW_REGION": self.primary_region,
            "SECONDARY_WORKFLOW_REGION": self.secondary_region,
            "WORKFLOW_REGION": self.legacy_region,
            "GENIESIM_CIRCUIT_BREAKER_THRESHOLD": str(self.circuit_breaker_threshold),
            "CANARY_PERCENT": str(self.canary.percent),
            "CANARY_TAGS": ",".join(self.canary.tags),
            "CANARY_SCENE_IDS": ",".join(self.canary.scene_ids),
            "CANARY_RELEASE_CHANNEL": self.canary.release_channel,
            "CANARY_ROLLBACK_MARKER": self.canary.rollback_marker,
            "GENIESIM_CANARY_IMAGE_TAG": self.canary.image_tag,
            "GENIESIM_IMAGE_TAG": self.canary.stable_image_tag,
            "ENABLE_DREAM2FLOW": _flag(self.experimental.dream2flow),
            "ENABLE_DWM": _flag(self.experimental.dwm),
            "ENABLE_EXPERIMENTAL": _flag(self.experimental.shared),
            "ENABLE_FIREBASE_UPLOAD": _flag(self.firebase.uploads),
            "FIREBASE_STORAGE_BUCKET": self.firebase.storage_bucket,
            "BP_ENV": self.environment,
            "PIPELINE_RETENTION_DAYS": str(self.retention.days),
            "PIPELINE_RETENTION_DRY_RUN": _flag(self.retention.dry_run),
            "EVENT_BUS": self.event_bus,
        }


def _flag(value: bool) -> str:
    return "true" if value else "false"


def read_stack_config() -> StackConfig:
    """Read and validate the current stack's config through the Pulumi SDK."""
    raise NotImplementedError("filled in by the config task")


def load_stack_config(raw: Mapping[str, Any], *, project: str | None, region: str | None) -> StackConfig:
    """Validate one stack's raw config (keys without the project namespace).

    Raises ConfigError listing every problem at once.
    """
    raise NotImplementedError("filled in by the config task")
