"""Every kind of failure gives its own exception, naming the server and saying what to do."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from rsconnect_lab.connect import ConnectClient, errors

from .conftest import MakeClient, notebook_bundle, static_bundle, unique, write_bundle

# -- cannot reach the server ----------------------------------------------------------------


@pytest.mark.asyncio
async def test_refused(closed_port: int, make_client: MakeClient) -> None:
    client = make_client(f"http://127.0.0.1:{closed_port}", "k", retries=1)
    with pytest.raises(errors.ServerUnreachable) as info:
        await client.server_settings()
    message = info.value.message
    assert f"http://127.0.0.1:{closed_port}" in message
    assert "refused" in message and "running" in message
    assert info.value.reason == "unreachable"


@pytest.mark.asyncio
async def test_unresolvable_host(make_client: MakeClient) -> None:
    client = make_client("https://connect.does-not-exist.invalid", "k")
    with pytest.raises(errors.ServerUnreachable) as info:
        await client.me()
    assert "connect.does-not-exist.invalid" in info.value.message
    assert "could not be resolved" in info.value.message


@pytest.mark.asyncio
async def test_timeout(emu: Any, make_client: MakeClient) -> None:
    emu.set_fault("GET /__api__/v1/user", delay=3.0)
    client = make_client(emu.url, emu.api_key, timeout=0.5)
    with pytest.raises(errors.ServerUnreachable) as info:
        await client.me()
    assert "did not answer within 0.5 s" in info.value.message
    assert "CONNECT_REQUEST_TIMEOUT" in info.value.message
    assert emu.url in info.value.message


# -- not a Connect server -------------------------------------------------------------------


@pytest.mark.asyncio
async def test_html_page_is_not_connect(
    other_server: Callable[[web.Application], Any], make_client: MakeClient
) -> None:
    async def page(request: web.Request) -> web.Response:
        return web.Response(
            text='<!DOCTYPE html><html><body>Search results <a href="/x">Sign in</a></body></html>',
            content_type="text/html",
        )

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", page)
    url = await other_server(app)
    client = make_client(url, "k")
    with pytest.raises(errors.NotConnectServer) as info:
        await client.server_settings()
    assert url in info.value.message and "HTML page" in info.value.message
    assert "root" in info.value.message


@pytest.mark.asyncio
async def test_login_proxy_is_not_connect(
    other_server: Callable[[web.Application], Any], make_client: MakeClient
) -> None:
    async def anything(request: web.Request) -> web.Response:
        raise web.HTTPFound("/sso/login?next=" + request.path)

    async def login(request: web.Request) -> web.Response:
        return web.Response(
            text='<html><form><input name="user"><input type="password" name="pw"></form></html>',
            content_type="text/html",
        )

    app = web.Application()
    app.router.add_get("/sso/login", login)
    app.router.add_route("*", "/__api__/{tail:.*}", anything)
    url = await other_server(app)
    client = make_client(url, "k")
    with pytest.raises(errors.NotConnectServer) as info:
        await client.me()
    message = info.value.message
    assert "login page" in message and "proxy" in message and "/sso/login" in message


@pytest.mark.asyncio
async def test_basic_auth_proxy_is_not_connect(
    other_server: Callable[[web.Application], Any], make_client: MakeClient
) -> None:
    async def challenge(request: web.Request) -> web.Response:
        return web.Response(
            status=401,
            text="<html><body>401 Authorization Required</body></html>",
            content_type="text/html",
            headers={"WWW-Authenticate": 'Basic realm="corp"'},
        )

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", challenge)
    url = await other_server(app)
    client = make_client(url, "k")
    with pytest.raises(errors.NotConnectServer) as info:
        await client.me()
    assert "login page" in info.value.message and info.value.status == 401


@pytest.mark.asyncio
async def test_other_json_api_is_not_connect(
    other_server: Callable[[web.Application], Any], make_client: MakeClient
) -> None:
    async def not_found(request: web.Request) -> web.Response:
        return web.json_response({"detail": "Not Found"}, status=404)

    async def text(request: web.Request) -> web.Response:
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_get("/__api__/server_settings", not_found)
    app.router.add_get("/__api__/v1/user", text)
    url = await other_server(app)
    client = make_client(url, "k")
    with pytest.raises(errors.NotConnectServer) as info:
        await client.server_settings()
    assert url in info.value.message
    with pytest.raises(errors.NotConnectServer) as info:
        await client.me()
    assert "not JSON" in info.value.message


@pytest.mark.asyncio
async def test_plain_http_port_with_tls_scheme(emu: Any, make_client: MakeClient) -> None:
    https = emu.url.replace("http://", "https://")
    client = make_client(https, emu.api_key)
    with pytest.raises(errors.TLSError) as info:
        await client.server_settings()
    assert f"Try {emu.url}" in info.value.message


# -- Connect says no ------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_bad_api_key(emu: Any, make_client: MakeClient) -> None:
    client = make_client(emu.url, "not-a-real-key-0000")
    await client.server_settings()  # answers without a valid key
    with pytest.raises(errors.InvalidAPIKey) as info:
        await client.me()
    assert info.value.code == 30 and info.value.status == 401
    assert emu.url in info.value.message and "API Keys" in info.value.message


@pytest.mark.asyncio
async def test_viewer_may_not_publish(emu: Any, make_client: MakeClient) -> None:
    _, key = emu.add_user(unique("viewer").replace("-", "_"), role="viewer")
    client = make_client(emu.url, key)
    assert not (await client.me()).can_publish
    with pytest.raises(errors.PermissionDenied) as info:
        await client.content.create(unique("nope"))
    assert info.value.status == 403 and info.value.code == 22
    assert "publisher" in info.value.message and emu.url in info.value.message


@pytest.mark.asyncio
async def test_other_users_content(
    emu: Any, connect: ConnectClient, make_client: MakeClient
) -> None:
    hidden = await connect.content.create(unique("admins"), access_type="acl")
    shown = await connect.content.create(unique("shown"), access_type="logged_in")
    _, key = emu.add_user(unique("pub").replace("-", "_"), role="publisher")
    publisher = make_client(emu.url, key)
    # Content the user may not see does not exist for them (4)...
    with pytest.raises(errors.NotFound) as missing:
        await publisher.content.update(hidden.guid, title="Mine now")
    assert missing.value.code == 4 and emu.url in missing.value.message
    # ...content they may see but not change is refused (22), saying why.
    with pytest.raises(errors.PermissionDenied) as refused:
        await publisher.content.update(shown.guid, title="Mine now")
    assert refused.value.code == 22 and refused.value.status == 403
    assert "collaborator" in refused.value.message and emu.url in refused.value.message


@pytest.mark.asyncio
async def test_not_found(connect: ConnectClient, emu: Any) -> None:
    guid = "00000000-0000-0000-0000-000000000000"
    with pytest.raises(errors.NotFound) as info:
        await connect.content.get(guid)
    assert info.value.code == 4 and guid in info.value.message and emu.url in info.value.message


@pytest.mark.asyncio
async def test_duplicate_name(connect: ConnectClient) -> None:
    name = unique("dup")
    await connect.content.create(name)
    with pytest.raises(errors.NameConflict) as info:
        await connect.content.create(name)
    assert info.value.code == 26 and "another name" in info.value.message


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("fields", "code", "field"),
    [({"name": "a!"}, 5, "name"), ({"name": None, "title": "ab"}, 122, "title")],
)
async def test_invalid_name_or_title(
    connect: ConnectClient, fields: dict[str, Any], code: int, field: str
) -> None:
    name = fields.pop("name") or unique("title")
    with pytest.raises(errors.InvalidField) as info:
        await connect.content.create(name, **fields)
    assert info.value.code == code and info.value.field == field


@pytest.mark.asyncio
async def test_app_mode_cannot_change(connect: ConnectClient, bundle_dir: Path) -> None:
    content = await connect.content.create(unique("mode"))
    first = await connect.bundles.upload(content.guid, static_bundle(bundle_dir))
    await connect.tasks.wait(await connect.deploy(content.guid, first.id))
    notebook = await connect.bundles.upload(
        content.guid, notebook_bundle(bundle_dir, ["print('hi')"])
    )
    with pytest.raises(errors.AppModeChange) as info:
        task_id = await connect.deploy(content.guid, notebook.id)
        await connect.tasks.wait(task_id)
    assert info.value.code == 48 and "new content" in info.value.message


@pytest.mark.asyncio
async def test_task_failure_has_last_lines_and_logs_url(
    emu: Any, connect: ConnectClient, bundle_dir: Path
) -> None:
    content = await connect.content.create(unique("fail"))
    bundle = await connect.bundles.upload(content.guid, static_bundle(bundle_dir))
    emu.set_fault("deploy", fail_task=True, count=1)
    task_id = await connect.deploy(content.guid, bundle.id)
    lines: list[str] = []
    with pytest.raises(errors.TaskFailed) as info:
        async for line in connect.tasks.follow(task_id):
            lines.append(line)
    failure = info.value
    assert failure.exit_code and failure.exit_code != 0
    assert lines and failure.last_lines == lines[-len(failure.last_lines) :]
    assert failure.logs_url == f"{content.dashboard_url}/logs"
    assert failure.logs_url in failure.message and lines[-1] in failure.message
    assert emu.url in failure.message


@pytest.mark.asyncio
async def test_server_error(emu: Any, connect: ConnectClient) -> None:
    emu.set_fault("GET /__api__/v1/user", status=500, count=1)
    with pytest.raises(errors.ServerError) as info:
        await connect.me()
    assert info.value.status == 500 and emu.url in info.value.message


@pytest.mark.asyncio
async def test_empty_bundle_refused_before_sending(connect: ConnectClient, tmp_path: Path) -> None:
    empty = tmp_path / "empty.tar.gz"
    empty.write_bytes(b"")
    with pytest.raises(errors.InvalidField) as info:
        await connect.bundles.upload("any-guid", empty)
    assert info.value.field == "bundle"


@pytest.mark.asyncio
@pytest.mark.parametrize("wrong", ["guid", "key"])
async def test_large_upload_answered_early_still_gives_the_connect_error(
    emu: Any, make_client: MakeClient, tmp_path: Path, wrong: str
) -> None:
    """Connect may answer before reading an 8 MB body; the answer must win over a broken pipe."""
    archive = write_bundle(
        tmp_path / "big.tar.gz",
        {"version": 1, "metadata": {"appmode": "static", "primary_html": "index.html"}},
        {"index.html": b"<p>x</p>", "data.bin": os.urandom(8 << 20)},
    )
    client = make_client(emu.url, emu.api_key if wrong == "guid" else "wrong-key-0123456789")
    expected = errors.NotFound if wrong == "guid" else errors.InvalidAPIKey
    with pytest.raises(expected):
        await client.bundles.upload("00000000-0000-0000-0000-000000000000", archive)
