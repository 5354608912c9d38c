"""Emulator test fixtures: an API session per role on the shared emulator, fresh emulators."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from rsconnect_lab.emulator import Emulator
from tests.emulator.helpers import Api, unique


@pytest.fixture(scope="session")
def emu(emulator: Any) -> Emulator:
    assert isinstance(emulator, Emulator)
    return emulator


@pytest.fixture(scope="session")
def admin(emu: Emulator) -> Api:
    return Api(emu.url, emu.api_key)


@pytest.fixture(scope="session")
def publisher(emu: Emulator) -> Api:
    _, key = emu.add_user(unique("pat"), role="publisher")
    return Api(emu.url, key)


@pytest.fixture(scope="session")
def viewer(emu: Emulator) -> Api:
    _, key = emu.add_user(unique("vic"), role="viewer")
    return Api(emu.url, key)


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Callable[..., Emulator]]:
    """Start private emulators (restart, TLS, faults tests); all stopped afterwards."""
    started: list[Emulator] = []

    def start(**kwargs: Any) -> Emulator:
        kwargs.setdefault("data_dir", tmp_path / "data")
        emu = Emulator(**kwargs)
        emu.start()
        started.append(emu)
        return emu

    yield start
    for emu in started:
        emu.stop()
