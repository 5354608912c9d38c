"""make_bundle, preview_bundle and write_manifest: the async entry points (work in threads)."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import tempfile
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..environment import Environment
from ..render import render_html
from . import manifest as mf
from .files import BundleError, Excluded, FileEntry
from .plan import BundleSpec, Plan, plan_bundle
from .targz import DEFAULT_LEVEL, Member, rewrite_head, write_targz

_HASH_BUFFER = 1 << 20


@dataclass(frozen=True)
class Bundle:
    path: Path  # the .tar.gz on disk; the caller deletes it
    manifest: dict[str, Any]
    size: int  # bytes of the .tar.gz
    files: list[str]  # member names in order, manifest.json first


@dataclass(frozen=True)
class PreviewFile:
    path: str
    size: int | None  # None: not known before rendering
    generated: bool = False


@dataclass(frozen=True)
class BundlePreview:
    files: list[PreviewFile]
    excluded: list[Excluded]
    total: int  # bytes before compression (known sizes)
    entrypoint: str | None = None
    mode: str = ""
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "entrypoint": self.entrypoint,
            "files": [
                {"path": f.path, "size": f.size, "generated": f.generated} for f in self.files
            ],
            "excluded": [{"path": e.path, "reason": e.reason} for e in self.excluded],
            "total": self.total,
            "warnings": self.warnings,
        }


def file_md5(path: str) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    buf = bytearray(_HASH_BUFFER)
    view = memoryview(buf)
    with open(path, "rb", buffering=0) as f:
        while n := f.readinto(buf):
            digest.update(view[:n])  # hashlib releases the GIL for large updates
    return digest.hexdigest()


def _ordered(plan: Plan, files: list[FileEntry], digests: dict[str, str]) -> dict[str, str]:
    """Manifest ``files`` in rsconnect-python's order: for a notebook with source the notebook,
    then requirements, then extras; otherwise requirements first."""
    sums = {name: mf.md5_hex(data) for name, data in plan.buffers.items()}
    ordered: dict[str, str] = {}
    if plan.mode == "jupyter-static":
        ordered[files[0].path] = digests[files[0].path]
        ordered.update(sums)
        ordered.update((f.path, digests[f.path]) for f in files[1:])
    else:
        ordered.update(sums)
        ordered.update((f.path, digests[f.path]) for f in files)
    return ordered


def _checksums(plan: Plan, files: list[FileEntry], workers: int) -> dict[str, str]:
    """Checksums without bundling (write_manifest): files hashed in parallel."""
    sources = [f.source for f in files if f.source is not None]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        digests = dict(zip((f.path for f in files), pool.map(file_md5, sources), strict=True))
    return _ordered(plan, files, digests)


def _members(plan: Plan, files: list[FileEntry], cancel: threading.Event) -> Iterator[Member]:
    for name, data in plan.buffers.items():
        yield Member(name, data=data)
    for entry in files:
        if cancel.is_set():
            raise BundleError("bundling was cancelled", "cancelled")
        yield Member(entry.path, source=entry.source)


def _build(plan: Plan, dest_dir: str | None, level: int, cancel: threading.Event) -> Bundle:
    workers = os.cpu_count() or 2
    files = plan.files
    manifest = plan.manifest
    digests: dict[str, str] | None = None
    if plan.checksummed:
        # Same length as the final manifest (every MD5 is 32 hex digits): it holds the place.
        digests = {f.path: "0" * 32 for f in files}
        manifest = mf.with_checksums(manifest, _ordered(plan, files, digests))
    placeholder = mf.dumps(manifest)
    fd, name = tempfile.mkstemp(prefix="rsconnect-lab-", suffix=".tar.gz", dir=dest_dir)
    path = Path(name)
    try:
        with os.fdopen(fd, "w+b") as out:
            size = write_targz(
                out,
                _members(plan, files, cancel),
                level=level,
                workers=workers,
                head=Member("manifest.json", data=placeholder),
                digests=digests,
                cancel=cancel,
            )
            if digests is not None:
                manifest = mf.with_checksums(manifest, _ordered(plan, files, digests))
                final = mf.dumps(manifest)
                assert len(final) == len(placeholder)
                rewrite_head(out, Member("manifest.json", data=final))
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    names = ["manifest.json", *plan.buffers, *(f.path for f in files)]
    return Bundle(path, manifest, size, names)


async def _render_for(spec: BundleSpec, env: Environment | None, dest_dir: str | None) -> Path:
    fd, name = tempfile.mkstemp(prefix="rsconnect-lab-", suffix=".html", dir=dest_dir)
    os.close(fd)
    return await render_html(
        spec.path,
        name,
        python=env.python if env else spec.python,
        hide_all_input=spec.hides_all,
        hide_tagged_input=spec.hides_tagged,
        kernel_name=(env.kernel_name if env else None) or spec.kernel_name,
    )


async def make_bundle(
    spec: BundleSpec,
    env: Environment | None = None,
    *,
    dest_dir: str | None = None,
    level: int = DEFAULT_LEVEL,
) -> Bundle:
    """Build the bundle as a temporary .tar.gz (in ``dest_dir`` or the system's temp folder).

    ``env`` is required for every mode but ``static``; a ``static`` bundle renders the notebook
    first (in ``env.python`` when given) unless ``spec.html_path`` names a snapshot.
    """
    rendered: Path | None = None
    if mf.canonical_mode(spec.mode) == "static" and not spec.html_path:
        rendered = await _render_for(spec, env, dest_dir)
        spec = replace(spec, html_path=str(rendered))
    cancel = threading.Event()
    try:
        plan = await asyncio.to_thread(plan_bundle, spec, env)
        # A thread cannot be interrupted: on cancellation it stops at its next chunk.
        return await asyncio.to_thread(_build, plan, dest_dir, level, cancel)
    except asyncio.CancelledError:
        cancel.set()
        raise
    finally:
        if rendered is not None:
            rendered.unlink(missing_ok=True)


def _preview(spec: BundleSpec, env: Environment | None) -> BundlePreview:
    plan = plan_bundle(spec, env)
    files = [PreviewFile("manifest.json", None, generated=True)]
    files += [PreviewFile(n, len(d), generated=True) for n, d in plan.buffers.items()]
    for entry in plan.files:
        if entry.path == plan.html_name:
            size = os.stat(entry.source).st_size if entry.source else None
            files.append(PreviewFile(entry.path, size, generated=True))
        else:
            files.append(PreviewFile(entry.path, entry.size))
    # The manifest's size is exact before hashing: every checksum is 32 hex digits.
    manifest = plan.manifest
    if plan.checksummed:
        manifest = mf.with_checksums(
            dict(manifest),
            {n: "0" * 32 for n in [*plan.buffers, *(f.path for f in plan.files)]},
        )
    files[0] = PreviewFile("manifest.json", len(mf.dumps(manifest)), generated=True)
    total = sum(f.size or 0 for f in files)
    entry = plan.manifest["metadata"].get("entrypoint") or plan.manifest["metadata"].get(
        "primary_html"
    )
    return BundlePreview(
        files, plan.excluded, total, entry, plan.mode, list(env.warnings) if env else []
    )


async def preview_bundle(spec: BundleSpec, env: Environment | None = None) -> BundlePreview:
    """Every file with its size, every excluded file or folder with the reason, the total."""
    return await asyncio.to_thread(_preview, spec, env)


@dataclass(frozen=True)
class WrittenFiles:
    created: list[str]  # absolute paths
    skipped: list[str]  # existing files left alone
    manifest: dict[str, Any]

    def __iter__(self) -> Iterator[str]:
        """The files written."""
        return iter(self.created)


def _write_manifest(spec: BundleSpec, env: Environment, overwrite: bool) -> WrittenFiles:
    plan = plan_bundle(spec, env)
    if plan.mode == "static":
        raise BundleError("An HTML snapshot cannot be published from a manifest; use source.")
    manifest_path = plan.base / "manifest.json"
    if manifest_path.exists() and not overwrite:
        raise BundleError(
            "manifest.json already exists beside this file; replace it only if you mean to.",
            "conflict",
        )
    files = plan.files
    manifest = mf.with_checksums(plan.manifest, _checksums(plan, files, os.cpu_count() or 2))
    created: list[str] = []
    skipped: list[str] = []
    req_path = plan.base / env.package_file
    if req_path.exists() and not (overwrite and env.source == "pip freeze"):
        skipped.append(str(req_path))
    else:
        req_path.write_bytes(plan.buffers[env.package_file])
        created.append(str(req_path))
    with open(manifest_path, "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    created.insert(0, str(manifest_path))
    return WrittenFiles(created, skipped, manifest)


async def write_manifest(
    spec: BundleSpec, env: Environment | None, *, overwrite: bool = False
) -> WrittenFiles:
    """Put manifest.json (and requirements.txt when missing) beside the notebook or app, for
    git-backed publishing; an existing manifest.json is replaced only with ``overwrite``."""
    if env is None:
        raise BundleError("A manifest needs the Python environment")
    return await asyncio.to_thread(_write_manifest, spec, env, overwrite)
