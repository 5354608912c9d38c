"""The embedded emulator of the demo and the UI tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tornado.httpclient import AsyncHTTPClient
from traitlets.config import Config


@pytest.fixture(params=[True, False], ids=["listed", "unlisted"])
def jp_server_config(tmp_path: Path, request: pytest.FixtureRequest) -> Config:
    return Config(
        {
            "ServerApp": {"jpserver_extensions": {"rsconnect_lab": True}},
            "RSConnectLab": {
                "data_dir": str(tmp_path / "data"),
                "embedded_emulator": True,
                "register_embedded_emulator": request.param,
            },
        }
    )


async def test_embedded_emulator(api: Any, jp_server_config: Config, tmp_path: Path) -> None:
    key = (tmp_path / "data" / "emulator" / "admin-key").read_text().strip()
    status, body = await api("GET", "servers")
    assert status == 200
    if jp_server_config.RSConnectLab.register_embedded_emulator:
        (local,) = body["servers"]
        assert (local["name"], local["source"], local["read_only"]) == ("local", "embedded", True)
        assert (local["username"], local["user_role"]) == ("admin", "administrator")
        assert key not in json.dumps(body)
        settings = await AsyncHTTPClient().fetch(local["url"] + "/__api__/server_settings")
        assert json.loads(settings.body)["version"]
    else:
        assert body["servers"] == []  # a first run: the person adds a server
