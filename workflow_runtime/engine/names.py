"""Deploy-time name check: every name an expression reads must be visible where it is read.

Google refuses at deploy time a reference to a name that is neither a variable nor a
subworkflow (troubleshooting page, "Deployment errors": `symbol 'varC' is neither a
variable nor a sub-workflow name`). Which variables a reference can see follows Google's
scoping pages:

- A subworkflow is one scope: its params, and every variable assigned by its steps,
  nested `steps`, `switch` conditions and `try` bodies included (variables reference,
  "Variable scope": assigning "creates a variable in the current scope"). A called
  subworkflow sees none of its caller's variables.
- A `for` loop (sequential or parallel) is a child scope: its `value`/`index` and the
  variables first created in its steps are local to it, and "accessing it outside of the
  loop will raise an error when deploying" (variables reference; the workflows-loop-scope
  sample).
- An `except` block is a child scope too: "This local scoping also applies to any variable
  created inside an except block" (variables reference; catching-errors page, "Variable
  scope": assign the variable before the block to use it outside).
- Each parallel branch is a child scope: a variable it creates is "local to branch scope",
  and reading another branch's is a "deployment error" (workflows-parallel-shared-variables
  sample, parallel steps page).

A child scope sees its parents' variables. Source order is not considered: a variable
assigned anywhere in a visible scope satisfies a reference, because `next` jumps make
source order differ from run order and no Google page says the deploy check follows
either. Open cases (accepted here; see docs/runtime-interfaces.md, "Deploy-time checks"):
the `as` variable of an except is treated as a variable of the scope around the try step;
the root of an assignment target like `m["k"]` or `m.k` counts as assigning `m`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Reference:
    """A name read by an expression, at a line of a step."""

    name: str
    line: int
    step: str


@dataclass
class VariableScope:
    """One scope: a subworkflow, a for loop, an except block or a parallel branch.

    `label` says where it is for messages ("for loop 'outer'"), `line` is its step's line.
    """

    label: str
    line: int
    parent: VariableScope | None = None
    defined: set[str] = field(default_factory=set)
    references: list[Reference] = field(default_factory=list)
    children: list[VariableScope] = field(default_factory=list)

    def child(self, label: str, line: int) -> VariableScope:
        """A nested local scope that sees this one's variables."""
        scope = VariableScope(label, line, self)
        self.children.append(scope)
        return scope

    def define(self, name: str) -> None:
        """Record that a step of this scope assigns `name`."""
        self.defined.add(name)

    def read(self, name: str, line: int, step: str) -> None:
        """Record that an expression of this scope reads `name`."""
        self.references.append(Reference(name, line, step))

    def sees(self, name: str) -> bool:
        """Whether `name` is a variable of this scope or an enclosing one."""
        scope: VariableScope | None = self
        while scope is not None:
            if name in scope.defined:
                return True
            scope = scope.parent
        return False

    def walk(self) -> Iterator[VariableScope]:
        """This scope and every scope nested in it."""
        yield self
        for child in self.children:
            yield from child.walk()


def first_undefined(root: VariableScope, is_global: Callable[[str], bool]) -> tuple[Reference, str] | None:
    """The first (by line) reference under `root` that sees no variable of its name and is
    not a global name (`is_global`: subworkflow, stdlib module, connector root), with the
    message to report; None when every reference resolves."""
    unresolved = [
        (reference, scope)
        for scope in root.walk()
        for reference in scope.references
        if not scope.sees(reference.name) and not is_global(reference.name)
    ]
    if not unresolved:
        return None
    reference, _ = min(unresolved, key=lambda pair: pair[0].line)
    return reference, _message(reference, root)


def _message(reference: Reference, root: VariableScope) -> str:
    name = reference.name
    text = f"step '{reference.step}': symbol '{name}' is neither a variable nor a sub-workflow name"
    elsewhere = [scope for scope in root.walk() if name in scope.defined]
    if not elsewhere:
        return f"{text} (no param has that name and no step assigns it)"
    scope = elsewhere[0]
    return (
        f"{text} here: it is assigned only inside {scope.label} (line {scope.line}), and a "
        "variable created there is local to it (Google's variables reference, 'Variable "
        "scope'); assign it before that step to use it outside"
    )
