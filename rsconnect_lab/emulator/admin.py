"""Emulator-only routes: fault injection for tests, and a bare dashboard page."""

from __future__ import annotations

import html

from aiohttp import web

from .auth import current_user, optional_user, require_role
from .errors import ApiError, read_object
from .faults import fault_from_json
from .state import get_state

routes = web.RouteTableDef()


@routes.get("/__api__/__emulator__/faults")
async def list_faults(request: web.Request) -> web.Response:
    require_role(current_user(request), "administrator")
    return web.json_response([f.as_json() for f in get_state(request).faults.list()])


@routes.post("/__api__/__emulator__/faults")
async def add_fault(request: web.Request) -> web.Response:
    require_role(current_user(request), "administrator")
    try:
        fault = fault_from_json(await read_object(request))
    except (ValueError, TypeError) as exc:
        raise ApiError(25, str(exc)) from exc
    get_state(request).faults.add(fault)
    return web.json_response(fault.as_json(), status=201)


@routes.delete("/__api__/__emulator__/faults")
async def clear_faults(request: web.Request) -> web.Response:
    require_role(current_user(request), "administrator")
    get_state(request).faults.clear()
    return web.Response(status=204)


@routes.get("/")
async def root(request: web.Request) -> web.Response:
    raise web.HTTPFound("/connect/")


@routes.get("/connect")
@routes.get("/connect/")
async def dashboard(request: web.Request) -> web.Response:
    """A plain list of content; the dashboard URLs' `#/apps/{guid}` fragments land here."""
    state = get_state(request)
    rows = await state.store.fetchall("SELECT * FROM content ORDER BY id DESC")
    items = "".join(
        f'<li id="{c["guid"]}"><a href="/content/{c["guid"]}/">'
        f"{html.escape(c['title'] or c['name'])}</a> <small>{html.escape(c['app_mode'])},"
        f" deployed {html.escape(c['last_deployed_time'])}</small></li>"
        for c in rows
    )
    who = optional_user(request)
    hello = f"<p>Signed in as {html.escape(who['username'])}</p>" if who else ""
    # Dashboard links look like /connect/#/apps/{guid}[/draft/N|/logs]: mark that item.
    script = (
        "<script>const g=(location.hash.match(/^#\\/apps\\/([0-9a-f-]{36})/)||[])[1];"
        "const e=g&&document.getElementById(g);if(e){e.style.fontWeight='bold';"
        "e.scrollIntoView();}</script>"
    )
    return web.Response(
        text=f"<!doctype html><title>Posit Connect (emulator)</title><h1>Content</h1>{hello}"
        f"<ul>{items}</ul>{script}",
        content_type="text/html",
    )
