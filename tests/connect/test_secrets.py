"""The API key never shows: not in a repr, not in exception text, not in a log record."""

from __future__ import annotations

import logging
import traceback
from pathlib import Path
from typing import Any

import pytest

from rsconnect_lab.connect import ConnectClient, errors
from rsconnect_lab.connect.transport import Secret

from .conftest import MakeClient, static_bundle, unique


def _everything_said(exc: BaseException) -> str:
    return "\n".join(
        [str(exc), repr(exc), "".join(traceback.format_exception(exc)), repr(vars(exc))]
    )


@pytest.mark.asyncio
async def test_key_never_in_repr_errors_or_logs(
    emu: Any,
    make_client: MakeClient,
    bundle_dir: Path,
    closed_port: int,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger, aiohttp's included
    _, key = emu.add_user(unique("secret").replace("-", "_"), role="publisher")
    bad_key = "definitely-not-valid-" + key[::-1]
    good = make_client(emu.url, key)
    said: list[str] = [repr(good), str(good), repr(good._transport), repr(vars(good))]

    # A full publish, with retries and a failing task, logged at DEBUG.
    content = await good.content.create(unique("s"), title="Secret test")
    emu.set_fault("GET /__api__/v1/tasks/*", status=503, count=1)
    emu.set_fault("deploy", fail_task=True, count=1)
    bundle = await good.bundles.upload(content.guid, static_bundle(bundle_dir))
    await good.content_env.update(content.guid, {"TOKEN": "value"})
    with pytest.raises(errors.TaskFailed) as failed:
        await good.tasks.wait(await good.deploy(content.guid, bundle.id))
    said.append(_everything_said(failed.value))

    failures: list[tuple[ConnectClient, str]] = [
        (make_client(emu.url, bad_key), "me"),
        (good, "not-found"),
        (make_client(f"http://127.0.0.1:{closed_port}", key, retries=1), "me"),
        (make_client(emu.url.replace("http://", "https://"), key), "me"),
    ]
    for client, action in failures:
        said.append(repr(client))
        with pytest.raises(errors.ConnectError) as info:
            if action == "me":
                await client.me()
            else:
                await client.content.get("00000000-0000-0000-0000-000000000000")
        said.append(_everything_said(info.value))

    said.extend(record.getMessage() for record in caplog.records)
    said.extend(repr(record.args) for record in caplog.records)
    said.append(caplog.text)
    text = "\n".join(said)
    assert "retrying" in text and "GET" in text  # the logs did record the traffic
    assert key not in text
    assert bad_key not in text


def test_secret_hides_itself() -> None:
    secret = Secret("abc-123-xyz")
    assert "abc-123-xyz" not in repr(secret) + str(secret) + f"{secret}"
    assert secret.reveal() == "abc-123-xyz"


def test_echoed_key_is_redacted() -> None:
    client = ConnectClient("http://h", "sekrit-key-42")
    message = client._transport.redact("the server said: bad key sekrit-key-42!")
    assert "sekrit-key-42" not in message and "***" in message
