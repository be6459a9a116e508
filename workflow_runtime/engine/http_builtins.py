"""`http.*` builtins: requests go to `services.http`, responses follow Google's rules.

A response body is decoded like Google does it: JSON when the Content-Type says JSON,
text for text/*, bytes otherwise. A status >= 400 raises HttpError carrying code,
headers and body.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from workflow_runtime.errors import http_error, make_error
from workflow_runtime.stdlib.spec import Registry, expect

registry = Registry()

# Requests to these hosts are internal steps (Google's pricing page).
_INTERNAL_SUFFIXES = (".googleapis.com", ".cloud.goog", ".appspot.com", ".run.app")
DEFAULT_TIMEOUT = 300.0


def is_internal_url(url: Any) -> bool:
    """True when a request to `url` is billed as an internal step."""
    if not isinstance(url, str):
        return True
    host = (urlsplit(url).hostname or "").lower()
    return host == "googleapis.com" or host.endswith(_INTERNAL_SUFFIXES)


def _request(
    ctx: Any,
    method: str,
    url: Any,
    timeout: Any,
    body: Any,
    headers: Any,
    query: Any,
    auth: Any,
) -> dict[str, Any]:
    name = f"http.{method.lower()}"
    expect(name, "url", url, "string")
    if headers is not None:
        expect(name, "headers", headers, "map")
    if query is not None:
        expect(name, "query", query, "map")
    if auth is not None:
        expect(name, "auth", auth, "map")
    expect(name, "timeout", timeout, "number")
    ctx.clock.transit()  # network latency: another execution may run meanwhile
    hub = getattr(ctx.runtime, "callbacks", None)
    response = hub.deliver(url, method, headers, body, query) if hub is not None else None
    if response is None:
        response = _send(ctx, name, method, url, timeout, body, headers, query, auth)
    decoded = {
        "code": response["code"],
        "headers": dict(response.get("headers") or {}),
        "body": _decode_body(response.get("body"), response.get("headers") or {}),
    }
    if decoded["code"] >= 400:
        raise http_error(decoded["code"], decoded["body"], decoded["headers"])
    return decoded


def _send(
    ctx: Any, name: str, method: str, url: str, timeout: Any, body: Any, headers: Any, query: Any, auth: Any
) -> dict[str, Any]:
    """The response of `services.http` (ConnectionFailedError without one)."""
    http = getattr(ctx.services, "http", None)
    if http is None:
        raise make_error(
            "ConnectionFailedError",
            f"{name}: no HTTP service is configured for {url} (register a handler)",
        )
    response = http.request(ctx, method, url, headers or {}, body, query or {}, auth, timeout)
    if not isinstance(response, dict):
        # services.http is typed Any here (the engine sits below the connectors' HttpRouter).
        raise TypeError(f"services.http.request must return a response map, got {type(response).__name__}")
    return response


def _decode_body(body: Any, headers: dict[str, Any]) -> Any:
    content_type = ""
    for key, value in headers.items():
        if key.lower() == "content-type":
            content_type = str(value).lower()
    if not isinstance(body, bytes | str):
        return body
    if "json" in content_type:
        try:
            # Inside the try: bytes that are not UTF-8 are as malformed as bad JSON
            # (UnicodeDecodeError is a ValueError).
            text = body.decode("utf-8") if isinstance(body, bytes) else body
            return json.loads(text) if text else None
        except ValueError:
            raise make_error(
                "ResponseTypeError", f"response declared {content_type} but is not valid JSON"
            ) from None
    if isinstance(body, bytes) and content_type.startswith("text/"):
        return body.decode("utf-8", errors="replace")
    return body


@registry.function("http.get")
def http_get(
    ctx: Any,
    url: Any,
    timeout: Any = DEFAULT_TIMEOUT,
    headers: Any = None,
    query: Any = None,
    auth: Any = None,
) -> dict[str, Any]:
    """HTTP GET."""
    return _request(ctx, "GET", url, timeout, None, headers, query, auth)


def _method_builtin(method: str) -> Callable[..., dict[str, Any]]:
    """The `http.<method>` builtin: same parameters as http.request, without `method`."""

    def builtin(
        ctx: Any,
        url: Any,
        timeout: Any = DEFAULT_TIMEOUT,
        body: Any = None,
        headers: Any = None,
        query: Any = None,
        auth: Any = None,
    ) -> dict[str, Any]:
        return _request(ctx, method, url, timeout, body, headers, query, auth)

    builtin.__doc__ = f"HTTP {method}."
    return builtin


for _method in ("DELETE", "POST", "PUT", "PATCH"):
    registry.function(f"http.{_method.lower()}")(_method_builtin(_method))


@registry.function("http.request")
def http_request(
    ctx: Any,
    method: Any,
    url: Any,
    timeout: Any = DEFAULT_TIMEOUT,
    body: Any = None,
    headers: Any = None,
    query: Any = None,
    auth: Any = None,
) -> dict[str, Any]:
    """HTTP request with any method."""
    expect("http.request", "method", method, "string")
    return _request(ctx, method.upper(), url, timeout, body, headers, query, auth)
