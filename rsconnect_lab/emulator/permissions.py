"""Content permissions: users or groups as viewers or collaborators (`owner` role)."""

from __future__ import annotations

import sqlite3
from typing import Any

from aiohttp import web

from .access import content_for
from .errors import ApiError, read_object
from .store import Row

routes = web.RouteTableDef()


def permission_json(row: Row) -> dict[str, Any]:
    return {
        "id": str(row["id"]),
        "content_guid": row["content_guid"],
        "principal_guid": row["principal_guid"],
        "principal_type": row["principal_type"],
        "role": row["role"],
    }


@routes.get("/__api__/v1/content/{guid}/permissions")
async def list_permissions(request: web.Request) -> web.Response:
    state, _user, content = await content_for(request, edit=False)
    rows = await state.store.fetchall(
        "SELECT * FROM permissions WHERE content_guid = ? ORDER BY id", content["guid"]
    )
    return web.json_response([permission_json(r) for r in rows])


@routes.post("/__api__/v1/content/{guid}/permissions")
async def add_permission(request: web.Request) -> web.Response:
    state, _user, content = await content_for(request, edit=True)
    data = await read_object(request)
    ptype, role, principal = (
        data.get("principal_type"),
        data.get("role"),
        data.get("principal_guid"),
    )
    if ptype not in ("user", "group") or role not in ("viewer", "owner") or not principal:
        raise ApiError(25)
    table = "users" if ptype == "user" else "groups_"
    if not await state.store.fetchone(f"SELECT 1 FROM {table} WHERE guid = ?", principal):
        raise ApiError(4)
    try:
        pid = await state.store.execute(
            "INSERT INTO permissions (content_guid, principal_guid, principal_type, role)"
            " VALUES (?, ?, ?, ?)",
            content["guid"],
            principal,
            ptype,
            role,
        )
    except sqlite3.IntegrityError as exc:
        raise ApiError(26) from exc
    row = await state.store.fetchone("SELECT * FROM permissions WHERE id = ?", pid)
    assert row is not None
    return web.json_response(permission_json(row))


@routes.delete("/__api__/v1/content/{guid}/permissions/{pid}")
async def delete_permission(request: web.Request) -> web.Response:
    state, _user, content = await content_for(request, edit=True)
    pid = request.match_info["pid"]
    if not pid.isdigit():
        raise ApiError(3)
    n = await state.store.execute(
        "DELETE FROM permissions WHERE id = ? AND content_guid = ?", int(pid), content["guid"]
    )
    if not n:
        raise ApiError(17)
    return web.Response(status=204)
