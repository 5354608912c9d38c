"""The administrator's policy (allowed server URLs, no skipping TLS verification) holds for
servers from every source, not just those added from JupyterLab."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from traitlets.config import Config

from .conftest import wait_for_job

OUTSIDE_KEY = "outside-key-never-shown-5a1e"


@pytest.fixture
def jp_server_config(tmp_path: Path, emulator: Any) -> Config:
    port = urlsplit(emulator.url).port
    return Config(
        {
            "ServerApp": {"jpserver_extensions": {"rsconnect_lab": True}},
            "RSConnectLab": {
                "data_dir": str(tmp_path / "data"),
                "allow_insecure": False,
                # The emulator (http) is allowed; localhost only over https.
                "allowed_server_urls": [emulator.url, f"https://localhost:{port}"],
            },
        }
    )


def _write_rsconnect_servers(tmp_path: Path, entries: dict[str, Any]) -> None:
    cfg = tmp_path / "xdg-config" / "rsconnect-python"
    cfg.mkdir(parents=True, exist_ok=True)
    (cfg / "servers.json").write_text(json.dumps(entries))


async def test_servers_from_every_source_are_held_to_the_policy(
    api: Any, emulator: Any, notebook: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write_rsconnect_servers(
        tmp_path,
        {
            "cli-ok": {"name": "cli-ok", "url": emulator.url + "/", "api_key": emulator.api_key},
            "cli-insecure": {
                "name": "cli-insecure",
                "url": emulator.url,
                "api_key": emulator.api_key,
                "insecure": True,
            },
            "cli-outside": {
                "name": "cli-outside",
                "url": "https://elsewhere.example/",
                "api_key": OUTSIDE_KEY,
            },
        },
    )
    monkeypatch.setenv("CONNECT_SERVER", "https://env-elsewhere.example")
    monkeypatch.setenv("CONNECT_API_KEY", OUTSIDE_KEY)
    status, body = await api("GET", "servers")
    assert status == 200
    listed = {s["name"]: s for s in body["servers"]}
    assert set(listed) == {"environment", "cli-ok", "cli-insecure", "cli-outside"}
    assert listed["cli-ok"]["blocked"] is None
    assert "TLS" in listed["cli-insecure"]["blocked"]
    assert "allows only" in listed["cli-outside"]["blocked"]
    assert "allows only" in listed["environment"]["blocked"]
    # The environment pair is the default only when it may be used.
    assert [n for n, s in listed.items() if s["default"]] == ["cli-ok"]
    assert OUTSIDE_KEY not in json.dumps(body)

    path = notebook("policy/nb.ipynb", "print('policy')")
    for name in ("environment", "cli-insecure", "cli-outside"):
        for method, parts, payload in (
            ("POST", ("publish",), {"path": path, "server": name, "title": "Policy"}),
            ("POST", ("publish",), {"path": path, "server": name, "dry_run": True}),
            ("GET", ("servers", name, "content"), None),
            ("POST", ("environment",), {"path": path, "server": name}),
        ):
            status, refused = await api(method, *parts, body=payload)
            assert (status, refused["reason"]) == (403, "forbidden"), (name, parts, refused)
            assert name in refused["message"]
    _, jobs = await api("GET", "jobs")
    assert jobs["jobs"] == []

    # The allowed one works end to end.
    status, body = await api(
        "POST", "publish", body={"path": path, "server": "cli-ok", "title": "Policy ok"}
    )
    assert status == 202, body
    assert (await wait_for_job(api, body["job"]["id"]))["state"] == "succeeded"


async def test_policy_applies_to_a_changed_policy_for_saved_servers(
    api: Any, emulator: Any, tmp_path: Path
) -> None:
    """A server saved before the administrator narrowed the list is listed as blocked."""
    saved = tmp_path / "data" / "servers.json"
    saved.parent.mkdir(parents=True, exist_ok=True)
    saved.write_text(
        json.dumps({"old": {"name": "old", "url": "https://old.example", "api_key": OUTSIDE_KEY}})
    )
    _, body = await api("GET", "servers")
    (old,) = body["servers"]
    assert old["blocked"] and not old["default"]
    status, refused = await api("GET", "servers", "old", "content")
    assert (status, refused["reason"]) == (403, "forbidden")
    assert (await api("DELETE", "servers", "old"))[0] == 204  # removing it still works


async def test_an_address_without_scheme_never_falls_back_to_a_forbidden_http(
    api: Any, emulator: Any
) -> None:
    """Only https://localhost:PORT is allowed: typing localhost:PORT must not end up saving
    http://localhost:PORT because https did not answer."""
    port = urlsplit(emulator.url).port
    status, body = await api(
        "POST",
        "servers",
        body={"name": "fallback", "url": f"localhost:{port}", "api_key": emulator.api_key},
    )
    assert status != 201, body
    assert body["reason"] in ("tls", "unreachable", "forbidden"), body
    assert await api("GET", "servers") == (200, {"servers": []})
    status, body = await api(
        "POST",
        "servers",
        body={"name": "plain", "url": f"http://localhost:{port}", "api_key": emulator.api_key},
    )
    assert (status, body["reason"]) == (403, "forbidden")
    # The allowed address is saved as usual.
    status, body = await api(
        "POST",
        "servers",
        body={"name": "emu", "url": emulator.url, "api_key": emulator.api_key},
    )
    assert status == 201, body
    assert body["server"]["blocked"] is None
