"""One Connect client (and so one aiohttp session) per server for the extension's lifetime."""

from __future__ import annotations

import asyncio
import hashlib

from .connect import ConnectClient
from .servers import Server


def _identity(server: Server) -> str:
    # Hash rather than keep the key in a dict key that might be logged or shown in a repr.
    raw = "\x00".join(
        [server.name, server.url, server.api_key, str(server.insecure), server.ca_cert or ""]
    )
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class ClientPool:
    def __init__(self) -> None:
        self._clients: dict[str, tuple[str, ConnectClient]] = {}
        self._lock = asyncio.Lock()

    async def get(self, server: Server) -> ConnectClient:
        ident = _identity(server)
        async with self._lock:
            current = self._clients.get(server.name)
            if current and current[0] == ident:
                return current[1]
            if current:  # the server's settings changed: the old session goes
                await current[1].close()
            client = ConnectClient(
                server.url, server.api_key, insecure=server.insecure, ca_cert=server.ca_cert
            )
            self._clients[server.name] = (ident, client)
            return client

    async def discard(self, name: str) -> None:
        async with self._lock:
            current = self._clients.pop(name, None)
        if current:
            await current[1].close()

    async def close(self) -> None:
        async with self._lock:
            clients = [c for _, c in self._clients.values()]
            self._clients.clear()
        await asyncio.gather(*(c.close() for c in clients), return_exceptions=True)
