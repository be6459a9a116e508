"""The virtual clock and its cooperative scheduler, used directly."""

from __future__ import annotations

import pytest

from workflow_runtime import VirtualClock
from workflow_runtime.engine.clock import SchedulerDeadlock


def test_sleep_outside_any_task_just_moves_time() -> None:
    clock = VirtualClock(start=100.0)
    clock.sleep(5)
    clock.advance(2.5)
    assert clock.now() == 107.5
    clock.sleep_until(50)  # in the past: no-op
    assert clock.now() == 107.5
    with pytest.raises(ValueError, match="backwards"):
        clock.advance(-1)


def test_tasks_interleave_by_wake_time_and_then_by_order() -> None:
    clock = VirtualClock(start=0.0)
    events: list[tuple[str, float]] = []

    def worker(name: str, delays: list[float]) -> None:
        for delay in delays:
            clock.sleep(delay)
            events.append((name, clock.now()))

    with clock.task():
        tasks = [
            clock.spawn("a", lambda: worker("a", [2, 2])),
            clock.spawn("b", lambda: worker("b", [1, 3])),
            clock.spawn("c", lambda: worker("c", [4])),
        ]
        clock.join(tasks)
        events.append(("root", clock.now()))
    # At t=4 the sleepers wake in the order they went to sleep: c (t=0), b (t=1), a (t=2).
    assert events == [("b", 1), ("a", 2), ("c", 4), ("b", 4), ("a", 4), ("root", 4)]


def test_errors_in_a_task_are_kept_for_the_joiner() -> None:
    clock = VirtualClock()

    def boom() -> None:
        raise RuntimeError("bug")

    with clock.task():
        task = clock.spawn("boom", boom)
        clock.join([task])
    assert isinstance(task.error, RuntimeError)
    assert task.done


def test_join_outside_a_task_is_refused() -> None:
    clock = VirtualClock()
    with pytest.raises(RuntimeError, match="no scheduled task"):
        clock.join([clock.spawn("x", lambda: None)])


def test_a_task_that_can_never_resume_fails_with_a_deadlock() -> None:
    clock = VirtualClock()
    tasks: list = []

    def wait_for_itself() -> None:
        clock.join(tasks)

    with clock.task():
        tasks.append(clock.spawn("w", wait_for_itself))
        clock.join(list(tasks))
        clock.sleep(1)  # the scheduler still works afterwards
    assert isinstance(tasks[0].error, SchedulerDeadlock)
    assert clock.now() == VirtualClock().now() + 1
