"""Roles and ownership, users (paged) and groups, the add-user command."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from rsconnect_lab.emulator import Emulator
from tests.emulator.helpers import Api, assert_error, make_bundle, unique

STATIC = {"version": 1, "metadata": {"appmode": "static", "primary_html": "index.html"}}


def test_me_and_legacy_me(publisher: Api) -> None:
    me = publisher.get("v1/user").json()
    assert me["username"].startswith("pat-") and me["user_role"] == "publisher"
    assert publisher.get("me").json()["guid"] == me["guid"]
    assert "publish_apps" in me["privileges"]


def test_viewer_cannot_publish(viewer: Api, admin: Api) -> None:
    assert_error(viewer.post("v1/content", json={"name": unique()}), 403, 22)
    shared = admin.create(access_type="logged_in")
    assert viewer.get(f"v1/content/{shared['guid']}").json()["app_role"] == "viewer"
    bundle = make_bundle(STATIC, {"index.html": "x"})
    assert_error(viewer.post(f"v1/content/{shared['guid']}/bundles", data=bundle), 403, 22)
    assert_error(viewer("PATCH", f"v1/content/{shared['guid']}", json={"title": "Mine"}), 403, 22)


def test_content_belongs_to_owner(publisher: Api, admin: Api, emu: Emulator) -> None:
    _, other_key = emu.add_user(unique("other"), role="publisher")
    other = Api(emu.url, other_key)
    private = publisher.create()
    g = private["guid"]
    assert private["app_role"] == "owner"
    assert_error(other.get(f"v1/content/{g}"), 404, 4)  # acl content others cannot see
    assert g not in [c["guid"] for c in other.get("v1/content").json()]
    assert_error(other("DELETE", f"v1/content/{g}"), 404, 4)
    publisher("PATCH", f"v1/content/{g}", json={"access_type": "all"})
    assert other.get(f"v1/content/{g}").status_code == 200
    assert_error(other("PATCH", f"v1/content/{g}", json={"title": "Stolen"}), 403, 22)
    assert_error(other.post(f"v1/content/{g}/deploy", json={}), 403, 22)
    # admins see and change everything
    assert admin.get(f"v1/content/{g}").status_code == 200
    assert g in [c["guid"] for c in admin.get("v1/content").json()]
    # names are unique per owner only
    assert other.create(private["name"])["name"] == private["name"]
    # a collaborator (owner permission) may deploy
    me = other.get("v1/user").json()
    perm = publisher.post(
        f"v1/content/{g}/permissions",
        json={"principal_guid": me["guid"], "principal_type": "user", "role": "owner"},
    )
    assert perm.status_code == 200
    assert other.deploy(g, make_bundle(STATIC, {"index.html": "collab"}))["code"] == 0


def test_content_list_filters(publisher: Api, admin: Api) -> None:
    c = publisher.create()
    me = publisher.get("v1/user").json()
    by_name = admin.get("v1/content", params={"name": c["name"]}).json()
    assert [x["guid"] for x in by_name] == [c["guid"]]
    both = admin.get("v1/content", params={"name": c["name"], "owner_guid": me["guid"]}).json()
    assert len(both) == 1
    mine = admin.get("v1/content", params={"owner_guid": me["guid"]}).json()
    assert all(x["owner_guid"] == me["guid"] for x in mine)
    assert admin.get("v1/content", params={"name": unique()}).json() == []
    withowner = admin.get(f"v1/content/{c['guid']}", params={"include": "owner"}).json()
    assert withowner["owner"]["username"] == me["username"]


def test_users_paged_and_filtered(emu: Emulator, admin: Api) -> None:
    prefix = unique("pg")
    for i in range(5):
        emu.add_user(f"{prefix}{i}", role="viewer")
    page = admin.get("v1/users", params={"prefix": prefix, "page_size": 2, "page_number": 2})
    body = page.json()
    assert body["current_page"] == 2 and body["total"] == 5
    assert [u["username"] for u in body["results"]] == [f"{prefix}2", f"{prefix}3"]
    emu.add_user(prefix.replace("-", "x") + "9", role="viewer")
    wild = admin.get("v1/users", params={"prefix": prefix.replace("-", "_")}).json()
    assert wild["total"] == 0  # `_` in a prefix is a character, not a LIKE wildcard
    admins = admin.get("v1/users", params={"user_role": "administrator", "page_size": 500})
    assert {u["user_role"] for u in admins.json()["results"]} == {"administrator"}
    one = body["results"][0]
    assert admin.get(f"v1/users/{one['guid']}").json()["username"] == one["username"]


def test_create_user_is_admin_only(admin: Api, publisher: Api) -> None:
    name = unique("new")
    r = admin.post("v1/users", json={"username": name, "user_role": "publisher", "email": "n@x"})
    assert r.status_code == 201 and r.json()["user_role"] == "publisher"
    assert_error(admin.post("v1/users", json={"username": name}), 409, 26)
    assert_error(publisher.post("v1/users", json={"username": unique()}), 403, 22)


def test_locked_user_is_refused(emu: Emulator, admin: Api) -> None:
    guid, key = emu.add_user(unique("lock"), role="publisher")
    assert admin.post(f"v1/users/{guid}/lock", json={"locked": True}).status_code == 200
    assert_error(Api(emu.url, key).get("v1/user"), 403, 50)


def test_groups_and_members(admin: Api, emu: Emulator) -> None:
    name = unique("grp")
    g = admin.post("v1/groups", json={"name": name}).json()
    assert_error(admin.post("v1/groups", json={"name": name}), 409, 26)
    uguid, _ = emu.add_user(unique("member"), role="viewer")
    assert admin.post(f"v1/groups/{g['guid']}/members", json={"user_guid": uguid}).ok
    members = admin.get(f"v1/groups/{g['guid']}/members").json()
    assert members["total"] == 1 and members["results"][0]["guid"] == uguid
    listed = admin.get("v1/groups", params={"prefix": name}).json()
    assert [x["name"] for x in listed["results"]] == [name]
    assert admin("DELETE", f"v1/groups/{g['guid']}/members/{uguid}").status_code == 204
    assert admin("DELETE", f"v1/groups/{g['guid']}").status_code == 204
    assert_error(admin.get(f"v1/groups/{g['guid']}"), 404, 4)


def test_add_user_command(tmp_path: Path) -> None:
    data = tmp_path / "data"
    run = [sys.executable, "-m", "rsconnect_lab.emulator", "add-user"]
    out = subprocess.run(
        [*run, "robin", "--role", "viewer", "--data", str(data)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert len(out) == 32 and out.isalnum()
    emu = Emulator(data_dir=data)
    emu.start()
    try:
        me = Api(emu.url, out).get("v1/user").json()
        assert me["username"] == "robin" and me["user_role"] == "viewer"
    finally:
        emu.stop()
    dup = subprocess.run([*run, "robin", "--data", str(data)], capture_output=True, text=True)
    assert dup.returncode != 0


def test_add_user_reaches_the_running_emulator(tmp_path: Path) -> None:
    data = tmp_path / "data"
    emu = Emulator(data_dir=data)
    emu.start()
    try:
        env = {**os.environ, "CONNECT_EMULATOR_DATA": str(data)}
        run = [sys.executable, "-m", "rsconnect_lab.emulator", "add-user"]
        key = subprocess.run(
            [*run, "kim", "--role", "publisher"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        me = Api(emu.url, key).get("v1/user").json()
        assert me["username"] == "kim" and me["user_role"] == "publisher"
        assert Api(emu.url, key).create()["owner_guid"] == me["guid"]
    finally:
        emu.stop()
    bare = {k: v for k, v in os.environ.items() if k != "CONNECT_EMULATOR_DATA"}
    missing = subprocess.run([*run, "lee"], env=bare, capture_output=True, text=True)
    assert missing.returncode == 2 and "CONNECT_EMULATOR_DATA" in missing.stderr


def test_require_login_applies_access_rules_to_content_urls(tmp_path: Path) -> None:
    emu = Emulator(data_dir=tmp_path / "strict", open_content=False)
    emu.start()
    try:
        _, okey = emu.add_user("owner", role="publisher")
        _, vkey = emu.add_user("visitor", role="viewer")
        owner, visitor, anonymous = (Api(emu.url, k) for k in (okey, vkey, None))
        c = owner.create()
        owner.deploy(c["guid"], make_bundle(STATIC, {"index.html": "members only"}))
        url = f"/content/{c['guid']}/"
        assert owner.page(url).text == "members only"
        assert Api(emu.url, emu.api_key).page(url).status_code == 200  # administrators
        assert anonymous.page(url).status_code == 401
        assert visitor.page(url).status_code == 403
        owner("PATCH", f"v1/content/{c['guid']}", json={"access_type": "logged_in"})
        assert visitor.page(url).status_code == 200 and anonymous.page(url).status_code == 401
        owner("PATCH", f"v1/content/{c['guid']}", json={"access_type": "all"})
        assert anonymous.page(url).text == "members only"
    finally:
        emu.stop()


def test_update_user(emu: Emulator, admin: Api) -> None:
    guid, key = emu.add_user(unique("upd"), role="viewer")
    me = Api(emu.url, key)
    assert me("PUT", f"v1/users/{guid}", json={"first_name": "Ada"}).json()["first_name"] == "Ada"
    assert_error(me("PUT", f"v1/users/{guid}", json={"user_role": "administrator"}), 403, 22)
    promoted = admin("PUT", f"v1/users/{guid}", json={"user_role": "publisher"}).json()
    assert promoted["user_role"] == "publisher"
    assert me.post("v1/content", json={"name": unique()}).status_code == 200
