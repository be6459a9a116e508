"""Connector argument parsing (workflow_runtime.connectors.args): the exact error a workflow
sees for each bad `connector_params` / `polling_policy` / `timeout` / map argument, and the
values a good one parses to.

Documented limits (cloud.google.com/workflows/docs/reference/googleapis, "Connector
parameters"): `timeout` defaults to 1800 s and is at most one year; `polling_policy` has
`initial_delay`, `multiplier`, `max_delay` (defaults 1 s, x1.25, 60 s); `skip_polling` is a
boolean. The message wording is this runtime's own (Google documents none); it must name the
connector and the argument to fix.
"""

from __future__ import annotations

from typing import Any

import pytest

from workflow_runtime.connectors.args import (
    DEFAULT_POLL_INITIAL,
    DEFAULT_POLL_MAX,
    DEFAULT_POLL_MULTIPLIER,
    MAX_TIMEOUT,
    ConnectorParams,
    check_args,
    connector_params,
    int_arg,
    polling_args,
    required_string_arg,
    simple_map_arg,
    timeout_arg,
)
from workflow_runtime.errors import WorkflowError

C = "googleapis.x.v1.thing.get"
POLICY_KEYS = "initial_delay, max_delay, multiplier"


def _error(call: Any, *args: Any, **kwargs: Any) -> tuple[list[str], str]:
    with pytest.raises(WorkflowError) as caught:
        call(*args, **kwargs)
    return caught.value.tags, caught.value.value["message"]


@pytest.mark.parametrize(
    ("raw", "tag", "message"),
    [
        ("fast", "TypeError", f"{C}: connector_params must be a map"),
        (
            {"retries": 1, "async": True},
            "ValueError",
            f"{C}: unknown connector_params key(s) async, retries; "
            "allowed: polling_policy, scopes, skip_polling, timeout",
        ),
        (
            {"timeout": "soon"},
            "ValueError",
            f"{C}: connector_params.timeout must be a positive number, got 'soon'",
        ),
        (
            {"timeout": MAX_TIMEOUT + 1},
            "ValueError",
            f"{C}: connector_params.timeout {MAX_TIMEOUT + 1} exceeds one year (31536000)",
        ),
        ({"skip_polling": "yes"}, "TypeError", f"{C}: connector_params.skip_polling must be a bool"),
        (
            {"polling_policy": {"delay": 1}},
            "ValueError",
            f"{C}: connector_params.polling_policy must be a map with keys {POLICY_KEYS}",
        ),
        (
            {"polling_policy": ["initial_delay"]},
            "ValueError",
            f"{C}: connector_params.polling_policy must be a map with keys {POLICY_KEYS}",
        ),
        (
            {"polling_policy": {"initial_delay": 0}},
            "ValueError",
            f"{C}: polling_policy.initial_delay must be a positive number, got 0",
        ),
        (
            {"polling_policy": {"multiplier": -2}},
            "ValueError",
            f"{C}: polling_policy.multiplier must be a positive number, got -2",
        ),
        (
            {"polling_policy": {"max_delay": True}},
            "ValueError",
            f"{C}: polling_policy.max_delay must be a positive number, got True",
        ),
    ],
)
def test_bad_connector_params_name_the_connector_and_the_key(raw: Any, tag: str, message: str) -> None:
    assert _error(connector_params, C, {"connector_params": raw}) == ([tag], message)


def test_connector_params_parse_to_the_given_values() -> None:
    # Fractions below one second are valid delays; a timeout of exactly one year is allowed.
    raw = {
        "timeout": MAX_TIMEOUT,
        "skip_polling": True,
        "polling_policy": {"initial_delay": 0.5, "multiplier": 2, "max_delay": 0.75},
    }
    assert connector_params(C, {"connector_params": raw}) == ConnectorParams(
        timeout=MAX_TIMEOUT, initial_delay=0.5, multiplier=2.0, max_delay=0.75, skip_polling=True
    )


def test_connector_params_default_to_the_documented_values() -> None:
    assert connector_params(C, {}) == ConnectorParams(
        timeout=1800.0,
        initial_delay=DEFAULT_POLL_INITIAL,
        multiplier=DEFAULT_POLL_MULTIPLIER,
        max_delay=DEFAULT_POLL_MAX,
        skip_polling=False,
    )
    assert connector_params(C, {"connector_params": {"polling_policy": None}}).initial_delay == 1.0


@pytest.mark.parametrize("flag", [True, 1])
def test_a_boolean_is_not_a_positive_number(flag: Any) -> None:
    # True is an int in Python, not a number in a workflow; 1 is a valid timeout.
    raw = {"connector_params": {"timeout": flag}}
    if flag is True:
        assert _error(connector_params, C, raw) == (
            ["ValueError"],
            f"{C}: connector_params.timeout must be a positive number, got True",
        )
    else:
        assert connector_params(C, raw).timeout == 1.0


def test_polling_args_take_timeout_and_policy_as_plain_arguments() -> None:
    parsed = polling_args(C, {"timeout": 7, "polling_policy": {"max_delay": 3}}, default_timeout=100.0)
    assert parsed == ConnectorParams(timeout=7.0, max_delay=3.0, skip_polling=False)
    assert polling_args(C, {}, default_timeout=100.0).timeout == 100.0
    assert _error(polling_args, C, {"polling_policy": {"x": 1}}, default_timeout=1.0) == (
        ["ValueError"],
        f"{C}: polling_policy must be a map with keys {POLICY_KEYS}",
    )
    assert _error(polling_args, C, {"timeout": 0}, default_timeout=1.0) == (
        ["ValueError"],
        f"{C}: timeout must be a positive number, got 0",
    )
    assert _error(polling_args, C, {"timeout": MAX_TIMEOUT + 1}, default_timeout=1.0) == (
        ["ValueError"],
        f"{C}: timeout 3.1536e+07 exceeds the maximum of 3.1536e+07 s",
    )


def test_timeout_arg_allows_exactly_the_maximum() -> None:
    assert timeout_arg(C, {"timeout": 60}, default=1.0, maximum=60.0) == 60.0
    assert _error(timeout_arg, C, {"timeout": 61}, default=1.0, maximum=60.0) == (
        ["ValueError"],
        f"{C}: timeout 61 exceeds the maximum of 60 s",
    )


def test_required_string_arg_errors_name_the_connector() -> None:
    assert _error(required_string_arg, C, {"name": 5}, "name") == (
        ["TypeError"],
        f"{C}: argument name must be a string, got 5",
    )
    assert _error(required_string_arg, C, {}, "name") == (
        ["ValueError"],
        f"{C}: missing required argument(s) name",
    )


def test_simple_map_arg_accepts_scalars_and_rejects_the_rest() -> None:
    assert simple_map_arg(C, {"labels": {"a": "x", "b": 2, "c": True}}, "labels") == {
        "a": "x",
        "b": 2,
        "c": True,
    }
    assert simple_map_arg(C, {}, "labels") is None
    assert _error(simple_map_arg, C, {"labels": "a=x"}, "labels") == (
        ["TypeError"],
        f"{C}: argument labels must be a map, got 'a=x'",
    )
    assert _error(simple_map_arg, C, {"labels": {"a": [1]}}, "labels") == (
        ["TypeError"],
        f"{C}: argument labels.a must be a string, number or boolean, got [1]",
    )


@pytest.mark.parametrize(("given", "parsed"), [(7, 7), ("42", 42), ("-3", -3), (None, None)])
def test_int_arg_takes_an_int_or_its_decimal_string(given: Any, parsed: int | None) -> None:
    assert int_arg(C, {"n": given}, "n") == parsed


@pytest.mark.parametrize("given", ["--5", "²", "٣", "4.0", "", " 4", True, 4.0])
def test_int_arg_refuses_anything_else_with_a_type_error(given: Any) -> None:
    # int64 travels as a decimal string in Google's JSON APIs (protobuf JSON mapping,
    # protobuf.dev/programming-guides/proto3/#json): ASCII digits, an optional minus.
    tags, message = _error(int_arg, C, {"n": given}, "n")
    assert tags == ["TypeError"]
    assert message.startswith(f"{C}: argument n must be an integer")


def test_check_args_names_every_missing_and_unknown_argument_and_the_allowed_ones() -> None:
    assert _error(check_args, C, {"a": 1, "b": 2}, required=("name", "bucket"), optional=("x",)) == (
        ["ValueError"],
        f"{C}: unknown argument(s) a, b; allowed: bucket, connector_params, name, x",
    )
    assert _error(check_args, C, {}, required=("name", "bucket")) == (
        ["ValueError"],
        f"{C}: missing required argument(s) name, bucket",
    )
    assert _error(check_args, C, ["name"]) == (["TypeError"], f"{C}: args must be a map, got ['name']")
