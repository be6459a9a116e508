"""`python -m workflow_runtime run|check`: output streams, exit codes, stats, env."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from workflow_runtime import cli
from workflow_runtime.cli import main

WORKFLOW = """\
main:
  params: [args]
  steps:
    - wait:
        call: sys.sleep
        args:
          seconds: 12.5
    - check:
        switch:
          - condition: ${args.fail}
            raise:
              tags: ["Refused"]
              message: ${"no " + sys.get_env("WHO")}
    - done:
        return:
          who: ${sys.get_env("WHO")}
          n: ${args.n * 2}
"""


@pytest.fixture
def workflow_file(tmp_path: Path) -> Path:
    path = tmp_path / "wf.yaml"
    path.write_text(WORKFLOW, encoding="utf-8")
    return path


def test_run_prints_the_result_as_json_and_writes_stats(
    workflow_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stats = tmp_path / "stats.json"
    code = main(
        [
            "run",
            str(workflow_file),
            "--data",
            '{"n": 21, "fail": false}',
            "--env",
            "WHO=tester",
            "--stats",
            str(stats),
        ]
    )
    out = capsys.readouterr()
    assert code == 0
    assert json.loads(out.out) == {"who": "tester", "n": 42}
    assert out.err == ""
    assert json.loads(stats.read_text()) == {
        "steps": {"internal": 3, "external": 0},
        "virtual_seconds": 12.5,
    }


def test_uncaught_error_prints_the_error_value_on_stderr_and_exits_1(
    workflow_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["run", str(workflow_file), "--data", '{"n": 1, "fail": true}', "--env", "WHO=x"])
    out = capsys.readouterr()
    assert code == 1
    assert out.out == ""
    assert json.loads(out.err) == {"tags": ["Refused"], "message": "no x"}


def test_invalid_workflow_prints_file_line_message_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("- a:\n    assign:\n      - x: 1\n    call: sys.now\n", encoding="utf-8")
    code = main(["run", str(bad)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith(f"{bad}:1: step 'a' has two kinds")


def test_bad_data_and_bad_env_exit_2(workflow_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(workflow_file), "--data", "{nope"]) == 2
    assert "--data" in capsys.readouterr().err
    assert main(["run", str(workflow_file), "--env", "NOEQUALS"]) == 2
    assert "NAME=VALUE" in capsys.readouterr().err
    assert main(["run", str(workflow_file), "--env", "GOOGLE_CLOUD_PROJECT_ID=x"]) == 2
    assert "reserved" in capsys.readouterr().err


def test_check_validates_every_file(
    workflow_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", str(workflow_file)]) == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text("- a:\n    next: missing\n", encoding="utf-8")
    missing = tmp_path / "absent.yaml"
    assert main(["check", str(workflow_file), str(bad), str(missing)]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert lines[0].startswith(f"{bad}:2: ")
    assert lines[1].startswith(f"{missing}:1: cannot read")


def test_check_reports_an_expression_over_the_length_limit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wf = tmp_path / "long.yaml"
    expression = "${" + "1 + " * 100 + "1}"  # 404 characters
    wf.write_text(
        f"main:\n  steps:\n    - short:\n        assign:\n          - x: ${{0}}\n"
        f"    - long:\n        return: {expression}\n",
        encoding="utf-8",
    )
    assert main(["check", str(wf)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"{wf}:7: step 'long': expression of 404 characters, more than the limit of 400")


def test_python_dash_m_entry_point(workflow_file: Path) -> None:
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "workflow_runtime",
            "run",
            str(workflow_file),
            "--data",
            '{"n": 2, "fail": false}',
            "--env",
            "WHO=cli",
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout) == {"who": "cli", "n": 4}


def test_run_serves_child_workflows_from_the_catalog_next_to_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "catalog.yaml").write_text(
        "workflows:\n  child:\n    file: child.yaml\n    env: [FACTOR]\n", encoding="utf-8"
    )
    (tmp_path / "child.yaml").write_text(
        "main:\n  params: [args]\n  steps:\n    - r:\n"
        '        return: ${args.x * int(sys.get_env("FACTOR"))}\n',
        encoding="utf-8",
    )
    parent = tmp_path / "parent.yaml"
    parent.write_text(
        textwrap.dedent(
            """\
            - start:
                call: googleapis.workflowexecutions.v1.projects.locations.workflows.executions.run
                args:
                  workflow_id: child
                  argument:
                    x: 21
                result: r
            - done:
                return: ${r}
            """
        ),
        encoding="utf-8",
    )
    code = main(["run", str(parent), "--env", "FACTOR=2"])
    out = capsys.readouterr()
    assert code == 0, out.err
    assert json.loads(out.out) == 42


def test_a_malformed_storage_emulator_host_is_reported(
    workflow_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("STORAGE_EMULATOR_HOST", "https://storage.example.com")
    assert main(["run", str(workflow_file), "--data", '{"n": 1, "fail": false}']) == 2
    assert "127.0.0.1" in capsys.readouterr().err


def test_run_also_runs_the_executions_the_workflow_queued(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "catalog.yaml").write_text("workflows:\n  child:\n    file: child.yaml\n", encoding="utf-8")
    (tmp_path / "child.yaml").write_text(
        "main:\n  params: [args]\n  steps:\n    - r:\n        return: ${args.x + 1}\n", encoding="utf-8"
    )
    parent = tmp_path / "parent.yaml"
    parent.write_text(
        textwrap.dedent(
            """\
            - start:
                call: googleapis.workflowexecutions.v1.projects.locations.workflows.executions.create
                args:
                  parent: projects/test-project/locations/us-central1/workflows/child
                  body:
                    argument: '{"x": 1}'
                result: created
            - done:
                return: ${created.state}
            """
        ),
        encoding="utf-8",
    )
    built: list[Any] = []
    real_build = cli.build_services

    def spy(*args: Any) -> Any:
        built.append(real_build(*args))
        return built[-1]

    monkeypatch.setattr(cli, "build_services", spy)
    assert cli.main(["run", str(parent)]) == 0
    assert json.loads(capsys.readouterr().out) == "ACTIVE"
    (record,) = built[0].executions.records
    assert (record.workflow, record.state, record.result) == ("child", "SUCCEEDED", 2)


LIB = """\
shout:
  params: [text]
  steps:
    - up:
        return: ${text.to_upper(text) + "!"}
"""


def test_lib_subworkflows_are_merged_into_the_workflow(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lib_dir = tmp_path / "lib"
    lib_dir.mkdir()
    (lib_dir / "text.yaml").write_text(LIB, encoding="utf-8")
    wf = tmp_path / "wf.yaml"
    wf.write_text('main:\n  steps:\n    - r:\n        return: ${shout("hi")}\n', encoding="utf-8")
    assert main(["run", str(wf), "--lib", str(lib_dir)]) == 0
    assert json.loads(capsys.readouterr().out) == "HI!"
    assert main(["check", str(wf)]) == 2  # without the library `shout` is unknown
    assert "shout" in capsys.readouterr().err


def test_errors_inside_a_library_name_the_library_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lib = tmp_path / "lib.yaml"
    lib.write_text(LIB.replace("text.to_upper", "text.to_uper"), encoding="utf-8")
    wf = tmp_path / "wf.yaml"
    wf.write_text("- r:\n    return: 1\n", encoding="utf-8")
    assert main(["check", "--lib", str(lib), str(wf)]) == 2
    assert capsys.readouterr().err.startswith(f"{lib}:5: step 'up': unknown function 'text.to_uper'")


def test_a_subworkflow_defined_in_both_the_workflow_and_the_library_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lib = tmp_path / "lib.yaml"
    lib.write_text(LIB, encoding="utf-8")
    wf = tmp_path / "wf.yaml"
    wf.write_text("main:\n  steps:\n    - r:\n        return: 1\n" + LIB, encoding="utf-8")
    assert main(["check", "--lib", str(lib), str(wf)]) == 2
    assert capsys.readouterr().err.startswith(f"{lib}:1: subworkflow 'shout' is also defined in {wf}")


def test_the_projects_workflows_are_valid_with_their_library(capsys: pytest.CaptureFixture[str]) -> None:
    root = Path(__file__).resolve().parents[2] / "workflows"
    files = [str(p) for p in sorted(root.glob("*.yaml")) if p.name != "catalog.yaml"]
    assert files, "no workflows found"
    assert main(["check", "--lib", str(root / "lib"), *files]) == 0, capsys.readouterr().err


def test_run_names_a_connector_the_runtime_does_not_emulate_and_exits_3(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wf = tmp_path / "wf.yaml"
    wf.write_text("- q:\n    call: googleapis.bigquery.v2.jobs.query\n    args:\n      projectId: p\n")
    assert main(["check", str(wf)]) == 0  # valid: Google accepts any googleapis.* connector
    assert main(["run", str(wf)]) == 3
    err = capsys.readouterr().err
    assert err.startswith(f"{wf}: connector 'googleapis.bigquery.v2.jobs.query' is not emulated")
