"""Inspect an interpreter by running our probe script in it; cached until its packages change."""

from __future__ import annotations

import asyncio
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .model import EnvironmentDetectionError

_SCRIPT = (Path(__file__).parent / "probe_script.py").read_text(encoding="utf-8")


class ProbeError(EnvironmentDetectionError):
    """The interpreter could not be run or did not answer."""


@dataclass(frozen=True)
class Distribution:
    name: str
    key: str  # canonical name
    version: str
    line: str  # pip freeze form
    editable: bool
    url: str | None
    freeze: bool  # shown by pip freeze (not pip/setuptools/wheel...)
    imports: tuple[str, ...]


@dataclass(frozen=True)
class Probe:
    executable: str
    prefix: str
    python: str
    pip: str
    locale: str
    paths: tuple[str, ...]
    stdlib: frozenset[str] | None
    distributions: tuple[Distribution, ...]

    def import_map(self) -> dict[str, list[str]]:
        """Import name -> canonical names of the distributions that provide it."""
        result: dict[str, list[str]] = {}
        for dist in self.distributions:
            for name in dist.imports:
                result.setdefault(name, []).append(dist.key)
        return result


def _parse(raw: dict[str, Any]) -> Probe:
    stdlib = raw.get("stdlib")
    return Probe(
        executable=str(raw["executable"]),
        prefix=str(raw["prefix"]),
        python=str(raw["python"]),
        pip=str(raw.get("pip") or ""),
        locale=str(raw.get("locale") or ""),
        paths=tuple(raw.get("paths") or ()),
        stdlib=frozenset(stdlib) if stdlib is not None else None,
        distributions=tuple(
            Distribution(
                name=d["name"],
                key=d["key"],
                version=d["version"],
                line=d["line"],
                editable=bool(d["editable"]),
                url=d.get("url"),
                freeze=bool(d["freeze"]),
                imports=tuple(d.get("imports") or ()),
            )
            for d in raw.get("distributions") or ()
        ),
    )


def _fingerprint(python: str, paths: tuple[str, ...]) -> tuple[tuple[str, int, int], ...]:
    """mtimes of the interpreter and of every sys.path directory: installing or removing a
    distribution adds or deletes a *.dist-info entry, which changes its directory's mtime."""
    stamps = []
    for path in (python, *paths):
        try:
            st = os.stat(path)
        except OSError:
            stamps.append((path, -1, -1))
        else:
            stamps.append((path, st.st_mtime_ns, st.st_ino))
    return tuple(stamps)


_cache: dict[str, tuple[tuple[tuple[str, int, int], ...], Probe]] = {}


async def run_probe(python: str, *, timeout: float = 60.0) -> Probe:
    """Inspect ``python``; stat calls only when nothing changed since the last call."""
    cached = _cache.get(python)
    if cached is not None:
        stamps, probe = cached
        if _fingerprint(python, probe.paths) == stamps:
            return probe
    try:
        proc = await asyncio.create_subprocess_exec(
            python,
            "-E",  # PYTHONPATH and friends belong to the server's process, not the interpreter's
            "-c",
            _SCRIPT,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            cwd="/",  # keep the caller's folder (and stray modules in it) off sys.path
        )
    except OSError as exc:
        raise ProbeError(f"cannot run {python}: {exc.strerror or exc}") from exc
    try:
        out, err = await asyncio.wait_for(proc.communicate(), timeout)
    except asyncio.TimeoutError as exc:
        proc.kill()
        await proc.wait()
        raise ProbeError(f"{python} did not answer within {timeout:.0f} s") from exc
    if proc.returncode != 0:
        detail = err.decode(errors="replace").strip().splitlines()
        last = detail[-1] if detail else ""
        raise ProbeError(
            f"{python} could not be inspected (Python 3.8 or newer is needed; exit code "
            f"{proc.returncode}): {last}".strip()
        )
    try:
        probe = _parse(json.loads(out))
    except (ValueError, KeyError, TypeError) as exc:
        raise ProbeError(f"{python} is not a Python 3.8+ interpreter") from exc
    # Fingerprint after the run: a change during it only costs one extra probe later.
    _cache[python] = (_fingerprint(python, probe.paths), probe)
    return probe


def clear_cache() -> None:
    _cache.clear()
