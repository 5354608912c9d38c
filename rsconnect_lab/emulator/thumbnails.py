"""Content thumbnails: `v1/content/{guid}/thumbnail` and the legacy `applications/{guid}/image`."""

from __future__ import annotations

import asyncio
import uuid

from aiohttp import web

from .access import content_for
from .errors import ApiError
from .serving import image_type

routes = web.RouteTableDef()
MAX_THUMBNAIL = 10 * 1024 * 1024


@routes.get("/__api__/v1/content/{guid}/thumbnail")
@routes.get("/__api__/applications/{guid}/image")
async def get_thumbnail(request: web.Request) -> web.StreamResponse:
    state, _user, content = await content_for(request, edit=False)
    path = state.layout.thumbnail(content["guid"])
    if not path.is_file():
        raise ApiError(4, "This content has no thumbnail.")
    return web.FileResponse(path, headers={"Content-Type": image_type(path)})


@routes.put("/__api__/v1/content/{guid}/thumbnail")
@routes.post("/__api__/applications/{guid}/image")
async def put_thumbnail(request: web.Request) -> web.Response:
    state, _user, content = await content_for(request, edit=True)
    data = await _read_capped(request, MAX_THUMBNAIL + 1)
    if not data:
        raise ApiError(125)
    if len(data) > MAX_THUMBNAIL:
        raise ApiError(25, "The thumbnail is larger than 10 MiB.")
    path = state.layout.thumbnail(content["guid"])
    tmp = path.with_name(f".{uuid.uuid4().hex}")
    await asyncio.to_thread(tmp.write_bytes, data)
    await asyncio.to_thread(tmp.replace, path)
    return web.json_response({"content_guid": content["guid"]})


async def _read_capped(request: web.Request, limit: int) -> bytes:
    """The body up to `limit` bytes; `read(n)` alone stops at whatever has arrived so far."""
    parts: list[bytes] = []
    size = 0
    while size < limit and (chunk := await request.content.read(limit - size)):
        parts.append(chunk)
        size += len(chunk)
    return b"".join(parts)


@routes.delete("/__api__/v1/content/{guid}/thumbnail")
@routes.delete("/__api__/applications/{guid}/image")
async def delete_thumbnail(request: web.Request) -> web.Response:
    state, _user, content = await content_for(request, edit=True)
    await asyncio.to_thread(state.layout.thumbnail(content["guid"]).unlink, True)
    return web.Response(status=204)
