"""HTTP behaviour with something in front of the emulator: a sticky load balancer, a forward
proxy, redirects. The front is a small forwarding aiohttp app; Connect is the emulator."""

from __future__ import annotations

import base64
import io
import logging
import os
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import pytest_asyncio
from aiohttp import web
from yarl import URL

from rsconnect_lab.connect import errors
from rsconnect_lab.connect.bundles import CHUNK

from .conftest import MakeClient, notebook_bundle, unique, write_bundle

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "host", "proxy-connection"}


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    cookie: str | None
    body_size: int


@dataclass
class Front:
    url: str
    seen: list[Seen] = field(default_factory=list)


Inject = Callable[[web.Request], "web.Response | None"]


def forwarding_app(
    target: str,
    front: Front,
    *,
    sticky: bool = False,
    redirect_prefix: str | None = None,
    inject: Inject | None = None,
    extra_headers: dict[str, str] | None = None,
    drop_params: tuple[str, ...] = (),
) -> web.Application:
    """Forward every request to `target`; optionally set a sticky cookie, redirect a prefix,
    answer some requests itself (`inject`) or add headers to the answers."""
    session: aiohttp.ClientSession | None = None

    async def forward(request: web.Request) -> web.StreamResponse:
        nonlocal session
        body = await request.read()
        front.seen.append(
            Seen(
                request.method,
                request.path,
                dict(request.headers),
                request.cookies.get("lb-node"),
                len(body),
            )
        )
        if redirect_prefix and request.path.startswith(redirect_prefix):
            raise web.HTTPMovedPermanently(request.path_qs[len(redirect_prefix) :])
        if inject is not None and (own := inject(request)) is not None:
            return own
        if session is None:
            session = aiohttp.ClientSession(auto_decompress=False)
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP}
        headers.pop("Cookie", None)
        query = {k: v for k, v in request.query.items() if k not in drop_params}
        async with session.request(
            request.method,
            target + request.path,
            params=query,
            headers=headers,
            data=io.BytesIO(body) if body else None,
            allow_redirects=False,
        ) as upstream:
            response = web.Response(
                status=upstream.status,
                body=await upstream.read(),
                headers={
                    k: v
                    for k, v in upstream.headers.items()
                    if k.lower() not in HOP_BY_HOP and k.lower() != "content-length"
                },
            )
        if sticky:
            response.set_cookie("lb-node", "node-2", path="/")
        response.headers.update(extra_headers or {})
        return response

    async def close(app: web.Application) -> None:
        if session is not None:
            await session.close()

    app = web.Application(client_max_size=1 << 30)
    app.router.add_route("*", "/{tail:.*}", forward)
    app.on_cleanup.append(close)
    return app


@pytest_asyncio.fixture
async def front(
    emu: Any, other_server: Callable[[web.Application], Any]
) -> AsyncIterator[Callable[..., Any]]:
    async def make(**options: Any) -> Front:
        front = Front(url="")
        front.url = await other_server(forwarding_app(emu.url, front, **options))
        return front

    yield make


@pytest.mark.asyncio
async def test_sticky_cookie_comes_back_on_every_later_request(
    front: Callable[..., Any], emu: Any, make_client: MakeClient, tmp_path: Path
) -> None:
    lb: Front = await front(sticky=True)
    client = make_client(lb.url, emu.api_key)
    content = await client.content.create(unique("sticky"))
    bundle = await client.bundles.upload(
        content.guid,
        write_bundle(
            tmp_path / "b.tar.gz",
            {"version": 1, "metadata": {"appmode": "static", "primary_html": "index.html"}},
            {"index.html": b"<p>hi</p>"},
        ),
    )
    await client.tasks.wait(await client.deploy(content.guid, bundle.id))
    assert len(lb.seen) >= 4
    assert lb.seen[0].cookie is None
    assert all(item.cookie == "node-2" for item in lb.seen[1:]), [s.cookie for s in lb.seen]
    assert any("/v1/tasks/" in item.path for item in lb.seen)


@pytest.mark.asyncio
async def test_upload_is_sent_with_content_length_not_chunked(
    front: Callable[..., Any], emu: Any, make_client: MakeClient, tmp_path: Path
) -> None:
    lb: Front = await front()
    client = make_client(lb.url, emu.api_key)
    content = await client.content.create(unique("length"))
    archive = write_bundle(
        tmp_path / "big.tar.gz",
        {"version": 1, "metadata": {"appmode": "static", "primary_html": "index.html"}},
        {"index.html": b"<p>big</p>", "data.bin": os.urandom(3 << 20)},
    )
    progress: list[int] = []
    await client.bundles.upload(
        content.guid, archive, progress=lambda sent, _: progress.append(sent)
    )
    upload = next(s for s in lb.seen if s.method == "POST" and s.path.endswith("/bundles"))
    size = archive.stat().st_size
    assert upload.headers["Content-Length"] == str(size) and upload.body_size == size
    assert "Transfer-Encoding" not in upload.headers
    assert upload.headers["Authorization"].startswith("Key ")
    # Streamed in pieces, never read whole.
    assert len(progress) > size // CHUNK and progress == sorted(progress)


@pytest.mark.asyncio
async def test_same_origin_redirect_is_followed_with_the_key(
    front: Callable[..., Any], emu: Any, make_client: MakeClient
) -> None:
    lb: Front = await front(redirect_prefix="/old")
    client = make_client(lb.url + "/old", emu.api_key)
    assert (await client.me()).user_role == "administrator"
    assert [s.path for s in lb.seen] == ["/old/__api__/v1/user", "/__api__/v1/user"]


@pytest.mark.asyncio
async def test_key_is_not_sent_across_origins(
    other_server: Callable[[web.Application], Any], emu: Any, make_client: MakeClient
) -> None:
    async def moved(request: web.Request) -> web.Response:
        raise web.HTTPMovedPermanently(emu.url + request.path_qs)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", moved)
    url = await other_server(app)
    client = make_client(url, emu.api_key)
    with pytest.raises(errors.InvalidAPIKey) as info:
        await client.me()
    message = info.value.message
    assert f"redirected to {emu.url}/__api__/v1/user" in message
    assert "save the address the server redirected to" in message


@pytest.mark.asyncio
async def test_http_proxy_from_the_environment(
    front: Callable[..., Any], emu: Any, make_client: MakeClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    proxy: Front = await front()
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    # The host does not resolve: only a proxy can get this request to the emulator.
    client = make_client("http://connect.behind-proxy.invalid", emu.api_key, retries=0)
    assert (await client.me()).user_role == "administrator"
    assert proxy.seen and proxy.seen[0].headers["Host"] == "connect.behind-proxy.invalid"

    monkeypatch.setenv("NO_PROXY", "connect.behind-proxy.invalid")
    direct = make_client("http://connect.behind-proxy.invalid", emu.api_key, retries=0)
    with pytest.raises(errors.ServerUnreachable):
        await direct.me()


@pytest.mark.asyncio
async def test_proxy_credentials_go_to_the_proxy_only(
    front: Callable[..., Any], emu: Any, make_client: MakeClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    proxy: Front = await front()
    host_port = proxy.url.split("://", 1)[1]
    monkeypatch.setenv("HTTP_PROXY", f"http://ops:p%40ss@{host_port}")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    client = make_client("http://connect.behind-proxy.invalid", emu.api_key, retries=0)
    assert (await client.me()).user_role == "administrator"
    seen = proxy.seen[0].headers
    assert seen["Proxy-Authorization"] == "Basic " + base64.b64encode(b"ops:p@ss").decode()
    assert seen["Authorization"].startswith("Key ")


@pytest.mark.asyncio
async def test_a_netrc_entry_for_the_server_does_not_displace_the_key(
    emu: Any, make_client: MakeClient, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """aiohttp's trust_env would add the netrc login and then refuse our Authorization header."""
    netrc = tmp_path / "netrc"
    netrc.write_text(f"machine {URL(emu.url).host} login someone password secret\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    client = make_client(emu.url, emu.api_key, retries=0)
    assert (await client.me()).user_role == "administrator"


@pytest.mark.asyncio
async def test_retry_after_is_honoured(
    front: Callable[..., Any], emu: Any, make_client: MakeClient
) -> None:
    answered: list[float] = []

    def busy_once(request: web.Request) -> web.Response | None:
        answered.append(time.monotonic())
        if len(answered) == 1:
            return web.Response(status=503, headers={"Retry-After": "0.5"}, text="busy")
        return None

    lb: Front = await front(inject=busy_once)
    client = make_client(lb.url, emu.api_key, retries=2, backoff=0.01)
    assert (await client.me()).username
    assert len(answered) == 2 and answered[1] - answered[0] >= 0.45


@pytest.mark.asyncio
async def test_deprecated_endpoint_warns_once(
    front: Callable[..., Any],
    emu: Any,
    make_client: MakeClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="rsconnect_lab.connect")
    lb: Front = await front(extra_headers={"X-Deprecated-Endpoint": "use v2"})
    client = make_client(lb.url, emu.api_key)
    for _ in range(3):
        await client.me()
    warnings = [r.getMessage() for r in caplog.records if "deprecated" in r.getMessage()]
    assert len(warnings) == 1 and "GET /__api__/v1/user" in warnings[0]


@pytest.mark.asyncio
async def test_redirect_that_drops_a_post_body_is_refused(
    front: Callable[..., Any], emu: Any, make_client: MakeClient
) -> None:
    lb: Front = await front(redirect_prefix="/old")
    client = make_client(lb.url + "/old", emu.api_key)
    with pytest.raises(errors.InvalidField) as info:
        await client.content.create(unique("moved"))
    assert info.value.field == "url" and info.value.status == 301
    assert "redirects POST /old/__api__/v1/content to /__api__/v1/content" in info.value.message


@pytest.mark.asyncio
async def test_answer_of_the_wrong_shape_is_a_server_error(
    front: Callable[..., Any], emu: Any, make_client: MakeClient
) -> None:
    def rewrite(request: web.Request) -> web.Response | None:
        if request.path == "/__api__/v1/user":
            return web.json_response(["not", "a", "user"])
        if request.path == "/__api__/v1/content":
            return web.json_response({"not": "a list"})
        return None

    lb: Front = await front(inject=rewrite)
    client = make_client(lb.url, emu.api_key)
    with pytest.raises(errors.ServerError, match="sent list where a User was expected"):
        await client.me()
    with pytest.raises(errors.ServerError, match="where a list of Content was expected"):
        await client.content.list()


@pytest.mark.asyncio
async def test_paging_ends_on_servers_that_ignore_page_or_repeat_cursors(
    front: Callable[..., Any], emu: Any, make_client: MakeClient
) -> None:
    def stuck(request: web.Request) -> web.Response | None:
        if request.path == "/__api__/v1/users":  # no total, page_number ignored
            return web.json_response({"results": [{"guid": "u1"}, {"guid": "u2"}]})
        if request.path == "/__api__/v1/instrumentation/content/visits":
            return web.json_response(
                {"paging": {"cursors": {"next": "same"}}, "results": [{"content_guid": "c"}]}
            )
        return None

    lb: Front = await front(inject=stuck)
    client = make_client(lb.url, emu.api_key)
    assert [u.guid async for u in client.users.list()] == ["u1", "u2"]
    assert len([v async for v in client.usage.visits()]) == 2  # first page, then the repeat


@pytest.mark.asyncio
async def test_task_lines_once_even_when_first_is_ignored(
    front: Callable[..., Any], emu: Any, make_client: MakeClient, tmp_path: Path
) -> None:
    """Behind a front that drops `first`, every poll returns the whole log from line 0."""
    lb: Front = await front(drop_params=("first",))
    client = make_client(lb.url, emu.api_key)
    content = await client.content.create(unique("nofirst"))
    bundle = await client.bundles.upload(
        content.guid,
        notebook_bundle(tmp_path, ["import time", "time.sleep(1)", "print('done')"]),
    )
    task_id = await client.deploy(content.guid, bundle.id)
    lines = [line async for line in client.tasks.follow(task_id, wait=0, poll_interval=0.05)]
    polls = [s for s in lb.seen if s.path.endswith(f"/v1/tasks/{task_id}")]
    assert len(polls) > 3
    assert lines == (await client.tasks.get(task_id, first=0)).output


@pytest.mark.asyncio
async def test_upload_redirected_with_307_asks_for_the_new_address(
    other_server: Callable[[web.Application], Any],
    emu: Any,
    make_client: MakeClient,
    tmp_path: Path,
) -> None:
    async def moved(request: web.Request) -> web.Response:
        raise web.HTTPTemporaryRedirect(emu.url + request.path_qs)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", moved)
    url = await other_server(app)
    content = await make_client(emu.url, emu.api_key).content.create(unique("r307"))
    client = make_client(url, emu.api_key)
    archive = write_bundle(
        tmp_path / "b.tar.gz",
        {"version": 1, "metadata": {"appmode": "static", "primary_html": "index.html"}},
        {"index.html": b"<p>hi</p>"},
    )
    with pytest.raises(errors.InvalidField) as info:
        await client.bundles.upload(content.guid, archive)
    assert info.value.field == "url" and "redirects POST" in info.value.message
