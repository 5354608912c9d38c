"""Retries: only idempotent requests, only on connection failures and 502/503/504.

The emulator's faults carry a `count`, so how many requests reached it shows in whether the
fault is used up: a follow-up request with retries off succeeds only if it is.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from rsconnect_lab.connect import errors

from .conftest import MakeClient, static_bundle, unique


@pytest.mark.asyncio
@pytest.mark.parametrize("status", [502, 503, 504])
async def test_get_is_retried_on_gateway_errors(
    emu: Any, make_client: MakeClient, status: int, caplog: pytest.LogCaptureFixture
) -> None:
    emu.set_fault("GET /__api__/v1/user", status=status, count=2)
    caplog.set_level(logging.WARNING, logger="rsconnect_lab.connect")
    client = make_client(emu.url, emu.api_key, retries=3)
    assert (await client.me()).username
    retries = [r for r in caplog.records if "retrying" in r.getMessage()]
    assert len(retries) == 2 and f"HTTP {status}" in retries[0].getMessage()


@pytest.mark.asyncio
async def test_get_makes_exactly_one_plus_retries_attempts(
    emu: Any, make_client: MakeClient
) -> None:
    once = make_client(emu.url, emu.api_key, retries=0)
    client = make_client(emu.url, emu.api_key, retries=2)
    # Three failures for three attempts: the call fails and the fault is used up...
    emu.set_fault("GET /__api__/v1/user", status=503, count=3)
    with pytest.raises(errors.ServerError):
        await client.me()
    assert (await once.me()).username  # ...so a single attempt now gets through.
    # Four failures for three attempts: one is left over for the next request.
    emu.set_fault("GET /__api__/v1/user", status=503, count=4)
    with pytest.raises(errors.ServerError):
        await client.me()
    with pytest.raises(errors.ServerError):
        await once.me()
    assert (await once.me()).username


@pytest.mark.asyncio
@pytest.mark.parametrize("status", [502, 503])
async def test_post_is_never_retried(emu: Any, make_client: MakeClient, status: int) -> None:
    client = make_client(emu.url, emu.api_key, retries=3)
    name = unique("post")
    emu.set_fault("POST /__api__/v1/content", status=status, count=1)
    with pytest.raises(errors.ServerError) as info:
        await client.content.create(name)
    assert info.value.status == status
    # One request used the one fault, so the same call now succeeds: no retry happened.
    assert (await client.content.create(name)).name == name


@pytest.mark.asyncio
async def test_patch_is_never_retried(emu: Any, make_client: MakeClient) -> None:
    client = make_client(emu.url, emu.api_key, retries=3)
    content = await client.content.create(unique("patch"))
    emu.set_fault(f"PATCH /__api__/v1/content/{content.guid}", status=503, count=1)
    with pytest.raises(errors.ServerError):
        await client.content.update(content.guid, title="Never twice")
    assert (await client.content.update(content.guid, title="Once")).title == "Once"


@pytest.mark.asyncio
async def test_other_5xx_is_not_retried(emu: Any, make_client: MakeClient) -> None:
    client = make_client(emu.url, emu.api_key, retries=3)
    emu.set_fault("GET /__api__/v1/user", status=500, count=1)
    with pytest.raises(errors.ServerError):
        await client.me()
    assert (await client.me()).username


@pytest.mark.asyncio
async def test_dropped_connection_is_retried_for_get(emu: Any, make_client: MakeClient) -> None:
    client = make_client(emu.url, emu.api_key, retries=3)
    emu.set_fault("GET /__api__/v1/user", drop=True, count=2)
    assert (await client.me()).username


@pytest.mark.asyncio
async def test_dropped_connection_is_not_retried_for_post(
    emu: Any, make_client: MakeClient
) -> None:
    client = make_client(emu.url, emu.api_key, retries=3)
    name = unique("drop")
    emu.set_fault("POST /__api__/v1/content", drop=True, count=1)
    with pytest.raises(errors.ServerUnreachable) as info:
        await client.content.create(name)
    assert "closed the connection" in info.value.message
    assert (await client.content.create(name)).name == name


@pytest.mark.asyncio
async def test_refused_connection_is_retried_then_reported(
    closed_port: int, make_client: MakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="rsconnect_lab.connect")
    client = make_client(f"http://127.0.0.1:{closed_port}", "k", retries=2)
    with pytest.raises(errors.ServerUnreachable):
        await client.me()
    assert len([r for r in caplog.records if "retrying" in r.getMessage()]) == 2


@pytest.mark.asyncio
async def test_dns_failure_is_not_retried(
    make_client: MakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="rsconnect_lab.connect")
    client = make_client("http://nothing-here.invalid", "k", retries=3)
    with pytest.raises(errors.ServerUnreachable):
        await client.me()
    assert not [r for r in caplog.records if "retrying" in r.getMessage()]


@pytest.mark.asyncio
async def test_put_and_delete_are_retried(emu: Any, make_client: MakeClient) -> None:
    client = make_client(emu.url, emu.api_key, retries=2)
    content = await client.content.create(unique("idem"))
    emu.set_fault(f"PUT /__api__/v1/content/{content.guid}/environment", status=503, count=2)
    assert await client.content_env.replace(content.guid, {"A": "1"}) == ["A"]
    emu.set_fault(f"DELETE /__api__/v1/content/{content.guid}", status=502, count=2)
    await client.content.delete(content.guid)
    with pytest.raises(errors.NotFound):
        await client.content.get(content.guid)


@pytest.mark.asyncio
async def test_an_answer_cut_off_midway_is_retried_for_get(
    emu: Any, make_client: MakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="rsconnect_lab.connect")
    client = make_client(emu.url, emu.api_key, retries=3)
    emu.set_fault("GET /__api__/v1/user", truncate=True, count=2)
    assert (await client.me()).username
    assert len([r for r in caplog.records if "retrying" in r.getMessage()]) == 2
    once = make_client(emu.url, emu.api_key, retries=0)
    emu.set_fault("GET /__api__/v1/user", truncate=True, count=1)
    with pytest.raises(errors.ServerUnreachable) as info:
        await once.me()
    assert "cut off" in info.value.message and emu.url in info.value.message


@pytest.mark.asyncio
async def test_an_answer_cut_off_midway_is_not_retried_for_post(
    emu: Any, make_client: MakeClient
) -> None:
    client = make_client(emu.url, emu.api_key, retries=3)
    name = unique("cut")
    emu.set_fault("POST /__api__/v1/content", truncate=True, count=1)
    with pytest.raises(errors.ServerUnreachable):
        await client.content.create(name)
    # The server did act on it once: the name is taken, not twice created.
    assert [c.name for c in await client.content.list(name=name)] == [name]


@pytest.mark.asyncio
async def test_a_download_cut_off_midway_is_typed_and_leaves_no_file(
    emu: Any, make_client: MakeClient, bundle_dir: Path, tmp_path: Path
) -> None:
    client = make_client(emu.url, emu.api_key)
    content = await client.content.create(unique("cutdl"))
    bundle = await client.bundles.upload(content.guid, static_bundle(bundle_dir))
    emu.set_fault("GET /__api__/v1/content/*/bundles/*/download", truncate=True, count=1)
    target = tmp_path / "copy.tar.gz"
    with pytest.raises(errors.ServerUnreachable) as info:
        await client.bundles.download(content.guid, bundle.id, target)
    assert "cut off" in info.value.message
    assert not target.exists()
