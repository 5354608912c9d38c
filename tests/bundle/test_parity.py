"""For the same inputs, the same parsed manifest.json as rsconnect-python 1.32.0."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from rsconnect_lab.bundle import BundleSpec, make_bundle, write_manifest
from rsconnect_lab.environment import detect_environment

from .helpers import read_tar, write_notebook

RSCONNECT = str(Path(sys.executable).parent / "rsconnect")
REQUIREMENTS = "numpy==1.26.4\r\nrsconnect-python==1.32.0\npandas>=2  # data\n"


def rsconnect_manifest(*args: str, cwd: Path) -> dict[str, Any]:
    """Run ``rsconnect write-manifest ARGS`` and return (and remove) the manifest it wrote."""
    subprocess.run([RSCONNECT, "write-manifest", *args], cwd=cwd, check=True, capture_output=True)
    manifest = cwd / "manifest.json"
    data: dict[str, Any] = json.loads(manifest.read_text())
    manifest.unlink()
    return data


def _app_dir(root: Path, app: str = "app.py", body: str = "app = object()\n") -> Path:
    d = root / "project"
    (d / "assets").mkdir(parents=True)
    (d / app).write_text(body)
    (d / "helper.py").write_text("X = 1\n")
    (d / "assets" / "style.css").write_text("body {}\n")
    (d / "__pycache__").mkdir()
    (d / "__pycache__" / "app.cpython-311.pyc").write_bytes(b"\0" * 10)
    (d / ".git").mkdir()
    (d / ".git" / "config").write_text("[core]\n")
    (d / "env" / "bin").mkdir(parents=True)
    (d / "env" / "bin" / "python").write_text("")
    (d / "env" / "lib.txt").write_text("")
    (d / "node_modules").mkdir()
    (d / "node_modules" / "a.js").write_text("")
    (d / "rsconnect-python").mkdir()
    (d / "rsconnect-python" / "project.json").write_text("{}")
    (d / "requirements.txt").write_text(REQUIREMENTS)
    (d / "data").mkdir()
    (d / "data" / "table.csv").write_text("a,b\n1,2\n")
    (d / "pyproject.toml").write_text('[project]\nname = "x"\nrequires-python = ">=3.10"\n')
    return d


async def _ours(spec: BundleSpec, directory: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """Our manifest twice: from a bundle, and as written by write_manifest."""
    env = await detect_environment(spec.path, python=sys.executable)
    bundle = await make_bundle(spec, env)
    try:
        members = read_tar(bundle.path)
        from_bundle = json.loads(members["manifest.json"])
        assert from_bundle == bundle.manifest
        assert bundle.files[0] == "manifest.json" and bundle.files[1] == "requirements.txt"
        assert list(members) == bundle.files
    finally:
        os.unlink(bundle.path)
    await write_manifest(spec, env)
    written = json.loads((directory / "manifest.json").read_text())
    (directory / "manifest.json").unlink()
    return from_bundle, written


APP_COMMANDS = [
    ("dash", "python-dash"),
    ("api", "python-api"),
    ("flask", "python-flask"),
    ("fastapi", "python-fastapi"),
    ("streamlit", "python-streamlit"),
    ("bokeh", "python-bokeh"),
    ("shiny", "python-shiny"),
    ("panel", "python-panel"),
    ("gradio", "python-gradio"),
]


@pytest.mark.asyncio
@pytest.mark.parametrize(("command", "mode"), APP_COMMANDS)
async def test_app_modes(tmp_path: Path, command: str, mode: str) -> None:
    d = _app_dir(tmp_path)
    theirs = rsconnect_manifest(command, str(d), cwd=d)
    from_bundle, written = await _ours(BundleSpec(path=d, mode=mode), d)
    assert from_bundle == theirs
    assert written == theirs
    assert "env/lib.txt" not in theirs["files"] and "data/table.csv" in theirs["files"]


@pytest.mark.asyncio
async def test_app_with_entrypoint_excludes_and_extra(tmp_path: Path) -> None:
    d = _app_dir(tmp_path, app="serve_app.py")
    (d / "helper.py").unlink()
    (d / "notes.md").write_text("x")
    args = [
        "dash",
        "-e",
        "serve_app:server",
        "-x",
        "data",
        "-x",
        "*.md",
        str(d),
        str(d / "notes.md"),
    ]
    theirs = rsconnect_manifest(*args, cwd=d)
    spec = BundleSpec(
        path=d,
        mode="python-dash",
        entrypoint="serve_app:server",
        excludes=["data", "*.md"],
        extra_files=["notes.md"],
    )
    from_bundle, written = await _ours(spec, d)
    assert from_bundle == theirs == written
    # the entrypoint is guessed the same way too
    theirs = rsconnect_manifest("fastapi", str(d), cwd=d)
    from_bundle, _ = await _ours(BundleSpec(path=d, mode="python-fastapi"), d)
    assert from_bundle == theirs


@pytest.mark.asyncio
async def test_shiny_express(tmp_path: Path) -> None:
    d = _app_dir(tmp_path, app="app.py", body="from shiny.express import ui\nui.h1('x')\n")
    theirs = rsconnect_manifest("shiny", str(d), cwd=d)
    assert theirs["metadata"]["entrypoint"].startswith("shiny.express.app:")
    from_bundle, written = await _ours(BundleSpec(path=d, mode="python-shiny"), d)
    assert from_bundle == theirs == written


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "flags",
    [
        (),
        ("--hide-all-input",),
        ("--hide-tagged-input",),
        ("--hide-all-input", "--hide-tagged-input"),
    ],
)
async def test_notebook(tmp_path: Path, flags: tuple[str, ...]) -> None:
    d = tmp_path / "nbdir"
    nb = write_notebook(d / "analysis.ipynb", "import numpy\nprint(1)")
    (d / "requirements.txt").write_text(REQUIREMENTS)
    (d / "data").mkdir()
    (d / "data" / "input.csv").write_text("a\n1\n")
    (d / "other.txt").write_text("not included\n")
    (d / ".python-version").write_text("3.11\n")
    theirs = rsconnect_manifest("notebook", *flags, str(nb), str(d / "data" / "input.csv"), cwd=d)
    spec = BundleSpec(
        path=nb,
        extra_files=[d / "data" / "input.csv"],
        hide_all_input="--hide-all-input" in flags,
        hide_tagged_input="--hide-tagged-input" in flags,
    )
    from_bundle, written = await _ours(spec, d)
    assert from_bundle == theirs == written
    assert "other.txt" not in theirs["files"]


@pytest.mark.asyncio
async def test_notebook_frozen_environment(tmp_path: Path) -> None:
    """Without requirements.txt (``-g``): everything equal but the generated file's timestamp."""
    d = tmp_path / "nbdir"
    nb = write_notebook(d / "nb.ipynb", "print(1)")
    theirs = rsconnect_manifest("notebook", "-g", str(nb), cwd=d)
    their_requirements = (d / "requirements.txt").read_text()
    (d / "requirements.txt").unlink()
    env = await detect_environment(nb, python=sys.executable)
    bundle = await make_bundle(BundleSpec(path=nb), env)
    try:
        ours = bundle.manifest
        our_requirements = read_tar(bundle.path)["requirements.txt"].decode()
    finally:
        os.unlink(bundle.path)
    # by design an editable install (this project, with -e) is listed as name==version instead
    theirs_lines = [x for x in their_requirements.split("\n")[1:] if not x.startswith("-e ")]
    assert our_requirements.split("\n")[1:] == theirs_lines
    ours["files"].pop("requirements.txt")
    theirs["files"].pop("requirements.txt")
    assert ours == theirs


@pytest.mark.asyncio
async def test_voila(tmp_path: Path) -> None:
    d = tmp_path / "voiladir"
    nb = write_notebook(d / "dashboard.ipynb", "import ipywidgets")
    (d / "requirements.txt").write_text(REQUIREMENTS)
    (d / "voila.json").write_text('{"VoilaConfiguration": {"theme": "dark"}}')
    (d / "logo.png").write_bytes(b"\x89PNG")
    (d / "unrelated.txt").write_text("x")
    theirs = rsconnect_manifest("voila", str(nb), str(d / "logo.png"), cwd=d)
    from_bundle, written = await _ours(
        BundleSpec(path=nb, mode="voila", extra_files=["logo.png"]), d
    )
    assert from_bundle == theirs == written


@pytest.mark.asyncio
async def test_static_snapshot(tmp_path: Path) -> None:
    """The HTML snapshot bundle: same manifest as rsconnect-python's, output really rendered."""
    from rsconnect.bundle import make_notebook_html_bundle

    d = tmp_path / "static"
    nb = write_notebook(d / "report.ipynb", "print('hello' + ' from the kernel')", "x = 1")
    shutil.copy(nb, tmp_path / "copy.ipynb")
    their_file = make_notebook_html_bundle(
        str(tmp_path / "copy.ipynb"), sys.executable, True, False
    )
    theirs = json.loads(
        __import__("tarfile")
        .open(fileobj=their_file, mode="r:gz")
        .extractfile("manifest.json")
        .read()
    )
    bundle = await make_bundle(BundleSpec(path=nb, mode="static", hide_input="all"))
    try:
        members = read_tar(bundle.path)
    finally:
        os.unlink(bundle.path)
    theirs["metadata"]["primary_html"] = "report.html"
    assert bundle.manifest == theirs
    assert list(members) == ["manifest.json", "report.html"]
    html = members["report.html"].decode()
    assert "hello from the kernel" in html
    assert "print(&#39;hello&#39;" not in html and "print('hello'" not in html  # input hidden


@pytest.mark.asyncio
async def test_image_and_environment_management(tmp_path: Path) -> None:
    d = _app_dir(tmp_path)
    args = ["streamlit", "--image", "ghcr.io/x/py:3.11", "--disable-env-management-py", str(d)]
    theirs = rsconnect_manifest(*args, cwd=d)
    spec = BundleSpec(
        path=d, mode="python-streamlit", image="ghcr.io/x/py:3.11", env_management_py=False
    )
    from_bundle, written = await _ours(spec, d)
    assert from_bundle == theirs == written
    assert theirs["environment"]["image"] == "ghcr.io/x/py:3.11"
