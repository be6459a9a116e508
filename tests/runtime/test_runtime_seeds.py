"""`Runtime.run(..., seed=...)`: the seed picks the interleaving of parallel branches, and
the same seed replays the same one (see clock.py)."""

from __future__ import annotations

import textwrap

from tests.runtime.helpers import FakeHttp, FakeServices
from workflow_runtime import Runtime, VirtualClock
from workflow_runtime.engine.clock import NO_LATENCY

# Five branches sleep one second, then append their name to a shared list: all wake at
# the same instant, so the order is the order the scheduler resumes them in.
BRANCH_ORDER = textwrap.dedent(
    """
    - init:
        assign:
          - order: []
    - fan:
        parallel:
          shared: [order]
          branches:
            - a:
                steps:
                  - wait_a: {call: sys.sleep, args: {seconds: 1}}
                  - add_a: {assign: [{order: '${list.concat(order, "a")}'}]}
            - b:
                steps:
                  - wait_b: {call: sys.sleep, args: {seconds: 1}}
                  - add_b: {assign: [{order: '${list.concat(order, "b")}'}]}
            - c:
                steps:
                  - wait_c: {call: sys.sleep, args: {seconds: 1}}
                  - add_c: {assign: [{order: '${list.concat(order, "c")}'}]}
            - d:
                steps:
                  - wait_d: {call: sys.sleep, args: {seconds: 1}}
                  - add_d: {assign: [{order: '${list.concat(order, "d")}'}]}
            - e:
                steps:
                  - wait_e: {call: sys.sleep, args: {seconds: 1}}
                  - add_e: {assign: [{order: '${list.concat(order, "e")}'}]}
    - out:
        return: ${order}
    """
)


def _order(seed: int | None) -> list[str]:
    outcome = Runtime(clock=VirtualClock(latency=NO_LATENCY)).run(BRANCH_ORDER, seed=seed)
    assert outcome.state == "SUCCEEDED", outcome.error
    return outcome.result


def test_without_a_seed_branches_start_in_order() -> None:
    assert _order(None) == ["a", "b", "c", "d", "e"]


def test_a_seed_picks_the_interleaving_and_replays_it() -> None:
    orders = {seed: _order(seed) for seed in range(8)}
    assert all(sorted(order) == ["a", "b", "c", "d", "e"] for order in orders.values())
    assert len({tuple(order) for order in orders.values()}) > 1  # seeds explore orders
    assert all(_order(seed) == order for seed, order in orders.items())  # and replay them


def test_network_latency_is_reproducible_without_a_seed_too() -> None:
    # Every http.* call spends a latency drawn from the clock's generator; FIFO mode
    # (seed None) draws from a fixed one, so a run replays exactly.
    http = FakeHttp({("GET", "https://api.example.com/r"): {"code": 200, "headers": {}, "body": None}})
    calls = "".join(
        f"- c{i}:\n    call: http.get\n    args:\n      url: https://api.example.com/r\n" for i in range(3)
    )
    times = {Runtime(services=FakeServices(http)).run(calls).virtual_seconds for _ in range(3)}
    (elapsed,) = times
    assert 0.03 <= elapsed <= 0.15  # three calls of 10-50 ms each
