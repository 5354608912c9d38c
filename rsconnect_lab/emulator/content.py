"""`/__api__/v1/content`: create, list, get, update, delete; environment; vanity; permissions."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import sqlite3
import uuid
from typing import Any

from aiohttp import web

from .access import (
    SETTINGS_DEFAULTS,
    content_for,
    content_json,
    load_content,
    role_on,
    root_url,
)
from .auth import can_publish, current_user, now
from .errors import ApiError, read_json, read_object
from .state import State, get_state
from .store import Row

routes = web.RouteTableDef()

NAME_RE = re.compile(r"^[A-Za-z0-9_-]{3,64}$")
ACCESS_TYPES = ("all", "logged_in", "acl")
IMMUTABLE = ("guid", "id", "created_time", "last_deployed_time", "content_url", "dashboard_url")
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
ENV_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
RESERVED_VANITY = {"__api__", "connect", "content", "users", "__login__", "login", "__static__"}
VANITY_RE = re.compile(r"^/[A-Za-z0-9_\-./]+/$")


def validate_fields(data: dict[str, Any]) -> None:
    if "name" in data and (not isinstance(data["name"], str) or not NAME_RE.match(data["name"])):
        raise ApiError(5)
    title = data.get("title")
    if title is not None and (not isinstance(title, str) or not 3 <= len(title) <= 1024):
        raise ApiError(122)
    desc = data.get("description")
    if desc is not None and (not isinstance(desc, str) or len(desc) > 4096):
        raise ApiError(123)
    if "access_type" in data and data["access_type"] not in ACCESS_TYPES:
        raise ApiError(117)


async def vanity_of(state: State, guid: str) -> str | None:
    row = await state.store.fetchone("SELECT path FROM vanities WHERE content_guid = ?", guid)
    return row["path"] if row else None


async def render(request: web.Request, content: Row, user: Row) -> dict[str, Any]:
    state = get_state(request)
    role = await role_on(state.store, user, content)
    vanity = await vanity_of(state, content["guid"])
    out = content_json(content, root_url(request), role, vanity)
    includes = set(request.query.get("include", "").split(","))
    if "owner" in includes:
        owner = await state.store.fetchone(
            "SELECT guid, username, first_name, last_name FROM users WHERE guid = ?",
            content["owner_guid"],
        )
        out["owner"] = owner
    if "tags" in includes:
        out["tags"] = []
    if "vanity_url" in includes:
        out["vanity_url"] = f"{root_url(request)}{vanity}" if vanity else None
    return out


@routes.get("/__api__/v1/content")
async def list_content(request: web.Request) -> web.Response:
    state, user = get_state(request), current_user(request)
    sql, params = "SELECT * FROM content WHERE 1=1", []
    for field in ("name", "owner_guid"):
        if field in request.query:
            sql += f" AND {field} = ?"
            params.append(request.query[field])
    rows = await state.store.fetchall(sql + " ORDER BY id", *params)
    out = []
    for row in rows:
        role = await role_on(state.store, user, row)
        if role != "none" or user["user_role"] == "administrator":
            out.append(await render(request, row, user))
    return web.json_response(out)


@routes.post("/__api__/v1/content")
async def create_content(request: web.Request) -> web.Response:
    state, user = get_state(request), current_user(request)
    if not can_publish(user):
        raise ApiError(22)
    data = await read_object(request)
    if "name" not in data:
        raise ApiError(12, "The name field is required.")
    validate_fields(data)
    settings = {k: v for k, v in data.items() if k in SETTINGS_DEFAULTS}
    guid, t = str(uuid.uuid4()), now()
    try:
        await state.store.execute(
            "INSERT INTO content (guid, name, title, description, access_type, owner_guid,"
            " created_time, last_deployed_time, settings) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            guid,
            data["name"],
            data.get("title"),
            data.get("description") or "",
            data.get("access_type") or "acl",
            user["guid"],
            t,
            t,
            json.dumps(settings),
        )
    except sqlite3.IntegrityError as exc:
        raise ApiError(26) from exc
    content = await load_content(state.store, guid)
    return web.json_response(await render(request, content, user))


@routes.get("/__api__/v1/content/{guid}")
async def get_content(request: web.Request) -> web.Response:
    _state, user, content = await content_for(request, edit=False)
    return web.json_response(await render(request, content, user))


@routes.patch("/__api__/v1/content/{guid}")
async def update_content(request: web.Request) -> web.Response:
    state, user, content = await content_for(request, edit=True)
    data = await read_object(request)
    current = content_json(content, root_url(request), "owner")
    for key in IMMUTABLE:
        if key in data and data[key] != current[key]:
            raise ApiError(53, f"The field {key!r} cannot be changed.")
    validate_fields(data)
    sets: dict[str, Any] = {}
    for key in ("name", "title", "description", "access_type", "content_category"):
        if key in data:
            sets[key] = data[key] if key == "title" else (data[key] or "")
    if "app_mode" in data and data["app_mode"] != content["app_mode"]:
        if content["bundle_id"] is not None:
            raise ApiError(48)
        sets["app_mode"] = data["app_mode"]
    if "owner_guid" in data and data["owner_guid"] != content["owner_guid"]:
        if user["user_role"] != "administrator":
            raise ApiError(22)
        if await state.store.fetchone("SELECT 1 FROM users WHERE guid = ?", data["owner_guid"]):
            sets["owner_guid"] = data["owner_guid"]
        else:
            raise ApiError(4, "The new owner does not exist.")
    settings = json.loads(content["settings"] or "{}")
    settings.update({k: v for k, v in data.items() if k in SETTINGS_DEFAULTS})
    sets["settings"] = json.dumps(settings)
    assignments = ", ".join(f"{k} = ?" for k in sets)
    try:
        await state.store.execute(
            f"UPDATE content SET {assignments} WHERE guid = ?", *sets.values(), content["guid"]
        )
    except sqlite3.IntegrityError as exc:
        raise ApiError(26) from exc
    content = await load_content(state.store, content["guid"])
    return web.json_response(await render(request, content, user))


@routes.delete("/__api__/v1/content/{guid}")
async def delete_content(request: web.Request) -> web.Response:
    state, _user, content = await content_for(request, edit=True)
    guid = content["guid"]
    await state.apps.stop_content(guid)
    bundles = await state.store.fetchall("SELECT id FROM bundles WHERE content_guid = ?", guid)
    await state.store.transaction(
        [
            (f"DELETE FROM {table} WHERE content_guid = ?", (guid,))
            for table in ("bundles", "env_vars", "vanities", "permissions")
        ]
        + [("DELETE FROM content WHERE guid = ?", (guid,))]
    )

    def remove_files() -> None:
        shutil.rmtree(state.layout.root / "content" / guid, ignore_errors=True)
        state.layout.thumbnail(guid).unlink(missing_ok=True)
        for b in bundles:
            state.layout.archive(b["id"]).unlink(missing_ok=True)

    await asyncio.to_thread(remove_files)
    return web.Response(status=204)


# -- environment variables (names only on read) --


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
        if not ENV_NAME_RE.match(d["name"]):
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


# -- vanity URLs --


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


# -- permissions --


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


@routes.get("/__api__/v1/content/{guid}/jobs")
@routes.get("/__api__/v1/content/{guid}/packages")
@routes.get("/__api__/v1/content/{guid}/tags")
async def empty_collections(request: web.Request) -> web.Response:
    """Collections the emulator keeps no records of (jobs, packages, tags): always empty."""
    await content_for(request, edit=False)
    return web.json_response([])
