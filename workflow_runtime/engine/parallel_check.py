"""Static check of parallel steps: which variables a branch or iteration may write.

Google's parallel sample marks an assignment to a parent variable inside a branch as an
error unless the parallel step lists it in `shared`, and shared variables must be
initialised before the step. Variables of the enclosing scope are the params and what
the steps written above the parallel step assign (source order stands in for execution
order, so a name first assigned after the step stays branch-local). Source order is the
order of the steps in the document, not their line numbers: a JSON source may hold every
step on one line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from workflow_runtime.engine import model as m


def check_parallel_writes(sub: m.Subworkflow, fail: Callable[[int, str], Exception]) -> None:
    """Raise `fail(line, message)` where a branch writes an unshared parent variable."""
    steps = list(_iter_steps(sub.body))
    for position, step in enumerate(steps):
        if not isinstance(step, m.ParallelStep):
            continue
        # Every step before this one in source order; the parallel step's own steps follow it.
        outside = {p for p, _ in sub.params}.union(*(_written(other) for other in steps[:position]))
        for name in step.shared:
            if name not in outside:
                raise fail(
                    step.line,
                    f"step '{step.name}': shared variable '{name}' must be assigned before the parallel step",
                )
        local = {step.loop.value, step.loop.index} if step.loop else set()
        for inner in _iter_steps(_parallel_blocks(step)):
            for written in _written(inner):
                if written in outside and written not in step.shared and written not in local:
                    raise fail(
                        inner.line,
                        f"step '{inner.name}': assigns '{written}', a variable of the "
                        f"enclosing scope; add it to 'shared' of parallel step '{step.name}'",
                    )


def _parallel_blocks(step: m.ParallelStep) -> m.Block:
    if step.loop is not None:
        return step.loop.body
    assert step.branches is not None
    return m.Block([s for b in step.branches for s in b.body.steps])


def _child_blocks(step: m.Step) -> list[m.Block]:
    if isinstance(step, m.StepsStep):
        return [step.body]
    if isinstance(step, m.ForStep) and step.loop:
        return [step.loop.body]
    if isinstance(step, m.ParallelStep):
        return [_parallel_blocks(step)]
    if isinstance(step, m.TryStep):
        blocks = [m.Block([step.body])] if step.body else []
        return blocks + ([step.except_body] if step.except_body else [])
    if isinstance(step, m.SwitchStep):
        return [m.Block([c.action]) for c in step.conditions]
    return []


def _iter_steps(block: m.Block) -> Iterator[m.Step]:
    """Every step under `block`, in source order (a step before the steps nested in it)."""
    for step in block.steps:
        yield step
        for child in _child_blocks(step):
            yield from _iter_steps(child)


def _written(step: m.Step) -> set[str]:
    """Variables a step itself writes (not counting nested steps)."""
    if isinstance(step, m.AssignStep):
        return {a.root for a in step.assignments}
    if isinstance(step, m.CallStep) and step.result:
        return {step.result}
    if isinstance(step, m.TryStep) and step.except_as:
        return {step.except_as}
    return set()
