"""`Emulator`: the whole server on its own event loop in a background thread."""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import logging
import os
import socket
import ssl
import tempfile
import threading
from pathlib import Path

from aiohttp import web

from . import deploy
from .app import make_app
from .apps import AppManager
from .auth import add_key_sync, create_user_sync, new_key
from .environments import find_pythons
from .faults import Fault, Faults
from .jobs import JobBook
from .modes import APP_MODES
from .state import Layout, Settings, State
from .store import Store
from .tasks import TaskManager

log = logging.getLogger(__name__)


class Emulator:
    """A Connect-compatible server. `start()` blocks until it listens; `stop()` ends it."""

    def __init__(
        self,
        data_dir: str | Path | None = None,
        api_key: str | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        version: str = "2025.09.0",
        certfile: str | Path | None = None,
        keyfile: str | Path | None = None,
        *,
        build_venvs: bool = False,
        python: str | None = None,
        faults: list[Fault] | None = None,
        open_content: bool = True,
    ) -> None:
        root = Path(data_dir) if data_dir else Path(tempfile.mkdtemp(prefix="connect-emulator-"))
        self.layout = Layout(root)
        self.layout.make_dirs()
        self.settings = Settings(
            data_dir=root,
            version=version,
            build_venvs=build_venvs,
            python=python or "",
            open_content=open_content,
        )
        self.host, self.port = host, port
        self.certfile, self.keyfile = certfile, keyfile
        self.faults = Faults()
        for fault in faults or []:
            self.faults.add(fault)
        self._store: Store | None = None
        self.api_key = self._ensure_admin(api_key)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._state: State | None = None

    # -- setup that works without a running server --

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = Store(self.layout.db)
        return self._store

    def _ensure_admin(self, key: str | None) -> str:
        """The admin account; its key survives restarts in `admin-key` (mode 0600)."""
        rows = self.store.fetchall_sync(
            "SELECT guid FROM users WHERE user_role = 'administrator' ORDER BY created_time LIMIT 1"
        )
        saved_file = self.layout.admin_key_file
        saved = saved_file.read_text().strip() if saved_file.is_file() else None
        if not rows:
            _, key = create_user_sync(self.store, "admin", "administrator", key)
        elif key:
            add_key_sync(self.store, rows[0]["guid"], key)
        elif saved:
            key = saved
        else:
            key = new_key()
            add_key_sync(self.store, rows[0]["guid"], key)
        fd = os.open(saved_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(key)
        return key

    def add_user(self, name: str, role: str = "publisher") -> tuple[str, str]:
        """Create a user with an API key; returns (user_guid, api_key)."""
        return create_user_sync(self.store, name, role)

    def set_fault(
        self,
        route: str,
        status: int | None = None,
        delay: float = 0.0,
        drop: bool = False,
        fail_task: bool = False,
        count: int | None = None,
        truncate: bool = False,
    ) -> None:
        self.faults.add(
            Fault(route, status, delay, drop, truncate=truncate, fail_task=fail_task, count=count)
        )

    def clear_faults(self) -> None:
        self.faults.clear()

    @property
    def scheme(self) -> str:
        return "https" if self.certfile else "http"

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.host}:{self.port}"

    # -- lifecycle --

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("the emulator is already running")
        ready = threading.Event()
        failure: list[BaseException] = []
        loop = asyncio.new_event_loop()

        def run() -> None:
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self._startup())
            except BaseException as exc:
                failure.append(exc)
                ready.set()
                return
            ready.set()
            loop.run_forever()

        self._loop = loop
        self._thread = threading.Thread(target=run, name="connect-emulator", daemon=True)
        self._thread.start()
        ready.wait()
        if failure:
            self._thread.join()
            self._thread = None
            loop.close()
            raise failure[0]

    async def _startup(self) -> None:
        ssl_ctx = None
        if self.certfile:
            ssl_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            ssl_ctx.load_cert_chain(str(self.certfile), str(self.keyfile) if self.keyfile else None)
        state = State(
            settings=self.settings,
            store=self.store,
            faults=self.faults,
            layout=self.layout,
            tasks=TaskManager(self.store),
            apps=AppManager(self.settings.app_start_timeout),
            jobs=JobBook(self.store),
        )
        self._state = state
        await state.tasks.recover()
        state.pythons = asyncio.ensure_future(find_pythons(self.settings.python or None))
        runner = web.AppRunner(
            make_app(state), handle_signals=False, access_log=None, shutdown_timeout=2.0
        )
        await runner.setup()
        sock = socket.create_server((self.host, self.port), reuse_port=False)
        site = web.SockSite(runner, sock, ssl_context=ssl_ctx)
        await site.start()
        self.port = sock.getsockname()[1]
        self._runner = runner
        atexit.register(state.apps.kill_all_sync)
        # Apps come back after a restart without waiting for a first visitor.
        asyncio.get_running_loop().create_task(self._restart_apps(state))

    async def _restart_apps(self, state: State) -> None:
        rows = await state.store.fetchall(
            "SELECT c.guid, b.* FROM content c JOIN bundles b ON b.id = c.bundle_id"
        )
        for row in rows:
            if row["app_mode"] in APP_MODES:
                guid = row["content_guid"]
                try:
                    await deploy.ensure_app(state, guid, row, f"/content/{guid}/", self.url)
                except Exception as exc:
                    log.warning("could not restart %s: %s", guid, exc)

    async def _shutdown(self) -> None:
        if self._state is not None:
            atexit.unregister(self._state.apps.kill_all_sync)
            await self._state.tasks.shutdown()
            await self._state.apps.stop_all()
        if self._runner is not None:
            await self._runner.cleanup()
        current = asyncio.current_task()
        others = [t for t in asyncio.all_tasks() if t is not current]
        for t in others:
            t.cancel()
        await asyncio.gather(*others, return_exceptions=True)

    def stop(self) -> None:
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(self._shutdown(), loop).result(30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(30)
        loop.close()
        self._loop = self._thread = self._runner = self._state = None
        if self._store is not None:
            self._store.close()
            self._store = None

    def __enter__(self) -> Emulator:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
