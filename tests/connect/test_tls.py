"""TLS with a self-signed (private CA) certificate: refused by default, accepted when told."""

from __future__ import annotations

import asyncio

import pytest

from rsconnect_lab.connect import ConnectClient, errors

from .conftest import MakeClient, TLSSetup


@pytest.mark.asyncio
async def test_refused_by_default_with_the_ca_hint(
    tls_emulator: TLSSetup, make_client: MakeClient
) -> None:
    emu = tls_emulator.emulator
    assert emu.url.startswith("https://")
    client = make_client(emu.url, emu.api_key)
    with pytest.raises(errors.TLSError) as info:
        await client.server_settings()
    message = info.value.message
    assert emu.url in message and "CA bundle" in message and "CONNECT_CA_CERTIFICATE" in message
    assert info.value.reason == "tls"


@pytest.mark.asyncio
async def test_accepted_with_the_ca_bundle_file(
    tls_emulator: TLSSetup, make_client: MakeClient
) -> None:
    emu = tls_emulator.emulator
    client = make_client(emu.url, emu.api_key, ca_cert=str(tls_emulator.ca_file))
    assert (await client.me()).username


@pytest.mark.asyncio
async def test_accepted_with_the_ca_pem_text(
    tls_emulator: TLSSetup, make_client: MakeClient
) -> None:
    emu = tls_emulator.emulator
    client = make_client(emu.url, emu.api_key, ca_cert=tls_emulator.ca_pem)
    assert (await client.me()).username


@pytest.mark.asyncio
async def test_accepted_with_insecure(tls_emulator: TLSSetup, make_client: MakeClient) -> None:
    emu = tls_emulator.emulator
    client = make_client(emu.url, emu.api_key, insecure=True)
    assert (await client.me()).username
    assert "insecure=True" in repr(client)


@pytest.mark.asyncio
async def test_from_env_with_ca_certificate(
    tls_emulator: TLSSetup, monkeypatch: pytest.MonkeyPatch
) -> None:
    emu = tls_emulator.emulator
    monkeypatch.setenv("CONNECT_SERVER", emu.url)
    monkeypatch.setenv("CONNECT_API_KEY", emu.api_key)
    monkeypatch.setenv("CONNECT_CA_CERTIFICATE", str(tls_emulator.ca_file))
    monkeypatch.delenv("CONNECT_INSECURE", raising=False)
    async with ConnectClient.from_env() as connect:
        assert (await connect.me()).username
    monkeypatch.delenv("CONNECT_CA_CERTIFICATE")
    monkeypatch.setenv("CONNECT_INSECURE", "1")
    async with ConnectClient.from_env() as connect:
        assert (await connect.me()).username


@pytest.mark.asyncio
async def test_wrong_host_name(tls_emulator: TLSSetup, make_client: MakeClient) -> None:
    emu = tls_emulator.emulator
    url = emu.url.replace("127.0.0.1", "localhost")  # not a name on the certificate
    client = make_client(url, emu.api_key, ca_cert=str(tls_emulator.ca_file))
    with pytest.raises(errors.TLSError) as info:
        await client.me()
    assert "different host name" in info.value.message and url in info.value.message


@pytest.mark.asyncio
async def test_plain_http_to_a_tls_port(tls_emulator: TLSSetup, make_client: MakeClient) -> None:
    emu = tls_emulator.emulator
    url = emu.url.replace("https://", "http://")
    client = make_client(url, emu.api_key, retries=0)
    with pytest.raises(errors.ConnectError) as info:
        await client.me()
    assert url in info.value.message and "https://" in info.value.message


@pytest.mark.asyncio
async def test_https_through_the_proxy_from_the_environment(
    tls_emulator: TLSSetup, make_client: MakeClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """HTTPS_PROXY is honoured: the client tunnels with CONNECT and still verifies TLS."""
    tunnels: list[str] = []
    connects: list[str] = []  # the proxy must not learn the API key from the CONNECT

    async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except ConnectionError:
            pass
        finally:
            writer.close()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        request = await reader.readuntil(b"\r\n\r\n")
        method, target, _ = request.split(b"\r\n", 1)[0].decode().split(" ", 2)
        assert method == "CONNECT"
        tunnels.append(target)
        connects.append(request.decode())
        host, port = target.rsplit(":", 1)
        up_reader, up_writer = await asyncio.open_connection(host, int(port))
        writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
        await writer.drain()
        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))

    proxy = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = proxy.sockets[0].getsockname()[1]
    try:
        monkeypatch.setenv("HTTPS_PROXY", f"http://127.0.0.1:{port}")
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        emu = tls_emulator.emulator
        client = make_client(emu.url, emu.api_key, ca_cert=str(tls_emulator.ca_file))
        assert (await client.me()).username
        assert tunnels == [emu.url.removeprefix("https://")]
        assert emu.api_key not in connects[0] and "Authorization" not in connects[0]
        await client.close()
    finally:
        proxy.close()
        await proxy.wait_closed()
