"""The client against the emulator: settings, user, content, bundles, deploy, drafts."""

from __future__ import annotations

import asyncio
import tarfile
from pathlib import Path
from typing import Any

import pytest

from rsconnect_lab.connect import ConnectClient, errors

from .conftest import MakeClient, static_bundle, unique


@pytest.mark.asyncio
async def test_settings_and_me(connect: ConnectClient, emu: Any) -> None:
    settings = await connect.server_settings()
    assert settings.version
    assert await connect.server_version() == settings.version
    assert await connect.supports("draft_deploy")
    me = await connect.me()
    assert me.user_role == "administrator" and me.can_publish
    assert await connect.verify() == me
    python = await connect.python_settings()
    assert python.installations and all(item.version for item in python.installations)


@pytest.mark.asyncio
async def test_url_forms_reach_the_same_server(emu: Any, make_client: MakeClient) -> None:
    for url in (emu.url, emu.url + "/", emu.url + "/__api__", emu.url + "/__api__/"):
        client = make_client(url, f" {emu.api_key}\n")  # as pasted, with stray whitespace
        assert client.server_url == emu.url
        assert (await client.me()).username


@pytest.mark.asyncio
async def test_content_lifecycle(connect: ConnectClient) -> None:
    name = unique("life")
    created = await connect.content.create(name, title="Life cycle")
    assert created.name == name and created.title == "Life cycle" and not created.published
    assert created.guid in (created.content_url or "")
    fetched = await connect.content.get(created.guid)
    assert fetched.guid == created.guid
    updated = await connect.content.update(created.guid, title="Renamed", description="d")
    assert updated.title == "Renamed"
    found = await connect.content.list(name=name)
    assert [item.guid for item in found] == [created.guid]
    me = await connect.me()
    mine = await connect.content.list(owner_guid=me.guid)
    assert created.guid in {item.guid for item in mine}
    assert (await connect.content.find_by_name(name)) is not None
    assert await connect.content.unique_name(name) == f"{name}1"
    await connect.content.delete(created.guid)
    with pytest.raises(errors.NotFound):
        await connect.content.get(created.guid)
    assert await connect.content.find_by_name(name) is None


@pytest.mark.asyncio
async def test_upload_deploy_follow_and_serve(
    connect: ConnectClient, bundle_dir: Path, tmp_path: Path
) -> None:
    content = await connect.content.create(unique("deploy"), title="Deployed")
    archive = static_bundle(bundle_dir, "<html><body><h1>It works</h1></body></html>")
    seen: list[tuple[int, int]] = []
    bundle = await connect.bundles.upload(
        content.guid, archive, progress=lambda sent, total: seen.append((sent, total))
    )
    size = archive.stat().st_size
    assert seen[0] == (0, size) and seen[-1] == (size, size)
    assert bundle.id and bundle.size in (None, size)

    task_id = await connect.deploy(content.guid, bundle.id)
    lines = [line async for line in connect.tasks.follow(task_id)]
    assert lines, "a deploy task logs what it does"
    task = await connect.tasks.get(task_id, first=0)
    assert task.finished and task.code == 0 and task.output == lines

    assert await connect.content_status("00000000-0000-0000-0000-000000000000") == 404
    live = await connect.content.get(content.guid)
    assert live.bundle_id == bundle.id and live.app_mode == "static"
    assert await connect.content_status(content.guid) == 200

    listed = await connect.bundles.list(content.guid)
    assert bundle.id in {item.id for item in listed}
    assert (await connect.bundles.get(content.guid, bundle.id)).id == bundle.id
    copy = await connect.bundles.download(content.guid, bundle.id, tmp_path / "copy.tar.gz")
    assert copy.read_bytes() == archive.read_bytes()
    with tarfile.open(copy) as tar:
        assert tar.getnames()[0] == "manifest.json"


@pytest.mark.asyncio
async def test_download_failure_leaves_no_partial_file(
    connect: ConnectClient, tmp_path: Path
) -> None:
    content = await connect.content.create(unique("dl"))
    target = tmp_path / "missing.tar.gz"
    with pytest.raises(errors.NotFound):
        await connect.bundles.download(content.guid, "999999", target)
    assert not target.exists()


@pytest.mark.asyncio
async def test_draft_deploy_then_activate(connect: ConnectClient, bundle_dir: Path) -> None:
    content = await connect.content.create(unique("draft"))
    first = await connect.bundles.upload(content.guid, static_bundle(bundle_dir, "<p>one</p>"))
    await connect.tasks.wait(await connect.deploy(content.guid, first.id))
    second = await connect.bundles.upload(content.guid, static_bundle(bundle_dir, "<p>two</p>"))
    task = await connect.tasks.wait(await connect.deploy(content.guid, second.id, activate=False))
    assert task.succeeded
    assert (await connect.content.get(content.guid)).bundle_id == first.id  # still the live one
    assert await connect.content_status(content.guid, second.id) < 500
    assert connect.draft_url(content.guid, second.id).endswith(
        f"/content/{content.guid}/_bundle{second.id}/"
    )
    await connect.tasks.wait(await connect.deploy(content.guid, second.id))
    assert (await connect.content.get(content.guid)).bundle_id == second.id


@pytest.mark.asyncio
async def test_build_without_activating(connect: ConnectClient, bundle_dir: Path) -> None:
    content = await connect.content.create(unique("build"))
    bundle = await connect.bundles.upload(content.guid, static_bundle(bundle_dir))
    assert (await connect.tasks.wait(await connect.build(content.guid, bundle.id))).succeeded
    assert (await connect.content.get(content.guid)).bundle_id is None


@pytest.mark.asyncio
async def test_draft_deploy_refused_before_2025_06(
    old_emulator: Any, make_client: MakeClient, bundle_dir: Path
) -> None:
    client = make_client(old_emulator.url, old_emulator.api_key)
    assert not await client.supports("draft_deploy")
    content = await client.content.create(unique("olddraft"))
    bundle = await client.bundles.upload(content.guid, static_bundle(bundle_dir))
    with pytest.raises(errors.UnsupportedFeature) as info:
        await client.deploy(content.guid, bundle.id, activate=False)
    assert "2025.06.0" in info.value.message and old_emulator.url in info.value.message
    # The ordinary deploy still works there.
    assert (await client.tasks.wait(await client.deploy(content.guid, bundle.id))).succeeded


@pytest.mark.asyncio
async def test_concurrent_calls_share_the_session(connect: ConnectClient) -> None:
    users = await asyncio.gather(*(connect.me() for _ in range(25)))
    assert len({user.guid for user in users}) == 1


@pytest.mark.asyncio
async def test_one_session_for_the_clients_life(emu: Any) -> None:
    client = ConnectClient(emu.url, emu.api_key)
    async with client:
        await client.me()
        session = client._transport.session
        await client.server_settings()
        await client.content.list()
        assert client._transport.session is session
    assert session.closed and client.closed
    with pytest.raises(RuntimeError, match="closed"):
        await client.me()


@pytest.mark.asyncio
async def test_from_env_against_the_emulator(emu: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONNECT_SERVER", emu.url + "/")
    monkeypatch.setenv("CONNECT_API_KEY", emu.api_key)
    monkeypatch.delenv("CONNECT_INSECURE", raising=False)
    monkeypatch.delenv("CONNECT_CA_CERTIFICATE", raising=False)
    async with ConnectClient.from_env() as connect:
        assert (await connect.me()).user_role == "administrator"


def test_a_client_stays_on_its_event_loop(emu: Any) -> None:
    client = ConnectClient(emu.url, emu.api_key)

    async def me() -> str:
        return (await client.me()).username

    first = asyncio.new_event_loop()
    try:
        assert first.run_until_complete(me())
        with pytest.raises(RuntimeError, match="another event loop"):
            asyncio.run(me())
        first.run_until_complete(client.close())
    finally:
        first.close()
    assert client.closed
