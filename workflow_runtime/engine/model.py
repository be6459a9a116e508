"""The validated, compiled form of a workflow: what the executor runs.

Values that may hold `${...}` are stored compiled (`Compiled` from the expressions
package) so expressions are parsed once, at load time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from workflow_runtime.expressions import Compiled, Expr


@dataclass
class Step:
    """Base of every step: its name, source line and optional `next` jump.

    A step with no kind (only `next`) is a plain `Step`.
    """

    name: str
    line: int
    next: str | None = None


@dataclass
class Block:
    """A sequence of steps and the position of each step name in it."""

    steps: list[Step]
    positions: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.positions = {step.name: i for i, step in enumerate(self.steps)}


@dataclass
class Assignment:
    """One `target: value` of an assign step; `target` is a Name/Attribute/Index tree."""

    target: Expr
    root: str
    value: Compiled


@dataclass
class AssignStep(Step):
    """`assign:` a list of assignments, run in order."""

    assignments: list[Assignment] = field(default_factory=list)


@dataclass
class CallStep(Step):
    """`call:` a subworkflow, builtin, stdlib function or connector."""

    function: str = ""
    kind: str = ""  # "subworkflow" | "function" | "connector"
    args: Compiled | None = None
    result: str | None = None


@dataclass
class ReturnStep(Step):
    """`return:` a value from the current (sub)workflow."""

    value: Compiled | None = None


@dataclass
class RaiseStep(Step):
    """`raise:` a string, a map or an expression's value."""

    value: Compiled | None = None


@dataclass
class StepsStep(Step):
    """`steps:` a nested block."""

    body: Block = field(default_factory=lambda: Block([]))


@dataclass
class Condition:
    """One `condition:` of a switch and the action taken when it holds."""

    test: Compiled
    action: Step


@dataclass
class SwitchStep(Step):
    """`switch:` the first true condition's action runs; none true -> `next` or go on."""

    conditions: list[Condition] = field(default_factory=list)


@dataclass
class ForLoop:
    """The `for:` body: `value`, optional `index`, `in` or `range`, and `steps`."""

    value: str
    index: str | None
    items: Compiled | None
    range: Compiled | None
    body: Block


@dataclass
class ForStep(Step):
    """A sequential `for:` loop."""

    loop: ForLoop | None = None


@dataclass
class Branch:
    """One named branch of a parallel step."""

    name: str
    body: Block


@dataclass
class ParallelStep(Step):
    """`parallel:` branches or a parallel for loop."""

    shared: list[str] = field(default_factory=list)
    concurrency_limit: Compiled | None = None
    exception_policy: str = "continueAll"
    branches: list[Branch] | None = None
    loop: ForLoop | None = None


@dataclass
class TryStep(Step):
    """`try:` with optional `retry:` policy and `except:` handler."""

    body: Step | None = None
    retry: Compiled | None = None
    except_as: str | None = None
    except_body: Block | None = None


@dataclass
class Subworkflow:
    """`params` (name, default-or-required) and steps of one subworkflow."""

    name: str
    params: list[tuple[str, Any]]
    required: set[str]
    body: Block


@dataclass
class Workflow:
    """A loaded workflow: its subworkflows (always including `main`)."""

    file: str
    name: str
    subworkflows: dict[str, Subworkflow]

    @property
    def main(self) -> Subworkflow:
        """The entry point."""
        return self.subworkflows["main"]
