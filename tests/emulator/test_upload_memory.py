"""A large upload streams to disk: the emulator's memory does not grow with the bundle."""

from __future__ import annotations

import signal
import tarfile
import threading
import zlib
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from tests.emulator.helpers import start_cli

pytestmark = pytest.mark.slow
SIZE = 400 * 1024 * 1024


def streamed_bundle(size: int) -> Iterator[bytes]:
    """A tar.gz made on the fly (gzip level 0, so the body really is `size` bytes)."""
    comp = zlib.compressobj(0, zlib.DEFLATED, 31)
    manifest = b'{"version": 1, "metadata": {"appmode": "static", "primary_html": "big.bin"}}'

    def header(name: str, n: int) -> bytes:
        info = tarfile.TarInfo(name)
        info.size = n
        return info.tobuf(tarfile.GNU_FORMAT)

    yield comp.compress(header("manifest.json", len(manifest)) + manifest.ljust(512, b"\0"))
    yield comp.compress(header("big.bin", size))
    chunk = b"\0" * (1 << 20)
    for _ in range(size // len(chunk)):
        yield comp.compress(chunk)
    yield comp.compress(b"\0" * 1024) + comp.flush()


def test_large_streamed_upload_keeps_memory_flat(tmp_path: Path) -> None:
    proc, api = start_cli(tmp_path / "d")
    try:
        g = api.create()["guid"]
        watched = psutil.Process(proc.pid)
        baseline = watched.memory_info().rss
        peak = [baseline]
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.05):
                peak[0] = max(peak[0], watched.memory_info().rss)

        sampler = threading.Thread(target=sample)
        sampler.start()
        try:
            r = api.post(f"v1/content/{g}/bundles", data=streamed_bundle(SIZE))
        finally:
            done.set()
            sampler.join()
        assert r.status_code == 200, r.text
        assert r.json()["size"] > SIZE
        growth = peak[0] - baseline
        assert growth < 64 * 1024 * 1024, f"RSS grew by {growth / 2**20:.0f} MiB"
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)
