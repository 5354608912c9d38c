"""Shared helpers of the bundle tests."""

from __future__ import annotations

import json
import tarfile
from pathlib import Path
from typing import Any


def write_notebook(path: Path, *sources: str, tags: tuple[str, ...] = ()) -> Path:
    cells = [
        {
            "cell_type": "code",
            "metadata": {"tags": list(tags)},
            "outputs": [],
            "execution_count": None,
            "source": s,
        }
        for s in sources
    ]
    nb = {
        "cells": cells,
        "metadata": {
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb, indent=1))
    return path


def read_tar(path: Path) -> dict[str, bytes]:
    with tarfile.open(path, "r:gz") as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}  # type: ignore[union-attr]


def manifest_of(path: Path) -> dict[str, Any]:
    return json.loads(read_tar(path)["manifest.json"])  # type: ignore[no-any-return]
