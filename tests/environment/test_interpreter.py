"""Which Python runs a notebook's kernel."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from rsconnect_lab.environment import kernel_interpreter, process_executable, resolve_argv0


@pytest.fixture
def sleeper(kernel_python: str) -> Iterator[subprocess.Popen[bytes]]:
    proc = subprocess.Popen([kernel_python, "-c", "import time; time.sleep(60)"])
    yield proc
    proc.kill()
    proc.wait()


def test_process_executable_keeps_the_venv(
    sleeper: subprocess.Popen[bytes], kernel_python: str
) -> None:
    # /proc/<pid>/exe names the base interpreter; the venv's symlink must win
    assert process_executable(sleeper.pid) == kernel_python


def test_process_executable_of_a_missing_process() -> None:
    assert process_executable(2**22 + 12345) is None


def test_resolve_argv0() -> None:
    assert resolve_argv0("python") == sys.executable
    assert resolve_argv0("python3") == sys.executable
    assert resolve_argv0("sh") is not None and resolve_argv0("sh").endswith("/sh")  # type: ignore[union-attr]
    assert resolve_argv0("/nonexistent/python") is None


def _same(a: str, b: str) -> bool:
    return Path(a).samefile(b)


class _Sessions:
    def __init__(self, path: str, kernel_id: str = "k1") -> None:
        self.path, self.kernel_id = path, kernel_id

    async def list_sessions(self) -> list[dict[str, Any]]:
        return [{"path": self.path, "kernel": {"id": self.kernel_id, "name": "venvkernel"}}]


class _Kernels:
    def __init__(self, kernel: Any) -> None:
        self.kernel = kernel

    def get_kernel(self, kernel_id: str) -> Any:
        assert kernel_id == "k1"
        return self.kernel


class _Specs:
    def __init__(self, argv0: str) -> None:
        self.argv0 = argv0

    def get_kernel_spec(self, name: str) -> Any:
        if name != "venvkernel":
            raise KeyError(name)
        return SimpleNamespace(
            argv=[self.argv0, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
        )


def _nb(path: Path, kernel: str) -> str:
    path.write_text(
        json.dumps(
            {
                "cells": [],
                "metadata": {"kernelspec": {"name": kernel}},
                "nbformat": 4,
                "nbformat_minor": 5,
            }
        )
    )
    return str(path)


@pytest.mark.asyncio
async def test_running_kernel_process(
    tmp_path: Path, sleeper: subprocess.Popen[bytes], kernel_python: str
) -> None:
    nb = _nb(tmp_path / "a.ipynb", "python3")
    kernel = SimpleNamespace(provisioner=SimpleNamespace(pid=sleeper.pid))
    found = await kernel_interpreter(
        nb,
        root_dir=str(tmp_path),
        session_manager=_Sessions("a.ipynb"),
        kernel_manager=_Kernels(kernel),
    )
    assert (found.executable, found.source, found.kernel_name) == (
        kernel_python,
        "kernel",
        "venvkernel",
    )


@pytest.mark.asyncio
async def test_kernelspec_when_no_kernel_runs(tmp_path: Path, kernel_python: str) -> None:
    nb = _nb(tmp_path / "a.ipynb", "venvkernel")
    found = await kernel_interpreter(nb, kernel_spec_manager=_Specs(kernel_python))
    assert (found.executable, found.source) == (kernel_python, "notebook")
    other = _nb(tmp_path / "b.ipynb", "unknown")
    found = await kernel_interpreter(other, kernel_spec_manager=_Specs(kernel_python))
    assert (found.executable, found.source) == (sys.executable, "server")


@pytest.mark.asyncio
async def test_real_jupyter_kernel(tmp_path: Path) -> None:
    """A kernel started by jupyter_client: its provisioner's pid leads to the interpreter."""
    from jupyter_client.manager import AsyncKernelManager

    km = AsyncKernelManager(kernel_name="python3")
    await km.start_kernel(cwd=str(tmp_path))
    try:
        nb = _nb(tmp_path / "k.ipynb", "python3")
        found = await kernel_interpreter(
            nb,
            api_path="k.ipynb",
            session_manager=_Sessions("k.ipynb"),
            kernel_manager=_Kernels(km),
        )
        assert found.source == "kernel"
        assert _same(found.executable, sys.executable)
    finally:
        await km.shutdown_kernel(now=True)
        await asyncio.sleep(0)


@pytest.mark.asyncio
async def test_wrapper_process_falls_back_to_the_kernelspec(
    tmp_path: Path, kernel_python: str
) -> None:
    """A kernel started through a wrapper (here ``sleep``) is not a Python: use its kernelspec."""
    proc = subprocess.Popen(["sleep", "30"])
    try:
        kernel = SimpleNamespace(
            provisioner=SimpleNamespace(pid=proc.pid),
            kernel_spec=SimpleNamespace(argv=[kernel_python]),
        )
        found = await kernel_interpreter(
            _nb(tmp_path / "w.ipynb", "python3"),
            api_path="w.ipynb",
            session_manager=_Sessions("w.ipynb"),
            kernel_manager=_Kernels(kernel),
        )
    finally:
        proc.kill()
        proc.wait()
    assert (found.executable, found.source) == (kernel_python, "kernelspec")
    assert resolve_argv0("{prefix}/bin/python") is None
