"""The command line, restarts on the same data, TLS, faults."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import requests
import trustme

from rsconnect_lab.emulator import Emulator
from rsconnect_lab.emulator.faults import Fault, parse_fault
from tests.emulator.helpers import (
    PNG,
    Api,
    assert_error,
    make_bundle,
    notebook,
    rsconnect_env,
    unique,
)

STATIC = {"version": 1, "metadata": {"appmode": "static", "primary_html": "index.html"}}
Fresh = Callable[..., Emulator]


def read_line(proc: subprocess.Popen[str], timeout: float = 60) -> str:
    assert proc.stdout is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if line:
            return line.rstrip("\n")
        if proc.poll() is not None:
            break
    raise AssertionError("no output from the emulator")


def run_cli(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "rsconnect_lab.emulator", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )


def stop_cli(proc: subprocess.Popen[str]) -> None:
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(30) == 0


def test_cli_prints_url_and_generated_key(tmp_path: Path) -> None:
    proc = run_cli("--data", str(tmp_path / "d"), "--version", "2024.01.0")
    try:
        first = read_line(proc)
        m = re.fullmatch(r"Connect emulator on (http://127\.0\.0\.1:\d+)", first)
        assert m, first
        key_line = read_line(proc)
        assert key_line.startswith("API key: ")
        api = Api(m.group(1), key_line.removeprefix("API key: "))
        assert api.get("v1/user").json()["user_role"] == "administrator"
        assert api.get("server_settings").json()["version"] == "2024.01.0"
    finally:
        stop_cli(proc)


def test_cli_given_key_prints_one_line_and_faults(tmp_path: Path) -> None:
    key = os.urandom(16).hex()
    proc = run_cli(
        "--data",
        str(tmp_path / "d"),
        "--api-key",
        key,
        "--fault",
        "GET /__api__/v1/user;status=502;count=1",
    )
    try:
        m = re.fullmatch(r"Connect emulator on (http://127\.0\.0\.1:\d+)", read_line(proc))
        assert m
        api = Api(m.group(1), key)
        assert_error(api.get("v1/user"), 502, 1)
        assert api.get("v1/user").status_code == 200
    finally:
        stop_cli(proc)
    assert proc.stdout is not None and proc.stdout.read() == ""  # nothing after the one line


@pytest.mark.slow
def test_restart_keeps_content_keys_and_serving(fresh: Fresh, tmp_path: Path) -> None:
    emu = fresh(data_dir=tmp_path / "keep")
    key = emu.api_key
    _, pkey = emu.add_user("keeper", role="publisher")
    api = Api(emu.url, pkey)
    site = api.create(title="Survives restarts")
    assert api.deploy(site["guid"], make_bundle(STATIC, {"index.html": "still here"}))["code"] == 0
    nb = api.create()
    manifest = {"version": 1, "metadata": {"appmode": "jupyter-static", "entrypoint": "n.ipynb"}}
    nbb = make_bundle(manifest, {"n.ipynb": notebook("print('rendered', 40 + 2)")})
    assert api.deploy(nb["guid"], nbb)["code"] == 0
    env = api("PATCH", f"v1/content/{site['guid']}/environment", json=[{"name": "K", "value": "v"}])
    assert env.json() == ["K"]
    vanity = f"/{unique('keep')}/"
    assert api("PUT", f"v1/content/{site['guid']}/vanity", json={"path": vanity}).ok
    assert api("PUT", f"v1/content/{site['guid']}/thumbnail", data=PNG).ok
    admin = Api(emu.url, key)
    group = admin.post("v1/groups", json={"name": unique("keepers")}).json()
    bundles = api.get(f"v1/content/{site['guid']}/bundles").json()
    task_id = api.post(
        f"v1/content/{site['guid']}/deploy", json={"bundle_id": bundles[0]["id"]}
    ).json()["task_id"]
    task = api.wait_task(task_id)
    archive = api.get(f"v1/content/{site['guid']}/bundles/{bundles[0]['id']}/download").content
    emu.stop()

    again = fresh(data_dir=tmp_path / "keep")
    assert again.api_key == key
    api = Api(again.url, pkey)
    listed = {c["guid"] for c in api.get("v1/content").json()}
    assert {site["guid"], nb["guid"]} <= listed
    assert api.page(f"/content/{site['guid']}/").text == "still here"
    assert "rendered 42" in api.page(f"/content/{nb['guid']}/").text
    assert api.get(f"v1/content/{site['guid']}/environment").json() == ["K"]
    assert api.get(f"v1/content/{site['guid']}").json()["title"] == "Survives restarts"
    assert api.get(f"v1/content/{site['guid']}/bundles").json() == bundles
    download = api.get(f"v1/content/{site['guid']}/bundles/{bundles[0]['id']}/download")
    assert download.content == archive
    assert api.page(vanity).text == "still here"
    assert api.get(f"v1/content/{site['guid']}/thumbnail").content == PNG
    assert Api(again.url, key).get(f"v1/groups/{group['guid']}").json()["name"] == group["name"]
    kept = api.get(f"v1/tasks/{task_id}", params={"first": 0}).json()
    assert kept["finished"] and kept["output"] == task["output"] and kept["code"] == 0


@pytest.mark.slow
def test_tls_with_self_signed_certificate(fresh: Fresh, tmp_path: Path) -> None:
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    certfile, keyfile, cafile = tmp_path / "c.pem", tmp_path / "k.pem", tmp_path / "ca.pem"
    cert.cert_chain_pems[0].write_to_path(str(certfile))
    for pem in cert.cert_chain_pems[1:]:
        pem.write_to_path(str(certfile), append=True)
    cert.private_key_pem.write_to_path(str(keyfile))
    ca.cert_pem.write_to_path(str(cafile))
    emu = fresh(certfile=certfile, keyfile=keyfile)
    assert emu.url.startswith("https://127.0.0.1:")
    api = Api(emu.url, emu.api_key, verify=str(cafile))
    assert api.get("v1/user").json()["username"] == "admin"
    c = api.create()
    assert c["content_url"].startswith("https://")
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(f"{emu.url}/__api__/server_settings", timeout=10)  # untrusted by default
    rsconnect = str(Path(sys.executable).with_name("rsconnect"))
    env = rsconnect_env(tmp_path)
    added = subprocess.run(
        [rsconnect, "add", "-s", emu.url, "-k", emu.api_key, "-n", "tls", "--cacert", str(cafile)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert added.returncode == 0, added.stdout + added.stderr


def test_faults_status_delay_drop_and_count(fresh: Fresh) -> None:
    emu = fresh()
    api = Api(emu.url, emu.api_key)
    g = api.create()["guid"]
    bundle = make_bundle(STATIC, {"index.html": "x"})
    emu.set_fault("POST /__api__/v1/content/*/bundles", status=503, count=1)
    assert_error(api.post(f"v1/content/{g}/bundles", data=bundle), 503, 1)
    assert api.post(f"v1/content/{g}/bundles", data=bundle).status_code == 200

    emu.set_fault("GET /__api__/v1/user", delay=0.6)
    start = time.monotonic()
    assert api.get("v1/user").status_code == 200
    assert time.monotonic() - start >= 0.6
    emu.clear_faults()

    emu.set_fault("/__api__/v1/content", drop=True, count=1)
    with pytest.raises(requests.exceptions.ConnectionError):
        api.get("v1/content")
    assert api.get("v1/content").status_code == 200

    assert api.deploy(g, bundle)["code"] == 0
    emu.set_fault("GET /content/*", status=502, count=1)  # content URLs too, not only the API
    assert api.page(f"/content/{g}/").status_code == 502
    assert api.page(f"/content/{g}/").text == "x"
    assert api.page("/__ping__").json() == {}

    emu.set_fault("deploy", fail_task=True)  # the next deploy task only
    failed = api.deploy(g, bundle)
    assert failed["code"] == 1 and "injected" in failed["error"]
    assert api.deploy(g, bundle)["code"] == 0

    emu.set_fault("POST /__api__/v1/content/*/build", fail_task=True, count=2)
    for _ in range(2):
        bid = api.upload(g, bundle)
        r = api.post(f"v1/content/{g}/build", json={"bundle_id": bid})
        assert api.wait_task(r.json()["task_id"])["code"] == 1
    assert api.deploy(g, bundle)["code"] == 0  # a build fault does not touch deploys


def test_fault_admin_route(fresh: Fresh) -> None:
    emu = fresh()
    admin = Api(emu.url, emu.api_key)
    _, pkey = emu.add_user("pub", role="publisher")
    pub = Api(emu.url, pkey)
    assert_error(pub.post("__emulator__/faults", json={"route": "GET /__api__/v1/user"}), 403, 22)
    r = admin.post("__emulator__/faults", json={"route": "GET /__api__/v1/user", "status": 500})
    assert r.status_code == 201
    assert admin.get("__emulator__/faults").json()[0]["status"] == 500
    assert_error(pub.get("v1/user"), 500, 1)
    assert admin("DELETE", "__emulator__/faults").status_code == 204
    assert pub.get("v1/user").status_code == 200
    assert_error(admin.post("__emulator__/faults", json={"status": 500}), 400, 25)


def test_parse_fault_forms() -> None:
    assert parse_fault("POST /__api__/v1/content/*/bundles;status=503;count=2") == Fault(
        "POST /__api__/v1/content/*/bundles", status=503, count=2
    )
    assert parse_fault("deploy;fail_task") == Fault("deploy", fail_task=True, count=1)
    assert parse_fault('{"route": "/x", "drop": true, "delay": 1.5}') == Fault(
        "/x", delay=1.5, drop=True
    )
    with pytest.raises(ValueError):
        parse_fault("/x;bogus=1")


def test_store_migrates_an_older_data_directory(tmp_path: Path) -> None:
    import sqlite3

    from rsconnect_lab.emulator.store import Store

    db = tmp_path / "connect.db"
    with sqlite3.connect(db) as conn:  # the bundles table as the first cut created it
        conn.execute(
            "CREATE TABLE bundles (id INTEGER PRIMARY KEY AUTOINCREMENT, content_guid TEXT,"
            " created_time TEXT, size INTEGER, md5 TEXT, sha1 TEXT, py_version TEXT,"
            " app_mode TEXT, manifest TEXT, built INTEGER NOT NULL DEFAULT 0)"
        )
    store = Store(db)
    try:
        cols = [r["name"] for r in store.fetchall_sync("PRAGMA table_info(bundles)")]
        assert "source" in cols
    finally:
        store.close()
