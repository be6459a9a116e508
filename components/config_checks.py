"""Format rules for stack config values: names, regions, cron schedules, labels, time zones.

Each `check_*` function returns None when the value is fine, or a short sentence saying
what is allowed (the loader in `components/config.py` prefixes it with the key and the bad
value). They are pure so the rules can be tested one by one.
"""

from __future__ import annotations

import ipaddress
import itertools
import re
import zoneinfo

# GCS bucket names: lowercase letters, digits, `-`, `_`, `.`; start and end alphanumeric.
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9._-]*[a-z0-9]$")
# Region names like us-central1, europe-west4, northamerica-northeast1.
_REGION = re.compile(r"^[a-z]+-[a-z]+[1-9][0-9]?$")
# Multi-regions and predefined dual-regions a bucket (and so an Eventarc trigger) can live in.
BUCKET_MULTI_REGIONS: tuple[str, ...] = ("us", "eu", "asia", "nam4", "eur4", "eur5", "eur7", "eur8", "asia1")
# GCP project ids: 6-30 chars, lowercase letters, digits, hyphens, start with a letter.
_PROJECT = re.compile(r"^[a-z][a-z0-9-]{4,28}[a-z0-9]$")
# Docker tags (the distribution spec): 1-128 chars, no leading `.` or `-`.
_DOCKER_TAG = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")
# Label keys/values (ASCII subset of Google's rules; international letters are not accepted).
_LABEL_KEY = re.compile(r"^[a-z][a-z0-9_-]{0,62}$")
_LABEL_VALUE = re.compile(r"^[a-z0-9_-]{0,63}$")

_CRON_FIELDS: tuple[tuple[str, int, int], ...] = (
    ("minute", 0, 59),
    ("hour", 0, 23),
    ("day of month", 1, 31),
    ("month", 1, 12),
    ("day of week", 0, 7),
)
_CRON_NAMES: dict[str, dict[str, int]] = {
    "month": {
        m: i + 1
        for i, m in enumerate(
            ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
        )
    },
    "day of week": {d: i for i, d in enumerate(("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"))},
}
POLLER_MIN_GAP = 5
POLLER_MAX_GAP = 10


def check_bucket_name(name: str) -> str | None:
    """Google's bucket naming rules (cloud.google.com/storage/docs/buckets#naming)."""
    allowed = (
        "a bucket name: 3-63 characters (up to 222 with dots, 63 per dot-separated part) of "
        "lowercase letters, digits, '-', '_' and '.', starting and ending with a letter or digit, "
        "not an IP address, not starting with 'goog' and not containing 'google'"
    )
    if not _BUCKET.match(name) or ".." in name:
        return allowed
    limit = 222 if "." in name else 63
    if not 3 <= len(name) <= limit or any(len(part) > 63 for part in name.split(".")):
        return allowed
    if name.startswith("goog") or "google" in name or "g00gle" in name:
        return allowed
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return None
    return allowed


def check_region(name: str) -> str | None:
    """A Google Cloud region name such as us-central1."""
    if _REGION.match(name):
        return None
    return "a region name such as us-central1 or europe-west4 (lowercase, ending in a digit)"


# Regions where Eventarc Advanced (message buses, enrollments, pipelines) is available, as
# listed by Google's "Eventarc locations" page (cloud.google.com/eventarc/docs/locations,
# section "Eventarc Advanced"). The copy of the page we could read lists these eight and is
# cut after us-east4; a region Google adds later is added here with the page, not guessed.
EVENTARC_ADVANCED_REGIONS: tuple[str, ...] = (
    "asia-south1",
    "asia-southeast1",
    "australia-southeast1",
    "europe-north1",
    "europe-west1",
    "europe-west3",
    "us-central1",
    "us-east4",
)


def check_eventarc_advanced_region(name: str) -> str | None:
    """A region where Eventarc Advanced runs (the bus, its enrollments and pipelines)."""
    if name in EVENTARC_ADVANCED_REGIONS:
        return None
    return (
        "a region where Eventarc Advanced is available (cloud.google.com/eventarc/docs/locations): "
        + ", ".join(EVENTARC_ADVANCED_REGIONS)
    )


# A principal as IAM spells it in a binding (cloud.google.com/iam/docs/principal-identifiers).
_PRINCIPAL = re.compile(r"^(user|serviceAccount|group|domain):[^\s:]+$|^principal(Set)?://\S+$")


def check_principal(item: str) -> str | None:
    """An IAM principal identifier such as `serviceAccount:NAME@PROJECT.iam.gserviceaccount.com`."""
    if _PRINCIPAL.match(item):
        return None
    return (
        "IAM principals such as serviceAccount:NAME@PROJECT.iam.gserviceaccount.com, "
        "user:EMAIL or group:EMAIL"
    )


def check_bucket_location(name: str) -> str | None:
    """Where the bucket lives: a region, a multi-region (us, eu, asia) or a dual-region."""
    if name in BUCKET_MULTI_REGIONS or _REGION.match(name):
        return None
    multi = ", ".join(BUCKET_MULTI_REGIONS)
    return f"the bucket's location, lowercase: a region such as us-central1 or one of {multi}"


def check_project_id(project: str) -> str | None:
    """A GCP project id."""
    if _PROJECT.match(project):
        return None
    return "a project id: 6-30 lowercase letters, digits and hyphens, starting with a letter"


def check_docker_tag(tag: str) -> str | None:
    """A container image tag."""
    if _DOCKER_TAG.match(tag):
        return None
    return "an image tag: 1-128 letters, digits, '_', '.', '-', not starting with '.' or '-'"


def check_label_key(key: str) -> str | None:
    """A GCP resource label key."""
    if _LABEL_KEY.match(key):
        return None
    return "a label key: 1-63 lowercase letters, digits, '_' or '-', starting with a letter"


def check_label_value(value: str) -> str | None:
    """A GCP resource label value."""
    if _LABEL_VALUE.match(value):
        return None
    return "a label value: 0-63 lowercase letters, digits, '_' or '-'"


def check_time_zone(name: str) -> str | None:
    """An IANA time zone name known to `zoneinfo`."""
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return "an IANA time zone name such as Etc/UTC or America/Los_Angeles"
    return None


def cron_fields(schedule: str) -> list[set[int]] | str:
    """The five unix-cron fields expanded to sets of values, or a sentence saying what is wrong."""
    fields = schedule.split()
    if len(fields) != 5:
        return "a unix-cron schedule of 5 fields: minute hour day-of-month month day-of-week"
    expanded: list[set[int]] = []
    for text, (label, low, high) in zip(fields, _CRON_FIELDS, strict=True):
        values = _cron_field(text, low, high, _CRON_NAMES.get(label, {}))
        if values is None:
            return f"a unix-cron schedule; the {label} field {text!r} must use values {low}-{high}"
        expanded.append(values)
    return expanded


def check_cron(schedule: str) -> str | None:
    """A valid 5-field unix-cron schedule (what Cloud Scheduler accepts)."""
    fields = cron_fields(schedule)
    return fields if isinstance(fields, str) else None


def check_poller_schedule(schedule: str) -> str | None:
    """A schedule firing every 5 to 10 minutes, all day: gaps between runs, hour wrap included."""
    allowed = (
        f"a schedule that fires every {POLLER_MIN_GAP} to {POLLER_MAX_GAP} minutes around the clock: "
        "`*/N * * * *` where N divides 60 (5, 6, 10) or N=9, or a minute list such as "
        "`0,10,20,30,40,50 * * * *` whose gaps, including the one across the hour, are 5-10 minutes"
    )
    fields = cron_fields(schedule)
    if isinstance(fields, str):
        return f"{fields}; the poller needs {allowed}"
    if schedule.split()[1:] != ["*", "*", "*", "*"]:
        return allowed
    minutes = sorted(fields[0])
    gaps = [b - a for a, b in itertools.pairwise(minutes)] + [60 - minutes[-1] + minutes[0]]
    if all(POLLER_MIN_GAP <= gap <= POLLER_MAX_GAP for gap in gaps):
        return None
    return f"{allowed} (this one has gaps of {sorted(set(gaps))} minutes)"


def _cron_field(text: str, low: int, high: int, names: dict[str, int]) -> set[int] | None:
    values: set[int] = set()
    for item in text.split(","):
        base, _, step_text = item.partition("/")
        step = _cron_int(step_text, 1, high - low + 1, {}) if step_text else 1
        if step is None:
            return None
        if base == "*":
            start, end = low, high
        elif "-" in base:
            first, _, last = base.partition("-")
            range_start, range_end = _cron_int(first, low, high, names), _cron_int(last, low, high, names)
            if range_start is None or range_end is None or range_start > range_end:
                return None
            start, end = range_start, range_end
        else:
            single = _cron_int(base, low, high, names)
            if single is None:
                return None
            start = single
            # `5/15` means 5, 20, 35, 50 in unix cron; a bare value is just itself.
            end = high if step_text else start
        values.update(range(start, end + 1, step))
    return values


def _cron_int(text: str, low: int, high: int, names: dict[str, int]) -> int | None:
    if text.upper() in names:
        return names[text.upper()]
    if not text.isdigit():
        return None
    value = int(text)
    return value if low <= value <= high else None


_GKE_CLUSTER = re.compile(r"^[a-z](?:[-a-z0-9]{0,38}[a-z0-9])?$")
_GKE_LOCATION = re.compile(r"^[a-z]+-[a-z]+[0-9]+(?:-[a-z])?$")
_K8S_NAMESPACE = re.compile(r"^[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?$")
_AR_REPOSITORY = re.compile(r"^[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?$")


def check_gke_cluster(name: str) -> str | None:
    """A GKE cluster name."""
    if _GKE_CLUSTER.match(name):
        return None
    return "a GKE cluster name: 1-40 lowercase letters, digits or '-', starting with a letter"


def check_gke_location(name: str) -> str | None:
    """A GKE cluster location: a zone (us-central1-a) or a region (us-central1)."""
    if _GKE_LOCATION.match(name):
        return None
    return "a zone such as us-central1-a or a region such as us-central1"


def check_k8s_namespace(name: str) -> str | None:
    """A Kubernetes namespace (an RFC 1123 label)."""
    if _K8S_NAMESPACE.match(name):
        return None
    return "a Kubernetes namespace: 1-63 lowercase letters, digits or '-', alphanumeric at both ends"


def check_artifact_repository(name: str) -> str | None:
    """An Artifact Registry repository id."""
    if _AR_REPOSITORY.match(name):
        return None
    return "an Artifact Registry repository id: lowercase letters, digits or '-', starting with a letter"
