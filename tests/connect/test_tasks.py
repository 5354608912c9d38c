"""Following a task: every line once and in order, timeouts, and clean cancellation."""

from __future__ import annotations

import asyncio
import logging
import os
from pathlib import Path
from typing import Any

import pytest

from rsconnect_lab.connect import ConnectClient, errors

from .conftest import MakeClient, notebook_bundle, static_bundle, unique, write_bundle


def _pending_tasks() -> set[asyncio.Task[Any]]:
    return {t for t in asyncio.all_tasks() if t is not asyncio.current_task() and not t.done()}


def _acquired(client: ConnectClient) -> int:
    connector = client._transport.session.connector
    assert connector is not None
    return len(connector._acquired)


@pytest.mark.asyncio
async def test_lines_once_in_order_across_many_polls(
    connect: ConnectClient, bundle_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="rsconnect_lab.connect")
    content = await connect.content.create(unique("lines"))
    archive = notebook_bundle(
        bundle_dir, ["import time", "for i in range(3):\n    print(i)\n    time.sleep(0.3)"]
    )
    bundle = await connect.bundles.upload(content.guid, archive)
    task_id = await connect.deploy(content.guid, bundle.id)
    follower = connect.tasks.follow(task_id, wait=0, poll_interval=0.05)
    lines: list[str] = []
    async for line in follower:
        if not lines:
            running = await connect.tasks.get(task_id)
        lines.append(line)
    assert not running.finished, "the first lines should arrive while the task still runs"
    polls = [r for r in caplog.records if f"/v1/tasks/{task_id}" in r.getMessage()]
    assert len(polls) > 3, "the task should have been polled several times"
    complete = await connect.tasks.get(task_id, first=0)
    assert complete.finished and complete.code == 0
    assert lines == complete.output  # each line exactly once, in the server's order
    assert follower.task is not None and follower.task.succeeded
    assert follower.lines_seen == len(lines)


@pytest.mark.asyncio
async def test_follow_resumes_from_a_line(connect: ConnectClient, bundle_dir: Path) -> None:
    content = await connect.content.create(unique("resume"))
    bundle = await connect.bundles.upload(content.guid, static_bundle(bundle_dir))
    task_id = await connect.deploy(content.guid, bundle.id)
    everything = [line async for line in connect.tasks.follow(task_id)]
    assert len(everything) >= 3
    interrupted = connect.tasks.follow(task_id)
    shown = [await anext(interrupted), await anext(interrupted)]
    assert interrupted.resume_from == 2
    resumed = [line async for line in connect.tasks.follow(task_id, first=2)]
    assert shown + resumed == everything


@pytest.mark.asyncio
async def test_wait_returns_the_final_task(connect: ConnectClient, bundle_dir: Path) -> None:
    content = await connect.content.create(unique("wait"))
    bundle = await connect.bundles.upload(content.guid, static_bundle(bundle_dir))
    task = await connect.tasks.wait(await connect.deploy(content.guid, bundle.id))
    assert task.finished and task.code == 0 and task.last >= 1


@pytest.mark.asyncio
async def test_timeout_stops_following(emu: Any, connect: ConnectClient, bundle_dir: Path) -> None:
    content = await connect.content.create(unique("slow"))
    bundle = await connect.bundles.upload(content.guid, static_bundle(bundle_dir))
    task_id = await connect.deploy(content.guid, bundle.id)
    emu.set_fault("GET /__api__/v1/tasks/*", delay=0.4)
    with pytest.raises(errors.TaskTimeout) as info:
        async for _ in connect.tasks.follow(task_id, timeout=0.2, wait=0):
            pass
    assert "did not finish within 0.2 s" in info.value.message
    assert "CONNECT_TASK_TIMEOUT" in info.value.message
    assert info.value.logs_url == f"{content.dashboard_url}/logs"
    assert info.value.logs_url in info.value.message
    assert isinstance(info.value, errors.TaskFailed)


@pytest.mark.asyncio
async def test_cancel_mid_poll_leaves_nothing_behind(
    emu: Any, emulator: Any, bundle_dir: Path
) -> None:
    client = ConnectClient(emulator.url, emulator.api_key)
    content = await client.content.create(unique("cancel"))
    bundle = await client.bundles.upload(content.guid, static_bundle(bundle_dir))
    task_id = await client.deploy(content.guid, bundle.id)
    emu.set_fault("GET /__api__/v1/tasks/*", delay=5.0)
    received: list[str] = []

    async def consume() -> None:
        async for line in client.tasks.follow(task_id):
            received.append(line)

    runner = asyncio.create_task(consume())
    await asyncio.sleep(0.3)  # the first poll is now held by the emulator
    assert _acquired(client) == 1
    runner.cancel()
    with pytest.raises(asyncio.CancelledError):
        await runner
    assert not received
    assert _pending_tasks() == set()
    assert _acquired(client) == 0  # the held request was abandoned, not left open
    session = client._transport.session
    await client.close()
    assert session.closed
    assert _pending_tasks() == set()


@pytest.mark.asyncio
async def test_breaking_out_leaves_nothing_behind(connect: ConnectClient, bundle_dir: Path) -> None:
    content = await connect.content.create(unique("break"))
    bundle = await connect.bundles.upload(content.guid, static_bundle(bundle_dir))
    task_id = await connect.deploy(content.guid, bundle.id)
    follower = connect.tasks.follow(task_id)
    async for _ in follower:
        break
    await follower.aclose()
    assert _pending_tasks() == set()
    assert _acquired(connect) == 0
    assert [line async for line in follower] == []


@pytest.mark.asyncio
async def test_cancelled_download_removes_the_partial_file(
    emu: Any, connect: ConnectClient, bundle_dir: Path, tmp_path: Path
) -> None:
    content = await connect.content.create(unique("dlcancel"))
    bundle = await connect.bundles.upload(content.guid, static_bundle(bundle_dir))
    emu.set_fault("GET /__api__/v1/content/*/bundles/*/download", delay=5.0)
    target = tmp_path / "partial.tar.gz"
    runner = asyncio.create_task(connect.bundles.download(content.guid, bundle.id, target))
    await asyncio.sleep(0.3)
    runner.cancel()
    with pytest.raises(asyncio.CancelledError):
        await runner
    assert not target.exists()
    assert _acquired(connect) == 0


@pytest.mark.asyncio
async def test_logs_url_without_a_remembered_deploy(
    emu: Any, make_client: MakeClient, bundle_dir: Path
) -> None:
    first = make_client(emu.url, emu.api_key)
    content = await first.content.create(unique("logs"))
    bundle = await first.bundles.upload(content.guid, static_bundle(bundle_dir))
    emu.set_fault("deploy", fail_task=True, count=1)
    task_id = await first.deploy(content.guid, bundle.id)
    # Another client (e.g. after a restart) follows with the guid it was told.
    other = make_client(emu.url, emu.api_key)
    with pytest.raises(errors.TaskFailed) as info:
        await other.tasks.wait(task_id, content_guid=content.guid)
    assert info.value.logs_url == f"{content.dashboard_url}/logs"
    assert "Troubleshooting: https://docs.posit.co/connect/user/troubleshooting/#" in str(
        info.value
    )


@pytest.mark.asyncio
async def test_cancelled_upload_closes_the_file_and_the_connection(
    emu: Any, connect: ConnectClient, tmp_path: Path
) -> None:
    content = await connect.content.create(unique("upcancel"))
    archive = write_bundle(
        tmp_path / "big.tar.gz",
        {"version": 1, "metadata": {"appmode": "static", "primary_html": "index.html"}},
        {"index.html": b"<p>x</p>", "data.bin": os.urandom(16 << 20)},
    )
    emu.set_fault("POST /__api__/v1/content/*/bundles", delay=5.0)
    sent: list[int] = []
    runner = asyncio.create_task(
        connect.bundles.upload(content.guid, archive, progress=lambda n, _: sent.append(n))
    )
    await asyncio.sleep(0.5)
    runner.cancel()
    with pytest.raises(asyncio.CancelledError):
        await runner
    assert sent and sent[-1] < archive.stat().st_size  # it really was cut off mid-way
    assert _pending_tasks() == set()
    assert _acquired(connect) == 0
    assert not [f for f in open_paths() if f == str(archive)]
    emu.clear_faults()
    assert [b.id for b in await connect.bundles.list(content.guid)] == []


def open_paths() -> list[str]:
    """Paths this process holds open (from /proc, so no extra dependency)."""
    fds = Path("/proc/self/fd")
    paths = []
    for fd in fds.iterdir():
        try:
            paths.append(os.readlink(fd))
        except OSError:
            continue
    return paths
