"""Shared state of one running emulator: settings, on-disk layout, services."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from aiohttp import web

from .faults import Faults
from .store import Store

if TYPE_CHECKING:
    from .apps import AppManager
    from .jobs import JobBook
    from .tasks import TaskManager


@dataclass
class Settings:
    data_dir: Path
    version: str = "2025.09.0"
    build_venvs: bool = False  # True: one virtualenv per requirements set, as Connect does
    python: str = ""  # interpreter for notebooks and apps; "" means the emulator's own
    app_start_timeout: float = 90.0
    # No login page here: by default anyone may view content. False: Connect's access rules.
    open_content: bool = True


@dataclass
class Layout:
    """Where files live under --data."""

    root: Path

    @property
    def db(self) -> Path:
        return self.root / "connect.db"

    @property
    def admin_key_file(self) -> Path:
        return self.root / "admin-key"

    @property
    def uploads(self) -> Path:
        return self.root / "uploads"

    @property
    def venvs(self) -> Path:
        return self.root / "venvs"

    def archive(self, bundle_id: int) -> Path:
        return self.root / "bundles" / f"{bundle_id}.tar.gz"

    def bundle_dir(self, guid: str, bundle_id: int) -> Path:
        return self.root / "content" / guid / str(bundle_id)

    def source(self, guid: str, bundle_id: int) -> Path:
        return self.bundle_dir(guid, bundle_id) / "src"

    def output(self, guid: str, bundle_id: int) -> Path:
        return self.bundle_dir(guid, bundle_id) / "out"

    def app_log(self, guid: str, bundle_id: int) -> Path:
        return self.bundle_dir(guid, bundle_id) / "app.log"

    def thumbnail(self, guid: str) -> Path:
        return self.root / "thumbnails" / guid

    def make_dirs(self) -> None:
        for d in (self.root, self.uploads, self.root / "bundles", self.root / "thumbnails"):
            d.mkdir(parents=True, exist_ok=True)


class Locks:
    """Named asyncio locks of one emulator (an asyncio lock belongs to one event loop)."""

    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}

    def __call__(self, name: str) -> asyncio.Lock:
        return self._locks.setdefault(name, asyncio.Lock())


@dataclass
class State:
    settings: Settings
    store: Store
    faults: Faults
    layout: Layout
    tasks: TaskManager
    apps: AppManager
    jobs: JobBook
    locks: Locks = field(default_factory=Locks)
    # Probing interpreters takes seconds; start() does not wait for it.
    pythons: asyncio.Future[list[dict[str, str]]] | None = None


STATE = web.AppKey("state", State)


def get_state(request: web.Request) -> State:
    return request.app[STATE]
