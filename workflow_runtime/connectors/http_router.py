"""The HTTP router behind the engine's `http.*` builtins: no real network, ever.

Tests register handlers by method and URL pattern; `request(...)` dispatches to the first
matching one and returns `{"code", "headers", "body"}` (the engine decodes the body by
Content-Type and raises HttpError for codes >= 400). A URL nobody registered raises
ConnectionFailedError, as an unreachable host would.

Patterns are full URLs without the query string, where `{name}` matches one path segment
(captured into `request.params`) and `*` matches anything (slashes included). A handler
may answer `HttpResponse(..., delay=s)`: the request then takes `s` virtual seconds, and
one slower than the request's `timeout` raises TimeoutError when the timeout expires.

Built in: the Eventarc Publishing API
(`https://eventarcpublishing.googleapis.com/v1/<bus>:publish`) goes to
`ctx.services.bus`, so workflows publish to the fake bus with a plain `http.post`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from workflow_runtime.connectors.errors import ApiError
from workflow_runtime.errors import make_error

_EVENTARC_PUBLISH = re.compile(
    r"^https://eventarcpublishing\.googleapis\.com/v1/(projects/[^/]+/locations/[^/]+/"
    r"messageBuses/[^/:]+):publish$"
)


@dataclass
class HttpRequest:
    """A request as a handler sees it."""

    method: str
    url: str
    headers: dict[str, Any]
    body: Any
    query: dict[str, Any]
    auth: Any
    timeout: Any
    params: dict[str, str] = field(default_factory=dict)


@dataclass
class HttpResponse:
    """A handler's answer; a body that is not bytes/str is sent as JSON."""

    code: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # virtual seconds the request takes


Handler = Callable[[HttpRequest], "HttpResponse | Any"]


class HttpRouter:
    """Handlers for `http.*` calls, and a record of every request made."""

    def __init__(self) -> None:
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = []
        self.requests: list[HttpRequest] = []

    def register(self, method: str, pattern: str, handler: Handler) -> None:
        """Answer `method` requests (or "*" for any) to URLs matching `pattern`."""
        if "?" in pattern:
            raise ValueError(f"URL patterns match without the query string: {pattern!r}")
        self._routes.append((method.upper(), _compile(pattern), handler))

    def respond(self, method: str, pattern: str, body: Any = None, code: int = 200) -> None:
        """Register a fixed response."""
        self.register(method, pattern, lambda _request: HttpResponse(code, body))

    def request(
        self,
        ctx: Any,
        method: str,
        url: str,
        headers: Mapping[str, Any],
        body: Any,
        query: Mapping[str, Any],
        auth: Any,
        timeout: Any,
    ) -> dict[str, Any]:
        """Dispatch one request; see the module docstring."""
        base = url.split("?", 1)[0]
        req = HttpRequest(method.upper(), url, dict(headers), body, dict(query), auth, timeout)
        self.requests.append(req)
        publish = _EVENTARC_PUBLISH.match(base)
        if publish and method.upper() == "POST" and getattr(ctx.services, "bus", None):
            try:
                return _response(ctx.services.bus.publish(publish[1], body, ctx.clock.now()))
            except ApiError as error:
                return _response(HttpResponse(error.code, error.body))
        for route_method, pattern, handler in self._routes:
            match = pattern.match(base)
            if match and route_method in ("*", req.method):
                req.params = match.groupdict()
                return _response(_answer(ctx, req, handler(req)))
        host = urlsplit(url).hostname or url
        raise make_error(
            "ConnectionFailedError",
            f"no handler for {req.method} {base} (host {host}): register one with "
            "workflow_env.http.register(method, url_pattern, handler)",
        )


def _compile(pattern: str) -> re.Pattern[str]:
    out: list[str] = []
    for token in re.split(r"(\{[A-Za-z_][A-Za-z0-9_]*\}|\*)", pattern):
        if token == "*":
            out.append(".*")
        elif token.startswith("{") and token.endswith("}"):
            out.append(f"(?P<{token[1:-1]}>[^/]+)")
        else:
            out.append(re.escape(token))
    return re.compile("^" + "".join(out) + "$")


def _answer(ctx: Any, req: HttpRequest, answer: Any) -> HttpResponse:
    """Wrap a plain value as a 200 response; spend the response's delay on the clock."""
    response = answer if isinstance(answer, HttpResponse) else HttpResponse(200, answer)
    if response.delay > 0:
        timeout = float(req.timeout) if isinstance(req.timeout, int | float) else None
        if timeout is not None and response.delay > timeout:
            ctx.clock.sleep(timeout)
            raise make_error("TimeoutError", f"{req.method} {req.url} timed out after {timeout:g} s")
        ctx.clock.sleep(response.delay)
    return response


def _response(answer: Any) -> dict[str, Any]:
    response = answer if isinstance(answer, HttpResponse) else HttpResponse(200, answer)
    headers = dict(response.headers)
    body = response.body
    if not isinstance(body, bytes | str) and body is not None:
        body = json.dumps(body).encode()
        headers.setdefault("Content-Type", "application/json")
    return {"code": response.code, "headers": headers, "body": body}
