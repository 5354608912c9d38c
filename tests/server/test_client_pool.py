"""One Connect client, and so one aiohttp session, per server for the extension's lifetime."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from rsconnect_lab.clients import ClientPool
from rsconnect_lab.servers import Server


def local(emulator: Any, name: str = "local") -> Server:
    return Server(name=name, url=emulator.url, api_key=emulator.api_key)


@pytest.mark.asyncio
async def test_one_session_per_server_kept_across_calls(emulator: Any) -> None:
    pool = ClientPool()
    try:
        first = await pool.get(local(emulator))
        await first.me()
        session = first._transport.session
        again = await pool.get(local(emulator))  # an equal record, read again from disk
        await again.me()
        assert again is first and again._transport.session is session
        other = await pool.get(local(emulator, "staging"))
        assert other is not first
    finally:
        await pool.close()


@pytest.mark.asyncio
async def test_changed_settings_close_the_old_session(emulator: Any) -> None:
    pool = ClientPool()
    try:
        old = await pool.get(local(emulator))
        await old.me()
        changed = dataclasses.replace(local(emulator), api_key=emulator.api_key + " ")
        new = await pool.get(changed)
        assert new is not old and old.closed and not new.closed
        await pool.discard("local")
        assert new.closed
    finally:
        await pool.close()


@pytest.mark.asyncio
async def test_close_closes_every_session(emulator: Any) -> None:
    pool = ClientPool()
    clients = [await pool.get(local(emulator, name)) for name in ("a", "b", "c")]
    for client in clients:
        await client.me()
    await pool.close()
    assert all(client.closed for client in clients)
    replacement = await pool.get(local(emulator, "a"))  # a pool outlives a close, empty
    assert replacement not in clients
    await pool.close()


async def test_stopping_the_extension_closes_its_sessions(jp_serverapp: Any, emulator: Any) -> None:
    (extension,) = [
        ext
        for pkg in jp_serverapp.extension_manager.extensions.values()
        for ext in pkg.extension_points.values()
        if ext.name == "rsconnect_lab"
    ]
    lab = extension.app
    client = await lab.client_pool.get(local(emulator))
    await client.me()
    await lab.stop_extension()
    assert client.closed
