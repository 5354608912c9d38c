from __future__ import annotations

import asyncio

from tornado import web

from ..paths import resolve_in_root
from .base import RSConnectLabHandler


class DeploymentsHandler(RSConnectLabHandler):
    @web.authenticated
    async def get(self) -> None:
        path = resolve_in_root(self.services["root_dir"], self.get_argument("path", ""))
        records = await asyncio.to_thread(self.services["records"].list, path)
        self.reply({"deployments": [r.public() for r in records]})
