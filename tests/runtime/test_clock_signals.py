"""The virtual clock's Signal waits (what events.await_callback rests on) and `advance`
from inside a task, used directly."""

from __future__ import annotations

from workflow_runtime import VirtualClock
from workflow_runtime.engine.clock import Signal


def test_a_wait_times_out_after_exactly_its_timeout() -> None:
    clock = VirtualClock(start=0.0)
    with clock.task():
        assert clock.wait(Signal(), 0.5) is False
        assert clock.now() == 0.5


def test_a_notified_wait_returns_true_and_its_timeout_no_longer_fires() -> None:
    clock = VirtualClock(start=0.0)
    signal = Signal()
    events: list[tuple[str, float]] = []

    def waiter() -> None:
        events.append(("notified", clock.wait(signal, 10)))
        events.append(("at", clock.now()))
        clock.sleep(20)  # the cancelled 10 s timeout must not cut this short
        events.append(("slept until", clock.now()))

    def notifier() -> None:
        clock.sleep(1)
        clock.notify(signal)

    with clock.task():
        clock.join([clock.spawn("waiter", waiter), clock.spawn("notifier", notifier)])
    assert events == [("notified", True), ("at", 1.0), ("slept until", 21.0)]


def test_a_timeout_and_a_sleep_ending_together_wake_in_the_order_they_began() -> None:
    clock = VirtualClock(start=0.0)
    order: list[str] = []

    def waits() -> None:
        clock.wait(Signal(), 5)
        order.append("wait")

    def sleeps() -> None:
        clock.sleep(5)
        order.append("sleep")

    with clock.task():
        clock.join([clock.spawn("w", waits), clock.spawn("s", sleeps)])
    assert order == ["wait", "sleep"]
    assert clock.now() == 5


def test_advance_inside_a_task_lets_other_tasks_run_meanwhile() -> None:
    clock = VirtualClock(start=0.0)
    events: list[tuple[str, float]] = []

    def other() -> None:
        clock.sleep(2)
        events.append(("other", clock.now()))

    with clock.task():
        task = clock.spawn("other", other)
        clock.advance(5)
        events.append(("root", clock.now()))
        clock.join([task])
    assert events == [("other", 2.0), ("root", 5.0)]


def test_advance_by_zero_or_a_fraction_is_allowed() -> None:
    clock = VirtualClock(start=0.0)
    clock.advance(0)
    clock.advance(0.25)
    assert clock.now() == 0.25
