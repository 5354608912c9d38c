"""manifest.json as rsconnect-python writes it (contract §4.2); pure functions on plain data."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from ..environment import Environment

NOTEBOOK_MODES = ("jupyter-static", "static", "jupyter-voila")
APP_MODES = (
    "python-dash",
    "python-api",
    "python-fastapi",
    "python-streamlit",
    "python-bokeh",
    "python-shiny",
    "python-panel",
    "python-gradio",
)
ALIASES = {"python-flask": "python-api", "source": "jupyter-static", "voila": "jupyter-voila"}


def canonical_mode(mode: str) -> str:
    mode = ALIASES.get(mode, mode)
    if mode not in NOTEBOOK_MODES and mode not in APP_MODES:
        raise ValueError(f"unknown app mode {mode!r}")
    return mode


def md5_hex(data: bytes) -> str:
    # Connect only uses it as an integrity check, so it is fine in FIPS mode too.
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


def source_manifest(
    mode: str,
    env: Environment,
    entrypoint: str,
    *,
    image: str | None = None,
    env_management_py: bool | None = None,
) -> dict[str, Any]:
    """The manifest skeleton of a bundle with a Python environment (no files yet)."""
    manifest: dict[str, Any] = {
        "version": 1,
        "locale": env.locale,
        "metadata": {"appmode": mode, "entrypoint": entrypoint},
        "python": {
            "version": env.python_version,
            "package_manager": {
                "name": "pip",
                "version": env.pip_version,
                "package_file": env.package_file,
            },
        },
    }
    if env.python_requires:
        manifest["environment"] = {"python": {"requires": env.python_requires}}
    if image or env_management_py is not None:
        environment = manifest.setdefault("environment", {})
        if image:
            environment["image"] = image
        if env_management_py is not None:
            environment["environment_management"] = {"python": env_management_py}
    manifest["files"] = {}
    return manifest


def add_jupyter_options(
    manifest: dict[str, Any], *, hide_all_input: bool, hide_tagged_input: bool
) -> None:
    if hide_all_input:
        manifest.setdefault("jupyter", {})["hide_all_input"] = True
    if hide_tagged_input:
        manifest.setdefault("jupyter", {})["hide_tagged_input"] = True
    if "jupyter" in manifest:  # rsconnect-python puts it before "files"
        files = manifest.pop("files")
        manifest["files"] = files


def static_manifest(html_name: str) -> dict[str, Any]:
    """What rsconnect-python puts in a notebook's HTML snapshot bundle."""
    return {"version": 1, "metadata": {"appmode": "static", "primary_html": html_name}, "files": {}}


def with_checksums(manifest: dict[str, Any], checksums: Mapping[str, str]) -> dict[str, Any]:
    manifest["files"] = {path: {"checksum": value} for path, value in checksums.items()}
    return manifest


def dumps(manifest: Mapping[str, Any]) -> bytes:
    """The bundled manifest.json bytes (rsconnect-python: ``json.dumps(indent=2)``)."""
    return json.dumps(manifest, indent=2).encode("utf-8")
