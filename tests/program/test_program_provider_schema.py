"""Every registered input is a property pulumi-gcp declares, at every depth: the check a
real `pulumi preview` makes in the provider, which the mock engine skips."""

from __future__ import annotations

from pathlib import Path

from tests.program.provider_schema import unknown_inputs
from tools.mock_engine import Evaluation, evaluate


def test_every_input_is_declared_by_the_provider(run: Evaluation) -> None:
    """No resource of either stack carries a key its pulumi-gcp input types do not declare."""
    checked = [r for r in run.resources if r.custom]
    assert len(checked) > 100
    problems = {r.name: unknown_inputs(r.type, r.inputs) for r in checked}
    assert {name: paths for name, paths in problems.items() if paths} == {}


def test_the_check_finds_misspelt_keys_at_any_depth(tmp_path: Path) -> None:
    """A control: typos inside nested inputs are reported with their path (Python itself
    rejects a misspelt top-level argument)."""
    program = tmp_path / "__main__.py"
    program.write_text(
        "import pulumi_gcp as gcp\n"
        'gcp.cloudscheduler.Job("j", name="j", schedule="* * * * *",\n'
        '    http_target={"uri": "https://x", "bogus_key": 1,\n'
        '                 "oauth_token": {"service_account_email": "a", "scoep": "s"}})\n'
    )
    (job,) = evaluate("prod", config={}, program=program).resources
    assert sorted(unknown_inputs(job.type, job.inputs)) == [
        "Job.httpTarget.bogus_key",
        "Job.httpTarget.oauthToken.scoep",
    ]
