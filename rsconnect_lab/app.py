"""The jupyter_server extension: configuration traits, services, routes, shutdown."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from jupyter_core.paths import jupyter_data_dir
from jupyter_server.extension.application import ExtensionApp
from traitlets import Bool, Dict, Integer, List, Unicode, default

from . import __version__
from .clients import ClientPool
from .handlers import route_table
from .publish import JobManager
from .records import RecordStore
from .servers import Server, ServerStore

EMBEDDED_SERVER_NAME = "local"


class RSConnectLab(ExtensionApp):
    """Publish notebooks and Python apps to Posit Connect."""

    name = "rsconnect_lab"
    load_other_extensions = True

    data_dir = Unicode(
        help="Where saved servers and deployment records are kept (default: <jupyter data dir>/rsconnect_lab)."
    ).tag(config=True)

    servers = List(
        Dict(),
        help=(
            "Servers every user gets, read-only in the interface: "
            "[{'name': 'prod', 'url': 'https://connect.example.com', 'api_key': '...', 'default': True}]."
        ),
    ).tag(config=True)

    allowed_server_urls = List(
        Unicode(), help="When not empty, users may add only these Connect server URLs."
    ).tag(config=True)

    allow_insecure = Bool(
        True, help="Whether users may turn off TLS verification for a server."
    ).tag(config=True)

    ca_cert = Unicode(
        "", help="PEM text or path of a CA bundle used for every server that has none of its own."
    ).tag(config=True)

    save_to_rsconnect_python = Bool(
        True, help="Also save servers added here to rsconnect-python's servers.json for the CLI."
    ).tag(config=True)

    embedded_emulator = Bool(
        False,
        help="Start the project's Connect emulator inside this server and register it as 'local' (demo, tests).",
    ).tag(config=True)

    embedded_emulator_data = Unicode(help="Data directory of the embedded emulator.").tag(
        config=True
    )

    embedded_emulator_port = Integer(
        0, help="Port of the embedded emulator (0: any free port)."
    ).tag(config=True)

    register_embedded_emulator = Bool(
        True,
        help="List the embedded emulator as the server 'local'; off, it runs unlisted (first-run tests).",
    ).tag(config=True)

    @default("data_dir")
    def _default_data_dir(self) -> str:
        return os.path.join(jupyter_data_dir(), "rsconnect_lab")

    @default("embedded_emulator_data")
    def _default_emulator_data(self) -> str:
        return os.path.join(self.data_dir, "emulator")

    def initialize_settings(self) -> None:
        data_dir = Path(self.data_dir)
        ca_cert = _read_pem(self.ca_cert)
        self.server_store = ServerStore(
            data_dir,
            presets=self.servers,
            allowed_urls=self.allowed_server_urls,
            allow_insecure=self.allow_insecure,
            ca_cert=ca_cert,
        )
        self._emulator: Any = None
        if self.embedded_emulator:
            self._start_embedded_emulator()
        self.client_pool = ClientPool()
        self.record_store = RecordStore(data_dir)
        root_dir = Path(self.serverapp.root_dir if self.serverapp else os.getcwd())
        self.job_manager = JobManager(
            root_dir=root_dir,
            clients=self.client_pool,
            records=self.record_store,
            serverapp=self.serverapp,
            log=self.log,
        )
        self.settings.update(
            {
                "rsconnect_lab": {
                    "version": __version__,
                    "root_dir": root_dir,
                    "serverapp": self.serverapp,
                    "servers": self.server_store,
                    "clients": self.client_pool,
                    "records": self.record_store,
                    "jobs": self.job_manager,
                    "save_to_rsconnect_python": self.save_to_rsconnect_python,
                }
            }
        )

    def _start_embedded_emulator(self) -> None:
        from .emulator import Emulator

        emu = Emulator(data_dir=Path(self.embedded_emulator_data), port=self.embedded_emulator_port)
        emu.start()
        self._emulator = emu
        self.log.info("rsconnect_lab: embedded Connect emulator on %s", emu.url)
        if not self.register_embedded_emulator:
            return
        self.server_store.add_runtime(
            Server(
                name=EMBEDDED_SERVER_NAME,
                url=emu.url,
                api_key=emu.api_key,
                source="embedded",
                username="admin",
                user_role="administrator",  # the emulator's own administrator key
            )
        )

    def initialize_handlers(self) -> None:
        self.handlers.extend(route_table())

    async def stop_extension(self) -> None:
        await self.job_manager.shutdown()
        await self.client_pool.close()
        if self._emulator is not None:
            self._emulator.stop()


def _read_pem(value: str) -> str | None:
    if not value:
        return None
    if "-----BEGIN" in value:
        return value
    return Path(value).read_text(encoding="utf-8")
