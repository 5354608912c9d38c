from __future__ import annotations

import asyncio
import dataclasses
from urllib.parse import unquote

from tornado import web

from ..connect import ConnectClient
from ..servers import Server
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
        # One attempt, a short timeout: the person is waiting on the form.
        async with ConnectClient(
            server.url,
            server.api_key,
            insecure=server.insecure,
            ca_cert=server.ca_cert,
            retries=0,
            timeout=20,
        ) as client:
            user = await client.verify()  # None: a valid key without a user (service principal)
        username = user.username if user else None
        saved = await asyncio.to_thread(
            self.server_store.save,
            dataclasses.replace(server, username=username),
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
