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

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any, Literal

from components import config_checks as checks

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
class GenieSimConfig:
    """Genie Sim export/import safety settings (breaker cool-down, claim lease, import wait).

    The breaker threshold stays the top-level `circuitBreakerThreshold` (the original's key).
    """

    # An open breaker lets one trial run through (half-open) this long after its last
    # failure; a trial that never reports back is replaced after the same time.
    breaker_cooldown_seconds: int = 3600
    # A `submitting`/`importing` claim older than this is taken over (its owner died). Covers
    # the claim -> job creation window, which is seconds; 15 minutes leaves room for retries.
    claim_lease_seconds: int = 900
    # How long the export waits for the import of ITS job (import job timeout 1800 s plus
    # queueing and the manifest checks) before failing with a clear message.
    import_wait_seconds: int = 7200
    # The original's ALLOW_IDEMPOTENT_RETRY: resubmit when the marker says failed/partial.
    allow_idempotent_retry: bool = False


@dataclass(frozen=True)
class ExperimentalConfig:
    """Experimental workflows; `shared` is ENABLE_EXPERIMENTAL and enables all of them."""

    dream2flow: bool = False
    dwm: bool = False
    shared: bool = False

    def enabled(self, flag: str) -> bool:
        """True when the experimental workflow `flag` (one of EXPERIMENTAL_FLAGS) is enabled."""
        return self.shared or bool(getattr(self, flag))


# The flags a catalog entry may name as `experimental:`: every field of ExperimentalConfig but
# `shared`, so a new flag is one field there (its config key, catalog name and, in
# StackConfig.env_values, the original's ENABLE_<FLAG> variable follow from it).
EXPERIMENTAL_FLAGS: tuple[str, ...] = tuple(f.name for f in fields(ExperimentalConfig) if f.name != "shared")


@dataclass(frozen=True)
class FirebaseConfig:
    """Firebase uploads of Genie Sim episodes."""

    uploads: bool = False
    storage_bucket: str = ""


@dataclass(frozen=True)
class GkeConfig:
    """Where episode generation runs its GPU Job: the original's hard-coded clusters, zones,
    namespace and image repository, as defaults."""

    primary_cluster: str = "blueprint-cluster"
    primary_location: str = "us-central1-a"
    secondary_cluster: str = "blueprint-cluster-secondary"
    secondary_location: str = "us-east1-b"
    namespace: str = "blueprint"
    image_repository: str = "blueprint-jobs"


@dataclass(frozen=True)
class ScheduleConfig:
    """One Cloud Scheduler job: cron, time zone, and whether it runs (else created paused)."""

    schedule: str
    time_zone: str = "Etc/UTC"
    enabled: bool = True


# The original's schedules: poller every 10 min, retention daily 03:00 UTC, scene generation
# daily 08:00 Pacific (its scheduler_config.yaml), paused.
DEFAULT_POLLER = ScheduleConfig("*/10 * * * *")
DEFAULT_RETENTION_SCHEDULE = ScheduleConfig("0 3 * * *")
DEFAULT_SCENE_GENERATION = ScheduleConfig("0 8 * * *", "America/Los_Angeles", False)


# Retention classes (ORIGINAL-SYSTEM.md section 6): the folders under scenes/<id>/ each
# class covers, and which RetentionConfig field holds its window. `locks` (stale locks and
# claims, scenes/<id>/locks/) and `canary` (canary validation artifacts uploaded under
# canary-validation/) are this project's own; no other folder is ever a candidate
# (geniesim, arena, dwm, objects, ... are never touched, as in the original).
RETENTION_CLASSES: tuple[tuple[str, str, str], ...] = (
    # (class, matchGlob of its objects, RetentionConfig field of its window in days)
    ("inputs", "scenes/*/input/**", "input_days"),
    ("intermediate", "scenes/*/{.checkpoints,layout,seg}/**", "days"),
    ("outputs", "scenes/*/{assets,usd,replicator,variation_assets,isaac_lab,episodes}/**", "output_days"),
    ("logs", "scenes/*/{logs,log}/**", "log_days"),
    ("locks", "scenes/*/locks/*.lock", "lock_days"),
    ("canary", "canary-validation/**", "canary_days"),
)


@dataclass(frozen=True)
class RetentionConfig:
    """The daily retention cleanup: its schedule and a window (days) per retention class.

    `days` is the intermediate window (the original's PIPELINE_RETENTION_DAYS); the other
    defaults are the original's (inputs 90, outputs 365, logs 180). A lock or claim older
    than `lock_days` belongs to a crashed run (the longest lock TTL is 9 h).
    `step_budget` bounds the billed steps one execution spends (about 1 per object listed,
    7 more per object deleted) before it hands over to a continuation execution (the limit is
    100,000 steps per execution)."""

    schedule: ScheduleConfig = field(default_factory=lambda: DEFAULT_RETENTION_SCHEDULE)
    days: int = 30
    dry_run: bool = False
    input_days: int = 90
    output_days: int = 365
    log_days: int = 180
    lock_days: int = 1
    canary_days: int = 30
    step_budget: int = 80_000

    def classes(self) -> list[dict[str, object]]:
        """The retention classes with their windows, as the workflow reads them."""
        return [
            {"class": name, "match_glob": glob, "days": getattr(self, window)}
            for name, glob, window in RETENTION_CLASSES
        ]


# The reconciler (issue #13): every 30 min; a scene is stalled when its latest marker is
# older than its stage's threshold. The default threshold (12 h) outlives the longest lock
# (9 h, retention's lock window comment) and every job timeout in the catalog (6 h at most),
# so a scene whose run is merely slow is never re-driven; `stallMinutes` overrides it per
# stage (the marker file name the router keys by, e.g. ".regen3d_complete").
DEFAULT_RECONCILER_SCHEDULE = ScheduleConfig("*/30 * * * *")
RECONCILER_DEFAULT_STALL_MINUTES = 720
RECONCILER_STALL_MINUTES_RANGE = (10, 10080)
RECONCILER_MAX_REDRIVES_RANGE = (1, 10)


@dataclass(frozen=True)
class ReconcilerConfig:
    """The scene reconciler: its schedule, the stall threshold (minutes) of each stage (by
    marker file name, others `default_stall_minutes`) and the most re-drives per scene and
    marker before it gives up and only reports the scene."""

    schedule: ScheduleConfig = field(default_factory=lambda: DEFAULT_RECONCILER_SCHEDULE)
    default_stall_minutes: int = RECONCILER_DEFAULT_STALL_MINUTES
    stall_minutes: Mapping[str, int] = field(default_factory=dict)
    max_redrives: int = 3


@dataclass(frozen=True)
class SceneBatchConfig:
    """Bounds of scene-batch: the most scenes one manifest may list (the parent holds every
    scene report in its 512 KB of variables: about 700 bytes a scene at worst), and the
    most scenes one execution runs itself before splitting into child executions (the
    workflow lowers it further so the worst case stays under 90% of the step limit)."""

    max_scenes: int = 500
    scenes_per_execution: int = 50


# ---- monitoring (issue #13): notification channels of the alert policies ----------------
# Channel type -> the label that holds its address (Cloud Monitoring notification channel
# descriptors: cloud.google.com/monitoring/support/notification-options). A pubsub topic
# needs roles/pubsub.publisher for the Monitoring service agent, granted where the topic is.
CHANNEL_ADDRESS_LABELS: dict[str, str] = {
    "email": "email_address",
    "pubsub": "topic",
    "webhook_tokenauth": "url",
}


@dataclass(frozen=True)
class NotificationChannelConfig:
    """One notification channel: its type, address and (optional) display name."""

    type: str
    address: str
    display_name: str = ""


@dataclass(frozen=True)
class MonitoringConfig:
    """Who the alert policies notify (`monitoring.notificationChannels`)."""

    notification_channels: tuple[NotificationChannelConfig, ...] = ()


@dataclass(frozen=True)
class EventBusConfig:
    """The Eventarc Advanced bus: its region, who may publish to it, and where events go.

    `region` defaults to `gcp:region` and must be an Eventarc Advanced region
    (config_checks.EVENTARC_ADVANCED_REGIONS). `publishers` are IAM principals outside the
    program (the Genie Sim GPU job's account, operators) that get Message Bus User.
    `destinations` maps an event type no catalog workflow consumes to the full id of the
    workflow (`projects/P/locations/L/workflows/W`) an enrollment delivers it to.
    """

    region: str = ""
    publishers: tuple[str, ...] = ()
    destinations: Mapping[str, str] = field(default_factory=dict)


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
    geniesim: GenieSimConfig = field(default_factory=GenieSimConfig)
    experimental: ExperimentalConfig = field(default_factory=ExperimentalConfig)
    firebase: FirebaseConfig = field(default_factory=FirebaseConfig)
    gke: GkeConfig = field(default_factory=GkeConfig)
    poller: ScheduleConfig = field(default_factory=lambda: DEFAULT_POLLER)
    retention: RetentionConfig = field(default_factory=RetentionConfig)
    scene_batch: SceneBatchConfig = field(default_factory=SceneBatchConfig)
    reconciler: ReconcilerConfig = field(default_factory=ReconcilerConfig)
    scene_generation: ScheduleConfig = field(default_factory=lambda: DEFAULT_SCENE_GENERATION)
    event_routing: EventRouting = "router"
    labels: Mapping[str, str] = field(default_factory=dict)
    deletion_protection: bool = True
    call_log_level: CallLogLevel = "LOG_ERRORS_ONLY"
    monitoring: MonitoringConfig = field(default_factory=MonitoringConfig)
    # Cloud Run job -> the regions it is deployed in, where set in stack config; jobs not
    # listed default to the regions their workflows run them in (components/run_grants.py).
    job_regions: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    events: EventBusConfig = field(default_factory=EventBusConfig)

    def schedule(self, settings: str) -> ScheduleConfig:
        """The schedule named by a catalog trigger's `settings` key (one of SCHEDULE_SETTINGS)."""
        return SCHEDULES[settings](self)

    @property
    def event_bus(self) -> str:
        """Full name of the stack's Eventarc Advanced message bus."""
        return f"projects/{self.project}/locations/{self.event_bus_region}/messageBuses/{EVENT_BUS_ID}"

    @property
    def deletion_policy(self) -> str:
        """pulumi-gcp's `deletion_policy` input: PREVENT when deletion protection is on, so
        `pulumi destroy`/`up` fails instead of deleting (a recreated service account gets a
        new unique id and loses its bindings); DELETE keeps staging easy to tear down."""
        return "PREVENT" if self.deletion_protection else "DELETE"

    @property
    def event_bus_region(self) -> str:
        """Where the bus, its enrollments and pipelines live (`eventBus.region` or `gcp:region`)."""
        return self.events.region or self.region

    def env_values(self) -> dict[str, str]:
        """Every user_env_vars name the catalog may ask for, with its value for this stack."""
        return {
            "PRIMARY_BUCKET": self.bucket,
            "PRIMARY_WORKFLOW_REGION": self.primary_region,
            "SECONDARY_WORKFLOW_REGION": self.secondary_region,
            "WORKFLOW_REGION": self.legacy_region,
            "GENIESIM_CIRCUIT_BREAKER_THRESHOLD": str(self.circuit_breaker_threshold),
            "GENIESIM_BREAKER_COOLDOWN_SECONDS": str(self.geniesim.breaker_cooldown_seconds),
            "GENIESIM_CLAIM_LEASE_SECONDS": str(self.geniesim.claim_lease_seconds),
            "GENIESIM_IMPORT_WAIT_SECONDS": str(self.geniesim.import_wait_seconds),
            # The original tests for a non-empty value, so "false" must be the empty string.
            "ALLOW_IDEMPOTENT_RETRY": "true" if self.geniesim.allow_idempotent_retry else "",
            "CANARY_PERCENT": str(self.canary.percent),
            "CANARY_TAGS": ",".join(self.canary.tags),
            "CANARY_SCENE_IDS": ",".join(self.canary.scene_ids),
            "CANARY_RELEASE_CHANNEL": self.canary.release_channel,
            "CANARY_ROLLBACK_MARKER": self.canary.rollback_marker,
            "GENIESIM_CANARY_IMAGE_TAG": self.canary.image_tag,
            "GENIESIM_IMAGE_TAG": self.canary.stable_image_tag,
            **{
                f"ENABLE_{flag.upper()}": _flag(getattr(self.experimental, flag))
                for flag in EXPERIMENTAL_FLAGS
            },
            "ENABLE_EXPERIMENTAL": _flag(self.experimental.shared),
            "ENABLE_FIREBASE_UPLOAD": _flag(self.firebase.uploads),
            "FIREBASE_STORAGE_BUCKET": self.firebase.storage_bucket,
            "BP_ENV": self.environment,
            "PIPELINE_RETENTION_DAYS": str(self.retention.days),
            "PIPELINE_RETENTION_DRY_RUN": _flag(self.retention.dry_run),
            "RETENTION_CLASSES": json.dumps(self.retention.classes(), separators=(",", ":")),
            "RETENTION_STEP_BUDGET": str(self.retention.step_budget),
            "RECONCILER_MAX_REDRIVES": str(self.reconciler.max_redrives),
            "SCENE_BATCH_MAX_SCENES": str(self.scene_batch.max_scenes),
            "SCENE_BATCH_SCENES_PER_EXECUTION": str(self.scene_batch.scenes_per_execution),
            "EVENT_BUS": self.event_bus,
            "PRIMARY_GKE_CLUSTER": self.gke.primary_cluster,
            "PRIMARY_GKE_ZONE": self.gke.primary_location,
            "SECONDARY_GKE_CLUSTER": self.gke.secondary_cluster,
            "SECONDARY_GKE_ZONE": self.gke.secondary_location,
            "GKE_NAMESPACE": self.gke.namespace,
            "EPISODE_IMAGE_REPOSITORY": self.gke.image_repository,
        }


def _flag(value: bool) -> str:
    return "true" if value else "false"


# The schedules a catalog `schedule` trigger may name as `settings:`: each is the stack
# config section holding its schedule/timeZone/enabled, and where StackConfig keeps it.
SCHEDULES: dict[str, Callable[[StackConfig], ScheduleConfig]] = {
    "poller": lambda config: config.poller,
    "reconciler": lambda config: config.reconciler.schedule,
    "retention": lambda config: config.retention.schedule,
    "sceneGeneration": lambda config: config.scene_generation,
}
SCHEDULE_SETTINGS: tuple[str, ...] = tuple(SCHEDULES)


# Label keys the program adds itself (components/naming.py); stack `labels` may not use them.
PROGRAM_LABEL_KEYS: tuple[str, ...] = ("managed-by", "workflow")
MAX_LABELS = 64
ENVIRONMENTS: tuple[str, ...] = ("staging", "production")
EVENT_ROUTINGS: tuple[str, ...] = ("router", "direct")
CALL_LOG_LEVELS: tuple[str, ...] = ("LOG_ALL_CALLS", "LOG_ERRORS_ONLY", "LOG_NONE")
# The original's two channels: `stable` (default) and `canary` (the staging runbook's value).
RELEASE_CHANNELS: tuple[str, ...] = ("stable", "canary")
RETENTION_DAYS_RANGE = (1, 3650)
RETENTION_STEP_BUDGET_RANGE = (10_000, 90_000)
SCENE_BATCH_MAX_SCENES_RANGE = (1, 500)
SCENE_BATCH_PER_EXECUTION_RANGE = (1, 200)

# Top-level keys of the project namespace, and the keys each map-valued one takes.
_SECTIONS: dict[str, tuple[str, ...]] = {
    "regions": ("primary", "secondary", "legacy"),
    "canary": (
        "percent",
        "imageTag",
        "stableImageTag",
        "releaseChannel",
        "rollbackMarker",
        "tags",
        "sceneIds",
    ),
    "experimental": (*EXPERIMENTAL_FLAGS, "shared"),
    "geniesim": ("breakerCooldownSeconds", "claimLeaseSeconds", "importWaitSeconds", "allowIdempotentRetry"),
    "firebase": ("uploads", "storageBucket"),
    "gke": (
        "primaryCluster",
        "primaryLocation",
        "secondaryCluster",
        "secondaryLocation",
        "namespace",
        "imageRepository",
    ),
    "poller": ("schedule", "timeZone", "enabled"),
    "retention": (
        "schedule",
        "timeZone",
        "enabled",
        "days",
        "dryRun",
        "inputDays",
        "outputDays",
        "logDays",
        "lockDays",
        "canaryDays",
        "stepBudget",
    ),
    "sceneBatch": ("maxScenes", "scenesPerExecution"),
    "reconciler": ("schedule", "timeZone", "enabled", "defaultStallMinutes", "stallMinutes", "maxRedrives"),
    "sceneGeneration": ("schedule", "timeZone", "enabled"),
    "labels": (),  # free-form keys, checked as label keys
    "monitoring": ("notificationChannels",),  # issue #13
    # Least privilege and the event bus (issue #10).
    "jobRegions": (),  # free-form keys: Cloud Run job names
    "eventBus": ("region", "publishers", "destinations"),
}
_SCALARS: tuple[str, ...] = (
    "environment",
    "bucket",
    "bucketLocation",
    "circuitBreakerThreshold",
    "eventRouting",
    "deletionProtection",
    "callLogLevel",
)
TOP_LEVEL_KEYS: tuple[str, ...] = _SCALARS + tuple(_SECTIONS)
_INT_TEXT = re.compile(r"^-?[0-9]+$")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def read_stack_config() -> StackConfig:
    """Read and validate the current stack's config through the Pulumi SDK.

    Top-level values arrive as strings (`pulumi config set`); map-valued keys arrive as JSON
    and are decoded here. Keys of this project's namespace that the program does not know
    (typos such as `bukcet`) are errors when the SDK exposes the full config map.
    """
    import pulumi  # deferred: the pure loader and its tests do not need the SDK
    from pulumi.runtime import config as runtime_config

    config = pulumi.Config()
    raw: dict[str, Any] = {}
    visible = {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}
    prefix = f"{config.name}:"
    names = {key[len(prefix) :] for key in visible if key.startswith(prefix)} | set(TOP_LEVEL_KEYS)
    for key in sorted(names):
        text = config.get(key)
        if text is not None:
            raw[key] = _decode_json(text) if key in _SECTIONS else text
    gcp = pulumi.Config("gcp")
    return load_stack_config(raw, project=gcp.get("project"), region=gcp.get("region"))


def _decode_json(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text  # reported as "expected a map" with the text shown


def load_stack_config(raw: Mapping[str, Any], *, project: str | None, region: str | None) -> StackConfig:
    """Validate one stack's raw config (keys without the project namespace).

    Top-level scalars may be strings as the Pulumi CLI stores them ("3", "true"); values
    inside maps must have their real type (what `pulumi config set --path` stores).
    Raises ConfigError listing every problem at once.
    """
    r = _Reader()
    for key in sorted(set(raw) - set(TOP_LEVEL_KEYS)):
        r.problem(key, raw[key], f"a known key; this project takes {', '.join(TOP_LEVEL_KEYS)}")
    project_id = r.required_text("gcp:project", project, checks.check_project_id)
    gcp_region = r.required_text("gcp:region", region, checks.check_region)
    environment = r.choice(raw, "environment", None, ENVIRONMENTS)
    bucket = r.required_text("bucket", raw.get("bucket"), checks.check_bucket_name)
    location = r.text(raw, "bucketLocation", gcp_region.lower(), checks.check_bucket_location)
    regions = _regions(r, r.section(raw, "regions"))
    firebase = _firebase(r, r.section(raw, "firebase"), environment)
    protection = r.boolean(raw, "deletionProtection", True, top_level=True)
    if environment == "production" and protection is False:
        r.problem(
            "deletionProtection",
            raw.get("deletionProtection"),
            "true when environment is production (rejected, not silently forced, so the stack "
            "file always says what is deployed)",
        )
    config = StackConfig(
        project=project_id,
        region=gcp_region,
        environment=environment or "staging",
        bucket=bucket,
        bucket_location=location,
        primary_region=regions[0],
        secondary_region=regions[1],
        legacy_region=regions[2],
        canary=_canary(r, r.section(raw, "canary")),
        circuit_breaker_threshold=r.integer(raw, "circuitBreakerThreshold", 3, 1, None, top_level=True),
        geniesim=_geniesim(r, r.section(raw, "geniesim")),
        experimental=_experimental(r, r.section(raw, "experimental")),
        firebase=firebase,
        gke=_gke(r, r.section(raw, "gke")),
        poller=_schedule(r, r.section(raw, "poller"), "poller", DEFAULT_POLLER, checks.check_poller_schedule),
        retention=_retention(r, r.section(raw, "retention")),
        scene_batch=_scene_batch(r, r.section(raw, "sceneBatch")),
        reconciler=_reconciler(r, r.section(raw, "reconciler")),
        scene_generation=_schedule(
            r,
            r.section(raw, "sceneGeneration"),
            "sceneGeneration",
            DEFAULT_SCENE_GENERATION,
            checks.check_cron,
        ),
        event_routing=r.choice(raw, "eventRouting", "router", EVENT_ROUTINGS),
        labels=_labels(r, raw.get("labels")),
        deletion_protection=protection,
        call_log_level=r.choice(raw, "callLogLevel", "LOG_ERRORS_ONLY", CALL_LOG_LEVELS),
        monitoring=_monitoring(r, r.section(raw, "monitoring")),
        job_regions=_job_regions(r, raw.get("jobRegions")),
        events=_event_bus(r, r.section(raw, "eventBus"), gcp_region),
    )
    if config.event_routing == "direct" and config.reconciler.schedule.enabled:
        # The reconciler re-drives markers through marker-router, which direct mode lacks.
        r.problem(
            "reconciler.enabled",
            True,
            "false with eventRouting: direct (the reconciler re-drives markers through the "
            "marker router, which only router mode deploys)",
        )
    if r.problems:
        raise ConfigError(r.problems)
    return config


def _regions(r: _Reader, section: Mapping[str, Any]) -> tuple[str, str, str]:
    primary = r.text(section, "primary", "us-central1", checks.check_region, path="regions")
    secondary = r.text(section, "secondary", "us-east1", checks.check_region, path="regions")
    legacy = r.text(section, "legacy", "us-central1", checks.check_region, path="regions")
    if primary == secondary:
        r.problem("regions.secondary", secondary, f"a region other than regions.primary ({primary})")
    return primary, secondary, legacy


def _canary(r: _Reader, section: Mapping[str, Any]) -> CanaryConfig:
    default = CanaryConfig()
    marker = r.text(section, "rollbackMarker", default.rollback_marker, _check_rollback_marker, path="canary")
    return CanaryConfig(
        percent=r.integer(section, "percent", default.percent, 0, 100, path="canary"),
        image_tag=r.text(section, "imageTag", default.image_tag, checks.check_docker_tag, path="canary"),
        stable_image_tag=r.text(
            section, "stableImageTag", default.stable_image_tag, checks.check_docker_tag, path="canary"
        ),
        release_channel=r.choice(
            section, "releaseChannel", default.release_channel, RELEASE_CHANNELS, path="canary"
        ),
        rollback_marker=marker,
        tags=r.text_list(section, "tags", _check_list_item, path="canary"),
        scene_ids=r.text_list(section, "sceneIds", _check_scene_id, path="canary"),
    )


# Bounds: a cool-down under a minute would make half-open a retry loop; a lease under a
# minute could expire while a job is being created; a day bounds every wait.
GENIESIM_SECONDS_RANGE = (60, 86400)


def _geniesim(r: _Reader, section: Mapping[str, Any]) -> GenieSimConfig:
    default = GenieSimConfig()
    low, high = GENIESIM_SECONDS_RANGE

    def seconds(key: str, value: int) -> int:
        return r.integer(section, key, value, low, high, path="geniesim")

    return GenieSimConfig(
        breaker_cooldown_seconds=seconds("breakerCooldownSeconds", default.breaker_cooldown_seconds),
        claim_lease_seconds=seconds("claimLeaseSeconds", default.claim_lease_seconds),
        import_wait_seconds=seconds("importWaitSeconds", default.import_wait_seconds),
        allow_idempotent_retry=r.boolean(
            section, "allowIdempotentRetry", default.allow_idempotent_retry, path="geniesim"
        ),
    )


def _experimental(r: _Reader, section: Mapping[str, Any]) -> ExperimentalConfig:
    keys = (*EXPERIMENTAL_FLAGS, "shared")
    return ExperimentalConfig(**{key: r.boolean(section, key, False, path="experimental") for key in keys})


def _firebase(r: _Reader, section: Mapping[str, Any], environment: str | None) -> FirebaseConfig:
    uploads = r.boolean(section, "uploads", False, path="firebase")
    bucket = r.text(section, "storageBucket", "", checks.check_bucket_name, path="firebase")
    if environment == "production" and uploads and "storageBucket" not in section:
        r.problem(
            "firebase.storageBucket",
            None,
            "a Firebase storage bucket name: production with firebase.uploads=true requires it "
            "(or set firebase.uploads to false)",
        )
    return FirebaseConfig(uploads=uploads, storage_bucket=bucket)


def _gke(r: _Reader, section: Mapping[str, Any]) -> GkeConfig:
    d = GkeConfig()
    cluster, location = checks.check_gke_cluster, checks.check_gke_location
    gke = GkeConfig(
        primary_cluster=r.text(section, "primaryCluster", d.primary_cluster, cluster, path="gke"),
        primary_location=r.text(section, "primaryLocation", d.primary_location, location, path="gke"),
        secondary_cluster=r.text(section, "secondaryCluster", d.secondary_cluster, cluster, path="gke"),
        secondary_location=r.text(section, "secondaryLocation", d.secondary_location, location, path="gke"),
        namespace=r.text(section, "namespace", d.namespace, checks.check_k8s_namespace, path="gke"),
        image_repository=r.text(
            section, "imageRepository", d.image_repository, checks.check_artifact_repository, path="gke"
        ),
    )
    if (gke.primary_cluster, gke.primary_location) == (gke.secondary_cluster, gke.secondary_location):
        r.problem(
            "gke.secondaryCluster",
            gke.secondary_cluster,
            "a cluster other than the primary (gke.primaryCluster in gke.primaryLocation)",
        )
    return gke


def _schedule(
    r: _Reader,
    section: Mapping[str, Any],
    path: str,
    default: ScheduleConfig,
    check_schedule: Callable[[str], str | None],
) -> ScheduleConfig:
    return ScheduleConfig(
        schedule=r.text(section, "schedule", default.schedule, check_schedule, path=path),
        time_zone=r.text(section, "timeZone", default.time_zone, checks.check_time_zone, path=path),
        enabled=r.boolean(section, "enabled", default.enabled, path=path),
    )


def _retention(r: _Reader, section: Mapping[str, Any]) -> RetentionConfig:
    default = RetentionConfig()
    low, high = RETENTION_DAYS_RANGE
    schedule = _schedule(r, section, "retention", default.schedule, checks.check_cron)
    windows = {
        field_name: r.integer(section, key, getattr(default, field_name), low, high, path="retention")
        for key, field_name in (
            ("days", "days"),
            ("inputDays", "input_days"),
            ("outputDays", "output_days"),
            ("logDays", "log_days"),
            ("lockDays", "lock_days"),
            ("canaryDays", "canary_days"),
        )
    }
    most_low, most_high = RETENTION_STEP_BUDGET_RANGE
    return RetentionConfig(
        schedule=schedule,
        dry_run=r.boolean(section, "dryRun", default.dry_run, path="retention"),
        step_budget=r.integer(
            section,
            "stepBudget",
            default.step_budget,
            most_low,
            most_high,
            path="retention",
        ),
        **windows,
    )


def _reconciler(r: _Reader, section: Mapping[str, Any]) -> ReconcilerConfig:
    default = ReconcilerConfig()
    low, high = RECONCILER_STALL_MINUTES_RANGE
    stages = section.get("stallMinutes", {})
    stall: dict[str, int] = {}
    if not isinstance(stages, Mapping):
        r.problem("reconciler.stallMinutes", stages, "a map {marker file name: minutes}")
    else:
        for name in sorted(stages):
            stall[name] = r.integer(
                stages, name, default.default_stall_minutes, low, high, path="reconciler.stallMinutes"
            )
    return ReconcilerConfig(
        schedule=_schedule(r, section, "reconciler", default.schedule, checks.check_cron),
        default_stall_minutes=r.integer(
            section, "defaultStallMinutes", default.default_stall_minutes, low, high, path="reconciler"
        ),
        stall_minutes=stall,
        max_redrives=r.integer(
            section, "maxRedrives", default.max_redrives, *RECONCILER_MAX_REDRIVES_RANGE, path="reconciler"
        ),
    )


def _scene_batch(r: _Reader, section: Mapping[str, Any]) -> SceneBatchConfig:
    default = SceneBatchConfig()
    return SceneBatchConfig(
        max_scenes=r.integer(
            section, "maxScenes", default.max_scenes, *SCENE_BATCH_MAX_SCENES_RANGE, path="sceneBatch"
        ),
        scenes_per_execution=r.integer(
            section,
            "scenesPerExecution",
            default.scenes_per_execution,
            *SCENE_BATCH_PER_EXECUTION_RANGE,
            path="sceneBatch",
        ),
    )


def _labels(r: _Reader, raw: Any) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        r.problem("labels", raw, "a map of label key -> value")
        return {}
    labels: dict[str, str] = {}
    for key, value in raw.items():
        path = f"labels.{key}"
        reason = checks.check_label_key(str(key))
        if reason:
            r.problem(path, key, reason)
        elif key in PROGRAM_LABEL_KEYS:
            r.problem(
                path, value, f"a key other than {', '.join(PROGRAM_LABEL_KEYS)} (the program sets those)"
            )
        elif not isinstance(value, str):
            r.problem(path, value, "a string label value (quote numbers and booleans)")
        elif reason := checks.check_label_value(value):
            r.problem(path, value, reason)
        else:
            labels[key] = value
    room = MAX_LABELS - len(PROGRAM_LABEL_KEYS)
    if len(raw) > room:
        r.problem(
            "labels",
            raw,
            f"at most {room} labels ({MAX_LABELS} minus the program's own)",
            shown=f"{len(raw)} labels",
        )
    return labels


# ---- monitoring (issue #13) -------------------------------------------------------------
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_TOPIC = re.compile(r"^projects/[a-z][-a-z0-9]{4,28}[a-z0-9]/topics/[A-Za-z][-A-Za-z0-9._~+%]{2,254}$")
_CHANNEL_KEYS: tuple[str, ...] = ("type", "address", "displayName")
_ADDRESS_RULES: dict[str, tuple[re.Pattern[str], str]] = {
    "email": (_EMAIL, "an email address"),
    "pubsub": (_TOPIC, "a topic name projects/<project>/topics/<topic>"),
    "webhook_tokenauth": (re.compile(r"^https://[^\s/]+\S*$"), "an https:// URL"),
}


def _monitoring(r: _Reader, section: Mapping[str, Any]) -> MonitoringConfig:
    raw = section.get("notificationChannels", [])
    where = "monitoring.notificationChannels"
    if not isinstance(raw, list):
        r.problem(where, raw, "a list of {type, address, displayName} maps")
        return MonitoringConfig()
    channels: list[NotificationChannelConfig] = []
    for index, item in enumerate(raw):
        path = f"{where}[{index}]"
        if not isinstance(item, dict):
            r.problem(path, item, "a map with keys type, address and optionally displayName")
            continue
        for key in sorted(set(item) - set(_CHANNEL_KEYS), key=str):
            r.problem(f"{path}.{key}", item[key], f"no such key; a channel takes {', '.join(_CHANNEL_KEYS)}")
        kind, address = item.get("type"), item.get("address")
        if kind not in CHANNEL_ADDRESS_LABELS:
            r.problem(f"{path}.type", kind, f"one of {', '.join(CHANNEL_ADDRESS_LABELS)}")
            continue
        pattern, allowed = _ADDRESS_RULES[kind]
        if not isinstance(address, str) or not pattern.match(address):
            r.problem(f"{path}.address", address, f"{allowed} (a {kind} channel)")
            continue
        name = item.get("displayName", "")
        if not isinstance(name, str) or len(name) > 512:
            r.problem(f"{path}.displayName", name, "a string of at most 512 characters")
            continue
        channel = NotificationChannelConfig(kind, address, name)
        if any((c.type, c.address) == (kind, address) for c in channels):
            r.problem(path, address, f"a channel listed once (this {kind} address is listed twice)")
            continue
        channels.append(channel)
    return MonitoringConfig(tuple(channels))


# --- Least privilege and the event bus (issue #10) ---------------------------------------

_WORKFLOW_RESOURCE = re.compile(
    r"^projects/[a-z][a-z0-9-]{4,28}[a-z0-9]/locations/[a-z0-9-]+/workflows/[A-Za-z][-_A-Za-z0-9]{0,63}$"
)
_JOB = re.compile(r"^[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?$")


def _job_regions(r: _Reader, raw: Any) -> dict[str, tuple[str, ...]]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        r.problem("jobRegions", raw, "a map of Cloud Run job name -> list of regions it is deployed in")
        return {}
    regions: dict[str, tuple[str, ...]] = {}
    for job, value in raw.items():
        where = f"jobRegions.{job}"
        if not _JOB.match(str(job)):
            r.problem(where, job, "a Cloud Run job name (lowercase letters, digits, hyphens)")
            continue
        if not isinstance(value, list) or not value:
            r.problem(where, value, "a non-empty list of regions, e.g. [us-central1, us-east1]")
            continue
        listed = r.text_list({job: value}, job, checks.check_region, path="jobRegions")
        if len(set(listed)) != len(listed):
            r.problem(where, value, "each region once")
        elif len(listed) == len(value):
            regions[str(job)] = listed
    return regions


def _event_bus(r: _Reader, section: Mapping[str, Any], gcp_region: str) -> EventBusConfig:
    region = r.text(section, "region", "", checks.check_region, path="eventBus")
    effective = region or gcp_region
    if effective and checks.check_region(effective) is None:
        reason = checks.check_eventarc_advanced_region(effective)
        if reason:
            key = "eventBus.region" if region else "gcp:region"
            hint = "" if region else " (or set eventBus.region to one: the bus may live elsewhere)"
            r.problem(key, effective, reason + hint)
    publishers = r.text_list(section, "publishers", checks.check_principal, path="eventBus")
    return EventBusConfig(
        region=region,
        publishers=publishers,
        destinations=_destinations(r, section.get("destinations")),
    )


def _destinations(r: _Reader, raw: Any) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        r.problem("eventBus.destinations", raw, "a map of event type -> workflow id")
        return {}
    good: dict[str, str] = {}
    for event_type, workflow in raw.items():
        where = f"eventBus.destinations.{event_type}"
        if not isinstance(workflow, str) or not _WORKFLOW_RESOURCE.match(workflow):
            r.problem(where, workflow, "a workflow id: projects/PROJECT/locations/REGION/workflows/NAME")
        else:
            good[str(event_type)] = workflow
    return good


def _check_rollback_marker(template: str) -> str | None:
    allowed = (
        "an object-name template containing {scene_id} (and no other {placeholder}), "
        "e.g. scenes/{scene_id}/geniesim/.canary_rollback"
    )
    if _PLACEHOLDER.findall(template) != ["scene_id"] or template.startswith("/"):
        return allowed
    if any(part in ("", ".", "..") for part in template.split("/")) or len(template.encode()) > 1024:
        return allowed
    return None


def _check_list_item(item: str) -> str | None:
    # Lists reach the workflows comma-joined, so an item cannot hold a comma.
    if item.strip() and "," not in item and item == item.strip():
        return None
    return "non-empty strings without commas or surrounding spaces"


def _check_scene_id(item: str) -> str | None:
    if _check_list_item(item) is None and "/" not in item:
        return None
    return "scene ids: non-empty strings without commas, slashes or surrounding spaces"


class _Reader:
    """Reads typed values out of raw config, collecting every problem instead of stopping."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def problem(self, key: str, value: Any, allowed: str, *, shown: str | None = None) -> None:
        """Record one problem: the key, the bad value (or `shown` instead) and what is allowed."""
        self.problems.append(f"{key}: got {shown or _show(value)}; expected {allowed}")

    def section(self, raw: Mapping[str, Any], key: str) -> Mapping[str, Any]:
        """A map-valued key, checked for unknown sub-keys; {} when absent or wrong."""
        value = raw.get(key)
        if value is None:
            return {}
        allowed = _SECTIONS[key]
        if not isinstance(value, dict):
            self.problem(key, value, f"a map with keys {', '.join(allowed)}")
            return {}
        for sub in sorted(set(value) - set(allowed), key=str):
            self.problem(f"{key}.{sub}", value[sub], f"no such key; {key} takes {', '.join(allowed)}")
        return value

    def required_text(self, key: str, value: Any, check: Callable[[str], str | None]) -> str:
        """A required string; missing values are reported with the command that sets them."""
        if value is None or value == "":
            self.problem(key, None, f"a value; set it with `pulumi config set {key} <value>`")
            return ""
        return self.text({key: value}, key, "", check)

    def text(
        self,
        raw: Mapping[str, Any],
        key: str,
        default: str,
        check: Callable[[str], str | None],
        *,
        path: str = "",
    ) -> str:
        """An optional string passing `check`."""
        if key not in raw:
            return default
        value, where = raw[key], _join(path, key)
        if not isinstance(value, str):
            self.problem(where, value, f"a string: {check('') or 'text'}")
            return default
        reason = check(value)
        if reason:
            self.problem(where, value, reason)
            return default
        return value

    def choice(
        self, raw: Mapping[str, Any], key: str, default: Any, allowed: tuple[str, ...], *, path: str = ""
    ) -> Any:
        """One of a fixed set of strings; `default=None` makes the key required."""
        where = _join(path, key)
        if key not in raw:
            if default is None:
                self.problem(
                    where, None, f"one of {', '.join(allowed)}; set it with `pulumi config set {where}`"
                )
            return default
        if raw[key] not in allowed:
            self.problem(where, raw[key], f"one of {', '.join(allowed)}")
            return default
        return raw[key]

    def integer(
        self,
        raw: Mapping[str, Any],
        key: str,
        default: int,
        low: int,
        high: int | None,
        *,
        path: str = "",
        top_level: bool = False,
    ) -> int:
        """An integer in [low, high]; a digit string only at top level, where Pulumi stores strings."""
        if key not in raw:
            return default
        value, where = raw[key], _join(path, key)
        allowed = f"an integer from {low} to {high}" if high is not None else f"an integer >= {low}"
        number = value
        if top_level and isinstance(value, str) and _INT_TEXT.match(value):
            number = int(value)
        if isinstance(number, bool) or not isinstance(number, int):
            hint = "" if top_level else f" (`pulumi config set --path {where} <n>` stores a number)"
            self.problem(where, value, allowed + hint)
            return default
        if number < low or (high is not None and number > high):
            self.problem(where, value, allowed)
            return default
        return number

    def boolean(
        self, raw: Mapping[str, Any], key: str, default: bool, *, path: str = "", top_level: bool = False
    ) -> bool:
        """A boolean; the strings "true"/"false" only at top level, where Pulumi stores strings."""
        if key not in raw:
            return default
        value, where = raw[key], _join(path, key)
        if isinstance(value, bool):
            return value
        if top_level and isinstance(value, str) and value in ("true", "false"):
            return value == "true"
        allowed = 'true or false ("true"/"false" strings only for top-level keys)'
        self.problem(where, value, allowed)
        return default

    def text_list(
        self, raw: Mapping[str, Any], key: str, check: Callable[[str], str | None], *, path: str
    ) -> tuple[str, ...]:
        """A list of strings, each passing `check`."""
        value, where = raw.get(key, []), _join(path, key)
        if not isinstance(value, list):
            self.problem(where, value, f"a list of {check('') or 'strings'}")
            return ()
        good: list[str] = []
        for index, item in enumerate(value):
            reason = check(item) if isinstance(item, str) else check("")
            if reason:
                self.problem(f"{where}[{index}]", item, reason)
            else:
                good.append(item)
        return tuple(good)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _show(value: Any) -> str:
    """A value as the user wrote it, with its type, e.g. `"25" (a string)`."""
    if value is None:
        return "nothing (the key is missing)"
    kind = {bool: "a boolean", int: "an integer", float: "a number", str: "a string", list: "a list"}.get(
        type(value), "a map" if isinstance(value, dict) else type(value).__name__
    )
    text = json.dumps(value, default=str)
    if len(text) > 80:
        text = text[:77] + "..."
    return f"{text} ({kind})"
