from __future__ import annotations

import asyncio
from urllib.parse import unquote

from tornado import web

from ..servers import Server
from ..verify import verify_server
from .base import RSConnectLabHandler


class ServersHandler(RSConnectLabHandler):
    @web.authenticated
    async def get(self) -> None:
        servers = await asyncio.to_thread(self.server_store.all)
        self.reply({"servers": [s.public() for s in servers]})

    @web.authenticated
    async def post(self) -> None:
        body = self.json_body()
        name, url = await asyncio.to_thread(
            self.server_store.check_new,
            str(body.get("name", "")),
            str(body.get("url", "")),
            str(body.get("api_key", "")),
            bool(body.get("insecure", False)),
        )
        ca_cert = body.get("ca_cert") or None
        server = Server(
            name=name,
            url=url,
            api_key=str(body["api_key"]).strip(),
            insecure=bool(body.get("insecure", False)),
            ca_cert=str(ca_cert) if ca_cert else self.server_store.default_ca_cert,
        )
        # Verify before saving: a server that is not Connect, or a wrong key, is never stored.
        store = self.server_store
        verified = await verify_server(
            server, str(body.get("url", "")), lambda u: store.allows(u, server.insecure)
        )
        # The address verification settled on (https, or http when https did not answer) is
        # the one saved: the administrator's policy must hold for it too.
        store.check_policy(verified.url, verified.insecure)
        saved = await asyncio.to_thread(
            self.server_store.save,
            verified,
            also_rsconnect_python=bool(
                body.get("save_to_rsconnect_python", self.services["save_to_rsconnect_python"])
            ),
        )
        self.reply({"server": saved.public()}, status=201)


class ServerHandler(RSConnectLabHandler):
    @web.authenticated
    async def delete(self, name: str) -> None:
        name = unquote(name)
        await asyncio.to_thread(self.server_store.remove, name)
        await self.services["clients"].discard(name)
        self.set_status(204)
        self.finish()
