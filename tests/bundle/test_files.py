"""Files in a bundle: exclusions never bundled, escapes refused, preview as plain data."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from rsconnect_lab.bundle import (
    BundleError,
    BundleSpec,
    make_bundle,
    preview_bundle,
    write_manifest,
)
from rsconnect_lab.environment import Environment

from .helpers import read_tar, write_notebook


def _project(root: Path) -> Path:
    d = root / "proj"
    write_notebook(d / "nb.ipynb", "print(1)")
    (d / "app.py").write_text("app = 1\n")
    for junk in (
        ".ipynb_checkpoints/nb-checkpoint.ipynb",
        ".git/HEAD",
        "__pycache__/a.pyc",
        "node_modules/x.js",
        "rsconnect-python/proj.json",
        "rsconnect/x.dcf",
        ".rsconnect-python/servers.json",
        "sub/.ipynb_checkpoints/y.ipynb",
        "venv/bin/python",
        "venv/lib/site.py",
    ):
        (d / junk).parent.mkdir(parents=True, exist_ok=True)
        (d / junk).write_text("junk")
    (d / "manifest.json").write_text("{}")
    (d / "requirements.txt").write_text("on disk\n")
    (d / "sub" / "keep.txt").write_text("keep")
    return d


@pytest.mark.asyncio
async def test_excluded_files_never_appear(tmp_path: Path, fixed_env: Environment) -> None:
    d = _project(tmp_path)
    bundle = await make_bundle(BundleSpec(path=d, mode="python-dash"), fixed_env)
    try:
        members = read_tar(bundle.path)
    finally:
        os.unlink(bundle.path)
    assert sorted(members) == [
        "app.py",
        "manifest.json",
        "nb.ipynb",
        "requirements.txt",
        "sub/keep.txt",
    ]
    assert members["requirements.txt"] == fixed_env.requirements.encode()
    preview = await preview_bundle(BundleSpec(path=d, mode="python-dash"), fixed_env)
    reasons = {e.path: e.reason for e in preview.excluded}
    assert reasons[".ipynb_checkpoints/"] == "ignored folder (.ipynb_checkpoints)"
    assert reasons["sub/.ipynb_checkpoints/"].startswith("ignored folder")
    assert reasons["venv/"] == "virtual environment"
    assert reasons["manifest.json"] == "manifest.json is generated"
    assert "requirements.txt" in reasons
    assert ".rsconnect-python/" in reasons
    data = preview.to_json()
    assert data["total"] == sum(f["size"] for f in data["files"])
    assert [f["path"] for f in data["files"]][:2] == ["manifest.json", "requirements.txt"]
    sizes = {f["path"]: f["size"] for f in data["files"]}
    assert sizes["sub/keep.txt"] == 4


@pytest.mark.asyncio
async def test_preview_manifest_size_is_exact(tmp_path: Path, fixed_env: Environment) -> None:
    d = _project(tmp_path)
    spec = BundleSpec(path=d / "nb.ipynb", extra_files=["sub"])
    preview = await preview_bundle(spec, fixed_env)
    bundle = await make_bundle(spec, fixed_env)
    try:
        members = read_tar(bundle.path)
    finally:
        os.unlink(bundle.path)
    assert {f.path: f.size for f in preview.files} == {k: len(v) for k, v in members.items()}
    assert list(members) == ["manifest.json", "requirements.txt", "nb.ipynb", "sub/keep.txt"]


@pytest.mark.asyncio
@pytest.mark.parametrize("extra", ["../outside.txt", "/etc/passwd", "sub/../../outside.txt"])
async def test_extra_files_outside_the_folder_are_refused(
    tmp_path: Path, fixed_env: Environment, extra: str
) -> None:
    d = _project(tmp_path)
    (tmp_path / "outside.txt").write_text("secret")
    with pytest.raises(BundleError) as info:
        await make_bundle(BundleSpec(path=d / "nb.ipynb", extra_files=[extra]), fixed_env)
    assert info.value.reason == "forbidden_path"


@pytest.mark.asyncio
async def test_symlinks_leaving_the_root_are_refused(
    tmp_path: Path, fixed_env: Environment
) -> None:
    root = tmp_path / "root"
    d = _project(root)
    (tmp_path / "secret.txt").write_text("secret")
    (tmp_path / "secretdir").mkdir()
    (tmp_path / "secretdir" / "s.txt").write_text("secret")
    os.symlink(tmp_path / "secret.txt", d / "link.txt")
    os.symlink(tmp_path / "secretdir", d / "linkdir")
    os.symlink(d / "app.py", d / "inside.py")
    spec = BundleSpec(path=d / "nb.ipynb", root_dir=root, extra_files=["link.txt"])
    with pytest.raises(BundleError, match="outside the root"):
        await make_bundle(spec, fixed_env)
    with pytest.raises(BundleError):
        await make_bundle(
            BundleSpec(path=d / "nb.ipynb", root_dir=root, extra_files=["linkdir"]), fixed_env
        )
    # a whole-folder bundle skips them and says why; a link inside the root is kept
    spec = BundleSpec(path=d, mode="python-api", root_dir=root, entrypoint="app")
    preview = await preview_bundle(spec, fixed_env)
    reasons = {e.path: e.reason for e in preview.excluded}
    assert reasons["link.txt"] == "symbolic link leading outside the root directory"
    assert reasons["linkdir/"].startswith("symbolic link to a folder")
    bundle = await make_bundle(spec, fixed_env)
    try:
        members = read_tar(bundle.path)
    finally:
        os.unlink(bundle.path)
    assert "link.txt" not in members and members["inside.py"] == b"app = 1\n"
    # the notebook itself must be inside the root
    with pytest.raises(BundleError):
        await make_bundle(
            BundleSpec(path=d / "nb.ipynb", root_dir=tmp_path / "elsewhere"), fixed_env
        )


@pytest.mark.asyncio
async def test_write_manifest_never_overwrites(tmp_path: Path, fixed_env: Environment) -> None:
    d = tmp_path / "nbdir"
    nb = write_notebook(d / "nb.ipynb", "print(1)")
    frozen = Environment(**{**fixed_env.__dict__, "source": "pip freeze"})
    written = await write_manifest(BundleSpec(path=nb), frozen)
    assert [Path(p).name for p in written] == ["manifest.json", "requirements.txt"]
    assert (d / "requirements.txt").read_text() == fixed_env.requirements
    with pytest.raises(BundleError) as info:
        await write_manifest(BundleSpec(path=nb), frozen)
    assert info.value.reason == "conflict"
    (d / "requirements.txt").write_text("mine\n")
    again = await write_manifest(BundleSpec(path=nb), fixed_env, overwrite=True)
    assert [Path(p).name for p in again.skipped] == ["requirements.txt"]
    assert (d / "requirements.txt").read_text() == "mine\n"


@pytest.mark.asyncio
async def test_bad_inputs(tmp_path: Path, fixed_env: Environment) -> None:
    d = _project(tmp_path)
    with pytest.raises(BundleError) as info:
        await make_bundle(BundleSpec(path=d / "app.py", mode="jupyter-static"), fixed_env)
    assert info.value.reason == "not_a_notebook"
    with pytest.raises(BundleError, match="entrypoint"):
        (d / "other.py").write_text("")
        (d / "app.py").rename(d / "x.py")
        await make_bundle(BundleSpec(path=d, mode="python-dash"), fixed_env)
    with pytest.raises(ValueError):
        await make_bundle(BundleSpec(path=d, mode="nodejs"), fixed_env)
    with pytest.raises(BundleError):
        await make_bundle(BundleSpec(path=d / "nb.ipynb"), None)


@pytest.mark.asyncio
async def test_cancel_stops_and_leaves_no_file(tmp_path: Path, fixed_env: Environment) -> None:
    d = tmp_path / "big"
    nb = write_notebook(d / "nb.ipynb", "print(1)")
    with open(d / "big.bin", "wb") as f:  # hex text: compressible, slow at level 9
        for _ in range(16):
            f.write(os.urandom(1 << 20).hex().encode())
    out = tmp_path / "out"
    out.mkdir()
    task = asyncio.create_task(
        make_bundle(
            BundleSpec(path=nb, extra_files=["big.bin"]), fixed_env, dest_dir=str(out), level=9
        )
    )
    await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    for _ in range(100):  # the worker thread notices at its next chunk
        if not any(out.iterdir()):
            break
        await asyncio.sleep(0.02)
    assert not any(out.iterdir())


@pytest.mark.asyncio
async def test_credentials_are_never_bundled(tmp_path: Path, fixed_env: Environment) -> None:
    d = _project(tmp_path)
    with pytest.raises(BundleError, match="API keys"):
        await make_bundle(
            BundleSpec(path=d / "nb.ipynb", extra_files=[".rsconnect-python/servers.json"]),
            fixed_env,
        )
    with pytest.raises(BundleError, match="API keys"):
        await make_bundle(
            BundleSpec(path=d / "nb.ipynb", extra_files=[".rsconnect-python"]), fixed_env
        )
