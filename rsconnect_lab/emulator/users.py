"""Users (`v1/user`, legacy `me`, paged `v1/users`) and groups."""

from __future__ import annotations

import sqlite3
import uuid
from typing import Any

from aiohttp import web

from .auth import ROLES, current_user, now, require_role, user_json
from .errors import ApiError, read_object
from .state import get_state
from .store import Row, Store

routes = web.RouteTableDef()


def page_params(request: web.Request) -> tuple[int, int]:
    try:
        number = int(request.query.get("page_number", "1"))
        size = int(request.query.get("page_size", "20"))
    except ValueError as exc:
        raise ApiError(25) from exc
    if number < 1 or not 1 <= size <= 500:
        raise ApiError(25, "page_number must be >= 1 and page_size 1..500.")
    return number, size


async def paged(
    request: web.Request, store: Store, sql: str, params: list[Any], order: str
) -> dict[str, Any]:
    number, size = page_params(request)
    total = await store.fetchone(f"SELECT count(*) AS n FROM ({sql})", *params)
    rows = await store.fetchall(
        f"{sql} ORDER BY {order} LIMIT ? OFFSET ?", *params, size, (number - 1) * size
    )
    return {"results": rows, "current_page": number, "total": total["n"] if total else 0}


@routes.get("/__api__/v1/user")
@routes.get("/__api__/me")
async def me(request: web.Request) -> web.Response:
    return web.json_response(user_json(current_user(request)))


def like_prefix(prefix: str) -> str:
    """A LIKE pattern for names starting with `prefix`; its `%` and `_` are literal."""
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"


@routes.get("/__api__/v1/users")
async def list_users(request: web.Request) -> web.Response:
    store = get_state(request).store
    current_user(request)
    sql, params = "SELECT * FROM users WHERE 1=1", []
    if prefix := request.query.get("prefix"):
        sql += (
            " AND (username LIKE ? ESCAPE '\\' OR email LIKE ? ESCAPE '\\'"
            " OR first_name LIKE ? ESCAPE '\\')"
        )
        params += [like_prefix(prefix)] * 3
    if roles := request.query.get("user_role"):
        wanted = roles.split("|")
        sql += f" AND user_role IN ({','.join('?' * len(wanted))})"
        params += wanted
    if status := request.query.get("account_status"):
        states = set(status.split("|"))
        if states == {"locked"}:
            sql += " AND locked = 1"
        elif "locked" not in states:
            sql += " AND locked = 0"
    asc = request.query.get("asc_order", "true").lower() != "false"
    page = await paged(request, store, sql, params, f"username {'ASC' if asc else 'DESC'}")
    page["results"] = [user_json(u) for u in page["results"]]
    return web.json_response(page)


async def _user(store: Store, guid: str) -> Row:
    row = await store.fetchone("SELECT * FROM users WHERE guid = ?", guid)
    if row is None:
        raise ApiError(4)
    return row


@routes.get("/__api__/v1/users/{guid}")
async def get_user(request: web.Request) -> web.Response:
    current_user(request)
    return web.json_response(
        user_json(await _user(get_state(request).store, request.match_info["guid"]))
    )


@routes.post("/__api__/v1/users")
async def create_user(request: web.Request) -> web.Response:
    store = get_state(request).store
    require_role(current_user(request), "administrator")
    data = await read_object(request)
    username = data.get("username")
    role = data.get("user_role") or "viewer"
    if not isinstance(username, str) or not username:
        raise ApiError(12, "username is required.")
    if role not in ROLES:
        raise ApiError(25, "user_role must be administrator, publisher or viewer.")
    guid, t = str(uuid.uuid4()), now()
    try:
        await store.execute(
            "INSERT INTO users (guid, username, email, first_name, last_name, user_role,"
            " created_time, updated_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            guid,
            username,
            data.get("email") or "",
            data.get("first_name") or "",
            data.get("last_name") or "",
            role,
            t,
            t,
        )
    except sqlite3.IntegrityError as exc:
        raise ApiError(26) from exc
    return web.json_response(user_json(await _user(store, guid)), status=201)


@routes.put("/__api__/v1/users/{guid}")
async def update_user(request: web.Request) -> web.Response:
    store, caller = get_state(request).store, current_user(request)
    user = await _user(store, request.match_info["guid"])
    if caller["guid"] != user["guid"]:
        require_role(caller, "administrator")
    data = await read_object(request)
    sets: dict[str, Any] = {
        k: data[k] for k in ("email", "first_name", "last_name", "username") if k in data
    }
    if "user_role" in data:
        require_role(caller, "administrator")
        if data["user_role"] not in ROLES:
            raise ApiError(25)
        sets["user_role"] = data["user_role"]
    if sets:
        sets["updated_time"] = now()
        cols = ", ".join(f"{k} = ?" for k in sets)
        await store.execute(f"UPDATE users SET {cols} WHERE guid = ?", *sets.values(), user["guid"])
    return web.json_response(user_json(await _user(store, user["guid"])))


@routes.post("/__api__/v1/users/{guid}/lock")
async def lock_user(request: web.Request) -> web.Response:
    store = get_state(request).store
    require_role(current_user(request), "administrator")
    user = await _user(store, request.match_info["guid"])
    data = await read_object(request)
    await store.execute(
        "UPDATE users SET locked = ? WHERE guid = ?", int(bool(data.get("locked"))), user["guid"]
    )
    return web.json_response({})


# -- groups --


def group_json(g: Row) -> dict[str, Any]:
    return {
        "guid": g["guid"],
        "name": g["name"],
        "owner_guid": None,
        "created_time": g["created_time"],
    }


async def _group(store: Store, guid: str) -> Row:
    row = await store.fetchone("SELECT * FROM groups_ WHERE guid = ?", guid)
    if row is None:
        raise ApiError(4)
    return row


@routes.get("/__api__/v1/groups")
async def list_groups(request: web.Request) -> web.Response:
    store = get_state(request).store
    current_user(request)
    sql, params = "SELECT * FROM groups_ WHERE 1=1", []
    if prefix := request.query.get("prefix"):
        sql += " AND name LIKE ? ESCAPE '\\'"
        params.append(like_prefix(prefix))
    page = await paged(request, store, sql, params, "name")
    page["results"] = [group_json(g) for g in page["results"]]
    return web.json_response(page)


@routes.post("/__api__/v1/groups")
async def create_group(request: web.Request) -> web.Response:
    store = get_state(request).store
    require_role(current_user(request), "administrator", "publisher")
    data = await read_object(request)
    name = data.get("name")
    if not isinstance(name, str) or not name:
        raise ApiError(12, "name is required.")
    guid = str(uuid.uuid4())
    try:
        await store.execute(
            "INSERT INTO groups_ (guid, name, created_time) VALUES (?, ?, ?)", guid, name, now()
        )
    except sqlite3.IntegrityError as exc:
        raise ApiError(26) from exc
    return web.json_response(group_json(await _group(store, guid)), status=201)


@routes.get("/__api__/v1/groups/{guid}")
async def get_group(request: web.Request) -> web.Response:
    current_user(request)
    return web.json_response(
        group_json(await _group(get_state(request).store, request.match_info["guid"]))
    )


@routes.delete("/__api__/v1/groups/{guid}")
async def delete_group(request: web.Request) -> web.Response:
    store = get_state(request).store
    require_role(current_user(request), "administrator")
    group = await _group(store, request.match_info["guid"])
    await store.transaction(
        [
            ("DELETE FROM group_members WHERE group_guid = ?", (group["guid"],)),
            ("DELETE FROM permissions WHERE principal_guid = ?", (group["guid"],)),
            ("DELETE FROM groups_ WHERE guid = ?", (group["guid"],)),
        ]
    )
    return web.Response(status=204)


@routes.get("/__api__/v1/groups/{guid}/members")
async def list_members(request: web.Request) -> web.Response:
    store = get_state(request).store
    current_user(request)
    group = await _group(store, request.match_info["guid"])
    sql = "SELECT u.* FROM users u JOIN group_members m ON m.user_guid = u.guid WHERE m.group_guid = ?"
    page = await paged(request, store, sql, [group["guid"]], "username")
    page["results"] = [user_json(u) for u in page["results"]]
    return web.json_response(page)


@routes.post("/__api__/v1/groups/{guid}/members")
async def add_member(request: web.Request) -> web.Response:
    store = get_state(request).store
    require_role(current_user(request), "administrator", "publisher")
    group = await _group(store, request.match_info["guid"])
    data = await read_object(request)
    user = await _user(store, str(data.get("user_guid") or ""))
    await store.execute(
        "INSERT OR IGNORE INTO group_members (group_guid, user_guid) VALUES (?, ?)",
        group["guid"],
        user["guid"],
    )
    return web.json_response({})


@routes.delete("/__api__/v1/groups/{guid}/members/{user_guid}")
async def remove_member(request: web.Request) -> web.Response:
    store = get_state(request).store
    require_role(current_user(request), "administrator", "publisher")
    group = await _group(store, request.match_info["guid"])
    n = await store.execute(
        "DELETE FROM group_members WHERE group_guid = ? AND user_guid = ?",
        group["guid"],
        request.match_info["user_guid"],
    )
    if not n:
        raise ApiError(17)
    return web.Response(status=204)
