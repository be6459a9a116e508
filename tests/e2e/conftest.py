"""The opt-in end-to-end suite's fixture: its settings, or a skip naming what to set."""

from __future__ import annotations

import os

import pytest

from tests.e2e.settings import E2ESettings, settings_from


@pytest.fixture(scope="session")
def e2e_settings() -> E2ESettings:
    """Where the throwaway stack goes (tests/e2e/settings.py); skips without E2E_PROJECT."""
    return settings_from(os.environ)
