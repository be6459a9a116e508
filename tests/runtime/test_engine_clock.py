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


def _order_of_six_workers(seed: int | None) -> list[str]:
    clock = VirtualClock(start=0.0, seed=seed)
    order: list[str] = []
    with clock.task():
        tasks = [clock.spawn(name, lambda name=name: order.append(name)) for name in "abcdef"]
        clock.join(tasks)
    return order


def test_fifo_without_a_seed_and_seeded_random_picks_with_one() -> None:
    assert _order_of_six_workers(None) == list("abcdef")
    orders = {tuple(_order_of_six_workers(seed)) for seed in range(10)}
    assert len(orders) > 1  # seeds explore other interleavings
    assert _order_of_six_workers(4) == _order_of_six_workers(4)  # and replay exactly


def test_seeded_sleepers_waking_at_the_same_instant_are_picked_by_the_seed() -> None:
    def wake_order(seed: int) -> list[str]:
        clock = VirtualClock(start=0.0, seed=seed)
        order: list[str] = []

        def sleeper(name: str) -> None:
            clock.sleep(1)
            order.append(name)

        with clock.task():
            clock.join([clock.spawn(name, lambda name=name: sleeper(name)) for name in "xyz"])
        return order

    assert len({tuple(wake_order(seed)) for seed in range(10)}) > 1


def test_transit_spends_a_seeded_latency_within_the_range() -> None:
    clock = VirtualClock(start=0.0, latency=(0.02, 0.04))
    spent = []
    with clock.task():
        for _ in range(50):
            before = clock.now()
            clock.transit()
            spent.append(clock.now() - before)
    assert all(0.02 <= s <= 0.04 for s in spent)
    assert len(set(spent)) > 1
    silent = VirtualClock(start=0.0, latency=(0.0, 0.0))
    with silent.task():
        silent.transit()
    assert silent.now() == 0.0


def test_latency_must_be_an_ordered_non_negative_range() -> None:
    with pytest.raises(ValueError, match="latency"):
        VirtualClock(latency=(0.05, 0.01))
    with pytest.raises(ValueError, match="latency"):
        VirtualClock(latency=(-1.0, 0.0))
