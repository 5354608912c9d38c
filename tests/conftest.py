"""Fixtures shared by every test area."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

pytest_plugins = ("pytest_jupyter.jupyter_server",)


@pytest.fixture(scope="session")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """One Connect emulator for the whole run; tests use unique content names."""
    from rsconnect_lab.emulator import Emulator

    emu = Emulator(data_dir=Path(tmp_path_factory.mktemp("connect-data")))
    emu.start()
    try:
        yield emu
    finally:
        emu.stop()
