"""Python apps run as child processes behind the proxy, with Connect's headers."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import psutil
import pytest

from rsconnect_lab.emulator import Emulator
from tests.emulator.helpers import Api, make_bundle, start_cli, unique

pytestmark = pytest.mark.slow
Fresh = Callable[..., Emulator]

FLASK_APP = """
import json, os
from flask import Flask, request, redirect, url_for

app = Flask(__name__)

@app.route("/")
def index():
    return "flask says hi"

@app.route("/whoami")
def whoami():
    return {
        "credentials": request.headers.get("RStudio-Connect-Credentials"),
        "guid": os.environ.get("CONNECT_CONTENT_GUID"),
        "greeting": os.environ.get("GREETING"),
        "url": url_for("whoami"),
    }

@app.route("/echo", methods=["POST"])
def echo():
    return {"size": len(request.get_data())}

@app.route("/go")
def go():
    return redirect(url_for("index"))
"""

FASTAPI_APP = """
from fastapi import FastAPI, Request, WebSocket

app = FastAPI()

@app.get("/items/{n}")
def item(n: int, request: Request):
    return {"n": n * 2, "user": request.headers.get("rstudio-connect-credentials")}

@app.websocket("/ws")
async def ws(socket: WebSocket):
    await socket.accept()
    text = await socket.receive_text()
    await socket.send_text(text.upper())
    await socket.close()
"""


def app_bundle(mode: str, files: dict[str, str], entrypoint: str = "app:app") -> bytes:
    manifest = {
        "version": 1,
        "metadata": {"appmode": mode, "entrypoint": entrypoint},
        "python": {
            "version": "3.11.7",
            "package_manager": {"name": "pip", "package_file": "requirements.txt"},
        },
    }
    return make_bundle(manifest, {"requirements.txt": "", **files})


def test_flask_app_headers_env_redirects_and_bodies(admin: Api, emu: Emulator) -> None:
    c = admin.create()
    g = c["guid"]
    admin("PATCH", f"v1/content/{g}/environment", json=[{"name": "GREETING", "value": "hej"}])
    group = admin.post("v1/groups", json={"name": unique("team")}).json()
    me = admin.get("v1/user").json()
    admin.post(f"v1/groups/{group['guid']}/members", json={"user_guid": me["guid"]})
    task = admin.deploy(g, app_bundle("python-api", {"app.py": FLASK_APP}))
    assert task["code"] == 0, task["output"]
    assert admin.page(f"/content/{g}/").text == "flask says hi"
    who = admin.page(f"/content/{g}/whoami").json()
    assert json.loads(who["credentials"]) == {"user": "admin", "groups": [group["name"]]}
    assert who["guid"] == g and who["greeting"] == "hej"
    assert who["url"] == f"/content/{g}/whoami"  # the app knows its public prefix
    anonymous = Api(emu.url, None).page(f"/content/{g}/whoami").json()
    assert anonymous["credentials"] is None
    # A visitor's own credentials header, in any case, never reaches the app.
    forged = {"rstudio-connect-credentials": json.dumps({"user": "admin", "groups": []})}
    assert (
        Api(emu.url, None).page(f"/content/{g}/whoami", headers=forged).json()["credentials"]
        is None
    )
    mine = admin.page(f"/content/{g}/whoami", headers=forged).json()
    assert json.loads(mine["credentials"]) == {"user": "admin", "groups": [group["name"]]}
    big = b"x" * (3 * 1024 * 1024)
    echoed = admin.s.post(f"{emu.url}/content/{g}/echo", data=big, timeout=60)
    assert echoed.json() == {"size": len(big)}
    moved = admin.page(f"/content/{g}/go", allow_redirects=False)
    assert moved.status_code == 302 and moved.headers["Location"].endswith(f"/content/{g}/")


def test_fastapi_app_and_websocket(admin: Api, emu: Emulator) -> None:
    pytest.importorskip("fastapi")
    pytest.importorskip("uvicorn")
    pytest.importorskip("websockets")
    import websocket  # websocket-client

    g = admin.create()["guid"]
    task = admin.deploy(g, app_bundle("python-fastapi", {"app.py": FASTAPI_APP}))
    assert task["code"] == 0, task["output"]
    body = admin.page(f"/content/{g}/items/21").json()
    assert body["n"] == 42 and json.loads(body["user"])["user"] == "admin"
    ws = websocket.create_connection(emu.url.replace("http", "ws") + f"/content/{g}/ws", timeout=30)
    try:
        ws.send("through the proxy")
        assert ws.recv() == "THROUGH THE PROXY"
    finally:
        ws.close()


def test_broken_app_fails_task_with_reason(admin: Api) -> None:
    g = admin.create()["guid"]
    broken = "raise RuntimeError('the app is broken on purpose')\n"
    task = admin.deploy(g, app_bundle("python-api", {"app.py": broken}))
    assert task["code"] != 0
    assert "the app is broken on purpose" in task["error"]
    assert any("Traceback" in line for line in task["output"])  # the app's own output
    missing = admin.deploy(g, app_bundle("python-dash", {"app.py": "x = 1\n"}, "app"))
    assert missing["code"] != 0 and "No application object" in missing["error"]


def test_app_draft_preview_then_activate(admin: Api) -> None:
    g = admin.create()["guid"]
    v1 = FLASK_APP.replace("flask says hi", "version one")
    v2 = FLASK_APP.replace("flask says hi", "version two")
    assert admin.deploy(g, app_bundle("python-api", {"app.py": v1}))["code"] == 0
    draft = admin.deploy(g, app_bundle("python-api", {"app.py": v2}), activate=False)
    assert draft["code"] == 0, draft["output"]
    assert admin.page(f"/content/{g}/").text == "version one"
    preview = admin.page(f"/content/{g}/_bundle{draft['bundle_id']}/whoami").json()
    assert preview["url"] == f"/content/{g}/_bundle{draft['bundle_id']}/whoami"
    r = admin.post(f"v1/content/{g}/deploy", json={"bundle_id": draft["bundle_id"]})
    assert admin.wait_task(r.json()["task_id"])["code"] == 0
    assert admin.page(f"/content/{g}/").text == "version two"


def test_apps_come_back_after_restart(fresh: Fresh, tmp_path: Path) -> None:
    emu = fresh(data_dir=tmp_path / "apps")
    api = Api(emu.url, emu.api_key)
    g = api.create()["guid"]
    assert api.deploy(g, app_bundle("python-api", {"app.py": FLASK_APP}))["code"] == 0
    emu.stop()
    assert not [p for p in psutil.Process().children(recursive=True) if g in _cmdline(p)]
    again = fresh(data_dir=tmp_path / "apps")
    # Started by the restart itself, before anyone visits (a visit would also start it).
    deadline = time.monotonic() + 60
    while not [p for p in psutil.Process().children(recursive=True) if g in _cmdline(p)]:
        assert time.monotonic() < deadline, "the app was not started again"
        time.sleep(0.2)
    assert Api(again.url, again.api_key).page(f"/content/{g}/").text == "flask says hi"


def test_build_venvs_option_makes_one_env_per_requirements(fresh: Fresh, tmp_path: Path) -> None:
    emu = fresh(data_dir=tmp_path / "venvs", build_venvs=True)
    api = Api(emu.url, emu.api_key)
    where = (
        FLASK_APP
        + "\n@app.route('/prefix')\ndef prefix():\n    import sys\n    return sys.prefix\n"
    )
    bundle_files = {"app.py": where, "requirements.txt": "flask\n"}
    manifest = {
        "version": 1,
        "metadata": {"appmode": "python-api", "entrypoint": "app:app"},
        "python": {"package_manager": {"name": "pip", "package_file": "requirements.txt"}},
    }
    bundle = make_bundle(manifest, bundle_files)
    g = api.create()["guid"]
    task = api.deploy(g, bundle)
    assert task["code"] == 0, task["output"]
    assert any("Building Python environment" in line for line in task["output"])
    prefix = api.page(f"/content/{g}/prefix").text
    assert prefix.startswith(str(tmp_path / "venvs" / "venvs"))
    again = api.deploy(api.create()["guid"], bundle)
    assert any("Using cached Python environment" in line for line in again["output"])


def _cmdline(process: psutil.Process) -> str:
    """A child's command line, or "" for one that has just ended.

    A deploy step's subprocess may be a zombie (or gone) for a moment before the
    emulator's event loop reaps it; it is not an app either way.
    """

    try:
        return " ".join(process.cmdline())
    except (psutil.ZombieProcess, psutil.NoSuchProcess, psutil.AccessDenied):
        return ""


def _alive(process: psutil.Process) -> bool:
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def test_apps_die_with_a_killed_emulator(tmp_path: Path) -> None:
    """No orphans: an app ends when the emulator process is killed without stopping."""
    import os
    import signal

    proc, api = start_cli(tmp_path)
    g = api.create()["guid"]
    assert api.deploy(g, app_bundle("python-api", {"app.py": FLASK_APP}))["code"] == 0
    apps = [p for p in psutil.Process(proc.pid).children() if "runner.py" in _cmdline(p)]
    assert len(apps) == 1
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 15
    while _alive(apps[0]):
        assert time.monotonic() < deadline, "the app outlived the emulator"
        time.sleep(0.2)


def test_a_crashed_app_is_started_again_on_the_next_request(fresh: Fresh) -> None:
    import os
    import signal

    emu = fresh()
    api = Api(emu.url, emu.api_key)
    g = api.create()["guid"]
    assert api.deploy(g, app_bundle("python-api", {"app.py": FLASK_APP}))["code"] == 0
    mine = [p for p in psutil.Process().children(recursive=True) if g in _cmdline(p)]
    assert len(mine) == 1
    os.killpg(mine[0].pid, signal.SIGKILL)  # the app's own process group
    mine[0].wait(10)
    assert api.page(f"/content/{g}/").text == "flask says hi"
