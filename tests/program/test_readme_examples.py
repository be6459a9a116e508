"""README.md's examples are what the commands really do: the `workflow_runtime run ... --lib`
command (run as a subprocess on the test's Cloud Storage emulator) and the invalid-config sample."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys

from components.stack_files import ROOT
from workflow_runtime.connectors.gcs_client import GcsClient
from workflow_runtime.connectors.gcs_emulator import GcsEmulator

README = ROOT / "README.md"
VENV_PYTHON = ".venv/bin/python"


def _blocks() -> list[tuple[str, str]]:
    """Every fenced block of the README as (the text before it, its body)."""
    parts = re.split(r"^```[a-z]*\n(.*?)^```\n", README.read_text(), flags=re.DOTALL | re.MULTILINE)
    return [(parts[i - 1], parts[i]) for i in range(1, len(parts), 2)]


def _block(body_pattern: str) -> tuple[str, str, tuple[str, str] | None]:
    """The one block whose body matches: (text before, body, (text, body) of the next block)."""
    blocks = _blocks()
    found = [i for i, (_, body) in enumerate(blocks) if re.search(body_pattern, body, flags=re.MULTILINE)]
    assert len(found) == 1, f"README.md: expected one block matching {body_pattern!r}, found {len(found)}"
    index = found[0]
    return *blocks[index], blocks[index + 1] if index + 1 < len(blocks) else None


def test_the_readme_lib_command_exits_and_prints_as_the_readme_says(gcs_emulator: GcsEmulator) -> None:
    _, body, following = _block(r"workflow_runtime run \S+ --lib")
    assert following, "README.md: no output block after the --lib example"
    after, output = following
    words = shlex.split(body.replace("\\\n", " "))
    env = dict(os.environ)
    while "=" in words[0]:
        name, _, _value = words.pop(0).partition("=")
        env[name] = _value
    assert words[0] == VENV_PYTHON, f"README.md's command starts with {words[0]!r}"
    assert "STORAGE_EMULATOR_HOST" in env, "README.md's command must name the emulator it runs against"
    env["STORAGE_EMULATOR_HOST"] = gcs_emulator.url.removeprefix("http://")
    bucket = json.loads(words[words.index("--data") + 1])["bucket"]
    GcsClient(gcs_emulator.url).create_bucket(bucket)
    done = subprocess.run(
        [sys.executable, *words[1:]], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    said = re.search(r"exits (\d+)", after)
    assert said, "README.md does not say how the command exits"
    assert (done.returncode, done.stderr, done.stdout) == (int(said.group(1)), output, "")


def test_the_readme_invalid_config_sample_is_the_real_error() -> None:
    before, body, _ = _block(r"^invalid stack config:")
    command = re.search(r"`(\.venv/bin/python -m tools\.plan [^`]+)`, exit (\d+)", before)
    assert command, "README.md's invalid-config sample does not name the offline command and its exit"
    words = shlex.split(command.group(1))
    assert words[0] == VENV_PYTHON, f"README.md's command starts with {words[0]!r}"
    # A subprocess, as a reader runs it (in process, other tests' SDK leftovers reach stderr).
    done = subprocess.run([sys.executable, *words[1:]], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == int(command.group(2)), done.stderr
    first, _, rest = done.stderr.partition("\n")
    assert first.startswith("error: the program fails for stack ")
    assert rest == body
