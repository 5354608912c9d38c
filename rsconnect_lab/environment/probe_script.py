"""Runs inside the kernel's interpreter (as ``python -c <this source>``) and prints one JSON object.

Only the standard library is used, so nothing has to be installed in the kernel's environment, and
the code stays valid for Python 3.8+. It lists distributions with ``importlib.metadata`` (much faster
than ``pip freeze``) and formats them exactly as ``pip freeze`` would.
"""

from __future__ import annotations

import json
import locale
import os
import re
import sys
from importlib import metadata
from typing import Any

_STDLIB_DISTS = {"python", "wsgiref", "argparse"}
# pip freeze hides its own build tools; on 3.12+ only pip itself.
_DEV_DISTS = (
    {"pip"} if sys.version_info >= (3, 12) else {"pip", "setuptools", "distribute", "wheel"}
)


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _version_normalizer() -> Any:
    for module in ("packaging.version", "pip._vendor.packaging.version"):
        try:
            return __import__(module, fromlist=["Version"]).Version
        except Exception:
            continue
    return None


def _direct_reference(name: str, direct_url: dict[str, Any]) -> str:
    """``name @ url`` as pip freeze writes it for PEP 610 installs."""
    url = str(direct_url.get("url", ""))
    url = re.sub(r"//[^/@]*:[^/@]*@", "//", url)  # redact credentials
    fragments = []
    vcs = direct_url.get("vcs_info")
    archive = direct_url.get("archive_info")
    if isinstance(vcs, dict):
        ref = "{}+{}@{}".format(vcs.get("vcs"), url, vcs.get("commit_id"))
    else:
        ref = url
        if isinstance(archive, dict) and archive.get("hash"):
            fragments.append(str(archive["hash"]))
    if direct_url.get("subdirectory"):
        fragments.append("subdirectory=" + str(direct_url["subdirectory"]))
    if fragments:
        ref += "#" + "&".join(fragments)
    return name + " @ " + ref


def _top_level_names(dist: Any) -> list[str]:
    text = dist.read_text("top_level.txt")
    if text:
        return [line.strip() for line in text.splitlines() if line.strip()]
    names = set()
    # RECORD's first column is the path; parsed by hand since csv and dist.files are slow
    for line in (dist.read_text("RECORD") or "").splitlines():
        path = line.split(",", 1)[0].strip('"').replace("\\", "/")
        first, _, rest = path.partition("/")
        if first in ("..", "__pycache__") or first.endswith((".dist-info", ".egg-info", ".pth")):
            continue
        if not rest:
            if first.endswith(".py"):
                names.add(first[:-3])
            elif first.endswith((".so", ".pyd")):
                names.add(first.split(".")[0])
        else:
            names.add(first)
    return sorted(n for n in names if n.isidentifier())


def _name_version(dist: Any) -> tuple[str, str]:
    """Name and Version from the metadata headers; the email parser that
    ``dist.metadata`` uses costs most of the probe's time."""
    text = dist.read_text("METADATA") or dist.read_text("PKG-INFO") or ""
    name = version = ""
    for line in text.split("\n\n", 1)[0].splitlines():
        if not name and line[:5].lower() == "name:":
            name = line[5:].strip()
        elif not version and line[:8].lower() == "version:":
            version = line[8:].strip()
        if name and version:
            break
    return name, version


def distributions(version_class: Any) -> list[dict[str, Any]]:
    seen: set[str] = set()
    found: list[dict[str, Any]] = []
    for entry in sys.path:
        if not entry or not os.path.isdir(entry):
            continue
        for dist in metadata.distributions(path=[entry]):
            name, raw_version = _name_version(dist)
            if not name:
                continue
            key = canonical(name)
            if key in seen:  # the first one on sys.path wins, as for imports and pip
                continue
            seen.add(key)
            version = raw_version
            legacy = False
            if version_class is not None:
                try:
                    version = str(version_class(raw_version))
                except Exception:
                    legacy = True
            direct_url = None
            try:
                text = dist.read_text("direct_url.json")
                direct_url = json.loads(text) if text else None
            except Exception:
                direct_url = None
            dir_info = (direct_url or {}).get("dir_info") or {}
            editable = bool(dir_info.get("editable"))
            if editable or not direct_url:
                line = f"{name}==={raw_version}" if legacy else f"{name}=={version}"
            else:
                line = _direct_reference(name, direct_url)
            found.append(
                {
                    "name": name,
                    "key": key,
                    "version": version,
                    "line": line,
                    "editable": editable,
                    "url": (direct_url or {}).get("url"),
                    "freeze": key not in _STDLIB_DISTS and key not in _DEV_DISTS,
                    "imports": _top_level_names(dist),
                }
            )
    found.sort(key=lambda d: d["name"].lower())
    return found


def main() -> None:
    version_class = _version_normalizer()
    pip = ""
    try:
        match = re.search(r"\d+\.\d+(\.\d+)?", metadata.version("pip"))
        pip = match.group() if match else ""
    except Exception:
        pip = ""
    loc = ".".join(item or "" for item in locale.getlocale())
    stdlib = getattr(sys, "stdlib_module_names", None)
    result = {
        "executable": sys.executable,
        "prefix": sys.prefix,
        "python": "{}.{}.{}".format(*sys.version_info[:3]),
        "pip": pip,
        "locale": "" if loc == "." else loc,
        "paths": [p for p in sys.path if p and os.path.isdir(p)],
        "stdlib": sorted(stdlib) if stdlib is not None else None,
        "distributions": distributions(version_class),
    }
    sys.stdout.write(json.dumps(result))


if __name__ == "__main__":
    main()
