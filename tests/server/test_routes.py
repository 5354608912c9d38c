"""Every route through jp_fetch, against the Connect emulator (no mocked HTTP)."""

from __future__ import annotations

import json
import logging
import stat
from pathlib import Path
from typing import Any

import pytest
from tornado.httpclient import AsyncHTTPClient, HTTPClientError

from rsconnect_lab import __version__
from rsconnect_lab.handlers import route_table

from .conftest import wait_for_job

ROUTES = [
    ("GET", "version"),
    ("GET", "servers"),
    ("POST", "servers"),
    ("DELETE", "servers/x"),
    ("GET", "servers/x/content"),
    ("DELETE", "servers/x/content/abc"),
    ("POST", "environment"),
    ("GET", "environment?path=x.py"),
    ("POST", "manifest"),
    ("POST", "publish"),
    ("GET", "jobs"),
    ("GET", "jobs/abc"),
    ("DELETE", "jobs/abc"),
    ("GET", "deployments?path=x.ipynb"),
]


def test_the_auth_check_covers_every_method_of_every_route() -> None:
    """A route or method added later must join ROUTES, or this fails."""
    import re

    from rsconnect_lab.handlers import route_table

    for pattern, handler in route_table():
        local = pattern.split("rsconnect-lab/", 1)[1]
        for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
            if method.lower() not in vars(handler):
                continue
            covered = any(
                m == method and re.fullmatch(local, route.split("?")[0]) for m, route in ROUTES
            )
            assert covered, f"{method} {local} is missing from ROUTES"


async def test_every_route_requires_jupyter_auth(
    jp_fetch: Any, jp_base_url: str, http_server_port: tuple[Any, int]
) -> None:
    client = AsyncHTTPClient()
    for method, route in ROUTES:
        url = f"http://127.0.0.1:{http_server_port[-1]}{jp_base_url}rsconnect-lab/{route}"
        with pytest.raises(HTTPClientError) as err:
            await client.fetch(url, method=method, body="{}" if method == "POST" else None)
        assert err.value.code == 403, (method, route, err.value.code)


async def test_version(api: Any) -> None:
    assert await api("GET", "version") == (200, {"version": __version__})


async def test_add_server_verifies_and_never_returns_the_key(
    api: Any, emulator: Any, tmp_path: Path
) -> None:
    assert await api("GET", "servers") == (200, {"servers": []})
    status, body = await api(
        "POST",
        "servers",
        body={"name": "emu", "url": emulator.url + "/", "api_key": emulator.api_key},
    )
    assert status == 201, body
    assert body["server"]["name"] == "emu"
    assert body["server"]["url"] == emulator.url
    assert body["server"]["username"]
    status, listed = await api("GET", "servers")
    assert [s["name"] for s in listed["servers"]] == ["emu"]
    for payload in (body, listed):
        assert emulator.api_key not in json.dumps(payload)
    saved = tmp_path / "rsconnect_lab_data" / "servers.json"
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    assert (
        await api("POST", "servers", body={"name": "emu", "url": emulator.url, "api_key": "k"})
    )[1]["reason"] == "conflict"
    assert (await api("DELETE", "servers", "emu"))[0] == 204
    assert await api("GET", "servers") == (200, {"servers": []})


@pytest.mark.parametrize(
    ("url", "key", "status", "reason"),
    [
        ("http://127.0.0.1:9", "key-never-echoed-1", 502, "unreachable"),
        ("http://unreachable.invalid", "key-never-echoed-2", 502, "unreachable"),
        ("JUPYTER", "key-never-echoed-3", 502, "not_connect"),
        ("EMULATOR", "wrong-key-000000", 400, "invalid_api_key"),
        ("", "key-never-echoed-4", 400, "invalid_input"),
        ("EMULATOR", "", 400, "invalid_input"),
    ],
)
async def test_add_server_bad_input_saves_nothing(
    api: Any,
    emulator: Any,
    http_server_port: tuple[Any, int],
    url: str,
    key: str,
    status: int,
    reason: str,
) -> None:
    url = {"EMULATOR": emulator.url, "JUPYTER": f"http://127.0.0.1:{http_server_port[-1]}"}.get(
        url, url
    )
    got_status, body = await api(
        "POST", "servers", body={"name": "bad", "url": url, "api_key": key}
    )
    assert (got_status, body["reason"]) == (status, reason), body
    assert body["message"] and "Traceback" not in body["message"]
    if key:
        assert key not in body["message"]
    assert await api("GET", "servers") == (200, {"servers": []})


async def _add_emulator(api: Any, emulator: Any) -> None:
    status, body = await api(
        "POST", "servers", body={"name": "emu", "url": emulator.url, "api_key": emulator.api_key}
    )
    assert status == 201, body


async def test_publish_refuses_bad_paths(api: Any, emulator: Any, jp_root_dir: Path) -> None:
    await _add_emulator(api, emulator)
    (jp_root_dir / "notes.txt").write_text("hello")
    (jp_root_dir / "broken.ipynb").write_text("{not json")
    cases = [
        ("../outside.ipynb", 403, "forbidden_path"),
        ("notes.txt", 400, "not_a_notebook"),
        ("broken.ipynb", 400, "not_a_notebook"),
        ("missing.ipynb", 404, "not_found"),
    ]
    for path, status, reason in cases:
        got, body = await api(
            "POST", "publish", body={"path": path, "server": "emu", "mode": "source"}
        )
        assert (got, body["reason"]) == (status, reason), (path, body)
    got, body = await api("POST", "publish", body={"path": "x.ipynb", "server": "nope"})
    assert (got, body["reason"]) == (404, "not_found")
    got, body = await api("GET", "deployments", path="../../etc/passwd")
    assert (got, body["reason"]) == (403, "forbidden_path")


async def test_publish_with_source_end_to_end(
    api: Any, emulator: Any, notebook: Any, jp_root_dir: Path
) -> None:
    await _add_emulator(api, emulator)
    path = notebook("e2e/with_source.ipynb", "print(6 * 7, 'marker-source')")
    before = (jp_root_dir / path).read_bytes()
    status, body = await api(
        "POST",
        "publish",
        body={"path": path, "server": "emu", "mode": "source", "title": "With source e2e"},
    )
    assert status == 202, body
    job = await wait_for_job(api, body["job"]["id"])
    assert job["state"] == "succeeded", job["full_log"]
    assert all(s["state"] == "done" for s in job["steps"]), job["steps"]
    upload = next(s for s in job["steps"] if s["id"] == "upload")
    assert upload["progress"] == 100.0 and "%" in upload["detail"]
    assert job["content_url"].startswith(emulator.url)
    page = await AsyncHTTPClient().fetch(
        job["content_url"], headers={"Authorization": f"Key {emulator.api_key}"}
    )
    assert "42 marker-source" in page.body.decode()
    assert (jp_root_dir / path).read_bytes() == before  # the notebook is only read
    status, deps = await api("GET", "deployments", path=path)
    (dep,) = deps["deployments"]
    assert dep["content_guid"] == job["content_guid"] and dep["app_mode"] == "jupyter-static"
    assert (jp_root_dir / "e2e" / "rsconnect-python" / "with_source.json").exists()

    # Redeploy goes to the same content, found through the record.
    status, body = await api(
        "POST",
        "publish",
        body={"path": path, "server": "emu", "mode": "source", "title": "With source e2e"},
    )
    job2 = await wait_for_job(api, body["job"]["id"])
    assert job2["state"] == "succeeded" and job2["content_guid"] == job["content_guid"]

    # A mode change on that content is explained before anything is uploaded.
    status, body = await api(
        "POST", "publish", body={"path": path, "server": "emu", "mode": "static"}
    )
    assert (status, body["reason"]) == (409, "app_mode_change"), body


async def test_publish_html_snapshot_title_clash(api: Any, emulator: Any, notebook: Any) -> None:
    await _add_emulator(api, emulator)
    first = notebook("clash/a.ipynb", "print('marker-static-a')")
    second = notebook("clash/b.ipynb", "print('marker-static-b')")
    title = "Clash snapshot"
    status, body = await api(
        "POST",
        "publish",
        body={
            "path": first,
            "server": "emu",
            "mode": "static",
            "title": title,
            "hide_input": "all",
        },
    )
    job = await wait_for_job(api, body["job"]["id"])
    assert job["state"] == "succeeded", job["full_log"]
    page = (
        await AsyncHTTPClient().fetch(
            job["content_url"], headers={"Authorization": f"Key {emulator.api_key}"}
        )
    ).body.decode()
    assert "marker-static-a" in page
    assert "print(" not in page  # input hidden

    status, body = await api(
        "POST", "publish", body={"path": second, "server": "emu", "mode": "static", "title": title}
    )
    assert (status, body["reason"]) == (409, "title_conflict"), body
    (match,) = body["matches"]
    assert match["guid"] == job["content_guid"]
    status, body = await api(
        "POST",
        "publish",
        body={"path": second, "server": "emu", "mode": "static", "title": title, "new": True},
    )
    job_new = await wait_for_job(api, body["job"]["id"])
    assert job_new["state"] == "succeeded" and job_new["content_guid"] != job["content_guid"]


async def test_failed_publish_names_the_step_and_writes_no_record(
    api: Any, emulator: Any, notebook: Any
) -> None:
    await _add_emulator(api, emulator)
    path = notebook("fail/boom.ipynb", "raise RuntimeError('boom-on-purpose')")
    status, body = await api(
        "POST",
        "publish",
        body={"path": path, "server": "emu", "mode": "source", "title": "Broken on purpose"},
    )
    assert status == 202, body
    job = await wait_for_job(api, body["job"]["id"])
    assert job["state"] == "failed"
    assert job["error"]["step"] == "deploy"
    assert job["error"]["reason"] == "task_failed"
    assert "boom-on-purpose" in "\n".join(job["full_log"])
    assert (await api("GET", "deployments", path=path))[1] == {"deployments": []}


async def test_environment_route(api: Any, notebook: Any, jp_root_dir: Path) -> None:
    path = notebook("env/nb.ipynb")
    (jp_root_dir / "env" / "requirements.txt").write_text("numpy==1.26.4\n")
    status, env = await api("POST", "environment", body={"path": path})
    assert status == 200, env
    assert env["source"] == "requirements.txt"
    assert env["packages"] == ["numpy==1.26.4"]
    assert env["python_version"].count(".") == 2


async def test_content_route(api: Any, emulator: Any) -> None:
    await _add_emulator(api, emulator)
    status, body = await api("GET", "servers", "emu", "content")
    assert status == 200 and isinstance(body["content"], list)
    assert body["user"] == {"username": "admin", "user_role": "administrator"}
    servers = (await api("GET", "servers"))[1]["servers"]
    assert servers[0]["user_role"] == "administrator"


async def test_delete_content_forgets_its_records(
    api: Any, emulator: Any, notebook: Any, jp_root_dir: Path
) -> None:
    await _add_emulator(api, emulator)
    path = notebook("gone/report.ipynb", "print('soon deleted')")
    status, body = await api(
        "POST",
        "publish",
        body={"path": path, "server": "emu", "mode": "source", "title": "Soon deleted"},
    )
    assert status == 202, body
    job = await wait_for_job(api, body["job"]["id"])
    assert job["state"] == "succeeded", job["full_log"]
    guid = job["content_guid"]
    listed = (await api("GET", "servers", "emu", "content"))[1]["content"]
    assert guid in [c["guid"] for c in listed]

    assert (await api("DELETE", "servers", "emu", "content", guid))[0] == 204
    listed = (await api("GET", "servers", "emu", "content"))[1]["content"]
    assert guid not in [c["guid"] for c in listed]
    assert (await api("GET", "deployments", path=path))[1] == {"deployments": []}
    record = jp_root_dir / "gone" / "rsconnect-python" / "report.json"
    assert guid not in record.read_text()  # rsconnect-python's record forgets it too

    status, again = await api("DELETE", "servers", "emu", "content", guid)
    assert status == 404 and again["reason"] == "not_found", again


async def test_a_viewer_cannot_delete_others_content(api: Any, emulator: Any) -> None:
    import uuid

    import requests

    _, viewer_key = emulator.add_user(f"vicky-{uuid.uuid4().hex[:6]}", role="viewer")
    owned = requests.post(
        f"{emulator.url}/__api__/v1/content",
        json={"name": f"kept-{uuid.uuid4().hex[:8]}"},
        headers={"Authorization": f"Key {emulator.api_key}"},
        timeout=30,
    ).json()
    status, body = await api(
        "POST", "servers", body={"name": "vic", "url": emulator.url, "api_key": viewer_key}
    )
    assert status == 201 and body["server"]["user_role"] == "viewer"
    status, err = await api("DELETE", "servers", "vic", "content", owned["guid"])
    assert status in (403, 404) and err["reason"] in ("permission_denied", "not_found"), err
    gone = requests.get(
        f"{emulator.url}/__api__/v1/content/{owned['guid']}",
        headers={"Authorization": f"Key {emulator.api_key}"},
        timeout=30,
    )
    assert gone.status_code == 200  # still there


DASH_APP = """
from dash import Dash, html

app = Dash(__name__)
app.layout = html.Div([html.H1("marker-dash-layout")])
"""


async def test_publish_dash_app_from_its_py(api: Any, emulator: Any, jp_root_dir: Path) -> None:
    await _add_emulator(api, emulator)
    folder = jp_root_dir / "dashapp"
    folder.mkdir()
    (folder / "app.py").write_text(DASH_APP)
    (folder / "requirements.txt").write_text("dash\n")
    status, env = await api("POST", "environment", body={"path": "dashapp/app.py"})
    assert status == 200, env
    assert env["bundle"]["entrypoint"] == "app"
    status, body = await api(
        "POST",
        "publish",
        body={
            "path": "dashapp/app.py",
            "server": "emu",
            "mode": "app",
            "app_mode": "python-dash",
            "title": "Dash e2e",
        },
    )
    assert status == 202, body
    job = await wait_for_job(api, body["job"]["id"], timeout=180)
    assert job["state"] == "succeeded", job["full_log"]
    layout = await AsyncHTTPClient().fetch(
        job["content_url"] + "_dash-layout", headers={"Authorization": f"Key {emulator.api_key}"}
    )
    assert "marker-dash-layout" in layout.body.decode()
    status, deps = await api("GET", "deployments", path="dashapp/app.py")
    assert deps["deployments"][0]["app_mode"] == "python-dash"


async def test_address_without_scheme_tries_https_then_http(api: Any, emulator: Any) -> None:
    bare = emulator.url.removeprefix("http://")
    status, body = await api(
        "POST", "servers", body={"name": "bare", "url": bare, "api_key": emulator.api_key}
    )
    assert status == 201, body
    assert body["server"]["url"] == emulator.url


async def test_dry_run_new_with_title_check_and_job_list(
    api: Any, emulator: Any, notebook: Any
) -> None:
    await _add_emulator(api, emulator)
    path = notebook("dry/a.ipynb", "print('dry')")
    base = {"path": path, "server": "emu", "mode": "source", "title": "Dry run title"}
    status, body = await api("POST", "publish", body={**base, "dry_run": True})
    assert (status, body["target"]["new"]) == (200, True)
    status, body = await api("POST", "publish", body=base)
    job = await wait_for_job(api, body["job"]["id"])
    assert job["state"] == "succeeded", job["full_log"]

    # The record is found by a dry run, and a mode change is explained before any upload.
    status, body = await api("POST", "publish", body={**base, "dry_run": True})
    assert body["target"]["content_guid"] == job["content_guid"]
    status, body = await api("POST", "publish", body={**base, "mode": "static", "dry_run": True})
    assert (status, body["reason"]) == (409, "app_mode_change")

    # "New content" picked in the form still meets the clash; confirmed "publish new" does not.
    other = notebook("dry/b.ipynb", "print('dry b')")
    status, body = await api(
        "POST",
        "publish",
        body={**base, "path": other, "new": True, "check_title": True, "dry_run": True},
    )
    assert (status, body["reason"]) == (409, "title_conflict")
    status, body = await api(
        "POST", "publish", body={**base, "path": other, "new": True, "dry_run": True}
    )
    assert status == 200 and body["target"]["new"] is True

    status, body = await api("GET", "jobs")
    assert status == 200
    assert job["id"] in [j["id"] for j in body["jobs"]]


async def test_preview_keeps_server_paths_private(
    api: Any, notebook: Any, jp_root_dir: Path
) -> None:
    path = notebook("private/nb.ipynb")
    status, env = await api("POST", "environment", body={"path": path})
    assert status == 200, env
    assert str(jp_root_dir) not in json.dumps(env["bundle"])


async def test_the_key_is_in_no_answer_file_or_log_but_the_servers_files(
    api: Any,
    emulator: Any,
    notebook: Any,
    jp_root_dir: Path,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """After adding a server and publishing with its key, every read route, the files the
    extension writes (records beside the notebook and in its data dir) and the log are free
    of the key; only the servers files hold it, readable by the owner alone."""
    caplog.set_level(logging.DEBUG)
    _guid, key = emulator.add_user("key-secrecy-user", role="publisher")
    status, body = await api(
        "POST", "servers", body={"name": "secret", "url": emulator.url, "api_key": key}
    )
    assert status == 201, body
    path = notebook("secrecy/nb.ipynb", "print('marker-secrecy')")
    status, body = await api(
        "POST", "publish", body={"path": path, "server": "secret", "title": "Key secrecy"}
    )
    assert status == 202, body
    job = await wait_for_job(api, body["job"]["id"])
    assert job["state"] == "succeeded", job["full_log"]
    status, body = await api(
        "POST", "publish", body={"path": path, "server": "secret", "dry_run": True}
    )
    assert status == 200, body

    answers: list[Any] = [body, job]
    get_routes = {
        pattern.removeprefix("rsconnect-lab/")
        for pattern, handler in route_table()
        if "get" in handler.__dict__
    }
    # Every GET route of the table, by its pattern (a new one must be added here too).
    gets: dict[str, tuple[tuple[str, ...], dict[str, str]]] = {
        "version": (("version",), {}),
        "servers": (("servers",), {}),
        "servers/(?P<name>[^/]+)/content": (("servers", "secret", "content"), {}),
        "jobs": (("jobs",), {}),
        r"jobs/(?P<job_id>[A-Za-z0-9_-]+)": (("jobs", job["id"]), {}),
        "deployments": (("deployments",), {"path": path}),
        "environment": (("environment",), {"path": path}),
    }
    assert get_routes <= set(gets), get_routes - set(gets)
    calls: list[tuple[str, tuple[str, ...], Any, dict[str, str]]] = [
        ("GET", parts, None, params)
        for route, (parts, params) in gets.items()
        if route in get_routes
    ]
    calls += [
        ("POST", ("environment",), {"path": path, "server": "secret"}, {}),
        ("POST", ("manifest",), {"path": path}, {}),
    ]
    for method, parts, payload, params in calls:
        status, answer = await api(method, *parts, body=payload, **params)
        assert status < 300, (parts, answer)
        answers.append(answer)
    for answer in answers:
        assert key not in json.dumps(answer)

    servers_files = {
        tmp_path / "rsconnect_lab_data" / "servers.json",
        tmp_path / "xdg-config" / "rsconnect-python" / "servers.json",  # saved for the CLI
    }
    holders = set()
    for where in (Path(jp_root_dir), tmp_path):
        for file in where.rglob("*"):
            if file.is_file() and key.encode() in file.read_bytes():
                holders.add(file)
    assert (Path(jp_root_dir) / "secrecy" / "rsconnect-python" / "nb.json").is_file()
    assert holders == servers_files
    for file in servers_files:
        assert stat.S_IMODE(file.stat().st_mode) == 0o600, file
    assert key not in caplog.text
    assert all(key not in str(r.args) for r in caplog.records)


async def test_an_app_without_a_type_gets_the_one_its_imports_say(
    api: Any, emulator: Any, jp_root_dir: Path
) -> None:
    await _add_emulator(api, emulator)
    (jp_root_dir / "st").mkdir()
    (jp_root_dir / "st" / "app.py").write_text("import streamlit as st\nst.write('hi')\n")
    base = {"path": "st/app.py", "server": "emu", "mode": "app", "dry_run": True}
    status, body = await api("POST", "publish", body=base)
    assert status == 200 and body["target"]["app_mode"] == "python-streamlit"
    status, body = await api("POST", "publish", body={**base, "app_mode": "python-fastapi"})
    assert status == 200 and body["target"]["app_mode"] == "python-fastapi"  # asked wins


async def test_the_publish_log_says_when_the_servers_python_stands_in(
    api: Any, emulator: Any, jp_root_dir: Path
) -> None:
    await _add_emulator(api, emulator)
    (jp_root_dir / "plain").mkdir()
    (jp_root_dir / "plain" / "app.py").write_text(
        "from flask import Flask\napp = Flask(__name__)\n\n@app.route('/')\ndef hi():\n"
        "    return 'plain flask'\n"
    )
    body = {"path": "plain/app.py", "server": "emu", "mode": "app", "title": "Plain flask"}
    status, started = await api("POST", "publish", body=body)
    assert status == 202, started
    job = await wait_for_job(api, started["job"]["id"], timeout=180)
    assert job["state"] == "succeeded", job["full_log"]
    log = "\n".join(job["full_log"]) if isinstance(job["full_log"], list) else job["full_log"]
    assert "Warning: No kernel runs app.py" in log and "requirements.txt" in log
