"""Bundles: streamed upload to disk (never held in memory), list, get, download, delete; deploy."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import shutil
import tarfile
import uuid
import zlib
from pathlib import Path
from typing import IO, Any

from aiohttp import BodyPartReader, web
from aiohttp.http_exceptions import HttpProcessingError

from . import deploy
from .access import content_for, root_url
from .auth import now
from .errors import ApiError, read_object
from .state import State
from .store import Row
from .tasks import Task

routes = web.RouteTableDef()

FLUSH_AT = 1 << 20  # write to disk in ~1 MiB pieces, off the event loop


class _Sink:
    """Writes to a file and hashes, in a worker thread."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.file: IO[bytes] = path.open("wb")
        self.md5 = hashlib.md5(usedforsecurity=False)
        self.sha1 = hashlib.sha1(usedforsecurity=False)
        self.size = 0

    def write(self, data: bytes) -> None:
        self.file.write(data)
        self.md5.update(data)
        self.sha1.update(data)
        self.size += len(data)


async def _stream_to(sink: _Sink, chunks: Any) -> None:
    buf = bytearray()
    async for chunk in chunks:
        buf += chunk
        if len(buf) >= FLUSH_AT:
            data = bytes(buf)
            buf.clear()
            await asyncio.to_thread(sink.write, data)
    if buf:
        await asyncio.to_thread(sink.write, bytes(buf))


async def _part_chunks(part: BodyPartReader) -> Any:
    while chunk := await part.read_chunk(FLUSH_AT):
        yield chunk


SOURCE_FIELDS = ("source", "source_repo", "source_branch", "source_commit")


def _source_metadata(text: str) -> dict[str, Any]:
    """The multipart `metadata` part: where the bundle came from (git); code 121 if malformed."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ApiError(121, "The bundle metadata is not valid JSON.") from exc
    if not isinstance(data, dict):
        raise ApiError(121, "The bundle metadata must be a JSON object.")
    return {k: data[k] for k in SOURCE_FIELDS if isinstance(data.get(k), str)}


def read_manifest(path: Path) -> dict[str, Any]:
    """The bundle's manifest.json; code 135 when not a tar.gz, 38 when the manifest is bad."""
    try:
        with tarfile.open(path, "r:gz") as tar:
            for member in tar:  # rsconnect-python writes the manifest first, so this is quick
                if member.name.lstrip("./") == "manifest.json" and member.isfile():
                    fh = tar.extractfile(member)
                    if fh is None:
                        break
                    try:
                        manifest = json.loads(fh.read())
                    except ValueError as exc:
                        raise ApiError(38, "manifest.json is not valid JSON.") from exc
                    meta = manifest.get("metadata") if isinstance(manifest, dict) else None
                    if not isinstance(meta, dict) or not isinstance(meta.get("appmode"), str):
                        raise ApiError(38, "manifest.json has no metadata.appmode.")
                    return dict(manifest)
    except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
        raise ApiError(135, f"Unable to extract the bundle: {exc}") from exc
    raise ApiError(38, "The bundle has no manifest.json.")


def bundle_json(b: Row, active_id: int | None) -> dict[str, Any]:
    return {
        "id": str(b["id"]),
        "content_guid": b["content_guid"],
        "created_time": b["created_time"],
        "cluster_name": None,
        "image_name": None,
        "r_version": None,
        "py_version": b["py_version"],
        "quarto_version": None,
        "active": b["id"] == active_id,
        "size": b["size"],
        "metadata": {
            **dict.fromkeys(SOURCE_FIELDS),
            **json.loads(b["source"] or "{}"),
            "archive_md5": b["md5"],
            "archive_sha1": b["sha1"],
        },
    }


@routes.post("/__api__/v1/content/{guid}/bundles")
async def upload_bundle(request: web.Request) -> web.Response:
    state, _user, content = await content_for(request, edit=True)
    row = await receive_bundle(request, state, content)
    return web.json_response(bundle_json(row, content["bundle_id"]))


async def receive_bundle(request: web.Request, state: State, content: Row) -> Row:
    """Stream the request body (raw or multipart) to disk, check it, record the bundle."""
    declared = request.content_length
    if declared == 0:
        raise ApiError(125)
    multipart = request.content_type == "multipart/form-data"
    source: dict[str, Any] = {}
    tmp = state.layout.uploads / f"{uuid.uuid4().hex}.part"
    sink = await asyncio.to_thread(_Sink, tmp)
    try:
        try:
            if multipart:
                # Connect >= 2025.12: part `archive` is the tarball, `metadata` is JSON.
                reader = await request.multipart()
                async for part in reader:
                    if not isinstance(part, BodyPartReader):
                        continue
                    if part.name == "archive":
                        await _stream_to(sink, _part_chunks(part))
                    elif part.name == "metadata":
                        source = _source_metadata(await part.text())
            else:
                await _stream_to(sink, request.content.iter_any())
        except (ConnectionResetError, HttpProcessingError) as exc:
            # The body ended before its Content-Length (or broke off mid-chunk).
            raise ApiError(126) from exc
        finally:
            await asyncio.to_thread(sink.file.close)
        if sink.size == 0:
            raise ApiError(125)
        if declared is not None and not multipart and declared != sink.size:
            raise ApiError(126)
        checksum = request.headers.get("X-Content-Checksum")
        if checksum and _md5_of(checksum) != sink.md5.digest():
            raise ApiError(104)
        manifest = await asyncio.to_thread(read_manifest, tmp)
        python = manifest.get("python") if isinstance(manifest.get("python"), dict) else {}
        bundle_id = await state.store.execute(
            "INSERT INTO bundles (content_guid, created_time, size, md5, sha1, py_version,"
            " app_mode, manifest, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            content["guid"],
            now(),
            sink.size,
            sink.md5.hexdigest(),
            sink.sha1.hexdigest(),
            (python or {}).get("version"),
            manifest["metadata"]["appmode"],
            json.dumps(manifest),
            json.dumps(source),
        )
        await asyncio.to_thread(tmp.replace, state.layout.archive(bundle_id))
    finally:
        await asyncio.to_thread(tmp.unlink, True)
    row = await state.store.fetchone("SELECT * FROM bundles WHERE id = ?", bundle_id)
    assert row is not None
    return row


async def _bundle(state: State, content: Row, bundle_id: str) -> Row:
    if not bundle_id.isdigit():
        raise ApiError(3)
    row = await state.store.fetchone("SELECT * FROM bundles WHERE id = ?", int(bundle_id))
    if row is None:
        raise ApiError(4)
    if row["content_guid"] != content["guid"]:
        raise ApiError(82)
    return row


@routes.get("/__api__/v1/content/{guid}/bundles")
async def list_bundles(request: web.Request) -> web.Response:
    state, _user, content = await content_for(request, edit=False)
    rows = await state.store.fetchall(
        "SELECT * FROM bundles WHERE content_guid = ? ORDER BY id DESC", content["guid"]
    )
    return web.json_response([bundle_json(r, content["bundle_id"]) for r in rows])


@routes.get("/__api__/v1/content/{guid}/bundles/{bid}")
async def get_bundle(request: web.Request) -> web.Response:
    state, _user, content = await content_for(request, edit=False)
    row = await _bundle(state, content, request.match_info["bid"])
    return web.json_response(bundle_json(row, content["bundle_id"]))


@routes.get("/__api__/v1/content/{guid}/bundles/{bid}/download")
async def download_bundle(request: web.Request) -> web.FileResponse:
    state, _user, content = await content_for(request, edit=True)
    row = await _bundle(state, content, request.match_info["bid"])
    return web.FileResponse(
        state.layout.archive(row["id"]),
        headers={
            "Content-Type": "application/tar+gzip",
            "Content-Disposition": f'attachment; filename="bundle-{row["id"]}.tar.gz"',
        },
    )


@routes.delete("/__api__/v1/content/{guid}/bundles/{bid}")
async def delete_bundle(request: web.Request) -> web.Response:
    state, _user, content = await content_for(request, edit=True)
    row = await _bundle(state, content, request.match_info["bid"])
    if row["id"] == content["bundle_id"]:
        raise ApiError(75)
    await state.apps.stop_bundle(content["guid"], row["id"])
    await state.store.execute("DELETE FROM bundles WHERE id = ?", row["id"])

    def remove() -> None:
        state.layout.archive(row["id"]).unlink(missing_ok=True)
        shutil.rmtree(state.layout.bundle_dir(content["guid"], row["id"]), ignore_errors=True)

    await asyncio.to_thread(remove)
    return web.Response(status=204)


def _md5_of(checksum: str) -> bytes | None:
    """The digest an X-Content-Checksum header states; None (a mismatch) when it is not base64."""
    try:
        return base64.b64decode(checksum, validate=True)
    except ValueError:
        return None


@routes.post("/__api__/v1/content/{guid}/deploy")
@routes.post("/__api__/v1/content/{guid}/build")
async def deploy_bundle(request: web.Request) -> web.Response:
    state, user, content = await content_for(request, edit=True)
    data = await read_object(request)
    kind = "build" if request.path.endswith("/build") else "deploy"
    if "activate" in data and not deploy.supports_drafts(state.settings.version):
        # Servers before drafts rejected the field they did not know (contract §3.7).
        raise ApiError(121, "The request body has an unknown field: activate.")
    activate = data.get("activate", kind == "deploy")
    if not isinstance(activate, bool):
        raise ApiError(25, "activate must be a boolean.")
    task = await start_deploy(request, state, user, content, data.get("bundle_id"), activate, kind)
    return web.json_response({"task_id": task.id}, status=202)


async def start_deploy(
    request: web.Request,
    state: State,
    user: Row,
    content: Row,
    bundle_id: Any,
    activate: bool,
    kind: str,
) -> Task:
    """Checks shared by v1 and legacy deploys (28, 3, 4, 82, 48), then the task."""
    if bundle_id is None:
        row = await state.store.fetchone(
            "SELECT * FROM bundles WHERE content_guid = ? ORDER BY id DESC LIMIT 1",
            content["guid"],
        )
        if row is None:
            raise ApiError(28)
    else:
        row = await _bundle(state, content, str(bundle_id))
    if content["bundle_id"] is not None and content["app_mode"] not in ("unknown", row["app_mode"]):
        raise ApiError(48)
    return await deploy.start(
        state, content, row, activate, user, kind, request.path, root_url(request)
    )
