from __future__ import annotations

from urllib.parse import unquote

from tornado import web

from ..content import list_user_content
from .base import RSConnectLabHandler


class ContentHandler(RSConnectLabHandler):
    """The user's content on one server, for the content browser."""

    @web.authenticated
    async def get(self, name: str) -> None:
        server = await self.server(unquote(name))
        client = await self.services["clients"].get(server)
        self.reply({"content": await list_user_content(client)})
