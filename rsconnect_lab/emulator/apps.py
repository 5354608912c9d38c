"""Python apps as child processes on free local ports, one per (content, URL prefix)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .tasks import TaskFailed

log = logging.getLogger(__name__)
RUNNER = str(Path(__file__).with_name("runner.py"))
# Modes whose servers are told their public prefix and expect it on every request path.
PREFIX_AWARE = ("python-streamlit", "python-bokeh", "python-panel", "jupyter-voila")


@dataclass
class AppProcess:
    guid: str
    bundle_id: int
    prefix: str
    mode: str
    port: int
    proc: subprocess.Popen[bytes]

    @property
    def strip_prefix(self) -> bool:
        return self.mode not in PREFIX_AWARE

    def alive(self) -> bool:
        return self.proc.poll() is None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def entry_file(src: Path, entrypoint: str) -> str:
    """`app`, `app:app` or `app.py` -> the file to hand to file-based servers."""
    module = entrypoint.partition(":")[0]
    for name in (module, f"{module}.py"):
        if (src / name).exists():
            return name
    return module


def command(
    mode: str, python: str, src: Path, manifest: dict[str, Any], port: int, prefix: str
) -> list[str]:
    meta = manifest.get("metadata") or {}
    entry = str(meta.get("entrypoint") or "app")
    p = str(port)
    if mode in ("python-dash", "python-api", "python-flask"):
        return [python, RUNNER, "wsgi", entry, p, prefix]
    if mode == "python-fastapi":
        return [python, RUNNER, "asgi", entry, p, prefix]
    if mode == "python-shiny":
        return [python, RUNNER, "shiny", entry, p, prefix]
    if mode == "python-gradio":
        return [python, RUNNER, "gradio", entry, p, prefix]
    file = entry_file(src, entry)
    if mode == "python-streamlit":
        return [
            python, RUNNER, "-m", "streamlit", "run", file, "--server.port", p,
            "--server.address", "127.0.0.1", "--server.headless", "true",
            "--server.baseUrlPath", prefix.strip("/"), "--browser.gatherUsageStats", "false",
            "--server.enableCORS", "false", "--server.enableXsrfProtection", "false",
        ]  # fmt: skip
    if mode in ("python-bokeh", "python-panel"):
        tool = "bokeh" if mode == "python-bokeh" else "panel"
        return [
            python, RUNNER, "-m", tool, "serve", file, "--port", p, "--address", "127.0.0.1",
            "--prefix", prefix.rstrip("/"), "--allow-websocket-origin", "*",
        ]  # fmt: skip
    if mode == "jupyter-voila":
        return [
            python, RUNNER, "-m", "voila", file, f"--port={p}", "--no-browser",
            "--Voila.ip=127.0.0.1", f"--Voila.base_url={prefix}",
        ]  # fmt: skip
    raise TaskFailed(f"Error code: unsupported-app-mode. No way to run {mode!r}.")


def _read_from(path: Path, offset: int) -> tuple[list[str], int]:
    """Complete lines written to path since offset, and the offset after them."""
    try:
        with path.open("rb") as fh:
            fh.seek(offset)
            data = fh.read()
    except OSError:
        return [], offset
    end = data.rfind(b"\n") + 1
    text = data[:end].decode("utf-8", "replace")
    return text.splitlines(), offset + end


def _reason(lines: list[str]) -> str:
    lines = [ln for ln in lines if ln.strip()]
    errors = [ln for ln in lines if "Error" in ln or "Exception" in ln]
    return (errors or lines or [""])[-1].strip()


async def _listening(port: int) -> bool:
    try:
        _, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        return False
    writer.close()
    with contextlib.suppress(OSError):
        await writer.wait_closed()
    return True


class AppManager:
    def __init__(self, start_timeout: float) -> None:
        self._procs: dict[tuple[str, str], AppProcess] = {}
        self._locks: dict[tuple[str, str], asyncio.Lock] = {}
        self._timeout = start_timeout

    def get(self, guid: str, prefix: str) -> AppProcess | None:
        app = self._procs.get((guid, prefix))
        return app if app is not None and app.alive() else None

    def lock(self, guid: str, prefix: str) -> asyncio.Lock:
        return self._locks.setdefault((guid, prefix), asyncio.Lock())

    async def start(
        self,
        guid: str,
        bundle_id: int,
        prefix: str,
        mode: str,
        src: Path,
        manifest: dict[str, Any],
        python: str,
        env: Mapping[str, str],
        out: Callable[[str], None],
        log_path: Path | None = None,
    ) -> AppProcess:
        """Start the app and wait until it listens; replaces any process on the same prefix."""
        port = free_port()
        args = command(mode, python, src, manifest, port, prefix)
        child_env = {
            **env,
            "DASH_REQUESTS_PATHNAME_PREFIX": prefix,
            "DASH_ROUTES_PATHNAME_PREFIX": "/",
            "PORT": str(port),
        }
        log_path = log_path or src.parent / "app.log"
        offset = log_path.stat().st_size if log_path.exists() else 0
        with log_path.open("ab") as fh:
            # Own session: stopping kills the app's whole process group, nothing else.
            # Popen only forks; the long wait for readiness below is async.
            proc = subprocess.Popen(  # noqa: ASYNC220
                args, cwd=src, env=child_env, stdout=fh, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True,
            )  # fmt: skip
        app = AppProcess(guid, bundle_id, prefix, mode, port, proc)
        deadline = time.monotonic() + self._timeout
        seen: list[str] = []
        while not await _listening(port):
            # The app's own output goes into the task, line by line, as Connect shows it.
            lines, offset = await asyncio.to_thread(_read_from, log_path, offset)
            for line in lines:
                out(line)
            seen += lines
            if proc.poll() is not None:
                lines, offset = await asyncio.to_thread(_read_from, log_path, offset)
                for line in lines:
                    out(line)
                reason = _reason(seen + lines)
                raise TaskFailed(
                    f"Error code: application-failed-to-start. The {mode} application exited"
                    f" with status {proc.returncode}: {reason}"
                )
            if time.monotonic() > deadline:
                await asyncio.to_thread(kill_process, proc)
                raise TaskFailed(
                    f"Error code: application-start-timeout. The {mode} application did not"
                    f" listen within {self._timeout:.0f} s."
                )
            await asyncio.sleep(0.1)
        out(f"Application started (pid {proc.pid}, port {port}).")
        old = self._procs.get((guid, prefix))
        self._procs[(guid, prefix)] = app
        if old is not None:
            await asyncio.to_thread(kill_process, old.proc)
        return app

    async def _stop(self, keys: list[tuple[str, str]]) -> None:
        procs = [self._procs.pop(k).proc for k in keys if k in self._procs]
        await asyncio.gather(*(asyncio.to_thread(kill_process, p) for p in procs))

    async def stop_content(self, guid: str) -> None:
        await self._stop([k for k in self._procs if k[0] == guid])

    async def stop_bundle(self, guid: str, bundle_id: int) -> None:
        await self._stop(
            [k for k, a in self._procs.items() if k[0] == guid and a.bundle_id == bundle_id]
        )

    async def stop_others(self, guid: str, keep: tuple[int, str]) -> None:
        await self._stop(
            [k for k, a in self._procs.items() if k[0] == guid and (a.bundle_id, a.prefix) != keep]
        )

    async def stop_all(self) -> None:
        await self._stop(list(self._procs))

    def kill_all_sync(self) -> None:
        """Last resort at interpreter exit when stop() was never called."""
        for app in list(self._procs.values()):
            kill_process(app.proc)
        self._procs.clear()


def kill_process(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(5)
