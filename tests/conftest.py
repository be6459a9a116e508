"""Shared pytest fixtures: `workflow_env` (and the session's Cloud Storage emulator)."""

from workflow_runtime.testing import gcs_emulator, workflow_env

__all__ = ["gcs_emulator", "workflow_env"]
