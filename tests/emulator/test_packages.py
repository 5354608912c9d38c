"""`v1/content/{guid}/packages` and `v1/packages`: what the active bundle's requirements pin."""

from __future__ import annotations

import sys

import requests
from posit import connect

from rsconnect_lab.emulator import Emulator
from rsconnect_lab.emulator.packages import pinned_packages
from tests.emulator.helpers import Api, make_bundle, notebook, unique

HERE = "{}.{}.{}".format(*sys.version_info[:3])
REQUIREMENTS = """\
# pinned by pip freeze
nbformat==5.10.4
requests>=2
pandas[excel] == 2.2.3 ; python_version > "3.8"
-r more.txt
--index-url https://example.invalid/simple
"""


def _notebook_bundle(requirements: str) -> bytes:
    manifest = {
        "version": 1,
        "metadata": {"appmode": "jupyter-static", "entrypoint": "nb.ipynb"},
        "python": {
            "version": HERE,
            "package_manager": {"name": "pip", "package_file": "requirements.txt"},
        },
    }
    return make_bundle(
        manifest, {"nb.ipynb": notebook("print(1)"), "requirements.txt": requirements}
    )


def test_pinned_lines_only() -> None:
    assert pinned_packages(REQUIREMENTS) == [("nbformat", "5.10.4"), ("pandas", "2.2.3")]


def test_content_packages_follow_the_active_bundle(admin: Api, viewer: Api) -> None:
    g = admin.create(unique("pkgs"))["guid"]
    assert admin.get(f"v1/content/{g}/packages").json() == []  # nothing deployed yet
    assert admin.deploy(g, _notebook_bundle(REQUIREMENTS))["code"] == 0
    listed = admin.get(f"v1/content/{g}/packages").json()
    assert [(p["name"], p["version"]) for p in listed] == [
        ("nbformat", "5.10.4"),
        ("pandas", "2.2.3"),
    ]
    assert listed[0]["language"] == "python" and listed[0]["language_version"] == HERE
    assert listed[0]["app_guid"] == g
    filtered = admin.get(f"v1/content/{g}/packages", params={"name": "pandas"}).json()
    assert [p["name"] for p in filtered] == ["pandas"]
    second = admin.deploy(g, _notebook_bundle("nbformat==5.10.3\n"))
    assert second["code"] == 0
    listed = admin.get(f"v1/content/{g}/packages").json()
    assert [(p["version"], p["bundle_id"]) for p in listed] == [("5.10.3", second["bundle_id"])]
    assert viewer.get(f"v1/content/{g}/packages").status_code == 404  # not visible to them


def test_posit_sdk_reads_packages(emu: Emulator, admin: Api) -> None:
    g = admin.create(unique("sdkpkgs"))["guid"]
    assert (
        admin.deploy(g, _notebook_bundle("nbformat==5.10.4\nzzz-emulator-pkg==0.0.1\n"))["code"]
        == 0
    )
    client = connect.Client(emu.url, emu.api_key)
    item = client.content.get(g)
    assert {p["name"] for p in item.packages.fetch()} == {"nbformat", "zzz-emulator-pkg"}
    assert item.packages.find_by(name="nbformat")["version"] == "5.10.4"
    everywhere = client.packages.find_by(name="zzz-emulator-pkg")
    assert everywhere is not None and everywhere["app_guid"] == g


def test_server_packages_are_paged_and_need_a_key(emu: Emulator, admin: Api) -> None:
    g = admin.create(unique("paged"))["guid"]
    lines = "".join(f"pkg-{i}==1.{i}\n" for i in range(5))
    assert admin.deploy(g, _notebook_bundle(lines))["code"] == 0
    first = admin.get("v1/packages", params={"page_size": 2, "page_number": 1}).json()
    assert first["current_page"] == 1 and len(first["results"]) == 2 and first["total"] >= 5
    mine = admin.get("v1/packages", params={"name": "pkg-3"}).json()["results"]
    assert [(p["version"], p["app_guid"]) for p in mine] == [("1.3", g)]
    assert requests.get(f"{emu.url}/__api__/v1/packages", timeout=30).status_code == 401
