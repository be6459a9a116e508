"""`time` module: RFC 3339 text <-> seconds since the Unix epoch (a double)."""

from __future__ import annotations

import datetime as _dt
import math
import re
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from workflow_runtime.stdlib.spec import Registry, expect, value_error

registry = Registry()

_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.UTC)


def _zone(function: str, timezone: Any) -> _dt.tzinfo:
    expect(function, "timezone", timezone, "string")
    # The two IANA names of UTC print as `Z`, like the default (the sys/sleep_until page's
    # example). Their aliases (GMT, Etc/Zulu, ...) keep the +00:00 offset ZoneInfo gives:
    # the time/format page could not be read to settle them. "Z" is no IANA name.
    if timezone in ("UTC", "Etc/UTC"):
        return _dt.UTC
    try:
        return ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise value_error(
            function, f"unknown time zone {timezone!r}: use an IANA name like 'Europe/Paris'"
        ) from None


@registry.function("time.format")
def time_format(ctx: Any, seconds: Any, timezone: Any = "Etc/UTC") -> str:
    """RFC 3339 text of an epoch time, with microseconds; `Z` in UTC, else the zone's offset."""
    expect("time.format", "seconds", seconds, "number")
    zone = _zone("time.format", timezone)
    if isinstance(seconds, float) and (math.isnan(seconds) or math.isinf(seconds)):
        raise value_error("time.format", f"{seconds} is not a time")
    try:
        # Whole microseconds first, so 1.1 does not print as .099999.
        micros = round(seconds * 1_000_000)
        moment = (_EPOCH + _dt.timedelta(microseconds=micros)).astimezone(zone)
    except OverflowError:
        raise value_error("time.format", f"{seconds} is out of the supported time range") from None
    text = moment.isoformat(timespec="microseconds")
    return text[:-6] + "Z" if zone is _dt.UTC else text


_RFC3339 = re.compile(r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})\Z")


@registry.function("time.parse")
def time_parse(ctx: Any, value: Any) -> float:
    """Seconds since the epoch (a double) of an RFC 3339 timestamp with a zone offset."""
    expect("time.parse", "value", value, "string")
    match = _RFC3339.match(value)
    if not match:
        raise value_error(
            "time.parse",
            f"{value!r} is not an RFC 3339 timestamp like 2024-05-08T13:22:58.120062Z",
        )
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    try:
        base = _dt.datetime(int(year), int(month), int(day), int(hour), int(minute), int(second))
    except ValueError as error:
        raise value_error("time.parse", f"{value!r}: {error}") from None
    if offset in ("Z", "z"):
        delta = _dt.timedelta(0)
    else:
        sign = 1 if offset[0] == "+" else -1
        delta = sign * _dt.timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6]))
    moment = base.replace(tzinfo=_dt.timezone(delta))
    whole = (moment - _EPOCH) // _dt.timedelta(seconds=1)
    return whole + (float(fraction) if fraction else 0.0)
