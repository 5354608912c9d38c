"""Tags: a tree of names administrators keep (`v1/tags`) and the content each one marks
(`v1/content/{guid}/tags`, `v1/tags/{id}/content`)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from .access import content_for, content_json, role_on, root_url
from .auth import current_user, now, require_role
from .errors import ApiError, read_object
from .state import get_state
from .store import Row, Store

routes = web.RouteTableDef()


def tag_json(row: Row) -> dict[str, Any]:
    return {
        "id": str(row["id"]),
        "name": row["name"],
        "parent_id": str(row["parent_id"]) if row["parent_id"] is not None else None,
        "created_time": row["created_time"],
        "updated_time": row["updated_time"],
    }


def _tag_id(value: Any) -> int:
    """A tag id from a path or a body (Connect sends them as strings)."""
    text = str(value)
    if not text.isdigit():
        raise ApiError(3)
    return int(text)


async def load_tag(store: Store, value: Any) -> Row:
    row = await store.fetchone("SELECT * FROM tags WHERE id = ?", _tag_id(value))
    if row is None:
        raise ApiError(4)
    return row


async def _parent(store: Store, value: Any) -> int | None:
    if value in (None, ""):
        return None
    return int((await load_tag(store, value))["id"])


def _name(value: Any) -> str:
    if value is None:
        raise ApiError(12, "The tag name is missing.")
    if not isinstance(value, str) or not value.strip() or len(value) > 255:
        raise ApiError(25, "A tag name is 1 to 255 characters.")
    return value.strip()


async def _check_unique(store: Store, name: str, parent: int | None, own: int | None) -> None:
    clash = await store.fetchone(
        "SELECT id FROM tags WHERE name = ? AND parent_id IS ? AND id IS NOT ?", name, parent, own
    )
    if clash is not None:
        raise ApiError(26, "A tag with that name already exists here.")


async def subtree(store: Store, tag_id: int) -> list[int]:
    """The tag and all its descendants."""
    rows = await store.fetchall(
        "WITH RECURSIVE t(id) AS (SELECT ? UNION SELECT tags.id FROM tags JOIN t"
        " ON tags.parent_id = t.id) SELECT id FROM t",
        tag_id,
    )
    return [int(r["id"]) for r in rows]


@routes.get("/__api__/v1/tags")
async def list_tags(request: web.Request) -> web.Response:
    current_user(request)
    store = get_state(request).store
    where, params = ["1 = 1"], list[Any]()
    if (name := request.query.get("name")) is not None:
        where, params = [*where, "name = ?"], [*params, name]
    if (parent := request.query.get("parent_id")) is not None:
        where, params = [*where, "parent_id = ?"], [*params, _tag_id(parent)]
    rows = await store.fetchall(
        f"SELECT * FROM tags WHERE {' AND '.join(where)} ORDER BY id", *params
    )
    return web.json_response([tag_json(r) for r in rows])


@routes.post("/__api__/v1/tags")
async def create_tag(request: web.Request) -> web.Response:
    require_role(current_user(request), "administrator")
    store = get_state(request).store
    data = await read_object(request)
    name, parent = _name(data.get("name")), await _parent(store, data.get("parent_id"))
    await _check_unique(store, name, parent, None)
    t = now()
    tag_id = await store.execute(
        "INSERT INTO tags (name, parent_id, created_time, updated_time) VALUES (?, ?, ?, ?)",
        name,
        parent,
        t,
        t,
    )
    return web.json_response(tag_json(await load_tag(store, tag_id)))


@routes.get("/__api__/v1/tags/{id}")
async def get_tag(request: web.Request) -> web.Response:
    current_user(request)
    return web.json_response(
        tag_json(await load_tag(get_state(request).store, request.match_info["id"]))
    )


@routes.patch("/__api__/v1/tags/{id}")
async def update_tag(request: web.Request) -> web.Response:
    require_role(current_user(request), "administrator")
    store = get_state(request).store
    tag = await load_tag(store, request.match_info["id"])
    data = await read_object(request)
    name = _name(data["name"]) if "name" in data else tag["name"]
    parent = await _parent(store, data["parent_id"]) if "parent_id" in data else tag["parent_id"]
    if parent is not None and parent in await subtree(store, tag["id"]):
        raise ApiError(25, "A tag cannot be moved under itself.")
    await _check_unique(store, name, parent, tag["id"])
    await store.execute(
        "UPDATE tags SET name = ?, parent_id = ?, updated_time = ? WHERE id = ?",
        name,
        parent,
        now(),
        tag["id"],
    )
    return web.json_response(tag_json(await load_tag(store, tag["id"])))


@routes.delete("/__api__/v1/tags/{id}")
async def delete_tag(request: web.Request) -> web.Response:
    """Removes the tag with its descendants, and their marks on content."""
    require_role(current_user(request), "administrator")
    store = get_state(request).store
    tag = await load_tag(store, request.match_info["id"])
    ids = await subtree(store, tag["id"])
    marks = ",".join("?" * len(ids))
    await store.transaction(
        [
            (f"DELETE FROM content_tags WHERE tag_id IN ({marks})", ids),
            (f"DELETE FROM tags WHERE id IN ({marks})", ids),
        ]
    )
    return web.Response(status=204)


@routes.get("/__api__/v1/tags/{id}/content")
async def tagged_content(request: web.Request) -> web.Response:
    state, user = get_state(request), current_user(request)
    tag = await load_tag(state.store, request.match_info["id"])
    rows = await state.store.fetchall(
        "SELECT c.* FROM content c JOIN content_tags ct ON ct.content_guid = c.guid"
        " WHERE ct.tag_id = ? ORDER BY c.id",
        tag["id"],
    )
    out = []
    for row in rows:
        role = await role_on(state.store, user, row)
        if role != "none" or user["user_role"] == "administrator":
            out.append(content_json(row, root_url(request), role))
    return web.json_response(out)


async def tags_of(store: Store, guid: str) -> list[dict[str, Any]]:
    rows = await store.fetchall(
        "SELECT t.* FROM tags t JOIN content_tags ct ON ct.tag_id = t.id"
        " WHERE ct.content_guid = ? ORDER BY t.id",
        guid,
    )
    return [tag_json(r) for r in rows]


@routes.get("/__api__/v1/content/{guid}/tags")
async def content_tags(request: web.Request) -> web.Response:
    state, _, content = await content_for(request, edit=False)
    return web.json_response(await tags_of(state.store, content["guid"]))


@routes.post("/__api__/v1/content/{guid}/tags")
async def tag_content(request: web.Request) -> web.Response:
    state, _, content = await content_for(request, edit=True)
    data = await read_object(request)
    if data.get("tag_id") is None:
        raise ApiError(12, "tag_id is missing.")
    tag = await load_tag(state.store, data["tag_id"])
    await state.store.execute(
        "INSERT OR IGNORE INTO content_tags (content_guid, tag_id) VALUES (?, ?)",
        content["guid"],
        tag["id"],
    )
    return web.json_response(tag_json(tag))


@routes.delete("/__api__/v1/content/{guid}/tags/{id}")
async def untag_content(request: web.Request) -> web.Response:
    state, _, content = await content_for(request, edit=True)
    tag = await load_tag(state.store, request.match_info["id"])
    await state.store.execute(
        "DELETE FROM content_tags WHERE content_guid = ? AND tag_id = ?", content["guid"], tag["id"]
    )
    return web.Response(status=204)
