"""Content URLs: `/content/{guid}/`, draft previews `_bundle{id}/`, vanity paths, thumbnails."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any

from aiohttp import web

from . import deploy, proxy
from .access import load_content, role_on, root_url
from .auth import now, optional_user
from .errors import ApiError
from .modes import APP_MODES, RENDERED_MODES
from .state import State, get_state
from .store import Row

routes = web.RouteTableDef()
PREVIEW_RE = re.compile(r"^_bundle(\d+)(/|$)")


def _page(status: int, text: str) -> web.Response:
    return web.Response(
        status=status,
        text=f"<!doctype html><title>Posit Connect</title><p>{text}</p>",
        content_type="text/html",
    )


def safe_file(base: Path, rel: str) -> Path | None:
    """base/rel as a file (dir -> its index.html), only if it stays inside base."""
    try:
        target = (base / rel).resolve()
        target.relative_to(base.resolve())
    except (ValueError, OSError):
        return None
    if target.is_dir():
        target = target / "index.html"
    return target if target.is_file() else None


def static_file(state: State, guid: str, bundle: Row, tail: str) -> Path | None:
    bid = bundle["id"]
    src = state.layout.source(guid, bid)
    manifest: dict[str, Any] = json.loads(bundle["manifest"])
    if bundle["app_mode"] in RENDERED_MODES:
        if tail in ("", "index.html"):
            return safe_file(state.layout.output(guid, bid), "index.html")
        return safe_file(src, tail)
    if tail == "":
        doc = deploy.primary_document(src, manifest)
        return src / doc if doc else None
    return safe_file(src, tail)


async def groups_of(state: State, user: Row | None) -> list[str]:
    if user is None:
        return []
    rows = await state.store.fetchall(
        "SELECT g.name FROM groups_ g JOIN group_members m ON m.group_guid = g.guid"
        " WHERE m.user_guid = ? ORDER BY g.name",
        user["guid"],
    )
    return [r["name"] for r in rows]


async def serve(request: web.Request, content: Row, tail: str, base: str) -> web.StreamResponse:
    """Serve `tail` of content whose public prefix is `base` (`/content/{guid}/` or a vanity)."""
    state = get_state(request)
    guid = content["guid"]
    user = optional_user(request)
    if not state.settings.open_content:
        role = await role_on(state.store, user, content)
        if role == "none" and (user is None or user["user_role"] != "administrator"):
            if user is None:
                return _page(401, "Log in (send an API key) to see this content.")
            return _page(403, "You do not have access to this content.")
    preview = PREVIEW_RE.match(tail)
    if preview:
        bundle = await state.store.fetchone(
            "SELECT * FROM bundles WHERE id = ? AND content_guid = ? AND built = 1",
            int(preview.group(1)),
            guid,
        )
        if bundle is None:
            return _page(404, "This bundle has not been built.")
        if not preview.group(2):
            raise web.HTTPFound(f"{base}{preview.group(0)}/")
        prefix = f"/content/{guid}/_bundle{bundle['id']}/"
        tail = tail[len(preview.group(0)) :]
    else:
        if content["bundle_id"] is None:
            return _page(404, "This content has not been deployed yet.")
        bundle = await state.store.fetchone(
            "SELECT * FROM bundles WHERE id = ?", content["bundle_id"]
        )
        if bundle is None:
            return _page(404, "The active bundle is missing.")
        prefix = f"/content/{guid}/"
    if tail == "":
        await state.store.execute(
            "INSERT INTO visits (content_guid, user_guid, bundle_id, time, path)"
            " VALUES (?, ?, ?, ?, ?)",
            guid,
            user["guid"] if user else None,
            bundle["id"],
            now(),
            request.path,
        )
    if bundle["app_mode"] in APP_MODES:
        try:
            app = await deploy.ensure_app(state, guid, bundle, prefix, root_url(request))
        except Exception as exc:  # a broken app is a 502, like Connect's error page
            return _page(502, f"The application failed to start: {exc}")
        headers = proxy.upstream_headers(request, prefix, user, await groups_of(state, user))
        return await proxy.forward(request, app, prefix, tail, headers)
    if request.method not in ("GET", "HEAD"):
        raise web.HTTPMethodNotAllowed(request.method, ["GET", "HEAD"])
    path = await asyncio.to_thread(static_file, state, guid, bundle, tail)
    if path is None:
        return _page(404, "Not found.")
    return web.FileResponse(path)


async def _content_or_page(request: web.Request, ident: str) -> Row | None:
    try:
        return await load_content(get_state(request).store, ident)
    except ApiError:
        return None


@routes.route("*", "/content/{guid}")
async def content_no_slash(request: web.Request) -> web.StreamResponse:
    raise web.HTTPFound(f"/content/{request.match_info['guid']}/")


@routes.get("/content/{guid}/__thumbnail__")
async def public_thumbnail(request: web.Request) -> web.StreamResponse:
    state = get_state(request)
    content = await _content_or_page(request, request.match_info["guid"])
    if content is None:
        return _page(404, "Not found.")
    path = state.layout.thumbnail(content["guid"])
    if not path.is_file():
        return web.Response(status=204)
    return web.FileResponse(path, headers={"Content-Type": image_type(path)})


@routes.route("*", "/content/{guid}/{tail:.*}")
async def content_page(request: web.Request) -> web.StreamResponse:
    content = await _content_or_page(request, request.match_info["guid"])
    if content is None:
        return _page(404, "This content does not exist.")
    base = f"/content/{request.match_info['guid']}/"
    return await serve(request, content, request.match_info["tail"], base)


async def vanity_page(request: web.Request) -> web.StreamResponse | None:
    """Content at a vanity path, or None when no vanity path matches."""
    state = get_state(request)
    path = request.path if request.path.endswith("/") else request.path + "/"
    rows = await state.store.fetchall(
        # A plain prefix test: with LIKE, a `_` in a vanity path would match any character.
        "SELECT * FROM vanities WHERE substr(?1, 1, length(path)) = path"
        " ORDER BY length(path) DESC LIMIT 1",
        path,
    )
    if not rows:
        return None
    vanity = rows[0]["path"]
    if request.path + "/" == vanity:
        raise web.HTTPFound(vanity)
    content = await load_content(state.store, rows[0]["content_guid"])
    return await serve(request, content, request.path[len(vanity) :], vanity)


def image_type(path: Path) -> str:
    with path.open("rb") as fh:
        head = fh.read(16)
    if head.startswith(b"\x89PNG"):
        return "image/png"
    if head[:3] == b"\xff\xd8\xff":
        return "image/jpeg"
    if head[:4] == b"GIF8":
        return "image/gif"
    if head[:4] == b"RIFF":
        return "image/webp"
    return "image/svg+xml" if b"<" in head else "application/octet-stream"
