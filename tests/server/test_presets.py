"""Admin presets (c.RSConnectLab.*) as a JupyterHub admin would set them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from traitlets.config import Config

PRESET_KEY = "preset-key-that-never-leaves-the-server"


@pytest.fixture
def jp_server_config(tmp_path: Path) -> Config:
    return Config(
        {
            "ServerApp": {"jpserver_extensions": {"rsconnect_lab": True}},
            "RSConnectLab": {
                "data_dir": str(tmp_path / "data"),
                "servers": [
                    {
                        "name": "corp",
                        "url": "https://connect.corp.example/",
                        "api_key": PRESET_KEY,
                        "default": True,
                    }
                ],
                "allow_insecure": False,
                "allowed_server_urls": [
                    "https://connect.corp.example",
                    "https://staging.corp.example",
                ],
            },
        }
    )


async def test_preset_listed_read_only_without_key(api: Any) -> None:
    status, body = await api("GET", "servers")
    assert status == 200
    (corp,) = body["servers"]
    assert corp == {
        "name": "corp",
        "url": "https://connect.corp.example",
        "username": None,
        "user_role": None,
        "source": "preset",
        "default": True,
        "insecure": False,
        "has_ca_cert": False,
        "read_only": True,
        "blocked": None,
    }
    assert PRESET_KEY not in json.dumps(body)
    status, body = await api("DELETE", "servers", "corp")
    assert (status, body["reason"]) == (409, "read_only")


async def test_admin_policy_refuses_before_any_request(api: Any) -> None:
    status, body = await api(
        "POST",
        "servers",
        body={"name": "x", "url": "https://elsewhere.example", "api_key": "k" * 20},
    )
    assert (status, body["reason"]) == (403, "forbidden")
    status, body = await api(
        "POST",
        "servers",
        body={
            "name": "y",
            "url": "https://staging.corp.example",
            "api_key": "k" * 20,
            "insecure": True,
        },
    )
    assert (status, body["reason"]) == (403, "forbidden")
    assert "TLS" in body["message"]
