"""The user_env_vars limits checked before any resource is registered (components/env.py):
at most 20 variables, values of at most 4 KiB, no empty or reserved names (Google's
"Use environment variables" page for Workflows)."""

from __future__ import annotations

import pytest

from components.env import MAX_ENV_KEYS, MAX_ENV_VALUE_BYTES, EnvError, check_env


def test_twenty_variables_pass_and_the_twenty_first_is_refused() -> None:
    env = {f"VAR_{i}": "v" for i in range(MAX_ENV_KEYS)}
    assert check_env("wf", env) == env
    with pytest.raises(EnvError, match=r"wf: 21 env vars, Cloud Workflows allows 20"):
        check_env("wf", {**env, "ONE_MORE": "v"})


def test_a_value_of_4_kib_passes_and_one_byte_more_is_refused() -> None:
    assert check_env("wf", {"BIG": "x" * MAX_ENV_VALUE_BYTES})
    with pytest.raises(EnvError, match=r"wf: env BIG is 4097 bytes; Cloud Workflows allows 4096"):
        check_env("wf", {"BIG": "x" * (MAX_ENV_VALUE_BYTES + 1)})
    # Bytes, not characters: 2,049 two-byte characters are over the limit.
    with pytest.raises(EnvError, match="4098 bytes"):
        check_env("wf", {"BIG": "é" * 2049})


@pytest.mark.parametrize("name", ["", "GOOGLE_CLOUD_X", "GOOGLEX", "WORKFLOWS_X"])
def test_empty_and_reserved_names_are_refused(name: str) -> None:
    with pytest.raises(EnvError, match="empty or starts with GOOGLE/WORKFLOWS"):
        check_env("wf", {name: "v"})
