"""Tags: a tree administrators keep, content marked with them, as posit-sdk uses it."""

from __future__ import annotations

from posit import connect

from rsconnect_lab.emulator import Emulator
from tests.emulator.helpers import Api, assert_error, unique


def test_a_tag_tree_marks_content(admin: Api, publisher: Api, viewer: Api) -> None:
    top = admin.post("v1/tags", json={"name": unique("dept")}).json()
    child = admin.post("v1/tags", json={"name": "finance", "parent_id": top["id"]}).json()
    assert child["parent_id"] == top["id"] and isinstance(child["id"], str)
    assert_error(admin.post("v1/tags", json={"name": "finance", "parent_id": top["id"]}), 409, 26)
    assert_error(publisher.post("v1/tags", json={"name": unique("nope")}), 403, 22)
    assert_error(admin.post("v1/tags", json={}), 400, 12)
    assert_error(admin.get("v1/tags/999999"), 404, 4)

    g = publisher.create(unique("tagged"))["guid"]
    assert publisher.post(f"v1/content/{g}/tags", json={"tag_id": child["id"]}).status_code == 200
    assert [t["name"] for t in publisher.get(f"v1/content/{g}/tags").json()] == ["finance"]
    assert [c["guid"] for c in admin.get(f"v1/tags/{child['id']}/content").json()] == [g]
    assert viewer.get(f"v1/tags/{child['id']}/content").json() == []  # not theirs to see
    got = publisher.get(f"v1/content/{g}", params={"include": "tags"}).json()
    assert [t["id"] for t in got["tags"]] == [child["id"]]
    assert_error(viewer.post(f"v1/content/{g}/tags", json={"tag_id": child["id"]}), 404, 4)

    assert admin("DELETE", f"v1/tags/{top['id']}").status_code == 204  # the child goes too
    assert_error(admin.get(f"v1/tags/{child['id']}"), 404, 4)
    assert publisher.get(f"v1/content/{g}/tags").json() == []


def test_a_tag_cannot_move_under_itself(admin: Api) -> None:
    top = admin.post("v1/tags", json={"name": unique("loop")}).json()
    child = admin.post("v1/tags", json={"name": "inner", "parent_id": top["id"]}).json()
    r = admin("PATCH", f"v1/tags/{top['id']}", json={"parent_id": child["id"]})
    assert_error(r, 400, 25)
    renamed = admin("PATCH", f"v1/tags/{child['id']}", json={"name": "renamed"}).json()
    assert renamed["name"] == "renamed" and renamed["parent_id"] == top["id"]


def test_posit_sdk_tags(emu: Emulator, admin: Api) -> None:
    client = connect.Client(emu.url, emu.api_key)
    top = client.tags.create(name=unique("sdk"))
    child = client.tags.create(name="reports", parent=top)
    assert [t["id"] for t in top.child_tags.find()] == [child["id"]]
    assert client.tags.find(name="reports", parent=top)[0]["id"] == child["id"]
    g = admin.create(unique("sdktag"))["guid"]
    item = client.content.get(g)
    item.tags.add(child)
    assert [t["name"] for t in item.tags.find()] == ["reports"]
    assert [c["guid"] for c in child.content_items.find()] == [g]
    item.tags.delete(child)
    assert item.tags.find() == []
    top.destroy()
    assert client.tags.find(name="reports", parent_id=top["id"]) == []
