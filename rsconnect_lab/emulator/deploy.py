"""The deploy/build task: unpack, check the manifest, render or start, make live."""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import shutil
import tarfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from . import environments, jobs, render
from .apps import AppProcess
from .auth import now
from .modes import APP_MODES, RENDERED_MODES, SERVED_MODES, STATIC_MODES
from .state import State
from .store import Row
from .tasks import Task, TaskFailed

log = logging.getLogger(__name__)


def unpack(archive: Path, dest: Path) -> int:
    """Extract safely (no absolute paths, links or `..` escaping dest); returns file count."""
    fresh = dest.with_name(dest.name + ".new")
    shutil.rmtree(fresh, ignore_errors=True)
    fresh.mkdir(parents=True)
    with tarfile.open(archive, "r:gz") as tar:
        members = tar.getmembers()
        tar.extractall(fresh, filter="data")
    swap_in(fresh, dest)
    return sum(1 for m in members if m.isfile())


def swap_in(fresh: Path, dest: Path) -> None:
    """Replace dest by fresh with two renames, so a rebuild never serves a half-written tree."""
    old = dest.with_name(dest.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if dest.exists():
        dest.rename(old)
    fresh.rename(dest)
    shutil.rmtree(old, ignore_errors=True)


def in_bundle(src: Path, name: object) -> bool:
    """`name` is a file of the unpacked bundle: a manifest's `../../admin-key` or an absolute
    path must not let content serve (or execute) files from outside it."""
    if not isinstance(name, str) or not name:
        return False
    try:
        target = (src / name).resolve()
        target.relative_to(src.resolve())
    except (ValueError, OSError):
        return False
    return target.is_file()


def primary_document(src: Path, manifest: dict[str, Any]) -> str | None:
    meta = manifest.get("metadata") or {}
    for name in (meta.get("primary_html"), meta.get("entrypoint"), "index.html"):
        if in_bundle(src, name):
            return str(name)
    return None


async def content_python(
    state: State, src: Path, manifest: dict[str, Any], out: Callable[[str], None]
) -> str:
    """The interpreter for a bundle, matched as Connect does; with --build-venvs, a venv of it."""
    assert state.pythons is not None
    installations = await asyncio.shield(state.pythons)
    python = manifest.get("python") or {}
    requested = python.get("version") if isinstance(python.get("version"), str) else None
    requires = ((manifest.get("environment") or {}).get("python") or {}).get("requires")
    if not isinstance(requires, str) or not honours_requires(state.settings.version):
        requires = None
    chosen = environments.choose_python(installations, requested, requires)
    asked = f"requirement {requires}" if requires else f"version {requested}"
    if requested or requires:
        out(f"Bundle requested Python {asked}; using Python {chosen['version']}.")
    return await environments.python_for(
        chosen["path"],
        state.settings.build_venvs,
        state.layout.venvs,
        src,
        manifest,
        out,
        state.locks,
    )


def supports_drafts(server_version: str) -> bool:
    """Deploys with `activate: false` (drafts) exist from Connect 2025.06.0."""
    return environments.version_key(server_version)[:3] >= (2025, 6, 0)


def honours_requires(server_version: str) -> bool:
    """`environment.python.requires` is honoured from Connect 2025.03.0."""
    return environments.version_key(server_version)[:3] >= (2025, 3, 0)


async def env_values(state: State, guid: str) -> dict[str, str]:
    rows = await state.store.fetchall(
        "SELECT name, value FROM env_vars WHERE content_guid = ?", guid
    )
    return {r["name"]: r["value"] for r in rows}


async def start(
    state: State,
    content: Row,
    bundle: Row,
    activate: bool,
    user: Row,
    kind: str,
    request_path: str,
    root: str,
) -> Task:
    async def body(task: Task) -> dict[str, Any] | None:
        lock = state.locks(f"deploy:{content['guid']}")
        async with lock:  # one deploy per content at a time, as Connect serializes them
            return await _run(
                state, task, content["guid"], bundle, activate, kind, request_path, root
            )

    return await state.tasks.start(kind, content["guid"], user["guid"], body)


async def _run(
    state: State,
    task: Task,
    guid: str,
    bundle: Row,
    activate: bool,
    kind: str,
    request_path: str,
    root: str,
) -> dict[str, Any] | None:
    bid: int = bundle["id"]
    layout = state.layout
    src = layout.source(guid, bid)
    manifest: dict[str, Any] = json.loads(bundle["manifest"])
    mode: str = manifest["metadata"]["appmode"]
    task.log(f"Building {mode} content from bundle {bid}...")
    if state.faults.task_should_fail(kind, request_path):
        raise TaskFailed("Error code: injected-fault. The emulator was told to fail this task.")
    if mode not in SERVED_MODES:
        raise TaskFailed(
            f"Error code: unsupported-app-mode. The emulator cannot run app mode {mode!r}."
        )
    env = environments.content_env(root, guid, await env_values(state, guid))
    if not bundle["built"] or kind == "build":  # `build` always builds again, as Connect does
        if bundle["built"]:
            await state.apps.stop_bundle(guid, bid)  # its files are replaced; it restarts on use
        count = await asyncio.to_thread(unpack, layout.archive(bid), src)
        task.log(f"Bundle {bid} unpacked: {count} files.")
        python = await content_python(state, src, manifest, task.log)
        if mode in STATIC_MODES:
            doc = primary_document(src, manifest)
            if doc is None:
                raise TaskFailed(
                    "Error code: static-primary-document-missing. The bundle has no primary HTML"
                    " document (metadata.primary_html)."
                )
            task.log(f"Primary document: {doc}")
        elif mode in RENDERED_MODES:
            notebook = (manifest.get("metadata") or {}).get("entrypoint")
            if not isinstance(notebook, str) or not in_bundle(src, notebook):
                raise TaskFailed(
                    f"Error code: notebook-missing. The bundle has no notebook {notebook!r}."
                )
            task.log(f"Executing {notebook} with nbconvert...")
            out = layout.output(guid, bid)
            fresh = out.with_name(out.name + ".new")
            run = functools.partial(
                render.render_notebook, python, src, notebook, fresh, manifest, env, task.log
            )
            await _render_as_job(state, guid, bid, mode, run)
            await asyncio.to_thread(swap_in, fresh, out)
            task.log(f"Rendered {notebook} to HTML.")
        await state.store.execute("UPDATE bundles SET built = 1 WHERE id = ?", bid)
    else:
        python = await content_python(state, src, manifest, task.log)
        task.log(f"Bundle {bid} was already built.")
    if mode in APP_MODES:
        prefix = f"/content/{guid}/" if activate else f"/content/{guid}/_bundle{bid}/"
        task.log(f"Launching {mode} application...")
        async with state.apps.lock(guid, prefix):  # not raced by an on-demand start
            app = await state.apps.start(
                guid,
                bid,
                prefix,
                mode,
                src,
                manifest,
                python,
                env,
                task.log,
                layout.app_log(guid, bid),
            )
            await _app_job(state, guid, app)
    if activate:
        t = now()
        await state.store.execute(
            "UPDATE content SET bundle_id = ?, app_mode = ?, py_version = ?,"
            " last_deployed_time = ? WHERE guid = ?",
            bid,
            mode,
            bundle["py_version"],
            t,
            guid,
        )
        if mode in APP_MODES:
            await state.apps.stop_others(guid, keep=(bid, f"/content/{guid}/"))
        else:
            await state.apps.stop_content(guid)
        task.log(f"Bundle {bid} is now live at {root}/content/{guid}/")
    else:
        task.log(f"Bundle {bid} built; preview at {root}/content/{guid}/_bundle{bid}/")
    return None


async def ensure_app(state: State, guid: str, bundle: Row, prefix: str, root: str) -> AppProcess:
    """The running process for this prefix, started on demand (after a restart or a crash)."""
    running = state.apps.get(guid, prefix)
    if running is not None:
        return running
    async with state.apps.lock(guid, prefix):
        running = state.apps.get(guid, prefix)
        if running is not None:
            return running
        bid: int = bundle["id"]
        src = state.layout.source(guid, bid)
        manifest: dict[str, Any] = json.loads(bundle["manifest"])
        python = await content_python(state, src, manifest, log.info)
        env = environments.content_env(root, guid, await env_values(state, guid))
        app = await state.apps.start(
            guid,
            bid,
            prefix,
            manifest["metadata"]["appmode"],
            src,
            manifest,
            python,
            env,
            log.info,
            state.layout.app_log(guid, bid),
        )
        await _app_job(state, guid, app)
        return app


async def _app_job(state: State, guid: str, app: AppProcess) -> None:
    content = await state.store.fetchone("SELECT id, guid FROM content WHERE guid = ?", guid)
    if content is not None:
        await state.jobs.started(
            content, app.bundle_id, app.mode, app.proc.pid, jobs.app_handle(app.proc)
        )


async def _render_as_job(
    state: State, guid: str, bid: int, mode: str, run: Callable[..., Awaitable[None]]
) -> None:
    """Run a render (`run(on_start=…)`) as a job of the content, visible and stoppable."""
    content = await state.store.fetchone("SELECT id, guid FROM content WHERE guid = ?", guid)
    started: list[tuple[str, jobs.Handle]] = []

    async def record(proc: asyncio.subprocess.Process) -> None:
        if content is not None:
            handle = jobs.render_handle(proc)
            started.append((await state.jobs.started(content, bid, mode, proc.pid, handle), handle))

    try:
        await run(on_start=record)
    finally:
        for key, handle in started:
            await state.jobs.finished(key, handle.exit_code())
