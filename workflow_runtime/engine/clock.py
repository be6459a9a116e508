"""Virtual time and the discrete-event scheduler behind it.

Nothing in the runtime sleeps for real. Every unit of concurrent work (each execution,
each parallel branch or iteration worker) is a task on a Python thread, but only ONE task
runs at any moment: a task runs until it blocks (sleeps, waits for other tasks, makes an
API call) or finishes, then hands control to the next runnable task. When no task is
runnable the clock jumps to the earliest sleeper's wake-up time.

Which runnable task goes next is the scheduler's choice:
- `seed=None` (the default): ready tasks run in FIFO order and sleepers with equal wake-up
  times wake in the order they went to sleep;
- `seed=<int>`: a generator seeded with it picks among the ready tasks (sleepers waking at
  the same instant included), so a test can sweep seeds to explore interleavings.
Either way a run is exactly reproducible: same seed, same interleaving, same result.

Every API call an execution makes (connectors, `http.*`) first spends one `transit()`: a
network latency drawn from the seeded generator (by default 10-50 ms, `latency=(lo, hi)`
to change it). That sleep is the point where another execution can run between a read and
the write that depends on it, as in production.
"""

from __future__ import annotations

import heapq
import itertools
import random
import threading
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager

# 2025-01-01T00:00:00Z: a fixed start makes sys.now() and logged times reproducible.
DEFAULT_START = 1735689600.0
# Seconds an API call spends in transit, drawn uniformly: "a few tens of milliseconds".
DEFAULT_LATENCY = (0.01, 0.05)
# For tests of documented timings (backoff, polling) that latency would blur.
NO_LATENCY = (0.0, 0.0)


class SchedulerDeadlock(RuntimeError):
    """Every task is blocked and none sleeps: the execution can never make progress."""


class Task:
    """One cooperatively scheduled unit of work (the execution, a branch, a worker)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.done = False
        self.error: BaseException | None = None
        self._go = threading.Semaphore(0)
        self._waiters: list[_Join] = []


class _Join:
    """A task waiting for a set of tasks to finish."""

    def __init__(self, waiter: Task, pending: int) -> None:
        self.waiter = waiter
        self.pending = pending


class _Sleep:
    """A sleeper's place in the wake-up queue; `cancelled` when woken early by a Signal."""

    __slots__ = ("cancelled", "seq", "task", "when")

    def __init__(self, when: float, seq: int, task: Task) -> None:
        self.when = when
        self.seq = seq
        self.task = task
        self.cancelled = False

    def __lt__(self, other: _Sleep) -> bool:
        return (self.when, self.seq) < (other.when, other.seq)


class _Waiter:
    """A task blocked on a Signal, with its timeout entry."""

    def __init__(self, task: Task, timer: _Sleep | None) -> None:
        self.task = task
        self.timer = timer
        self.notified = False


class Signal:
    """Something tasks wait for (with a timeout) until another task notifies it."""

    def __init__(self) -> None:
        self._waiters: list[_Waiter] = []


class VirtualClock:
    """Virtual epoch-seconds clock; `sleep` blocks the calling task in virtual time."""

    def __init__(
        self,
        start: float = DEFAULT_START,
        *,
        seed: int | None = None,
        latency: tuple[float, float] = DEFAULT_LATENCY,
    ) -> None:
        low, high = latency
        if not 0 <= low <= high:
            raise ValueError(f"latency must be (low, high) with 0 <= low <= high, got {latency!r}")
        self._now = float(start)
        self._current: Task | None = None
        self._ready: deque[Task] = deque()
        self._sleepers: list[_Sleep] = []
        self._seq = itertools.count()
        self.latency = latency
        self.reseed(seed)

    def reseed(self, seed: int | None) -> None:
        """Choose the scheduling policy from now on: FIFO (None) or seeded random picks."""
        self.seed = seed
        self._rng = random.Random(seed if seed is not None else 0)

    @property
    def running(self) -> bool:
        """True while a scheduled task runs (inside an execution or `task()`)."""
        return self._current is not None

    def transit(self) -> None:
        """Spend one API call's network latency: a switch point for the scheduler."""
        low, high = self.latency
        if high > 0:
            self.sleep(low if low == high else self._rng.uniform(low, high))

    def now(self) -> float:
        """Current virtual time in epoch seconds."""
        return self._now

    def advance(self, seconds: float) -> None:
        """Move time forward from outside any execution (tests use it between runs)."""
        if seconds < 0:
            raise ValueError(f"cannot move the clock backwards by {seconds} s")
        if self._current is not None:
            self.sleep(seconds)
        else:
            self._now += seconds

    def sleep(self, seconds: float) -> None:
        """Block the running task for `seconds` of virtual time."""
        self.sleep_until(self._now + max(0.0, float(seconds)))

    def sleep_until(self, when: float) -> None:
        """Block the running task until virtual time `when` (no-op if already past)."""
        current = self._current
        if current is None:
            self._now = max(self._now, when)
            return
        heapq.heappush(self._sleepers, _Sleep(max(when, self._now), next(self._seq), current))
        self._switch(current, wait=True)

    def wait(self, signal: Signal, timeout: float) -> bool:
        """Block the running task until `signal` is notified (True) or `timeout` virtual
        seconds pass (False)."""
        current = self._require_current()
        timer = _Sleep(self._now + max(0.0, float(timeout)), next(self._seq), current)
        heapq.heappush(self._sleepers, timer)
        waiter = _Waiter(current, timer)
        signal._waiters.append(waiter)
        self._switch(current, wait=True)
        if not waiter.notified:
            signal._waiters.remove(waiter)
        return waiter.notified

    def notify(self, signal: Signal) -> None:
        """Wake every task waiting on `signal`; they run after the caller blocks."""
        for waiter in signal._waiters:
            waiter.notified = True
            if waiter.timer is not None:
                waiter.timer.cancelled = True
            self._ready.append(waiter.task)
        signal._waiters.clear()

    @contextmanager
    def task(self, name: str = "execution") -> Iterator[None]:
        """Run the calling thread's work as a scheduled task (nested use is a no-op)."""
        if self._current is not None:
            yield
            return
        root = Task(name)
        self._current = root
        try:
            yield
        finally:
            # Normally every task has finished here (parallel steps join theirs). After a
            # bug left some blocked, forget them so they never run in a later execution.
            self._current = None
            self._ready.clear()
            self._sleepers.clear()

    def spawn(self, name: str, fn: Callable[[], None]) -> Task:
        """Create a task running `fn`; it starts when the running task blocks."""
        task = Task(name)

        def body() -> None:
            task._go.acquire()
            try:
                fn()
            except BaseException as exc:  # handed to whoever joins the task
                task.error = exc
            finally:
                self._finish(task)

        threading.Thread(target=body, name=f"wf-{name}", daemon=True).start()
        self._ready.append(task)
        return task

    def join(self, tasks: list[Task]) -> None:
        """Block the running task until every task in `tasks` has finished."""
        pending = [t for t in tasks if not t.done]
        if not pending:
            return
        current = self._require_current()
        join = _Join(current, len(pending))
        for t in pending:
            t._waiters.append(join)
        self._switch(current, wait=True)

    def _require_current(self) -> Task:
        if self._current is None:
            raise RuntimeError("no scheduled task is running; use VirtualClock.task()")
        return self._current

    def _finish(self, task: Task) -> None:
        task.done = True
        for join in task._waiters:
            join.pending -= 1
            if join.pending == 0:
                self._ready.append(join.waiter)
        task._waiters.clear()
        self._switch(task, wait=False)

    def _pick_next(self) -> Task:
        while True:
            if not self._ready:
                self._wake_earliest_sleepers()
            if not self._ready:
                raise SchedulerDeadlock("all tasks are blocked and none is sleeping")
            if self.seed is None or len(self._ready) == 1:
                task = self._ready.popleft()
            else:
                index = self._rng.randrange(len(self._ready))
                task = self._ready[index]
                del self._ready[index]
            if not task.done:  # a task that failed while waiting may still be queued
                return task

    def _wake_earliest_sleepers(self) -> None:
        """Jump to the earliest wake-up time and make its sleepers ready (in FIFO mode only
        the first: the others stay asleep and go next, in the order they slept)."""
        while self._sleepers:
            entry = heapq.heappop(self._sleepers)
            if entry.cancelled:
                continue
            self._now = max(self._now, entry.when)
            self._ready.append(entry.task)
            if self.seed is None:
                return
            while self._sleepers and self._sleepers[0].when <= entry.when:
                same = heapq.heappop(self._sleepers)
                if not same.cancelled:
                    self._ready.append(same.task)
            return

    def _switch(self, current: Task, *, wait: bool) -> None:
        """Hand control to the next runnable task; if `wait`, block until resumed."""
        nxt = self._pick_next()
        self._current = nxt
        if nxt is current:
            return
        nxt._go.release()
        if wait:
            current._go.acquire()
