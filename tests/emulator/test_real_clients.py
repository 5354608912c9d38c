"""The real rsconnect-python CLI and posit-sdk against the emulator, checking what is served."""

from __future__ import annotations

import re
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from posit import connect

from rsconnect_lab.emulator import Emulator
from tests.emulator.helpers import Api, make_bundle, notebook, rsconnect_env, unique

RSCONNECT = str(Path(sys.executable).with_name("rsconnect"))
pytestmark = pytest.mark.slow


@pytest.fixture
def cli(emu: Emulator, tmp_path: Path):  # type: ignore[no-untyped-def]
    """Runs `rsconnect` with its own config dir, the emulator already added as `emu`."""
    env = rsconnect_env(tmp_path / "home")

    def run(*args: str, check: bool = True) -> str:
        proc = subprocess.run(
            [RSCONNECT, *args], env=env, capture_output=True, text=True, timeout=300, cwd=tmp_path
        )
        out = proc.stdout + proc.stderr
        if check:
            assert proc.returncode == 0, out
        return out

    out = run("add", "-s", emu.url, "-k", emu.api_key, "-n", "emu")
    assert "Added Connect server" in out
    return run


def content_guid(output: str) -> str:
    found = re.findall(r"/content/([0-9a-f-]{36})/", output)
    assert found, output
    return found[-1]


def make_notebook(folder: Path, stem: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "requirements.txt").write_text("")
    nb = folder / f"{stem}.ipynb"
    nb.write_text(notebook("import math\nprint('circle', round(math.pi * 100))"))
    return nb


def test_rsconnect_notebook_with_source_search_describe_download(
    cli, admin: Api, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    stem = unique("nb").replace("-", "_")
    out = cli("deploy", "notebook", "-n", "emu", str(make_notebook(tmp_path / "nb", stem)))
    guid = content_guid(out)
    page = admin.page(f"/content/{guid}/")
    assert page.status_code == 200 and "circle 314" in page.text  # executed by the emulator

    listed = cli("content", "search", "-n", "emu")
    assert guid in listed and stem in listed
    described = cli("content", "describe", "-n", "emu", "-g", guid)
    assert '"app_mode": "jupyter-static"' in described
    target = tmp_path / "dl.tar.gz"
    cli("content", "download-bundle", "-n", "emu", "-g", guid, "-o", str(target))
    with tarfile.open(target) as tar:
        assert {"manifest.json", f"{stem}.ipynb"} <= set(tar.getnames())


def test_rsconnect_notebook_static(cli, admin: Api, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    stem = unique("st").replace("-", "_")
    nb = make_notebook(tmp_path / "st", stem)
    guid = content_guid(cli("deploy", "notebook", "--static", "-n", "emu", str(nb)))
    item = admin.get(f"v1/content/{guid}").json()
    assert item["app_mode"] == "static"
    page = admin.page(f"/content/{guid}/")
    assert "circle 314" in page.text  # rendered locally by rsconnect, served as is


def test_rsconnect_redeploy_same_notebook_updates(cli, admin: Api, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    stem = unique("re").replace("-", "_")
    nb = make_notebook(tmp_path / "re", stem)
    guid = content_guid(cli("deploy", "notebook", "-n", "emu", str(nb)))
    nb.write_text(notebook("print('second', 2 + 2)"))
    assert content_guid(cli("deploy", "notebook", "-n", "emu", str(nb))) == guid
    assert "second 4" in admin.page(f"/content/{guid}/").text
    out = cli("deploy", "notebook", "--static", "-n", "emu", str(nb), check=False)
    assert "existing deployment has mode" in out  # rsconnect refuses a mode change itself


def test_rsconnect_dash_with_entrypoint(cli, admin: Api, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    app_dir = tmp_path / unique("dash").replace("-", "_")
    app_dir.mkdir()
    (app_dir / "requirements.txt").write_text("dash\n")
    (app_dir / "app.py").write_text(
        "from dash import Dash, html\n"
        "app = Dash(__name__)\n"
        "app.layout = html.Div([html.H1('Emulated Dash layout', id='title')])\n"
    )
    out = cli("deploy", "dash", "-n", "emu", "--entrypoint", "app:app", str(app_dir))
    guid = content_guid(out)
    item = admin.get(f"v1/content/{guid}").json()
    assert item["app_mode"] == "python-dash" and item["name"] == app_dir.name
    index = admin.page(f"/content/{guid}/")
    assert index.status_code == 200 and f"/content/{guid}/_dash-component-suites/" in index.text
    layout = admin.page(f"/content/{guid}/_dash-layout").json()
    assert layout["props"]["children"][0]["props"]["children"] == "Emulated Dash layout"
    asset = re.search(rf'src="(/content/{guid}/_dash-component-suites/[^"]+)"', index.text)
    assert asset and admin.page(asset.group(1)).status_code == 200


def test_posit_sdk(emu: Emulator, admin: Api, tmp_path: Path) -> None:
    client = connect.Client(emu.url, emu.api_key)
    assert client.me["username"] == "admin"
    assert client.version == "2025.09.0"
    assert "admin" in [u["username"] for u in client.users.find()]
    created = client.content.create(name=unique("sdk"), title="Made by posit-sdk")
    assert created["title"] == "Made by posit-sdk"
    bundle = make_bundle(
        {"version": 1, "metadata": {"appmode": "static", "primary_html": "index.html"}},
        {"index.html": "<p>sdk page</p>"},
    )
    archive = tmp_path / "b.tar.gz"
    archive.write_bytes(bundle)
    b = created.bundles.create(str(archive))
    task = b.deploy()
    task.wait_for()
    assert task["error"] == "" and task["code"] == 0
    found = client.content.get(created["guid"])
    assert found["bundle_id"] == b["id"]
    assert created["guid"] in [c["guid"] for c in client.content.find()]
    assert admin.page(f"/content/{created['guid']}/").text == "<p>sdk page</p>"
    out = tmp_path / "down.tar.gz"
    found.bundles.get(b["id"]).download(str(out))
    assert out.read_bytes() == bundle
    found.vanity = f"/{created['name']}/"
    assert admin.page(f"/{created['name']}/").text == "<p>sdk page</p>"
    assert any(u["content_guid"] == created["guid"] for u in client.metrics.usage.find())
    assert found.environment_variables.find() == [] and list(found.jobs.fetch()) == []
    found.update(title="Renamed by posit-sdk")
    assert client.content.get(created["guid"])["title"] == "Renamed by posit-sdk"
    found.delete()
    assert created["guid"] not in [c["guid"] for c in client.content.find()]


@pytest.mark.parametrize("version", ["2024.01.0", "2026.01.0"])
def test_rsconnect_against_other_server_versions(tmp_path: Path, version: str) -> None:
    """Before 2025.06: one deploy, no draft. From 2025.12: multipart upload with metadata."""
    emu = Emulator(data_dir=tmp_path / "old", version=version)
    emu.start()
    try:
        env = rsconnect_env(tmp_path)
        nb = make_notebook(tmp_path / "old-nb", "legacy_report")
        out = subprocess.run(
            [RSCONNECT, "deploy", "notebook", "-s", emu.url, "-k", emu.api_key, str(nb)],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert out.returncode == 0, out.stdout + out.stderr
        assert ("Draft content URL" in out.stdout + out.stderr) == (version >= "2025.06")
        guid = content_guid(out.stdout + out.stderr)
        assert "circle 314" in Api(emu.url, emu.api_key).page(f"/content/{guid}/").text
    finally:
        emu.stop()
