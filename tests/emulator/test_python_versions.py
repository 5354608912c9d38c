"""Which Python runs a bundle: Connect's major.minor match, and `python.requires` from 2025.03."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import pytest

from rsconnect_lab.emulator import Emulator
from rsconnect_lab.emulator.deploy import honours_requires
from rsconnect_lab.emulator.environments import choose_python
from rsconnect_lab.emulator.tasks import TaskFailed
from tests.emulator.helpers import Api, make_bundle

HERE = "{}.{}.{}".format(*sys.version_info[:3])
# The emulator's own Python first, then the others newest first (as find_pythons lists them).
INSTALLS = [
    {"version": "3.11.7", "path": "/py311-own"},
    {"version": "3.12.1", "path": "/py312"},
    {"version": "3.9.18", "path": "/py39"},
    {"version": "3.9.2", "path": "/py39-debian"},
]


def test_same_major_minor_prefers_the_own_python_then_the_exact_patch_release() -> None:
    assert choose_python(INSTALLS, "3.11.2", None)["path"] == "/py311-own"  # has the packages
    assert choose_python(INSTALLS, "3.9.2", None)["path"] == "/py39-debian"
    assert choose_python(INSTALLS, "3.9.7", None)["path"] == "/py39"  # newest of the series
    assert choose_python(INSTALLS, "3.12.0", None)["path"] == "/py312"
    assert choose_python(INSTALLS, None, None)["path"] == "/py311-own"


def test_no_matching_series_fails_naming_what_the_server_has() -> None:
    with pytest.raises(TaskFailed) as info:
        choose_python(INSTALLS, "3.10.4", None)
    message = str(info.value)
    assert "python-version-unavailable" in message and "3.10.4" in message
    assert "3.11.7, 3.12.1, 3.9.18, 3.9.2" in message


def test_requires_takes_precedence_and_picks_the_newest_match() -> None:
    assert choose_python(INSTALLS, "3.10.4", ">=3.9,<3.12")["path"] == "/py311-own"
    assert choose_python(INSTALLS, "3.11.7", ">=3.12")["path"] == "/py312"
    with pytest.raises(TaskFailed, match=r"satisfying >=3\.13"):
        choose_python(INSTALLS, "3.11.7", ">=3.13")
    with pytest.raises(TaskFailed, match="not a valid version specifier"):
        choose_python(INSTALLS, "3.11.7", "three eleven")


def test_requires_is_honoured_from_2025_03() -> None:
    assert honours_requires("2025.03.0") and honours_requires("2026.01.1")
    assert not honours_requires("2024.12.1") and not honours_requires("2025.02.0-dev+3")


def _static(python: dict[str, Any] | None = None, requires: str | None = None) -> bytes:
    manifest: dict[str, Any] = {"version": 1, "metadata": {"appmode": "static"}}
    if python:
        manifest["python"] = python
    if requires:
        manifest["environment"] = {"python": {"requires": requires}}
    return make_bundle(manifest, {"index.html": "<p>hi</p>"})


def test_a_deploy_for_a_python_the_server_lacks_fails_with_the_reason(admin: Api) -> None:
    g = admin.create()["guid"]
    task = admin.deploy(g, _static({"version": "2.7.18"}))
    assert task["code"] != 0
    assert (
        "Unable to find a Python installation matching the requested version 2.7.18"
        in (task["error"])
    )
    assert HERE in task["error"]  # what the server has is named
    assert admin.page(f"/content/{g}/").status_code != 200  # nothing went live


def test_a_deploy_for_this_python_names_the_choice(admin: Api) -> None:
    g = admin.create()["guid"]
    task = admin.deploy(g, _static({"version": HERE}))
    assert task["code"] == 0, task
    assert f"Bundle requested Python version {HERE}; using Python {HERE}." in task["output"]


def test_the_api_does_not_reveal_interpreter_paths(admin: Api) -> None:
    installs = admin.get("v1/server_settings/python").json()["installations"]
    assert {"version", "cluster_name", "image_name"} == set(installs[0])
    assert installs[0]["version"] == HERE  # the emulator's own Python comes first


def test_requires_rescues_a_foreign_version_only_on_new_servers(
    fresh: Callable[..., Emulator], tmp_path: Any
) -> None:
    bundle = _static({"version": "2.7.18"}, requires=">=3.8")
    for version, ok in (("2025.09.0", True), ("2024.12.1", False)):
        emu = fresh(version=version, data_dir=tmp_path / version)
        api = Api(emu.url, emu.api_key)
        task = api.deploy(api.create()["guid"], bundle)
        assert (task["code"] == 0) is ok, (version, task)


def test_python_option_is_the_only_interpreter_offered(
    fresh: Callable[..., Emulator], tmp_path: Any
) -> None:
    emu = fresh(python=sys.executable, data_dir=tmp_path / "pinned")
    api = Api(emu.url, emu.api_key)
    installs = api.get("v1/server_settings/python").json()["installations"]
    assert [i["version"] for i in installs] == [HERE]
