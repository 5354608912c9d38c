"""The aiohttp application: middlewares (faults, errors, auth) and every module's routes."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path

from aiohttp import web

from . import (
    admin,
    bundles,
    content,
    envvars,
    jobs,
    legacy,
    packages,
    permissions,
    proxy,
    serving,
    settings_api,
    tags,
    task_api,
    thumbnails,
    usage,
    users,
    vanities,
)
from .auth import USER_KEY, presented_key, user_for_key
from .errors import ApiError, error_response
from .state import STATE, State, get_state

log = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
PUBLIC_API = ("/__api__/server_settings",)


@web.middleware
async def fault_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    if not request.path.startswith("/__api__/__emulator__"):
        fault = get_state(request).faults.for_request(request.method, request.path)
        if fault is not None:
            if fault.delay:
                await asyncio.sleep(fault.delay)
            if fault.drop and request.transport is not None:
                request.transport.abort()  # the client sees the connection die
                return web.Response(status=500)
            if fault.status:
                return error_response(1, "Injected fault.", fault.status)
            if fault.truncate:
                return await _cut_off(request, await handler(request))
    return await handler(request)


async def _cut_off(request: web.Request, response: web.StreamResponse) -> web.StreamResponse:
    """Announce the whole answer, send half of it, and close: a proxy or peer that gave up."""
    if isinstance(response, web.FileResponse):
        # The file a download would send (aiohttp keeps it only in a private attribute).
        path = getattr(response, "_path", None)
        body = await asyncio.to_thread(Path(path).read_bytes) if path else b""
    elif isinstance(response, web.Response) and isinstance(response.body, bytes):
        body = response.body
    else:
        return response  # a streamed answer: nothing to cut here
    cut = web.StreamResponse(status=response.status, headers=response.headers)
    cut.content_length = max(len(body), 2)
    await cut.prepare(request)
    await cut.write(body[: len(body) // 2])
    if request.transport is not None:
        request.transport.abort()
    return cut


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    api = request.path.startswith("/__api__/")
    try:
        return await handler(request)
    except ApiError as exc:
        return exc.response()
    except web.HTTPException as exc:
        if api and exc.status in (404, 405):
            return ApiError(2).response()
        raise
    except (asyncio.CancelledError, ConnectionError):
        raise
    except Exception:
        log.exception("%s %s failed", request.method, request.path)
        if api:
            return ApiError(1).response()
        raise


@web.middleware
async def auth_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    key = presented_key(request)
    user = await user_for_key(get_state(request).store, key) if key else None
    if request.path.startswith("/__api__/") and request.path not in PUBLIC_API:
        if user is None:
            raise ApiError(30 if key else 24)
        if user["locked"]:
            raise ApiError(50)
    if user is not None:
        request[USER_KEY] = user
    return await handler(request)


async def fallback(request: web.Request) -> web.StreamResponse:
    """Unknown API paths are code 2; anything else may be a vanity URL."""
    if request.path.startswith("/__api__/"):
        raise ApiError(2)
    response = await serving.vanity_page(request)
    if response is None:
        raise web.HTTPNotFound()
    return response


def make_app(state: State) -> web.Application:
    app = web.Application(middlewares=[fault_middleware, error_middleware, auth_middleware])
    app[STATE] = state
    app.cleanup_ctx.append(proxy.session_ctx)
    for module in (
        settings_api,
        users,
        content,
        packages,
        jobs,
        tags,
        envvars,
        vanities,
        permissions,
        bundles,
        task_api,
        thumbnails,
        usage,
        legacy,
        admin,
        serving,
    ):
        app.router.add_routes(module.routes)
    app.router.add_route("*", "/{tail:.*}", fallback)
    return app
