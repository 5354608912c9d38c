"""The unversioned `/__api__/applications` API (old numeric ids) and the variants that render."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from . import bundles
from .access import content_for, load_content, require_edit, role_on, root_url
from .auth import current_user
from .content import apply_update, insert_content
from .errors import ApiError, read_object
from .modes import ORDINALS, RENDERED_MODES
from .state import get_state
from .store import Row
from .task_api import v0_task_json

routes = web.RouteTableDef()


def app_json(c: Row, root: str) -> dict[str, Any]:
    return {
        "id": c["id"],
        "guid": c["guid"],
        "name": c["name"],
        "title": c["title"],
        "description": c["description"],
        "url": f"{root}/content/{c['id']}/",
        "owner_guid": c["owner_guid"],
        "access_type": c["access_type"],
        "app_mode": ORDINALS.get(c["app_mode"], 0),
        "bundle_id": c["bundle_id"],
        "created_time": c["created_time"],
        "last_deployed_time": c["last_deployed_time"],
        "needs_config": False,
    }


@routes.get("/__api__/applications")
async def list_applications(request: web.Request) -> web.Response:
    state, user = get_state(request), current_user(request)
    search = request.query.get("search", "")
    count = int(request.query.get("count", "1000"))
    start = int(request.query.get("start", "0"))
    rows = await state.store.fetchall("SELECT * FROM content ORDER BY id")
    visible = [
        r
        for r in rows
        if (r["title"] or r["name"]).startswith(search)
        and (user["user_role"] == "administrator" or await role_on(state.store, user, r) != "none")
    ]
    page = visible[start : start + count]
    return web.json_response(
        {
            "applications": [app_json(r, root_url(request)) for r in page],
            "count": len(page),
            "total": len(visible),
            "continuation": start + len(page),
        }
    )


@routes.get("/__api__/applications/{guid}")
async def get_application(request: web.Request) -> web.Response:
    _state, _user, content = await content_for(request, edit=False)
    return web.json_response(app_json(content, root_url(request)))


@routes.get("/__api__/applications/{guid}/config")
async def application_config(request: web.Request) -> web.Response:
    _state, _user, content = await content_for(request, edit=False)
    dash = f"{root_url(request)}/connect/#/apps/{content['guid']}"
    return web.json_response({"config_url": dash, "logs_url": f"{dash}/logs"})


@routes.post("/__api__/applications")
async def create_application(request: web.Request) -> web.Response:
    user = current_user(request)
    content = await insert_content(get_state(request), user, await read_object(request))
    return web.json_response(app_json(content, root_url(request)))


@routes.post("/__api__/applications/{guid}")
async def update_application(request: web.Request) -> web.Response:
    """Merge-update; 1.x clients also post `id` and `needs_config`, which are ignored."""
    state, user, content = await content_for(request, edit=True)
    data = await read_object(request)
    fields = ("name", "title", "description", "access_type")
    content = await apply_update(state, user, content, {k: data[k] for k in fields if k in data})
    return web.json_response(app_json(content, root_url(request)))


@routes.post("/__api__/applications/{guid}/upload")
async def upload_application_bundle(request: web.Request) -> web.Response:
    state, _user, content = await content_for(request, edit=True)
    row = await bundles.receive_bundle(request, state, content)
    return web.json_response(
        {
            "id": row["id"],
            "app_id": content["id"],
            "created_time": row["created_time"],
            "size": row["size"],
        }
    )


@routes.post("/__api__/applications/{guid}/deploy")
async def deploy_application(request: web.Request) -> web.Response:
    state, user, content = await content_for(request, edit=True)
    data = await read_object(request)
    task = await bundles.start_deploy(
        request, state, user, content, data.get("bundle"), True, "deploy"
    )
    return web.json_response(v0_task_json(task, 0))


def variant_json(c: Row) -> dict[str, Any]:
    """The one (default) variant of rendered content; the emulator keeps no others."""
    return {
        "id": c["id"],
        "app_id": c["id"],
        "key": c["guid"].replace("-", "")[:8],
        "bundle_id": c["bundle_id"],
        "is_default": True,
        "name": "default",
        "email_collaborators": False,
        "email_viewers": False,
        "created_time": c["created_time"],
        "rendering_id": None,
        "render_time": c["last_deployed_time"],
        "render_duration": None,
        "visibility": "public",
        "owner_id": None,
    }


@routes.get("/__api__/applications/{guid}/variants")
async def list_variants(request: web.Request) -> web.Response:
    """Rendered content (notebooks) has a default variant, which posit-sdk's render() uses."""
    _state, _user, content = await content_for(request, edit=False)
    rendered = content["app_mode"] in RENDERED_MODES and content["bundle_id"] is not None
    return web.json_response([variant_json(content)] if rendered else [])


@routes.post("/__api__/variants/{id}/render")
async def render_variant(request: web.Request) -> web.Response:
    """Render the content again from its live bundle (a `build` that stays live)."""
    state, user = get_state(request), current_user(request)
    if not request.match_info["id"].isdigit():
        raise ApiError(4)
    content = await load_content(state.store, request.match_info["id"])
    await require_edit(state.store, user, content)
    if content["app_mode"] not in RENDERED_MODES or content["bundle_id"] is None:
        raise ApiError(4)
    task = await bundles.start_deploy(
        request, state, user, content, content["bundle_id"], True, "build"
    )
    return web.json_response(task.as_json(0))
