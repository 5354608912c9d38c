"""Bundles: upload streamed from a file, list, download streamed to a file, delete."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import IO, Any

from . import errors
from .models import Bundle
from .transport import Transport
from .urls import segment

# 256 KiB: as fast as aiohttp's own file payload (64 KiB was half that), still small.
CHUNK = 1 << 18

Progress = Callable[[int, int], None]


class BundlesResource:
    def __init__(self, transport: Transport) -> None:
        self._t = transport

    async def upload(
        self,
        guid: str,
        path: str | os.PathLike[str],
        *,
        progress: Progress | None = None,
    ) -> Bundle:
        """Upload a .tar.gz from disk; `progress(sent, total)` is called as bytes go out.

        The file is streamed in chunks with its Content-Length (not chunked encoding: Connect
        checks the length, codes 125/126); it is never read whole into memory, so a large
        bundle costs no more RAM than a small one.
        """
        source = Path(path)
        handle: IO[bytes] = await asyncio.to_thread(source.open, "rb")
        try:
            size = os.fstat(handle.fileno()).st_size
            if size == 0:
                self._t.error(
                    errors.InvalidField,
                    f"The bundle {source.name} is empty, so {self._t.display_url} would refuse "
                    "it; build the bundle again.",
                    field="bundle",
                )

            async def chunks() -> AsyncIterator[bytes]:
                sent = 0
                if progress is not None:
                    progress(0, size)
                # Never more than the announced length, even if the file grows meanwhile.
                while sent < size and (
                    chunk := await asyncio.to_thread(handle.read, min(CHUNK, size - sent))
                ):
                    sent += len(chunk)
                    yield chunk
                    if progress is not None:
                        progress(sent, size)

            async with self._t.open(
                "POST",
                self._t.api(f"v1/content/{segment(guid)}/bundles"),
                data=chunks,
                # An explicit length makes aiohttp send the stream as a plain body, not chunked.
                headers={"Content-Length": str(size), "Content-Type": "application/gzip"},
                what=f"uploading a bundle to content {guid}",
                streaming=True,
                preload=True,
            ) as response:
                data = await self._t.read_json(response, "POST")
        finally:
            await asyncio.to_thread(handle.close)
        return self._bundle(data, guid)

    async def list(self, guid: str) -> list[Bundle]:
        data = await self._t.request(
            "GET",
            f"v1/content/{segment(guid)}/bundles",
            what=f"listing the bundles of content {guid}",
        )
        return self._t.parse_list(Bundle, data)

    async def get(self, guid: str, bundle_id: str) -> Bundle:
        data = await self._t.request(
            "GET",
            f"v1/content/{segment(guid)}/bundles/{segment(bundle_id)}",
            what=f"reading bundle {bundle_id} of content {guid}",
        )
        return self._bundle(data, guid)

    async def delete(self, guid: str, bundle_id: str) -> None:
        await self._t.request(
            "DELETE",
            f"v1/content/{segment(guid)}/bundles/{segment(bundle_id)}",
            what=f"deleting bundle {bundle_id} of content {guid}",
        )

    async def download(
        self, guid: str, bundle_id: str, destination: str | os.PathLike[str]
    ) -> Path:
        """Stream a bundle's .tar.gz to `destination`; a partial file is removed on failure."""
        target = Path(destination)
        handle: IO[bytes] = await asyncio.to_thread(target.open, "wb")
        url = self._t.api(f"v1/content/{segment(guid)}/bundles/{segment(bundle_id)}/download")
        try:
            async with (
                self._t.open(
                    "GET",
                    url,
                    headers={"Accept": "application/gzip, application/octet-stream, */*"},
                    what=f"downloading bundle {bundle_id} of content {guid}",
                    streaming=True,
                ) as response,
                self._t.body_errors("GET", url),
            ):
                async for chunk in response.content.iter_chunked(CHUNK):
                    await asyncio.to_thread(handle.write, chunk)
        except BaseException:
            # BaseException: a cancelled download must not leave half a file either.
            await asyncio.to_thread(handle.close)
            with contextlib.suppress(OSError):
                await asyncio.to_thread(target.unlink)
            raise
        await asyncio.to_thread(handle.close)
        return target

    def _bundle(self, data: Any, guid: str) -> Bundle:
        if not isinstance(data, dict) or "id" not in data:
            self._t.error(
                errors.ServerError,
                f"{self._t.display_url} accepted the bundle for content {guid} but did not say "
                "its id; the server's answer was not a bundle.",
            )
        return self._t.parse(Bundle, data)
