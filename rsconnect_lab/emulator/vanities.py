"""Vanity URLs: one path per content, conflicts (51) and reserved paths (52)."""

from __future__ import annotations

import re
from typing import Any

from aiohttp import web

from .access import content_for
from .auth import current_user, now
from .errors import ApiError, read_object
from .state import get_state
from .store import Row

routes = web.RouteTableDef()

RESERVED_VANITY = {"__api__", "connect", "content", "users", "__login__", "login", "__static__"}
VANITY_RE = re.compile(r"^/[A-Za-z0-9_\-./]+/$")


def vanity_json(row: Row) -> dict[str, Any]:
    return {
        "content_guid": row["content_guid"],
        "path": row["path"],
        "created_time": row["created_time"],
    }


@routes.get("/__api__/v1/content/{guid}/vanity")
async def get_vanity(request: web.Request) -> web.Response:
    state, _user, content = await content_for(request, edit=False)
    row = await state.store.fetchone(
        "SELECT * FROM vanities WHERE content_guid = ?", content["guid"]
    )
    if row is None:
        raise ApiError(4)
    return web.json_response(vanity_json(row))


@routes.put("/__api__/v1/content/{guid}/vanity")
async def set_vanity(request: web.Request) -> web.Response:
    state, _user, content = await content_for(request, edit=True)
    data = await read_object(request)
    path = data.get("path")
    if not isinstance(path, str) or not path.strip("/"):
        raise ApiError(52)
    path = "/" + path.strip("/") + "/"
    first = path.strip("/").split("/")[0]
    if not VANITY_RE.match(path) or first in RESERVED_VANITY or ".." in path.split("/"):
        raise ApiError(52)
    other = await state.store.fetchone(
        "SELECT content_guid FROM vanities WHERE path = ? AND content_guid != ?",
        path,
        content["guid"],
    )
    stmts: list[tuple[str, tuple[Any, ...]]] = []
    if other is not None:
        if not data.get("force"):
            raise ApiError(51)
        stmts.append(("DELETE FROM vanities WHERE path = ?", (path,)))
    stmts.append(
        (
            "INSERT OR REPLACE INTO vanities (content_guid, path, created_time) VALUES (?, ?, ?)",
            (content["guid"], path, now()),
        )
    )
    await state.store.transaction(stmts)
    row = await state.store.fetchone(
        "SELECT * FROM vanities WHERE content_guid = ?", content["guid"]
    )
    assert row is not None
    return web.json_response(vanity_json(row))


@routes.delete("/__api__/v1/content/{guid}/vanity")
async def delete_vanity(request: web.Request) -> web.Response:
    state, _user, content = await content_for(request, edit=True)
    await state.store.execute("DELETE FROM vanities WHERE content_guid = ?", content["guid"])
    return web.Response(status=204)


@routes.get("/__api__/v1/vanities")
async def list_vanities(request: web.Request) -> web.Response:
    state = get_state(request)
    current_user(request)
    rows = await state.store.fetchall("SELECT * FROM vanities ORDER BY path")
    return web.json_response([vanity_json(r) for r in rows])
