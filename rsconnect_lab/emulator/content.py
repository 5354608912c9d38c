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
from .errors import ApiError, read_object
from .modes import ORDINALS
from .state import State, get_state
from .store import Row
from .tags import tags_of

routes = web.RouteTableDef()

NAME_RE = re.compile(r"[A-Za-z0-9_-]{3,64}")  # fullmatch: `$` would let "abc\n" through
ACCESS_TYPES = ("all", "logged_in", "acl")
IMMUTABLE = ("guid", "id", "created_time", "last_deployed_time", "content_url", "dashboard_url")


def validate_fields(data: dict[str, Any]) -> None:
    if "name" in data and (
        not isinstance(data["name"], str) or not NAME_RE.fullmatch(data["name"])
    ):
        raise ApiError(5)
    title = data.get("title")
    if title is not None and (not isinstance(title, str) or not 3 <= len(title) <= 1024):
        raise ApiError(122)
    desc = data.get("description")
    if desc is not None and (not isinstance(desc, str) or len(desc) > 4096):
        raise ApiError(123)
    if "access_type" in data and data["access_type"] not in ACCESS_TYPES:
        raise ApiError(117)
    if "app_mode" in data and (
        not isinstance(data["app_mode"], str) or data["app_mode"] not in ORDINALS
    ):
        raise ApiError(148, f"The app mode {data['app_mode']!r} is not valid.")


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
        out["tags"] = await tags_of(state.store, content["guid"])
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


async def insert_content(state: State, user: Row, data: dict[str, Any]) -> Row:
    """New content owned by user (v1 and legacy create): checks role, name, title."""
    if not can_publish(user):
        raise ApiError(22)
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
    return await load_content(state.store, guid)


@routes.post("/__api__/v1/content")
async def create_content(request: web.Request) -> web.Response:
    user = current_user(request)
    content = await insert_content(get_state(request), user, await read_object(request))
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
    content = await apply_update(state, user, content, data)
    return web.json_response(await render(request, content, user))


async def apply_update(state: State, user: Row, content: Row, data: dict[str, Any]) -> Row:
    """Validate and store a partial update (v1 PATCH and legacy POST); the updated row."""
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
    return await load_content(state.store, content["guid"])


@routes.delete("/__api__/v1/content/{guid}")
async def delete_content(request: web.Request) -> web.Response:
    state, _user, content = await content_for(request, edit=True)
    guid = content["guid"]
    await state.apps.stop_content(guid)
    bundles = await state.store.fetchall("SELECT id FROM bundles WHERE content_guid = ?", guid)
    await state.store.transaction(
        [
            (f"DELETE FROM {table} WHERE content_guid = ?", (guid,))
            for table in ("bundles", "env_vars", "vanities", "permissions", "jobs", "content_tags")
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


@routes.get("/__api__/v1/content/{guid}/oauth/integrations/associations")
async def empty_collections(request: web.Request) -> web.Response:
    """Collections the emulator keeps no records of (OAuth): empty."""
    await content_for(request, edit=False)
    return web.json_response([])


@routes.get("/__api__/v1/oauth/integrations")
async def empty_server_collections(request: web.Request) -> web.Response:
    current_user(request)
    return web.json_response([])
