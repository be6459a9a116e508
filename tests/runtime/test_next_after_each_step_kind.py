"""`next` on a step of any kind jumps once the step is done.

Google's jumps page (syntax reference, "Jumps"): `next` names the step to run after the
current one, on any step that does not end the (sub)workflow itself (`return`, `raise`).
Each case skips a step that would change the result, so a lost `next` shows.
"""

from __future__ import annotations

import pytest

from tests.runtime.helpers import result_of

# kind -> the step, at indentation 0, that must jump to `done` (it is followed by `skipped`).
STEPS = {
    "assign": "- step:\n    assign:\n      - n: 1\n    next: done\n",
    "call": "- step:\n    call: sys.now\n    result: t\n    next: done\n",
    "switch with no true condition": (
        "- step:\n    switch:\n      - condition: ${false}\n        next: skipped\n    next: done\n"
    ),
    "nested steps": (
        "- step:\n    steps:\n      - inner:\n          assign:\n            - n: 1\n    next: done\n"
    ),
    "for": (
        "- step:\n    for:\n      value: v\n      in: [1]\n      steps:\n        - inner:\n"
        "            assign:\n              - m: 1\n    next: done\n"
    ),
    "parallel": (
        "- step:\n    parallel:\n      branches:\n        - b:\n            steps:\n"
        "              - inner:\n                  assign:\n                    - m: 1\n    next: done\n"
    ),
    "try": "- step:\n    try:\n      call: sys.now\n    retry: ${http.default_retry}\n    next: done\n",
    "no kind": "- step:\n    next: done\n",
}


@pytest.mark.parametrize("kind", sorted(STEPS))
def test_next_jumps_after_a_step_of_each_kind(kind: str) -> None:
    source = (
        "- init:\n    assign:\n      - n: 0\n"
        + STEPS[kind]
        + "- skipped:\n    assign:\n      - n: 99\n"
        + "- done:\n    return: ${n}\n"
    )
    # Only the assign and the nested steps set n; `skipped` would make it 99.
    assert result_of(source) == (1 if kind in ("assign", "nested steps") else 0)
