"""Environment detection against ``pip freeze`` of the same interpreter.

    .venv/bin/python bench/environment.py [--python PATH] [--repeat 5]

Prints the time of ``python -m pip freeze`` (what rsconnect-python runs), of our detection cold
(probe subprocess, empty cache) and warm (cached until the interpreter's packages change),
and whether the package lists agree. Target: warm under 150 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rsconnect_lab.environment import clear_cache, detect_environment  # noqa: E402

NOTEBOOK = {
    "cells": [
        {
            "cell_type": "code",
            "metadata": {},
            "outputs": [],
            "execution_count": None,
            "source": "import json\nimport numpy\nimport aiohttp\n%matplotlib inline",
        }
    ],
    "metadata": {"kernelspec": {"name": "python3"}},
    "nbformat": 4,
    "nbformat_minor": 5,
}


def pip_freeze(python: str) -> str:
    cmd = [python, "-m", "pip", "freeze", "--disable-pip-version-check"]
    return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout


def best(times: list[float]) -> str:
    return f"{min(times) * 1000:8.1f} ms (median {sorted(times)[len(times) // 2] * 1000:.1f})"


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="rsconnect-lab-bench-env-"))
    try:
        nb = folder / "nb.ipynb"
        nb.write_text(json.dumps(NOTEBOOK))
        freeze_times, cold, warm = [], [], []
        freeze = ""
        for _ in range(args.repeat):
            start = time.perf_counter()
            freeze = pip_freeze(args.python)
            freeze_times.append(time.perf_counter() - start)
        for _ in range(args.repeat):
            clear_cache()
            start = time.perf_counter()
            env = await detect_environment(nb, python=args.python)
            cold.append(time.perf_counter() - start)
        for _ in range(args.repeat):
            start = time.perf_counter()
            env = await detect_environment(nb, python=args.python)
            warm.append(time.perf_counter() - start)
        expected = [
            line for line in freeze.splitlines() if "rsconnect" not in line and line[:3] != "-e "
        ]
        print(f"interpreter: {args.python} ({len(env.packages)} packages listed)")
        print(f"pip freeze           {best(freeze_times)}")
        print(f"ours, cold           {best(cold)}")
        print(f"ours, warm (cached)  {best(warm)}")
        print(
            f"speed-up cold {min(freeze_times) / min(cold):.1f}x, warm {min(freeze_times) / min(warm):.0f}x"
        )
        print(f"same packages as pip freeze: {list(env.packages) == expected}")
        print(f"warm target < 150 ms: {'ok' if min(warm) < 0.150 else 'MISSED'}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    asyncio.run(main())
