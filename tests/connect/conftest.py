"""Fixtures for the Connect client tests: emulators (plain, old version, TLS), bundles, helpers.

Every test talks HTTP to a real server: the project's Connect emulator, or, for "this is not
Connect" cases, a tiny aiohttp app started here that plays some *other* kind of server.
"""

from __future__ import annotations

import io
import json
import socket
import tarfile
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from aiohttp import web

from rsconnect_lab.connect import ConnectClient


def unique(prefix: str = "t") -> str:
    """A content name no other test (in this session's shared emulator) uses."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def write_bundle(path: Path, manifest: dict[str, Any], files: dict[str, bytes]) -> Path:
    """A .tar.gz with manifest.json first, as rsconnect-python writes bundles."""
    with tarfile.open(path, "w:gz") as tar:
        for name, data in {"manifest.json": json.dumps(manifest).encode(), **files}.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def static_bundle(directory: Path, html: str = "<html><body><h1>Hello</h1></body></html>") -> Path:
    manifest = {
        "version": 1,
        "metadata": {"appmode": "static", "primary_html": "index.html", "entrypoint": "index.html"},
        "files": {},
    }
    return write_bundle(
        directory / f"{unique('static')}.tar.gz", manifest, {"index.html": html.encode()}
    )


def notebook_bundle(directory: Path, cells: list[str]) -> Path:
    """A jupyter-static bundle; the emulator executes it, which takes a few polls."""
    notebook = {
        "cells": [
            {
                "cell_type": "code",
                "metadata": {},
                "source": src,
                "outputs": [],
                "execution_count": None,
            }
            for src in cells
        ],
        "metadata": {
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    manifest = {
        "version": 1,
        "metadata": {"appmode": "jupyter-static", "entrypoint": "report.ipynb"},
        "files": {},
    }
    return write_bundle(
        directory / f"{unique('nb')}.tar.gz",
        manifest,
        {"report.ipynb": json.dumps(notebook).encode()},
    )


@pytest.fixture
def bundle_dir(tmp_path: Path) -> Path:
    return tmp_path


@pytest.fixture
def emu(emulator: Any) -> Iterator[Any]:
    """The shared emulator, with any faults a test injected cleared afterwards."""
    emulator.clear_faults()
    yield emulator
    emulator.clear_faults()


MakeClient = Callable[..., ConnectClient]


@pytest_asyncio.fixture
async def make_client() -> AsyncIterator[MakeClient]:
    """Build clients that are all closed at the end of the test; fast retries by default."""
    made: list[ConnectClient] = []

    def make(url: str, api_key: str | None = None, **options: Any) -> ConnectClient:
        options.setdefault("backoff", 0.01)
        client = ConnectClient(url, api_key, **options)
        made.append(client)
        return client

    yield make
    for client in made:
        await client.close()


@pytest_asyncio.fixture
async def connect(emu: Any, make_client: MakeClient) -> ConnectClient:
    """An administrator's client for the shared emulator."""
    return make_client(emu.url, emu.api_key)


@pytest.fixture(scope="session")
def old_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """An emulator that reports Connect 2024.01.0 (before draft deploys and v1 thumbnails)."""
    from rsconnect_lab.emulator import Emulator

    emu = Emulator(data_dir=tmp_path_factory.mktemp("connect-old"), version="2024.01.0")
    emu.start()
    try:
        yield emu
    finally:
        emu.stop()


class TLSSetup:
    def __init__(self, emulator: Any, ca_file: Path, ca_pem: str) -> None:
        self.emulator = emulator
        self.ca_file = ca_file
        self.ca_pem = ca_pem


@pytest.fixture(scope="session")
def tls_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TLSSetup]:
    """An emulator serving HTTPS with a certificate from a private (trustme) CA."""
    import trustme

    from rsconnect_lab.emulator import Emulator

    base = tmp_path_factory.mktemp("connect-tls")
    ca = trustme.CA()
    # Only the IP address: "localhost" then serves as a name the certificate does not cover.
    cert = ca.issue_cert("127.0.0.1")
    certfile, keyfile, ca_file = base / "server.pem", base / "server.key", base / "ca.pem"
    certfile.write_bytes(b"".join(pem.bytes() for pem in cert.cert_chain_pems))
    cert.private_key_pem.write_to_path(str(keyfile))
    ca.cert_pem.write_to_path(str(ca_file))
    emu = Emulator(data_dir=base / "data", certfile=str(certfile), keyfile=str(keyfile))
    emu.start()
    try:
        yield TLSSetup(emu, ca_file, ca.cert_pem.bytes().decode())
    finally:
        emu.stop()


@pytest.fixture
def closed_port() -> int:
    """A local port that nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest_asyncio.fixture
async def other_server() -> AsyncIterator[Callable[[web.Application], Any]]:
    """Start an aiohttp app playing some server that is *not* Connect; yields its URL."""
    runners: list[web.AppRunner] = []

    async def start(app: web.Application) -> str:
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        runners.append(runner)
        port = runner.addresses[0][1]
        return f"http://127.0.0.1:{port}"

    yield start
    for runner in runners:
        await runner.cleanup()
