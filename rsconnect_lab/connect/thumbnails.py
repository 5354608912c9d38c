"""Content thumbnails.

Connect ≥ 2024.09 has `PUT/DELETE /__api__/v1/content/{guid}/thumbnail` and serves the image at
`{root}/content/{guid}/__thumbnail__`; older servers use `/__api__/applications/{guid}/image`.
"""

from __future__ import annotations

import asyncio
import mimetypes
import os
from collections.abc import Awaitable, Callable
from pathlib import Path

from . import errors
from .transport import Transport
from .urls import segment

VersionCheck = Callable[[str], Awaitable[bool]]


class ThumbnailsResource:
    def __init__(self, transport: Transport, supports: VersionCheck) -> None:
        self._t = transport
        self._supports = supports

    async def get(self, guid: str) -> bytes | None:
        """The image bytes, or None when the content has no thumbnail."""
        if await self._supports("thumbnails"):
            url = self._t.url(f"content/{segment(guid)}/__thumbnail__")
            api = False
        else:
            url, api = self._t.api(f"applications/{segment(guid)}/image"), True
        try:
            async with self._t.open(
                "GET",
                url,
                headers={"Accept": "image/*"},
                what=f"reading the thumbnail of {guid}",
                api=api,
                preload=True,
            ) as response:
                if response.status == 204:
                    return None
                return await response.read()
        except errors.NotFound:
            if not api:
                raise  # `__thumbnail__` answers 204 for "no image": a 404 is unknown content
            return None  # the legacy route answers 404 for both; it cannot tell them apart

    async def set(self, guid: str, image: str | os.PathLike[str]) -> None:
        """Upload an image file (PNG, JPEG, GIF, SVG) as the thumbnail."""
        path = Path(image)
        content = await asyncio.to_thread(path.read_bytes)  # images are small; bundles are not
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if await self._supports("thumbnails"):
            method, url = "PUT", self._t.api(f"v1/content/{segment(guid)}/thumbnail")
        else:
            method, url = "POST", self._t.api(f"applications/{segment(guid)}/image")
        async with self._t.open(
            method,
            url,
            data=lambda: content,
            headers={"Content-Type": content_type},
            what=f"setting the thumbnail of {guid}",
        ):
            pass

    async def delete(self, guid: str) -> None:
        if await self._supports("thumbnails"):
            path = f"v1/content/{segment(guid)}/thumbnail"
        else:
            path = f"applications/{segment(guid)}/image"
        await self._t.request("DELETE", path, what=f"deleting the thumbnail of {guid}")
