"""Experimental flags and schedule settings have one home, the stack config
(components/config.py): the catalog validates against it, and each name is a config key
that really reaches the program. A flag or schedule added on one side only fails here."""

from __future__ import annotations

from typing import Any

import pytest

from components.catalog import load_catalog
from components.config import EXPERIMENTAL_FLAGS, SCHEDULE_SETTINGS, load_stack_config
from components.stack_files import file_config, project_name

CATALOG = load_catalog()


def _raw(**sections: Any) -> dict[str, Any]:
    """The staging stack file's project keys, with `sections` merged over its own."""
    prefix = f"{project_name()}:"
    raw = {k[len(prefix) :]: v for k, v in file_config("staging").items() if k.startswith(prefix)}
    for key, values in sections.items():
        raw[key] = {**raw.get(key, {}), **values}
    return raw


def test_the_catalogs_flags_and_settings_are_exactly_the_configs() -> None:
    """No flag or schedule of the config is dead (unused by every workflow), and the catalog
    uses none the config lacks (load_catalog refuses those: test_catalog.py)."""
    flags = {spec.experimental for spec in CATALOG.workflows.values() if spec.experimental}
    assert flags == set(EXPERIMENTAL_FLAGS)
    settings = {spec.trigger.settings for spec in CATALOG.by_trigger("schedule")}
    assert settings == set(SCHEDULE_SETTINGS)


@pytest.mark.parametrize("flag", EXPERIMENTAL_FLAGS)
def test_each_flag_is_a_config_key_that_enables_only_itself(flag: str) -> None:
    off = dict.fromkeys(EXPERIMENTAL_FLAGS, False)
    config = load_stack_config(
        _raw(experimental={**off, flag: True, "shared": False}),
        project="blueprint-test",
        region="us-central1",
    )
    assert [f for f in EXPERIMENTAL_FLAGS if config.experimental.enabled(f)] == [flag]
    env = config.env_values()
    assert {f: env[f"ENABLE_{f.upper()}"] for f in EXPERIMENTAL_FLAGS} == {
        f: "true" if f == flag else "false" for f in EXPERIMENTAL_FLAGS
    }


@pytest.mark.parametrize("settings", SCHEDULE_SETTINGS)
def test_each_schedule_setting_is_the_config_section_that_sets_it(settings: str) -> None:
    section = {"schedule": "*/6 * * * *", "timeZone": "Europe/Paris", "enabled": False}
    config = load_stack_config(_raw(**{settings: section}), project="blueprint-test", region="us-central1")
    schedule = config.schedule(settings)
    assert (schedule.schedule, schedule.time_zone, schedule.enabled) == ("*/6 * * * *", "Europe/Paris", False)
    before = load_stack_config(_raw(), project="blueprint-test", region="us-central1")
    assert before.schedule(settings) != schedule
    for other in SCHEDULE_SETTINGS:
        if other != settings:
            assert config.schedule(other) == before.schedule(other), other
