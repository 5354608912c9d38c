"""Paths from the browser, resolved inside the Jupyter server's root directory."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path


class PathError(Exception):
    def __init__(self, message: str, reason: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason
        self.status = status


def resolve_in_root(root_dir: str | Path, api_path: str) -> Path:
    """Resolve a contents-API style path (relative, '/'-separated) and refuse escapes.

    Symlinks are followed before the check, so a link pointing outside the root is refused too.
    """
    if not isinstance(api_path, str) or not api_path.strip():
        raise PathError("No file was given.", "invalid_input")
    if "\x00" in api_path:
        raise PathError("The path contains a NUL character.", "invalid_input")
    root = Path(root_dir).resolve()
    candidate = (root / api_path.strip().lstrip("/")).resolve()
    if candidate != root and root not in candidate.parents:
        raise PathError(
            f"'{api_path}' is outside the Jupyter server's root directory.", "forbidden_path", 403
        )
    return candidate


def relative_to_root(root_dir: str | Path, path: Path) -> str:
    return path.resolve().relative_to(Path(root_dir).resolve()).as_posix()


def _check_notebook(path: Path) -> None:
    if not path.is_file():
        raise PathError(f"'{path.name}' does not exist.", "not_found", 404)
    if path.suffix != ".ipynb":
        raise PathError(f"'{path.name}' is not a notebook (.ipynb).", "not_a_notebook")
    try:
        with path.open(encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise PathError(f"'{path.name}' is not a valid notebook: {exc}", "not_a_notebook") from None
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("cells"), list)
        or "nbformat" not in data
    ):
        raise PathError(
            f"'{path.name}' is not a valid notebook: it has no 'cells' or 'nbformat'.",
            "not_a_notebook",
        )


async def check_notebook(path: Path) -> None:
    """Refuse anything that is not a readable Jupyter notebook (parsed off the event loop)."""
    await asyncio.to_thread(_check_notebook, path)


async def check_file(path: Path, suffixes: tuple[str, ...]) -> None:
    def check() -> None:
        if not path.is_file():
            raise PathError(f"'{path.name}' does not exist.", "not_found", 404)
        if path.suffix not in suffixes:
            raise PathError(
                f"'{path.name}' cannot be published: expected {' or '.join(suffixes)}.",
                "invalid_input",
            )

    await asyncio.to_thread(check)
