"""Helpers shared by the runtime tests: evaluate an expression, run workflow text."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from typing import Any

import pytest

from workflow_runtime import ExecutionResult, Runtime
from workflow_runtime.errors import WorkflowError
from workflow_runtime.expressions import evaluate, parse_expression
from workflow_runtime.stdlib.context import MappingContext


def ev(source: str, **variables: Any) -> Any:
    """The value of expression `source` (the text inside `${...}`) with `variables` set."""
    return evaluate(parse_expression(source), MappingContext(variables))


def ev_error(source: str, **variables: Any) -> Any:
    """The error value raised by expression `source`, which must fail."""
    with pytest.raises(WorkflowError) as caught:
        ev(source, **variables)
    return caught.value.value


def run(source: str, argument: Any = None, **runtime_args: Any) -> ExecutionResult:
    """Run workflow text on a fresh Runtime."""
    return Runtime(**runtime_args).run(textwrap.dedent(source), argument)


def result_of(source: str, argument: Any = None) -> Any:
    """The result of a workflow that must succeed."""
    outcome = run(source, argument)
    assert outcome.state == "SUCCEEDED", outcome.error
    return outcome.result


def run_error(source: str, argument: Any = None) -> Any:
    """The error value of a workflow that must fail."""
    outcome = run(source, argument)
    assert outcome.state == "FAILED", outcome.result
    return outcome.error


@dataclass
class FakeHttp:
    """`services.http`: records requests and answers from a table of (method, url) -> response."""

    responses: dict[tuple[str, str], dict[str, Any]]
    requests: list[dict[str, Any]] = field(default_factory=list)

    def request(
        self,
        ctx: Any,
        method: str,
        url: str,
        headers: dict[str, Any],
        body: Any,
        query: dict[str, Any],
        auth: Any,
        timeout: float,
    ) -> dict[str, Any]:
        """Record the request and return the table's response to it."""
        self.requests.append(
            {
                "method": method,
                "url": url,
                "headers": headers,
                "body": body,
                "query": query,
                "auth": auth,
                "timeout": timeout,
            }
        )
        return self.responses[(method, url)]


@dataclass
class FakeServices:
    """Only the `http` service."""

    http: Any
