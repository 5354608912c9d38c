"""Content environment variables: PATCH/PUT set them, GET returns names only."""

from __future__ import annotations

import re
from typing import Any

from aiohttp import web

from .access import content_for
from .errors import ApiError, read_json
from .state import State

routes = web.RouteTableDef()

# Variables the emulator sets for content itself.
PROHIBITED_ENV = {
    "PATH",
    "HOME",
    "USER",
    "LOGNAME",
    "CONNECT_SERVER",
    "CONNECT_CONTENT_GUID",
    "RSTUDIO_PRODUCT",
}
ENV_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")  # used with fullmatch


async def env_names(state: State, guid: str) -> list[str]:
    rows = await state.store.fetchall(
        "SELECT name FROM env_vars WHERE content_guid = ? ORDER BY name", guid
    )
    return [r["name"] for r in rows]


@routes.get("/__api__/v1/content/{guid}/environment")
async def get_environment(request: web.Request) -> web.Response:
    state, _user, content = await content_for(request, edit=True)
    return web.json_response(await env_names(state, content["guid"]))


@routes.patch("/__api__/v1/content/{guid}/environment")
@routes.put("/__api__/v1/content/{guid}/environment")
async def set_environment(request: web.Request) -> web.Response:
    state, _user, content = await content_for(request, edit=True)
    data = await read_json(request)
    if not isinstance(data, list) or not all(
        isinstance(d, dict) and isinstance(d.get("name"), str) for d in data
    ):
        raise ApiError(121)
    names = [d["name"] for d in data]
    if len(set(names)) != len(names):
        raise ApiError(149)
    for d in data:
        if d["name"] in PROHIBITED_ENV:
            raise ApiError(108, f"The variable {d['name']} is prohibited.")
        if not ENV_NAME_RE.fullmatch(d["name"]):
            raise ApiError(25, f"Invalid variable name {d['name']!r}.")
        if d.get("value") is not None and not isinstance(d["value"], str):
            raise ApiError(121)
    guid = content["guid"]
    stmts: list[tuple[str, tuple[Any, ...]]] = []
    if request.method == "PUT":
        stmts.append(("DELETE FROM env_vars WHERE content_guid = ?", (guid,)))
    for d in data:
        if d.get("value") is None:
            stmts.append(
                ("DELETE FROM env_vars WHERE content_guid = ? AND name = ?", (guid, d["name"]))
            )
        else:
            stmts.append(
                (
                    "INSERT OR REPLACE INTO env_vars (content_guid, name, value) VALUES (?, ?, ?)",
                    (guid, d["name"], d["value"]),
                )
            )
    await state.store.transaction(list(stmts))
    await state.apps.stop_content(guid)  # running processes pick the new values up on restart
    return web.json_response(await env_names(state, guid))
