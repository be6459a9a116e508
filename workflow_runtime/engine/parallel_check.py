"""Static check of parallel steps: which variables a branch or iteration may write.

Google's parallel sample marks an assignment to a parent variable inside a branch as an
error unless the parallel step lists it in `shared`, and shared variables must be
initialised before the step. Variables of the enclosing scope are the params and what
the steps written above the parallel step assign (source order stands in for execution
order, so a name first assigned after the step stays branch-local).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from workflow_runtime.engine import model as m


def check_parallel_writes(sub: m.Subworkflow, fail: Callable[[int, str], Exception]) -> None:
    """Raise `fail(line, message)` where a branch writes an unshared parent variable."""
    for step, _ in _iter_steps(sub.body, inside=()):
        if not isinstance(step, m.ParallelStep):
            continue
        outside = {p for p, _ in sub.params}
        for other, parents in _iter_steps(sub.body, inside=()):
            if other.line < step.line and not any(p is step for p in parents):
                outside |= _written(other)
        for name in step.shared:
            if name not in outside:
                raise fail(
                    step.line,
                    f"step '{step.name}': shared variable '{name}' must be assigned before the parallel step",
                )
        local = {step.loop.value, step.loop.index} if step.loop else set()
        for inner, _ in _iter_steps(_parallel_blocks(step), inside=()):
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


def _iter_steps(block: m.Block, inside: tuple[m.Step, ...]) -> Iterator[tuple[m.Step, tuple[m.Step, ...]]]:
    """Every step under `block` with the chain of steps containing it."""
    for step in block.steps:
        yield step, inside
        for child in _child_blocks(step):
            yield from _iter_steps(child, (*inside, step))


def _written(step: m.Step) -> set[str]:
    """Variables a step itself writes (not counting nested steps)."""
    if isinstance(step, m.AssignStep):
        return {a.root for a in step.assignments}
    if isinstance(step, m.CallStep) and step.result:
        return {step.result}
    if isinstance(step, m.TryStep) and step.except_as:
        return {step.except_as}
    return set()
