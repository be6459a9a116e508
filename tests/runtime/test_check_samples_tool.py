"""tools/check_samples.py: counts the samples `check` accepts and lists the refused ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.check_samples import main


def test_it_counts_accepted_and_lists_refused_samples_with_the_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "src" / "connectors").mkdir(parents=True)
    (tmp_path / "src" / "ok.workflows.yaml").write_text("- a:\n    return: 1\n")
    (tmp_path / "src" / "ok.workflows.json").write_text('[{"a": {"return": 1}}]')
    (tmp_path / "src" / "connectors" / "c.workflows.yaml").write_text(
        "- a:\n    call: googleapis.pubsub.v1.projects.topics.publish\n    args:\n      topic: t\n"
    )
    (tmp_path / "src" / "bad.workflows.yaml").write_text("- a:\n    return: ${nope}\n")
    (tmp_path / "src" / "notes.md").write_text("not a sample")
    assert main([str(tmp_path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:3] == ["samples: 4", "accepted: 3 (75%)", "refused: 1"]
    assert out[3].startswith("  src/bad.workflows.yaml: step 'a': symbol 'nope'")
    assert out[4].startswith("seconds: ")


def test_an_empty_folder_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "src").mkdir()
    assert main([str(tmp_path)]) == 2
    assert "no samples found" in capsys.readouterr().err
