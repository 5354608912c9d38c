from __future__ import annotations

import asyncio
from urllib.parse import unquote

from tornado import web

from ..content import delete_content, list_user_content
from .base import RSConnectLabHandler


class ContentHandler(RSConnectLabHandler):
    """The user's content on one server, for the content browser."""

    @web.authenticated
    async def get(self, name: str) -> None:
        server = await self.server(unquote(name))
        client = await self.services["clients"].get(server)
        self.reply(await list_user_content(client))


class ContentItemHandler(RSConnectLabHandler):
    """One content item: deleted on Connect, and forgotten by the deployment records."""

    @web.authenticated
    async def delete(self, name: str, guid: str) -> None:
        server = await self.server(unquote(name))
        client = await self.services["clients"].get(server)
        await delete_content(client, guid)
        records = self.services["records"]
        await asyncio.to_thread(records.forget_content, server.url, guid)
        self.set_status(204)
        self.finish()
