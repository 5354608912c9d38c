"""Reverse proxy to app processes: HTTP streamed both ways, WebSockets, Connect's headers."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator

import aiohttp
from aiohttp import web

from .apps import AppProcess
from .store import Row

HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailers",
    "transfer-encoding",
    "upgrade",
    "host",
    "authorization",  # the caller's API key is not the app's business
    "x-rsc-authorization",
}
SESSION = web.AppKey("proxy_session", aiohttp.ClientSession)


async def session_ctx(app: web.Application) -> AsyncIterator[None]:
    # Apps gzip themselves; pass bodies through untouched.
    app[SESSION] = aiohttp.ClientSession(
        auto_decompress=False, timeout=aiohttp.ClientTimeout(total=None, sock_connect=10)
    )
    yield
    await app[SESSION].close()


_SET_HERE = frozenset(
    {
        "host",
        "x-forwarded-host",
        "x-forwarded-proto",
        "x-forwarded-prefix",
        "x-rsc-request",
        "rstudio-connect-credentials",
    }
)


def upstream_headers(
    request: web.Request, prefix: str, user: Row | None, groups: list[str]
) -> dict[str, str]:
    # Header names are case-insensitive: the ones set here replace a visitor's in any case,
    # so that nobody outside can hand the app a credentials header of their own.
    headers = {
        k: v
        for k, v in request.headers.items()
        if k.lower() not in HOP_BY_HOP and k.lower() not in _SET_HERE
    }
    headers["Host"] = request.host
    headers["X-Forwarded-Host"] = request.host
    headers["X-Forwarded-Proto"] = request.scheme
    headers["X-Forwarded-Prefix"] = prefix.rstrip("/")
    headers["X-RSC-Request"] = str(request.url)
    if user is not None:
        headers["RStudio-Connect-Credentials"] = json.dumps(
            {"user": user["username"], "groups": groups}
        )
    return headers


def rewrite_location(location: str, app: AppProcess, prefix: str) -> str:
    local = f"http://127.0.0.1:{app.port}"
    if location.startswith(local):
        location = location[len(local) :] or "/"
    if location.startswith("/") and not location.startswith("//"):
        if not location.startswith(prefix.rstrip("/")):
            return prefix.rstrip("/") + location
    return location


async def forward(
    request: web.Request, app: AppProcess, prefix: str, tail: str, headers: dict[str, str]
) -> web.StreamResponse:
    path = ("/" + tail) if app.strip_prefix else (prefix + tail)
    url = f"http://127.0.0.1:{app.port}{path}"
    if request.query_string:
        url += "?" + request.query_string
    session = request.app[SESSION]
    if request.headers.get("Upgrade", "").lower() == "websocket":
        return await _websocket(request, session, url, headers)
    data = request.content if request.body_exists else None
    try:
        upstream = await session.request(
            request.method, url, headers=headers, data=data, allow_redirects=False
        )
    except aiohttp.ClientError as exc:
        raise web.HTTPBadGateway(text=f"The application is not responding: {exc}") from exc
    async with upstream:
        resp = web.StreamResponse(status=upstream.status, reason=upstream.reason)
        for key, value in upstream.headers.items():
            low = key.lower()
            if low in HOP_BY_HOP or (
                low == "content-length" and "gzip" in upstream.headers.get("Content-Encoding", "")
            ):
                continue
            if low == "location":
                value = rewrite_location(value, app, prefix)
            resp.headers.add(key, value)
        await resp.prepare(request)
        try:
            async for chunk in upstream.content.iter_any():
                await resp.write(chunk)
            await resp.write_eof()
        except ConnectionResetError:
            pass  # the viewer closed the page mid-answer: nothing left to tell anyone
    return resp


async def _websocket(
    request: web.Request, session: aiohttp.ClientSession, url: str, headers: dict[str, str]
) -> web.WebSocketResponse:
    protocols = [p.strip() for p in request.headers.get("Sec-WebSocket-Protocol", "").split(",")]
    protocols = [p for p in protocols if p]
    drop = {"sec-websocket-key", "sec-websocket-version", "sec-websocket-extensions",
            "sec-websocket-protocol"}  # fmt: skip
    up_headers = {k: v for k, v in headers.items() if k.lower() not in drop}
    try:
        upstream = await session.ws_connect(url, headers=up_headers, protocols=protocols)
    except aiohttp.ClientError as exc:
        raise web.HTTPBadGateway(text=f"The application refused the WebSocket: {exc}") from exc
    ws = web.WebSocketResponse(protocols=[upstream.protocol] if upstream.protocol else ())
    await ws.prepare(request)

    async def pump(
        src: web.WebSocketResponse | aiohttp.ClientWebSocketResponse,
        dst: web.WebSocketResponse | aiohttp.ClientWebSocketResponse,
    ) -> None:
        async for msg in src:
            if msg.type == aiohttp.WSMsgType.TEXT:
                await dst.send_str(msg.data)
            elif msg.type == aiohttp.WSMsgType.BINARY:
                await dst.send_bytes(msg.data)
            else:
                break
        await dst.close()

    async with upstream:
        tasks = [asyncio.create_task(pump(ws, upstream)), asyncio.create_task(pump(upstream, ws))]
        _, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for t in pending:
            t.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await t
    await ws.close()
    return ws
