"""What a bundle holds for each mode: its members in order and its manifest (without checksums)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeAlias

from ..environment import Environment
from . import manifest as mf
from .entrypoint import shiny_entrypoint, validate_entrypoint
from .files import BundleError, Excluded, FileEntry, Selector, within

StrPath: TypeAlias = "str | os.PathLike[str]"


@dataclass(frozen=True)
class BundleSpec:
    """What to bundle. Paths are on disk; ``extra_files`` may be files or folders, absolute or
    relative to the notebook's (or app's) folder, and must stay under it and inside
    ``root_dir`` (the Jupyter server's root; None means the folder itself)."""

    path: StrPath
    mode: str = "jupyter-static"
    root_dir: StrPath | None = None
    extra_files: Sequence[StrPath] = ()
    excludes: Sequence[str] = ()
    entrypoint: str | None = None  # apps: "module[:object]"; voila from a folder: notebook
    hide_all_input: bool = False
    hide_tagged_input: bool = False
    hide_input: str | None = None  # "none" | "all" | "tagged": shorthand for the two flags above
    html_path: StrPath | None = None  # static: an HTML snapshot already rendered
    python: str | None = None  # static: renders with this Python when no environment is given
    kernel_name: str | None = None  # static: the kernel to start if that Python lacks nbconvert
    image: str | None = None
    env_management_py: bool | None = None

    @property
    def hides_all(self) -> bool:
        return self.hide_all_input or self.hide_input == "all"

    @property
    def hides_tagged(self) -> bool:
        return self.hide_tagged_input or self.hide_input == "tagged"


@dataclass
class Plan:
    mode: str
    base: Path
    manifest: dict[str, Any]
    buffers: dict[str, bytes]  # in-memory members (requirements.txt), in bundle order
    files: list[FileEntry]  # members from disk, in bundle order
    excluded: list[Excluded] = field(default_factory=list)
    html_name: str | None = None  # static: the member that holds the snapshot
    checksummed: bool = True  # static snapshots list no files, as rsconnect-python's


def _check_inside_root(path: Path, root_dir: StrPath | None) -> None:
    if root_dir is None:
        return
    root = Path(os.path.realpath(root_dir))
    if not within(Path(os.path.realpath(path)), root):
        raise BundleError(f"{path} is outside the root directory", "forbidden_path")


def _extras(selector: Selector, extras: Sequence[StrPath], skip: set[str]) -> None:
    for extra in extras:
        rel = selector.relative(extra)
        if rel in skip or rel == ".":
            continue
        selector.add(rel)


def _needs_env(env: Environment | None, mode: str) -> Environment:
    if env is None:
        raise BundleError(f"{mode} bundles need the Python environment")
    return env


def plan_bundle(spec: BundleSpec, env: Environment | None) -> Plan:
    """Blocking (it lists folders): run it in a thread."""
    mode = mf.canonical_mode(spec.mode)
    path = Path(os.path.abspath(spec.path))
    if not path.exists():
        raise BundleError(f"{spec.path} does not exist", "not_found")
    _check_inside_root(path, spec.root_dir)
    base = path if path.is_dir() else path.parent
    package_file = env.package_file if env else "requirements.txt"
    selector = Selector(
        base,
        Path(spec.root_dir) if spec.root_dir else None,
        excludes=spec.excludes,
        skip_top=("manifest.json", package_file),
        skip_top_reason={
            "manifest.json": "manifest.json is generated",
            package_file: f"{package_file} comes from the detected environment",
        },
    )
    if mode in ("jupyter-static", "static"):
        if path.suffix != ".ipynb" or not path.is_file():
            raise BundleError(f"{spec.path} is not a notebook", "not_a_notebook")
        if mode == "static":
            return _plan_static(spec, path, selector)
        return _plan_notebook(spec, _needs_env(env, mode), path, selector)
    env = _needs_env(env, mode)
    if mode == "jupyter-voila":
        return _plan_voila(spec, env, path, selector)
    return _plan_app(spec, env, mode, path, selector)


def _plan_notebook(spec: BundleSpec, env: Environment, path: Path, selector: Selector) -> Plan:
    selector.add_file(path.name, explicit=True)
    _extras(selector, spec.extra_files, {path.name, env.package_file, "manifest.json"})
    nb, *extras = selector.selection.files
    manifest = mf.source_manifest(
        "jupyter-static",
        env,
        path.name,
        image=spec.image,
        env_management_py=spec.env_management_py,
    )
    mf.add_jupyter_options(
        manifest, hide_all_input=spec.hides_all, hide_tagged_input=spec.hides_tagged
    )
    return Plan(
        "jupyter-static",
        selector.base,
        manifest,
        {env.package_file: env.requirements.encode("utf-8")},
        [nb, *sorted(extras, key=lambda f: f.path)],
        selector.selection.excluded,
    )


def _plan_static(spec: BundleSpec, path: Path, selector: Selector) -> Plan:
    html_name = path.stem + ".html"
    _extras(selector, spec.extra_files, {html_name, "manifest.json", path.name})
    extras = sorted(selector.selection.files, key=lambda f: f.path)
    manifest = mf.static_manifest(html_name)
    if extras:  # beyond rsconnect-python: with extra files, list every file
        manifest["metadata"]["entrypoint"] = html_name
    html = FileEntry(html_name, 0, os.fspath(spec.html_path) if spec.html_path else None)
    return Plan(
        "static",
        selector.base,
        manifest,
        {},
        [html, *extras],
        selector.selection.excluded,
        html_name=html_name,
        checksummed=bool(extras),
    )


def _plan_voila(spec: BundleSpec, env: Environment, path: Path, selector: Selector) -> Plan:
    if path.is_dir():
        if spec.entrypoint:
            entry = spec.entrypoint
        else:
            notebooks = sorted(p.name for p in path.glob("*.ipynb"))
            if len(notebooks) != 1:
                raise BundleError("Give the notebook to run with Voila (the folder has several).")
            entry = notebooks[0]
        selector.walk()
    else:
        if path.suffix != ".ipynb":
            raise BundleError(f"{spec.path} is not a notebook", "not_a_notebook")
        entry = path.name
        selector.add_file(entry, explicit=True)
        if (selector.base / "voila.json").is_file():
            selector.add_file("voila.json", explicit=True)
    if not (selector.base / entry).is_file():
        raise BundleError(f"{entry} does not exist", "not_found")
    _extras(selector, spec.extra_files, {env.package_file, "manifest.json"})
    manifest = mf.source_manifest(
        "jupyter-voila", env, entry, image=spec.image, env_management_py=spec.env_management_py
    )
    return Plan(
        "jupyter-voila",
        selector.base,
        manifest,
        {env.package_file: env.requirements.encode("utf-8")},
        sorted(selector.selection.files, key=lambda f: f.path),
        selector.selection.excluded,
    )


def _plan_app(
    spec: BundleSpec, env: Environment, mode: str, path: Path, selector: Selector
) -> Plan:
    directory = selector.base
    entry = spec.entrypoint
    if not entry and path.is_file() and path.suffix == ".py":
        entry = path.stem
    entry = validate_entrypoint(entry, directory)
    if mode == "python-shiny":
        entry = shiny_entrypoint(entry, directory)
    selector.walk()
    _extras(selector, spec.extra_files, {env.package_file, "manifest.json"})
    manifest = mf.source_manifest(
        mode, env, entry, image=spec.image, env_management_py=spec.env_management_py
    )
    return Plan(
        mode,
        directory,
        manifest,
        {env.package_file: env.requirements.encode("utf-8")},
        sorted(selector.selection.files, key=lambda f: f.path),
        selector.selection.excluded,
    )
