from __future__ import annotations

from urllib.parse import unquote

from tornado import web

from ..connect import ConnectClient
from ..servers import Server, ServerStore
from .base import RSConnectLabHandler


class ServersHandler(RSConnectLabHandler):
    @property
    def store(self) -> ServerStore:
        return self.services["servers"]  # type: ignore[no-any-return]

    @web.authenticated
    def get(self) -> None:
        self.reply({"servers": [s.public() for s in self.store.all()]})

    @web.authenticated
    async def post(self) -> None:
        body = self.json_body()
        name, url = self.store.check_new(
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
            ca_cert=str(ca_cert) if ca_cert else self.store.default_ca_cert,
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
        saved = self.store.save(
            Server(**{**server.__dict__, "username": username}),
            also_rsconnect_python=bool(
                body.get("save_to_rsconnect_python", self.services["save_to_rsconnect_python"])
            ),
        )
        self.reply({"server": saved.public()}, status=201)


class ServerHandler(RSConnectLabHandler):
    @web.authenticated
    async def delete(self, name: str) -> None:
        name = unquote(name)
        self.services["servers"].remove(name)
        await self.services["clients"].discard(name)
        self.set_status(204)
        self.finish()
