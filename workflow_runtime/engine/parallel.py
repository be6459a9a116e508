"""`parallel` steps: branches or a parallel for loop on the virtual-time scheduler.

At most `concurrency_limit` branches/iterations run at once: that many worker tasks each
take the next pending unit in order. With `continueAll` (Google's only policy) every unit
runs even after one fails; the unhandled errors are raised together afterwards as one
UnhandledBranchError.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from workflow_runtime.engine import model as m
from workflow_runtime.engine.control import Control
from workflow_runtime.engine.loops import loop_frames
from workflow_runtime.engine.scopes import Frame, Runner
from workflow_runtime.errors import WorkflowError, make_error
from workflow_runtime.expressions import resolve, type_name

UNHANDLED_MESSAGE = (
    "UnhandledBranchError: One or more branches or iterations encountered an unhandled runtime error"
)


def run_parallel(exe: Runner, step: m.ParallelStep, frame: Frame) -> Control:
    """Run every branch/iteration, then raise their unhandled errors if any."""
    if frame.parallel_depth + 1 > exe.limits.max_parallel_nesting:
        raise make_error(
            "ParallelNestingError",
            f"step '{step.name}': parallel steps nest at most {exe.limits.max_parallel_nesting} levels deep",
        )
    shared = frozenset(step.shared)
    units: deque[tuple[int, Any, m.Block, Frame]] = deque()
    if step.branches is not None:
        for branch in step.branches:
            child = frame.child(shared=shared, parallel=True)
            units.append((len(units), branch.name, branch.body, child))
    else:
        loop = step.loop
        assert loop is not None
        for index, inner in loop_frames(loop, frame, parallel=True, shared=shared):
            units.append((len(units), index, loop.body, inner))
    limit = _concurrency_limit(exe, step, frame)
    errors: list[tuple[int, dict[str, Any]]] = []

    def worker() -> None:
        while units:
            position, unit_id, body, unit_frame = units.popleft()
            try:
                # A unit ends at its last step, `return`, `end`, `break` or `continue`;
                # none of these reaches past the parallel step.
                exe.run_block(body, unit_frame)
            except WorkflowError as error:
                errors.append((position, {"id": unit_id, "error": error.value}))

    clock = exe.ctx.clock
    tasks = [clock.spawn(f"{step.name}-{i}", worker) for i in range(min(limit, len(units)))]
    clock.join(tasks)
    bug = next((t.error for t in tasks if t.error is not None), None)
    if bug is not None:
        raise bug
    if errors:
        most = exe.limits.max_unhandled_branch_errors
        ordered = [entry for _, entry in sorted(errors, key=lambda e: e[0])]
        raise make_error(
            "UnhandledBranchError",
            UNHANDLED_MESSAGE,
            branches=ordered[:most],
            truncated=len(errors) > most,
        )
    return None


def _concurrency_limit(exe: Runner, step: m.ParallelStep, frame: Frame) -> int:
    most = exe.limits.max_concurrent_branches
    if step.concurrency_limit is None:
        return most
    limit = resolve(step.concurrency_limit, frame)
    if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
        raise make_error(
            "ValueError",
            f"step '{step.name}': concurrency_limit must be a positive int, got {type_name(limit)} {limit!r}",
        )
    return min(limit, most)
