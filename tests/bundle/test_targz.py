"""The streamed tar.gz: readable by tarfile and GNU tar, multi-member, stored when incompressible."""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import subprocess
import tarfile
import zlib
from pathlib import Path

import pytest

from rsconnect_lab.bundle.files import BundleError
from rsconnect_lab.bundle.targz import (
    CHUNK,
    Member,
    gzip_member,
    rewrite_head,
    stored_member,
    write_targz,
)


def gzip_members(data: bytes) -> int:
    """How many gzip members a stream holds."""
    count = 0
    while data:
        d = zlib.decompressobj(31)
        d.decompress(data)
        assert d.eof
        data = d.unused_data
        count += 1
    return count


def _tree(root: Path) -> list[Member]:
    (root / "sub").mkdir(parents=True)
    (root / "random.bin").write_bytes(os.urandom(3 * CHUNK + 1234))
    (root / "text.txt").write_bytes(b"hello world, " * 300_000)
    (root / "empty").write_bytes(b"")
    (root / "sub" / "ünïcode name.txt").write_text("x" * 511)
    long_name = "sub/" + "d" * 120 + "/" + "f" * 120 + ".txt"
    (root / long_name).parent.mkdir()
    (root / long_name).write_text("long")
    os.chmod(root / "text.txt", 0o755)
    names = ["random.bin", "text.txt", "empty", "sub/ünïcode name.txt", long_name]
    members = [Member("manifest.json", data=b'{"version": 1}')]
    members += [Member(n, source=str(root / n)) for n in names]
    return members


def test_round_trip_tarfile_and_gnu_tar(tmp_path: Path) -> None:
    members = _tree(tmp_path / "src")
    out = tmp_path / "b.tar.gz"
    with open(out, "wb") as f:
        size = write_targz(f, members, workers=2)
    data = out.read_bytes()
    assert size == len(data)
    assert gzip_members(data) > 3
    with tarfile.open(out, "r:gz") as tar:
        assert tar.getnames() == [m.name for m in members]
        for m in members[1:]:
            assert m.source is not None
            assert tar.extractfile(m.name).read() == Path(m.source).read_bytes()  # type: ignore[union-attr]
        assert tar.getmember("text.txt").mode == 0o755
        assert tar.extractfile("manifest.json").read() == b'{"version": 1}'  # type: ignore[union-attr]
    dest = tmp_path / "gnu"
    dest.mkdir()
    subprocess.run(["tar", "xzf", str(out), "-C", str(dest)], check=True)
    for m in members[1:]:
        assert m.source is not None
        assert (dest / m.name).read_bytes() == Path(m.source).read_bytes()
    listing = subprocess.run(["tar", "tzf", str(out)], check=True, capture_output=True, text=True)
    assert listing.stdout.splitlines()[0] == "manifest.json"
    assert len(gzip.decompress(data)) % tarfile.RECORDSIZE == 0


def test_incompressible_chunks_are_stored() -> None:
    noise = os.urandom(CHUNK)
    stored = gzip_member(noise, 6)
    assert len(noise) < len(stored) < len(noise) + 200  # stored blocks: a few bytes of framing
    assert gzip.decompress(stored) == noise
    text = b"abc " * (CHUNK // 4)
    assert len(gzip_member(text, 6)) < len(text) // 50


def _fstat_off_by(monkeypatch: pytest.MonkeyPatch, delta: int) -> None:
    """Make the size seen at opening differ from what can be read, as when a file changes."""
    real = os.fstat

    def fstat(fd: int) -> os.stat_result:
        st = real(fd)
        fields = list(st)
        fields[6] = st.st_size + delta  # st_size
        return os.stat_result(fields)

    monkeypatch.setattr("rsconnect_lab.bundle.targz.os.fstat", fstat)


def test_file_that_shrinks_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    f = tmp_path / "f"
    f.write_bytes(b"x" * 10)
    _fstat_off_by(monkeypatch, +90)
    with pytest.raises(BundleError, match="shrank"):
        write_targz(io.BytesIO(), [Member("f", source=str(f))])


def test_file_that_grows_keeps_its_size_at_opening(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    f = tmp_path / "f"
    f.write_bytes(b"x" * 1000)
    _fstat_off_by(monkeypatch, -990)
    buf = io.BytesIO()
    digests: dict[str, str] = {}
    write_targz(buf, [Member("f", source=str(f))], digests=digests)
    buf.seek(0)
    with tarfile.open(fileobj=buf, mode="r:gz") as tar:
        assert tar.extractfile("f").read() == b"x" * 10  # type: ignore[union-attr]
    assert digests["f"] == hashlib.md5(b"x" * 10).hexdigest()  # the manifest matches the member


@pytest.mark.parametrize("size", [0, 1, 65535, 65536, 200_000])
def test_stored_member_length_depends_on_size_only(size: int) -> None:
    a, b = os.urandom(size), b"z" * size
    assert (
        len(stored_member(a)) == len(stored_member(b)) == 18 + size + 5 * max(1, -(-size // 65535))
    )
    assert gzip.decompress(stored_member(a)) == a


def test_head_is_rewritten_in_place(tmp_path: Path) -> None:
    f = tmp_path / "data.txt"
    f.write_bytes(b"payload " * 100_000)
    out = tmp_path / "b.tar.gz"
    with open(out, "w+b") as fh:
        write_targz(
            fh,
            [Member("data.txt", source=str(f))],
            head=Member("manifest.json", data=b"0" * 40),
            digests=(digests := {}),
        )
        rewrite_head(fh, Member("manifest.json", data=b"1" * 40))
    with tarfile.open(out, "r:gz") as tar:
        assert tar.getnames() == ["manifest.json", "data.txt"]
        assert tar.extractfile("manifest.json").read() == b"1" * 40  # type: ignore[union-attr]
    dest = tmp_path / "gnu"
    dest.mkdir()
    subprocess.run(["tar", "xzf", str(out), "-C", str(dest)], check=True)
    assert (dest / "manifest.json").read_bytes() == b"1" * 40
    assert (dest / "data.txt").read_bytes() == f.read_bytes()
    assert digests == {"data.txt": hashlib.md5(f.read_bytes()).hexdigest()}
