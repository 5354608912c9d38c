from __future__ import annotations

import os
from pathlib import Path

import pytest

from rsconnect_lab.paths import PathError, check_notebook, resolve_in_root
from rsconnect_lab.plan import default_title


def test_resolve_inside_root(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    assert resolve_in_root(tmp_path, "a/b.ipynb") == (tmp_path / "a" / "b.ipynb").resolve()
    assert resolve_in_root(tmp_path, "/a/b.ipynb") == (tmp_path / "a" / "b.ipynb").resolve()


@pytest.mark.parametrize("bad", ["../x.ipynb", "a/../../x.ipynb", "../../etc/passwd"])
def test_escape_refused(tmp_path: Path, bad: str) -> None:
    with pytest.raises(PathError) as err:
        resolve_in_root(tmp_path / "root", bad)
    assert err.value.reason == "forbidden_path" and err.value.status == 403


def test_symlink_escape_refused(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    (tmp_path / "secret.ipynb").write_text("{}")
    os.symlink(tmp_path / "secret.ipynb", root / "link.ipynb")
    with pytest.raises(PathError):
        resolve_in_root(root, "link.ipynb")


@pytest.mark.asyncio
async def test_not_a_notebook(tmp_path: Path) -> None:
    (tmp_path / "x.ipynb").write_text("this is not json")
    (tmp_path / "y.txt").write_text("{}")
    (tmp_path / "z.ipynb").write_text('{"hello": 1}')
    for name in ("x.ipynb", "y.txt", "z.ipynb"):
        with pytest.raises(PathError) as err:
            await check_notebook(tmp_path / name)
        assert err.value.reason == "not_a_notebook"
    with pytest.raises(PathError) as err:
        await check_notebook(tmp_path / "missing.ipynb")
    assert err.value.status == 404


def test_default_title() -> None:
    assert default_title(Path("/x/analysis.ipynb")) == "analysis"
    assert default_title(Path("/x/a.ipynb")) == "00a"
