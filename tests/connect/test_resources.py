"""The other resources: content environment variables, vanity URLs, thumbnails, users, groups,
usage."""

from __future__ import annotations

import base64
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from rsconnect_lab.connect import ConnectClient, errors

from .conftest import MakeClient, static_bundle, unique

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAE"
    "hQGAhKmMIQAAAABJRU5ErkJggg=="
)


@pytest.mark.asyncio
async def test_content_environment_variables(connect: ConnectClient) -> None:
    content = await connect.content.create(unique("env"))
    assert await connect.content_env.names(content.guid) == []
    names = await connect.content_env.update(content.guid, {"DB_URL": "postgres://x", "B": "1"})
    assert sorted(names) == ["B", "DB_URL"]
    assert sorted(await connect.content_env.delete(content.guid, "B")) == ["DB_URL"]
    assert sorted(await connect.content_env.replace(content.guid, {"ONLY": "1"})) == ["ONLY"]
    assert await connect.content_env.replace(content.guid, {}) == []


@pytest.mark.asyncio
async def test_permissions_share_content(
    emu: Any, connect: ConnectClient, make_client: MakeClient
) -> None:
    content = await connect.content.create(unique("shared"))
    viewer_guid, viewer_key = emu.add_user(unique("viewer").replace("-", "_"), role="viewer")
    viewer = make_client(emu.url, viewer_key)
    with pytest.raises((errors.NotFound, errors.PermissionDenied)):
        await viewer.content.get(content.guid)
    granted = await connect.permissions.add(content.guid, viewer_guid)
    assert granted.role == "viewer" and granted.principal_guid == viewer_guid
    assert granted.id in {p.id for p in await connect.permissions.list(content.guid)}
    assert (await viewer.content.get(content.guid)).guid == content.guid
    await connect.permissions.delete(content.guid, granted.id)
    assert granted.id not in {p.id for p in await connect.permissions.list(content.guid)}


@pytest.mark.asyncio
async def test_vanity_urls(connect: ConnectClient) -> None:
    first = await connect.content.create(unique("van"))
    second = await connect.content.create(unique("van"))
    assert await connect.vanity.get(first.guid) is None
    path = f"/{unique('path')}/"
    vanity = await connect.vanity.set(first.guid, path.strip("/"))
    assert vanity.path == path
    assert (await connect.vanity.get(first.guid)) == vanity
    listed = await connect.content.get(first.guid, include="owner,vanity_url")
    assert listed.vanity_url and listed.vanity_url.endswith(path)
    assert listed.raw["owner"]["username"]  # nested includes stay reachable through raw
    assert path in {item.path for item in await connect.vanity.list()}
    with pytest.raises(errors.NameConflict) as info:
        await connect.vanity.set(second.guid, path)
    assert info.value.code == 51
    with pytest.raises(errors.InvalidField):
        await connect.vanity.set(second.guid, "/connect/")
    await connect.vanity.delete(first.guid)
    assert await connect.vanity.get(first.guid) is None


@pytest.mark.asyncio
async def test_thumbnails(connect: ConnectClient, tmp_path: Path) -> None:
    content = await connect.content.create(unique("thumb"))
    assert await connect.thumbnails.get(content.guid) is None
    image = tmp_path / "thumb.png"
    image.write_bytes(PNG)
    await connect.thumbnails.set(content.guid, image)
    assert await connect.thumbnails.get(content.guid) == PNG
    await connect.thumbnails.delete(content.guid)
    assert await connect.thumbnails.get(content.guid) is None
    # A large image arrives in many reads on the server side; all of it is kept.
    large = PNG + os.urandom(3 * 1024 * 1024)
    image.write_bytes(large)
    await connect.thumbnails.set(content.guid, image)
    assert await connect.thumbnails.get(content.guid) == large
    with pytest.raises(errors.NotFound):  # unknown content is not "no thumbnail"
        await connect.thumbnails.get("00000000-0000-0000-0000-000000000000")


@pytest.mark.asyncio
async def test_thumbnails_on_an_older_server(
    old_emulator: Any, make_client: MakeClient, tmp_path: Path
) -> None:
    client = make_client(old_emulator.url, old_emulator.api_key)
    assert not await client.supports("thumbnails")  # so the legacy image endpoints are used
    content = await client.content.create(unique("oldthumb"))
    image = tmp_path / "thumb.png"
    image.write_bytes(PNG)
    await client.thumbnails.set(content.guid, image)
    assert await client.thumbnails.get(content.guid) == PNG
    await client.thumbnails.delete(content.guid)
    assert await client.thumbnails.get(content.guid) is None


@pytest.mark.asyncio
async def test_legacy_numeric_id_resolves_to_the_guid(connect: ConnectClient) -> None:
    content = await connect.content.create(unique("legacy"))
    assert content.id and content.id.isdigit()
    assert await connect.content.guid_for_legacy_id(content.id) == content.guid
    with pytest.raises(errors.NotFound):
        await connect.content.guid_for_legacy_id("987654321")


@pytest.mark.asyncio
async def test_users(emu: Any, connect: ConnectClient, make_client: MakeClient) -> None:
    username = unique("user").replace("-", "_")
    guid, key = emu.add_user(username, role="publisher")
    users = [user async for user in connect.users.list()]
    assert guid in {user.guid for user in users}
    assert await connect.users.count() == len(users)
    assert (await connect.users.get(guid)).username == username
    prefixed = [user async for user in connect.users.list(prefix=username)]
    assert [user.guid for user in prefixed] == [guid]
    assert (await make_client(emu.url, key).me()).guid == guid


@pytest.mark.asyncio
async def test_locked_user_is_told_so(
    emu: Any, connect: ConnectClient, make_client: MakeClient
) -> None:
    guid, key = emu.add_user(unique("locked").replace("-", "_"), role="publisher")
    user = make_client(emu.url, key)
    await connect.users.lock(guid)
    with pytest.raises(errors.PermissionDenied) as info:
        await user.me()
    assert info.value.code == 50 and "locked" in info.value.message
    assert (await connect.users.get(guid)).locked
    await connect.users.lock(guid, locked=False)
    assert (await user.me()).guid == guid


@pytest.mark.asyncio
async def test_groups(emu: Any, connect: ConnectClient) -> None:
    guid, _ = emu.add_user(unique("member").replace("-", "_"), role="viewer")
    group = await connect.groups.create(unique("group"))
    assert (await connect.groups.get(group.guid)).name == group.name
    assert group.guid in {g.guid async for g in connect.groups.list()}
    await connect.groups.add_member(group.guid, guid)
    assert [user.guid async for user in connect.groups.members(group.guid)] == [guid]
    await connect.groups.remove_member(group.guid, guid)
    assert [user async for user in connect.groups.members(group.guid)] == []
    await connect.groups.delete(group.guid)
    with pytest.raises(errors.NotFound):
        await connect.groups.get(group.guid)


@pytest.mark.asyncio
async def test_usage_visits(connect: ConnectClient, bundle_dir: Path) -> None:
    content = await connect.content.create(unique("usage"))
    bundle = await connect.bundles.upload(content.guid, static_bundle(bundle_dir))
    await connect.tasks.wait(await connect.deploy(content.guid, bundle.id))
    for _ in range(2):
        assert await connect.content_status(content.guid) == 200
    visits = [visit async for visit in connect.usage.visits(content_guid=content.guid)]
    assert len(visits) >= 2 and all(visit.content_guid == content.guid for visit in visits)
    since = datetime.now(timezone.utc) - timedelta(hours=1)
    recent = [v async for v in connect.usage.visits(content_guid=content.guid, start=since)]
    assert len(recent) == len(visits)
    later = datetime.now(timezone.utc) + timedelta(hours=1)
    assert [v async for v in connect.usage.visits(content_guid=content.guid, start=later)] == []
    assert [item async for item in connect.usage.shiny(content_guid=content.guid)] == []
