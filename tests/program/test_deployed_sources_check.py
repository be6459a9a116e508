"""`python -m workflow_runtime check` accepts every deployed source: the exact text Pulumi
sends (body plus the merged lib/ subworkflows), so a workflow refused at deploy time by
Google's checks that `check` mirrors fails here, not halfway through `pulumi up`."""

from __future__ import annotations

from pathlib import Path

import pytest

from components.catalog import WORKFLOWS_DIR, load_catalog
from components.sources import workflow_source
from workflow_runtime.cli import main

DEPLOYED = [spec.path for spec in load_catalog().workflows.values()] + [WORKFLOWS_DIR / "marker-router.yaml"]


def test_check_accepts_every_deployed_source(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = []
    for body in DEPLOYED:
        deployed = tmp_path / body.name
        deployed.write_text(workflow_source(body), encoding="utf-8")
        files.append(str(deployed))
    assert len(files) == len(set(files)) >= 18
    assert main(["check", *files]) == 0, capsys.readouterr().err


def test_check_refuses_a_deployed_source_that_reads_a_loop_variable_after_its_loop(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The same gate on a real source with one leak added: a for loop whose variable is read
    # after the loop (variables reference: a deployment error).
    body = DEPLOYED[0]
    source = workflow_source(body)
    assert source.startswith("main:") or "\nmain:" in source
    leak = (
        "    - leak_loop:\n"
        "        for:\n"
        "          value: leaked\n"
        "          in: [1]\n"
        "          steps:\n"
        "            - noop:\n"
        "                assign:\n"
        "                  - inside: ${leaked}\n"
        "    - leak_read:\n"
        "        assign:\n"
        "          - outside: ${leaked}\n"
    )
    marker = "\n  steps:\n"  # main's own steps: the first subworkflow-level `steps:`
    at = source.index(marker, source.index("main:")) + len(marker)
    broken = tmp_path / body.name
    broken.write_text(source[:at] + leak + source[at:], encoding="utf-8")
    assert main(["check", str(broken)]) == 2
    line = source[:at].count("\n") + leak.count("\n")
    assert capsys.readouterr().err.startswith(f"{broken}:{line}: step 'leak_read': symbol 'leaked'")
