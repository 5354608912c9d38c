"""A second virtual environment, made once per run, standing in for a kernel's environment."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from rsconnect_lab.environment import clear_cache


def _dist_info(
    site: Path, name: str, version: str, *, top_level: str = "", direct_url: dict | None = None
) -> None:
    info = site / f"{name}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    if top_level:
        (info / "top_level.txt").write_text(top_level + "\n")
    if direct_url is not None:
        (info / "direct_url.json").write_text(json.dumps(direct_url))


@pytest.fixture(scope="session")
def kernel_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A venv without pip holding fake distributions: a plain one, one installed from a local
    folder, one editable, and an rsconnect one that must be filtered out."""
    root = tmp_path_factory.mktemp("kernel-venv") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root)], check=True)
    site = next(root.glob("lib/python*/site-packages"))
    _dist_info(site, "Fake_Pkg", "1.2.3", top_level="fakemod")
    _dist_info(site, "localpkg", "0.5", direct_url={"url": "file:///tmp/localpkg", "dir_info": {}})
    _dist_info(
        site,
        "edpkg",
        "2.0",
        direct_url={"url": "file:///src/edpkg", "dir_info": {"editable": True}},
    )
    _dist_info(site, "rsconnect-jupyter", "1.0")
    _dist_info(
        site,
        "gitpkg",
        "0.1",
        direct_url={
            "url": "https://example.com/g.git",
            "vcs_info": {"vcs": "git", "commit_id": "abc"},
        },
    )
    (site / "fakemod").mkdir()
    (site / "fakemod" / "__init__.py").write_text("")
    return root


@pytest.fixture
def kernel_python(kernel_venv: Path) -> str:
    return str(kernel_venv / "bin" / "python")


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    clear_cache()
    yield
    clear_cache()
