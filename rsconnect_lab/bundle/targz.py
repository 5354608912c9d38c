"""A POSIX tar streamed into a multi-member gzip file, compressed on every core.

The tar stream is cut into fixed-size chunks; each becomes an independent gzip member (zlib
releases the GIL, so a thread pool compresses in parallel) and the members are written in order.
Concatenated members are one valid gzip stream (RFC 1952), read by Python's gzip/tarfile, GNU
gzip/tar and Go's compress/gzip. Chunks that do not compress (sampled) are stored at level 0.
Memory stays bounded: at most a few chunks are in flight.
"""

from __future__ import annotations

import grp
import io
import os
import pwd
import tarfile
import zlib
from collections import deque
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import BinaryIO

from .files import BundleError

BLOCK = tarfile.BLOCKSIZE
RECORD = tarfile.RECORDSIZE
CHUNK = 1 << 20
SAMPLE = 32 << 10
STORE_RATIO = 0.9  # a level-1 sample above this ratio means the chunk is not worth compressing


@dataclass(frozen=True)
class Member:
    """One tar member: from ``source`` on disk (its mode and mtime kept) or from ``data``."""

    name: str
    source: Path | None = None
    data: bytes | None = None
    size: int = 0


@cache
def _uname(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return ""


@cache
def _gname(gid: int) -> str:
    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return ""


def _header(member: Member, st: os.stat_result | None, size: int) -> bytes:
    info = tarfile.TarInfo(member.name)
    info.size = size
    if st is not None:
        info.mode = st.st_mode & 0o7777
        info.mtime = int(st.st_mtime)
        info.uid, info.gid = st.st_uid, st.st_gid
        info.uname, info.gname = _uname(st.st_uid), _gname(st.st_gid)
    return info.tobuf(tarfile.PAX_FORMAT, "utf-8", "surrogateescape")


def gzip_member(data: bytes | bytearray | memoryview, level: int) -> bytes:
    """One complete gzip member; stored (level 0) when a sample shows the data is incompressible."""
    view = memoryview(data)
    if level > 0 and len(view) >= SAMPLE:
        middle = len(view) // 2
        sample = view[middle - SAMPLE // 2 : middle + SAMPLE // 2]
        if len(zlib.compress(sample, 1)) > STORE_RATIO * len(sample):
            level = 0
    compressor = zlib.compressobj(level, zlib.DEFLATED, 31)  # wbits 31: gzip header and trailer
    return compressor.compress(view) + compressor.flush()


class _Sink:
    """Fills chunks and hands each full one to the pool, writing results in order."""

    def __init__(self, out: BinaryIO, pool: ThreadPoolExecutor, level: int, inflight: int) -> None:
        self.out = out
        self.pool = pool
        self.level = level
        self.inflight = inflight
        self.pending: deque[Future[bytes]] = deque()
        self.buf = bytearray(CHUNK)
        self.pos = 0
        self.raw = 0  # tar bytes so far
        self.written = 0  # gzip bytes so far

    def _ship(self) -> None:
        if self.pos == 0:
            return
        chunk = self.buf if self.pos == CHUNK else self.buf[: self.pos]
        self.pending.append(self.pool.submit(gzip_member, chunk, self.level))
        self.buf = bytearray(CHUNK)  # the old buffer now belongs to the worker
        self.pos = 0
        while len(self.pending) > self.inflight:
            self._drain_one()

    def _drain_one(self) -> None:
        data = self.pending.popleft().result()
        self.out.write(data)
        self.written += len(data)

    def write(self, data: bytes) -> None:
        view = memoryview(data)
        self.raw += len(view)
        while view:
            n = min(len(view), CHUNK - self.pos)
            self.buf[self.pos : self.pos + n] = view[:n]
            self.pos += n
            view = view[n:]
            if self.pos == CHUNK:
                self._ship()

    def copy_file(self, f: io.FileIO, size: int, name: str) -> None:
        """Exactly ``size`` bytes of ``f`` read straight into the chunk buffers."""
        remaining = size
        while remaining:
            room = min(remaining, CHUNK - self.pos)
            got = f.readinto(memoryview(self.buf)[self.pos : self.pos + room])
            if not got:
                raise BundleError(f"{name} shrank while it was being bundled", "file_changed")
            self.pos += got
            self.raw += got
            remaining -= got
            if self.pos == CHUNK:
                self._ship()

    def finish(self) -> None:
        self._ship()
        while self.pending:
            self._drain_one()

    def cancel(self) -> None:
        for future in self.pending:
            future.cancel()


def _padding(size: int, unit: int = BLOCK) -> int:
    return (unit - size % unit) % unit


def write_targz(
    out: BinaryIO,
    members: Iterable[Member],
    *,
    level: int = 6,
    workers: int | None = None,
) -> int:
    """Write the members as a tar.gz to ``out``; returns the number of bytes written.

    Blocking: run it in a thread. File members must keep the size they had when listed.
    """
    workers = workers or os.cpu_count() or 2
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="targz") as pool:
        sink = _Sink(out, pool, level, inflight=workers * 2)
        done = False
        try:
            for member in members:
                if member.data is not None:
                    sink.write(_header(member, None, len(member.data)))
                    sink.write(member.data)
                    size = len(member.data)
                else:
                    assert member.source is not None
                    with open(member.source, "rb", buffering=0) as f:
                        size = member.size
                        sink.write(_header(member, os.fstat(f.fileno()), size))
                        sink.copy_file(f, size, member.name)
                sink.write(bytes(_padding(size)))
            sink.write(bytes(2 * BLOCK))  # end-of-archive marker
            sink.write(bytes(_padding(sink.raw, RECORD)))  # whole records, as tarfile writes
            sink.finish()
            done = True
        finally:
            if not done:
                sink.cancel()
    return sink.written
