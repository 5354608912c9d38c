from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from rsconnect_lab.servers import Server, ServerStore, ServerStoreError, normalize_url


@pytest.fixture
def store(tmp_path: Path) -> ServerStore:
    return ServerStore(tmp_path / "data", env={"HOME": str(tmp_path / "home")})


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("https://connect.example.com/", "https://connect.example.com"),
        ("https://connect.example.com/__api__", "https://connect.example.com"),
        ("https://connect.example.com/__api__/", "https://connect.example.com"),
        ("  https://host/rsc/ ", "https://host/rsc"),
        ("connect.example.com", "https://connect.example.com"),
        ("//connect.example.com", "https://connect.example.com"),
        ("http://127.0.0.1:3939", "http://127.0.0.1:3939"),
        ("http://127.0.0.1:39555/connect/#/content", "http://127.0.0.1:39555"),
        ("https://host/rsc/connect/#/apps/abc/access", "https://host/rsc"),
        ("HTTPS://connect.example.com/?x=1", "https://connect.example.com"),
    ],
)
def test_normalize_url(given: str, expected: str) -> None:
    assert normalize_url(given) == expected


def test_normalize_url_refuses_credentials_without_repeating_them() -> None:
    with pytest.raises(ServerStoreError) as info:
        normalize_url("https://user:s3cret@host")
    assert "s3cret" not in info.value.message


@pytest.mark.parametrize("bad", ["", "   ", "ftp://x", "https://"])
def test_normalize_url_refuses(bad: str) -> None:
    with pytest.raises(ServerStoreError):
        normalize_url(bad)


def test_saved_file_is_private_and_key_never_public(store: ServerStore) -> None:
    store.save(Server(name="prod", url="https://c.example.com", api_key="s3cret-key-value"))
    mode = stat.S_IMODE(store.path.stat().st_mode)
    assert mode == 0o600
    listed = store.all()
    assert [s.name for s in listed] == ["prod"]
    assert "s3cret" not in json.dumps([s.public() for s in listed])
    assert "s3cret" not in repr(listed)
    assert listed[0].api_key == "s3cret-key-value"  # the server side keeps it


def test_environment_server_is_read_only_default(tmp_path: Path) -> None:
    store = ServerStore(
        tmp_path,
        env={
            "HOME": str(tmp_path),
            "CONNECT_SERVER": "https://env.example.com/",
            "CONNECT_API_KEY": "k",
        },
    )
    (server,) = store.all()
    assert server.source == "environment" and server.read_only and server.default
    assert server.url == "https://env.example.com"
    with pytest.raises(ServerStoreError) as err:
        store.remove("environment")
    assert err.value.reason == "read_only"


def test_reads_and_writes_rsconnect_python_store(tmp_path: Path) -> None:
    cfg = tmp_path / "xdg" / "rsconnect-python"
    cfg.mkdir(parents=True)
    (cfg / "servers.json").write_text(
        json.dumps(
            {
                "cli": {
                    "name": "cli",
                    "url": "https://cli.example.com/",
                    "api_key": "abc",
                    "insecure": False,
                },
                "shiny": {
                    "name": "shiny",
                    "url": "https://api.shinyapps.io",
                    "token": "t",
                    "secret": "s",
                },
            }
        )
    )
    env = {"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "xdg")}
    store = ServerStore(tmp_path / "data", env=env)
    assert [(s.name, s.source) for s in store.all()] == [("cli", "rsconnect-python")]
    store.save(
        Server(name="lab", url="https://lab.example.com", api_key="xyz"), also_rsconnect_python=True
    )
    data = json.loads((cfg / "servers.json").read_text())
    assert data["lab"] == {
        "name": "lab",
        "url": "https://lab.example.com",
        "api_key": "xyz",
        "insecure": False,
        "ca_cert": None,
    }
    assert "shiny" in data  # other entries untouched
    assert stat.S_IMODE((cfg / "servers.json").stat().st_mode) == 0o600


def test_presets_and_admin_policy(tmp_path: Path) -> None:
    store = ServerStore(
        tmp_path,
        env={"HOME": str(tmp_path)},
        presets=[
            {"name": "corp", "url": "https://corp.example.com", "api_key": "k", "default": True}
        ],
        allowed_urls=["https://corp.example.com/"],
        allow_insecure=False,
        ca_cert="-----BEGIN CERTIFICATE-----\nX\n-----END CERTIFICATE-----\n",
    )
    (corp,) = store.all()
    assert corp.source == "preset" and corp.default and corp.ca_cert
    with pytest.raises(ServerStoreError) as err:
        store.check_new("other", "https://other.example.com", "k", False)
    assert err.value.reason == "forbidden"
    with pytest.raises(ServerStoreError) as err:
        store.check_new("x", "https://corp.example.com", "k", True)
    assert err.value.reason == "forbidden"
    with pytest.raises(ServerStoreError) as err:
        store.check_new("corp", "https://corp.example.com", "k", False)
    assert err.value.reason == "conflict"


@pytest.mark.parametrize(("name", "key"), [("", "k"), ("../x", "k"), ("ok", " ")])
def test_check_new_refuses_bad_input(store: ServerStore, name: str, key: str) -> None:
    with pytest.raises(ServerStoreError):
        store.check_new(name, "https://c.example.com", key, False)


def test_remove(store: ServerStore) -> None:
    store.save(Server(name="a", url="https://a.example.com", api_key="k"))
    store.remove("a")
    assert store.all() == []
    with pytest.raises(ServerStoreError) as err:
        store.remove("a")
    assert err.value.status == 404


def test_policy_holds_for_every_source(tmp_path: Path) -> None:
    cfg = tmp_path / "xdg" / "rsconnect-python"
    cfg.mkdir(parents=True)
    (cfg / "servers.json").write_text(
        json.dumps(
            {
                "cli-insecure": {
                    "url": "https://corp.example.com/",
                    "api_key": "a",
                    "insecure": True,
                },
                "cli-outside": {"url": "https://other.example.com", "api_key": "b"},
                "cli-ok": {"url": "https://corp.example.com/", "api_key": "c"},
            }
        )
    )
    store = ServerStore(
        tmp_path / "data",
        env={
            "HOME": str(tmp_path),
            "XDG_CONFIG_HOME": str(tmp_path / "xdg"),
            "CONNECT_SERVER": "https://corp.example.com",
            "CONNECT_API_KEY": "k",
            "CONNECT_INSECURE": "true",
        },
        presets=[{"name": "preset-outside", "url": "https://else.example.com", "api_key": "p"}],
        allowed_urls=["https://corp.example.com"],
        allow_insecure=False,
    )
    blocked = {s.name: s.blocked for s in store.all()}
    assert blocked["cli-ok"] is None
    assert all(blocked[n] for n in ("cli-insecure", "cli-outside", "environment", "preset-outside"))
    assert "TLS" in (blocked["environment"] or "")
    assert store.default() == store.get("cli-ok")  # the first usable one
    with pytest.raises(ServerStoreError) as err:
        store.usable("environment")
    assert (err.value.status, err.value.reason) == (403, "forbidden")
    assert store.usable("cli-ok").name == "cli-ok"


def test_check_new_allows_an_address_one_of_whose_schemes_is_allowed(tmp_path: Path) -> None:
    store = ServerStore(
        tmp_path, env={"HOME": str(tmp_path)}, allowed_urls=["http://intranet.example"]
    )
    assert store.check_new("a", "intranet.example", "k", False) == ("a", "https://intranet.example")
    with pytest.raises(ServerStoreError):
        store.check_new("b", "https://intranet.example", "k", False)


def test_rsconnect_url_is_the_string_rsconnect_python_knows(tmp_path: Path) -> None:
    cfg = tmp_path / "xdg" / "rsconnect-python"
    cfg.mkdir(parents=True)
    (cfg / "servers.json").write_text(
        json.dumps({"cli": {"url": "https://cli.example.com/", "api_key": "a"}})
    )
    env = {
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / "xdg"),
        "CONNECT_SERVER": "https://env.example.com/",
        "CONNECT_API_KEY": "k",
    }
    store = ServerStore(tmp_path / "data", env=env)
    store.save(Server(name="twin", url="https://cli.example.com", api_key="a"))
    store.save(Server(name="mine", url="https://mine.example.com", api_key="a"))
    urls = {s.name: (s.url, s.rsconnect_url) for s in store.all()}
    assert urls == {
        "cli": ("https://cli.example.com", "https://cli.example.com/"),
        "environment": ("https://env.example.com", "https://env.example.com/"),
        "twin": ("https://cli.example.com", "https://cli.example.com/"),  # same address
        "mine": ("https://mine.example.com", "https://mine.example.com"),
    }
