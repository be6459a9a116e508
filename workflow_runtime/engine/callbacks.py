"""Callback endpoints: `events.create_callback_endpoint` and `events.await_callback`.

An endpoint is a URL of the Workflow Executions API owned by one execution. Requests to
it come from an `http.*` call of any execution in the same Runtime (the http builtins
deliver here before asking `services.http`), or from test code through
`runtime.callbacks.send(url, ...)`, possibly after a virtual delay. A request that
arrives before anybody awaits it is kept until awaited, as Google queues callbacks.
"""

from __future__ import annotations

import uuid
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from workflow_runtime.engine.clock import Signal, VirtualClock
from workflow_runtime.engine.context import CallContext
from workflow_runtime.errors import make_error
from workflow_runtime.stdlib.spec import Registry, expect

registry = Registry()

METHODS = ("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH")
DEFAULT_TIMEOUT = 43200.0


@dataclass
class _Endpoint:
    method: str
    requests: deque[dict[str, Any]] = field(default_factory=deque)
    arrived: Signal = field(default_factory=Signal)


class CallbackHub:
    """The callback endpoints of every execution of one Runtime."""

    def __init__(self, clock: VirtualClock) -> None:
        self._clock = clock
        self._endpoints: dict[str, _Endpoint] = {}

    @property
    def urls(self) -> list[str]:
        """Every endpoint created so far, oldest first."""
        return list(self._endpoints)

    def create(self, ctx: CallContext, method: str) -> str:
        """A new endpoint of the calling execution expecting `method` requests."""
        token = uuid.UUID(int=ctx.rng.getrandbits(128), version=4)
        env = ctx.env
        url = (
            "https://workflowexecutions.googleapis.com/v1/projects/"
            f"{env.get('GOOGLE_CLOUD_PROJECT_ID')}/locations/{env.get('GOOGLE_CLOUD_LOCATION')}/"
            f"workflows/{ctx.workflow_id}/executions/{ctx.execution_id}/callbacks/{token}"
        )
        self._endpoints[url] = _Endpoint(method)
        return url

    def deliver(
        self,
        url: str,
        method: str,
        headers: dict[str, Any] | None = None,
        body: Any = None,
        query: dict[str, Any] | None = None,
    ) -> dict[str, Any] | None:
        """Hand a request to the endpoint at `url`: its HTTP response, or None if `url`
        is not a callback endpoint of this runtime."""
        endpoint = self._endpoints.get(url.split("?", 1)[0])
        if endpoint is None:
            return None
        if method.upper() != endpoint.method:
            return {"code": 404, "headers": {}, "body": f"callback expects {endpoint.method}"}
        received = datetime.fromtimestamp(self._clock.now(), UTC).isoformat().replace("+00:00", "Z")
        endpoint.requests.append(
            {
                "http_request": {
                    "method": method.upper(),
                    "url": url,
                    "headers": dict(headers or {}),
                    "body": body,
                    "query": dict(query or {}),
                },
                "received_time": received,
                "type": "HTTP",
            }
        )
        self._clock.notify(endpoint.arrived)
        return {"code": 200, "headers": {}, "body": None}

    def send(
        self,
        url: str,
        body: Any = None,
        *,
        method: str | None = None,
        headers: dict[str, Any] | None = None,
        query: dict[str, Any] | None = None,
        delay: float = 0.0,
    ) -> None:
        """Send a callback request from test code, `delay` virtual seconds from now.

        A delayed send needs a running execution (call it from a handler or connector the
        workflow invokes); the request then arrives while the workflow runs.
        """
        endpoint = self._endpoints.get(url)
        if endpoint is None:
            known = ", ".join(self._endpoints) or "none yet"
            raise ValueError(f"no callback endpoint {url!r} (created: {known})")
        verb = method or endpoint.method

        def arrive() -> None:
            if delay > 0:
                self._clock.sleep(delay)
            self.deliver(url, verb, headers, body, query)

        if delay > 0:
            self._clock.spawn(f"callback-{len(endpoint.requests)}", arrive)
        else:
            arrive()

    def await_request(self, url: str, timeout: float) -> dict[str, Any]:
        """The next request to `url`, waiting up to `timeout` virtual seconds."""
        endpoint = self._endpoints.get(url)
        if endpoint is None:
            raise make_error("ValueError", f"events.await_callback: unknown callback endpoint {url}")
        deadline = self._clock.now() + timeout
        while not endpoint.requests:
            remaining = deadline - self._clock.now()
            if remaining <= 0 or not self._clock.wait(endpoint.arrived, remaining):
                raise make_error(
                    "TimeoutError", f"timed out after {timeout} s waiting for a callback to {url}"
                )
        return endpoint.requests.popleft()


@registry.function("events.create_callback_endpoint")
def create_callback_endpoint(ctx: CallContext, http_callback_method: Any = "POST") -> dict[str, Any]:
    """Create a callback endpoint of this execution: {"url": ...}."""
    expect("events.create_callback_endpoint", "http_callback_method", http_callback_method, "string")
    method = http_callback_method.upper()
    if method not in METHODS:
        raise make_error(
            "ValueError",
            f"events.create_callback_endpoint: method must be one of {', '.join(METHODS)}, "
            f"got {http_callback_method!r}",
        )
    return {"url": _hub(ctx).create(ctx, method)}


@registry.function("events.await_callback")
def await_callback(ctx: CallContext, callback: Any, timeout: Any = DEFAULT_TIMEOUT) -> dict[str, Any]:
    """Wait for the next request to a callback endpoint (TimeoutError after `timeout` s)."""
    expect("events.await_callback", "callback", callback, "map")
    expect("events.await_callback", "timeout", timeout, "number")
    url = callback.get("url")
    if not isinstance(url, str):
        raise make_error(
            "ValueError", "events.await_callback: callback must be the map with the endpoint url"
        )
    if timeout < 0:
        raise make_error("ValueError", f"events.await_callback: timeout must be >= 0, got {timeout}")
    return _hub(ctx).await_request(url, float(timeout))


def _hub(ctx: CallContext) -> CallbackHub:
    """The callback hub of the Runtime running `ctx` (CallContext.runtime is untyped)."""
    hub = ctx.runtime.callbacks
    if not isinstance(hub, CallbackHub):
        raise TypeError(f"the runtime's callbacks must be a CallbackHub, got {type(hub).__name__}")
    return hub
