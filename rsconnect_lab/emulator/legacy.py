"""The unversioned `/__api__/applications` API, kept for migrating old numeric ids."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from .access import load_content, require_view, role_on, root_url
from .auth import current_user
from .modes import ORDINALS
from .state import get_state
from .store import Row

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


@routes.get("/__api__/applications/{id}")
async def get_application(request: web.Request) -> web.Response:
    state, user = get_state(request), current_user(request)
    content = await load_content(state.store, request.match_info["id"])
    await require_view(state.store, user, content)
    return web.json_response(app_json(content, root_url(request)))


@routes.get("/__api__/applications/{id}/config")
async def application_config(request: web.Request) -> web.Response:
    state, user = get_state(request), current_user(request)
    content = await load_content(state.store, request.match_info["id"])
    await require_view(state.store, user, content)
    dash = f"{root_url(request)}/connect/#/apps/{content['guid']}"
    return web.json_response({"config_url": dash, "logs_url": f"{dash}/logs"})
