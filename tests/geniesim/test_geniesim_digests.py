"""md5_hex and sha256_mod100 (workflows/lib/hexdigest.yaml) against Python's hashlib, and the
canary split over 10,000 generated scene ids."""

from __future__ import annotations

import hashlib
import json
import random

import pytest

from tests.geniesim.support import lib_result, run_lib

DIGESTS = """
main:
  params: [args]
  steps:
    - init:
        assign:
          - out: []
    - each:
        for:
          value: v
          in: ${args.values}
          steps:
            - md5:
                call: md5_hex
                args:
                  data: ${text.encode(v)}
                result: hex
            - mod:
                call: sha256_mod100
                args:
                  value: ${v}
                result: bucket
            - keep:
                assign:
                  - out: ${list.concat(out, [hex, bucket])}
    - done:
        return: ${out}
"""


def _random_texts(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    alphabet = 'abcxyz_-/0189 é漢\n"\\'
    return [
        "",
        "a",
        *("".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40))) for _ in range(count)),
    ]


def test_md5_hex_and_sha256_mod100_equal_hashlib_on_varied_text() -> None:
    values = _random_texts(300, seed=7)
    result = lib_result(DIGESTS, {"values": values})
    expected = [
        [hashlib.md5(v.encode()).hexdigest(), int(hashlib.sha256(v.encode()).hexdigest(), 16) % 100]
        for v in values
    ]
    assert result == expected


def test_md5_hex_covers_every_hex_digit_position() -> None:
    # Inputs whose digests put every one of the 16 hex digits at each of the 32 positions.
    values = [f"scene_{i:05d}" for i in range(400)]
    hexes = [pair[0] for pair in lib_result(DIGESTS, {"values": values})]
    assert hexes == [hashlib.md5(v.encode()).hexdigest() for v in values]
    for position in range(32):
        assert {h[position] for h in hexes} == set("0123456789abcdef")


def test_each_digest_costs_three_billed_steps() -> None:
    source = """
    main:
      steps:
        - md5:
            call: md5_hex
            args:
              data: ${text.encode("scene_001")}
            result: hex
        - done:
            return: ${hex}
    """
    outcome = run_lib(source)
    assert outcome.result == hashlib.md5(b"scene_001").hexdigest()
    assert outcome.steps.internal == 4  # call, assign, return (the digest) + the caller's return


CANARY_SPLIT = """
main:
  params: [args]
  steps:
    - init:
        assign:
          - canary: 0
          - decisions: []
    - each:
        for:
          value: scene_id
          in: ${args.ids}
          steps:
            - route:
                call: canary_route
                args:
                  scene_id: ${scene_id}
                  event: {}
                  scene_tags: null
                result: route
            - keep:
                assign:
                  - decisions: ${list.concat(decisions, route.canary)}
    - done:
        return: ${decisions}
"""


def test_percentage_split_matches_the_original_submit_job_on_10000_scene_ids() -> None:
    ids = [f"scene_{hashlib.sha1(str(i).encode()).hexdigest()[:12]}" for i in range(10_000)]
    percent = 5
    for chunk in range(0, len(ids), 2500):
        part = ids[chunk : chunk + 2500]
        decisions = lib_result(CANARY_SPLIT, {"ids": part}, env={"CANARY_PERCENT": str(percent)})
        expected = [int(hashlib.sha256(i.encode()).hexdigest(), 16) % 100 < percent for i in part]
        assert decisions == expected
    share = sum(int(hashlib.sha256(i.encode()).hexdigest(), 16) % 100 < percent for i in ids) / len(ids)
    assert abs(share * 100 - percent) <= 1


def test_allowlist_and_tags_win_over_the_percentage() -> None:
    source = """
    main:
      params: [args]
      steps:
        - route:
            call: canary_route
            args:
              scene_id: ${args.scene_id}
              event: ${args.event}
              scene_tags: ${args.tags}
            result: route
        - done:
            return: ${route}
    """
    env = {
        "CANARY_PERCENT": "0",
        "CANARY_TAGS": " vip , canary ",
        "CANARY_SCENE_IDS": "scene_a,scene_b",
        "GENIESIM_CANARY_IMAGE_TAG": "isaacsim-canary",
        "GENIESIM_IMAGE_TAG": "isaacsim",
        "CANARY_ROLLBACK_MARKER": "scenes/{scene_id}/geniesim/.canary_rollback",
    }

    def route(scene_id: str, tags: list[str] | None = None, **event: object) -> dict:
        return lib_result(source, {"scene_id": scene_id, "event": event, "tags": tags}, env=env)

    allowed = route("scene_b")
    assert (allowed["canary"], allowed["reason"], allowed["image_tag"]) == (
        True,
        "allowlist",
        "isaacsim-canary",
    )
    assert allowed["bucket"] is None  # no hash needed
    assert route("scene_z", ["outdoor", "vip"])["reason"] == "tag"
    stable = route("scene_z", ["outdoor"])
    assert (stable["canary"], stable["image_tag"]) == (False, "isaacsim")
    assert stable["rollback_marker"] == "scenes/scene_z/geniesim/.canary_rollback"
    assert route("scene_b", canary_enabled=False)["canary"] is False
    # Payload overrides, as in the original's manual runs.
    every = route("scene_z", canary_percent="100", canary_rollback_marker="x/.rb")
    assert (every["reason"], every["rollback_marker"]) == ("percentage", "x/.rb")
    assert every["bucket"] == int(hashlib.sha256(b"scene_z").hexdigest(), 16) % 100
    assert json.dumps(route("scene_z")["tags"]) == '["vip", "canary"]'


ROUTE_ONE = """
main:
  params: [args]
  steps:
    - route:
        call: canary_route
        args:
          scene_id: ${args.scene_id}
          event: {}
          scene_tags: ${args.tags}
        result: route
    - done:
        return: ${route.reason}
"""


@pytest.mark.parametrize(
    ("scene_id", "tags", "env", "reason", "steps"),
    [
        ("scene_b", None, {"CANARY_SCENE_IDS": "scene_b", "CANARY_PERCENT": "50"}, "allowlist", 6),
        ("scene_z", None, {"CANARY_PERCENT": "0"}, None, 5),
        ("scene_z", None, {"CANARY_PERCENT": "100"}, "percentage", 10),
        ("scene_45", None, {"CANARY_PERCENT": "25"}, None, 9),
        ("scene_z", ["a", "vip"], {"CANARY_TAGS": "vip"}, "tag", 9),
    ],
)
def test_routing_costs_few_billed_steps(
    scene_id: str, tags: list[str] | None, env: dict[str, str], reason: str | None, steps: int
) -> None:
    # Billed steps of the whole call (call, settings, by_list, [tags], [hash], decision),
    # plus this test's own return: the numbers workflows/README.md states.
    outcome = run_lib(ROUTE_ONE, {"scene_id": scene_id, "tags": tags}, env=env)
    assert outcome.result == reason
    assert outcome.steps.internal == steps + 1
