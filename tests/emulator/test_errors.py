"""Every error code of the contract, in Connect's {code, error, payload} shape."""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import socket
import tarfile
from collections.abc import Callable

import requests

from rsconnect_lab.emulator import Emulator
from tests.emulator.helpers import Api, assert_error, make_bundle, unique

STATIC = {"version": 1, "metadata": {"appmode": "static", "primary_html": "index.html"}}


def static_bundle(text: str = "hi") -> bytes:
    return make_bundle(STATIC, {"index.html": text})


def test_30_bad_key_and_24_no_key(emu: Emulator) -> None:
    assert_error(Api(emu.url, "0" * 32).get("v1/user"), 401, 30)
    assert_error(Api(emu.url, None).get("v1/content"), 401, 24)
    # server_settings answers without a key (that is how clients recognise Connect)
    r = Api(emu.url, None).get("server_settings")
    assert r.status_code == 200 and r.json()["version"]


def test_2_unknown_endpoint(admin: Api) -> None:
    assert_error(admin.get("v1/no/such/thing"), 404, 2)
    assert_error(admin("PUT", "v1/user"), 404, 2)


def test_4_unknown_guid(admin: Api) -> None:
    assert_error(admin.get("v1/content/00000000-0000-0000-0000-000000000000"), 404, 4)
    assert_error(admin.get("v1/content/not-a-guid"), 404, 4)
    assert_error(admin.get("v1/tasks/nope"), 404, 4)


def test_5_bad_names(admin: Api) -> None:
    for name in ("ab", "x" * 65, "has space", "dots.not.ok", "ümlaut", "abc\n"):
        assert_error(admin.post("v1/content", json={"name": name}), 400, 5)
    c = admin.create()
    assert_error(admin("PATCH", f"v1/content/{c['guid']}", json={"name": "no"}), 400, 5)


def test_122_123_117_title_description_access(admin: Api) -> None:
    assert_error(admin.post("v1/content", json={"name": unique(), "title": "ab"}), 400, 122)
    assert_error(admin.post("v1/content", json={"name": unique(), "title": "t" * 1025}), 400, 122)
    c = admin.create(title="A fine title")
    assert_error(admin("PATCH", f"v1/content/{c['guid']}", json={"title": "x"}), 400, 122)
    assert_error(
        admin("PATCH", f"v1/content/{c['guid']}", json={"description": "d" * 4097}), 400, 123
    )
    assert_error(admin.post("v1/content", json={"name": unique(), "access_type": "x"}), 400, 117)
    assert admin.create(title="t" * 1024)["title"] == "t" * 1024


def test_26_duplicate_name(admin: Api) -> None:
    name = unique()
    admin.create(name)
    assert_error(admin.post("v1/content", json={"name": name}), 409, 26)
    other = admin.create()
    assert_error(admin("PATCH", f"v1/content/{other['guid']}", json={"name": name}), 409, 26)


def test_12_name_missing_and_87_121_bad_json(admin: Api) -> None:
    assert_error(admin.post("v1/content", json={"title": "No name"}), 400, 12)
    bad = admin.post("v1/content", data=b"{not json", headers={"Content-Type": "application/json"})
    assert_error(bad, 400, 87)
    assert_error(admin.post("v1/content", json=["a", "list"]), 400, 121)


def test_53_immutable_field(admin: Api) -> None:
    c = admin.create()
    assert_error(admin("PATCH", f"v1/content/{c['guid']}", json={"guid": "x"}), 400, 53)
    same = admin("PATCH", f"v1/content/{c['guid']}", json={"guid": c["guid"], "title": "Fine"})
    assert same.status_code == 200 and same.json()["title"] == "Fine"


def test_48_app_mode_change(admin: Api) -> None:
    c = admin.create()
    assert admin.deploy(c["guid"], static_bundle())["code"] == 0
    nb = make_bundle(
        {"version": 1, "metadata": {"appmode": "jupyter-static", "entrypoint": "n.ipynb"}},
        {"n.ipynb": "{}"},
    )
    bid = admin.upload(c["guid"], nb)
    assert_error(admin.post(f"v1/content/{c['guid']}/deploy", json={"bundle_id": bid}), 403, 48)
    patch = admin("PATCH", f"v1/content/{c['guid']}", json={"app_mode": "python-dash"})
    assert_error(patch, 403, 48)


def test_148_app_mode_not_valid(admin: Api) -> None:
    c = admin.create()
    for mode in ("python-nonsense", 7):
        patched = admin("PATCH", f"v1/content/{c['guid']}", json={"app_mode": mode})
        assert_error(patched, 400, 148)
    created = admin.post("v1/content", json={"name": unique(), "app_mode": "no-such-mode"})
    assert_error(created, 400, 148)
    fine = admin("PATCH", f"v1/content/{c['guid']}", json={"app_mode": "python-fastapi"})
    assert fine.status_code == 200 and fine.json()["app_mode"] == "python-fastapi"


def test_17_removing_what_is_not_there(admin: Api, emu: Emulator) -> None:
    group = admin.post("v1/groups", json={"name": unique("nobody")}).json()
    stranger, _ = emu.add_user(unique("stranger"), role="viewer")
    gone = admin("DELETE", f"v1/groups/{group['guid']}/members/{stranger}")
    assert_error(gone, 404, 17)
    c = admin.create()
    assert_error(admin("DELETE", f"v1/content/{c['guid']}/permissions/999999"), 404, 17)


def test_125_empty_upload_and_135_38_bad_bundles(admin: Api) -> None:
    g = admin.create()["guid"]
    assert_error(admin.post(f"v1/content/{g}/bundles", data=b""), 400, 125)
    assert_error(admin.post(f"v1/content/{g}/bundles", data=b"not a tarball"), 400, 135)
    assert_error(admin.post(f"v1/content/{g}/bundles", data=gzip.compress(b"x" * 100)), 400, 135)
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        info = tarfile.TarInfo("index.html")
        info.size = 2
        tar.addfile(info, io.BytesIO(b"hi"))
    assert_error(admin.post(f"v1/content/{g}/bundles", data=buf.getvalue()), 400, 38)
    no_mode = make_bundle({"version": 1, "metadata": {}}, {"a": "b"})
    assert_error(admin.post(f"v1/content/{g}/bundles", data=no_mode), 400, 38)


def test_126_content_length_mismatch(emu: Emulator, admin: Api) -> None:
    g = admin.create()["guid"]
    body = static_bundle()
    host, port = emu.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port))) as s:
        head = (
            f"POST /__api__/v1/content/{g}/bundles HTTP/1.1\r\nHost: {host}\r\n"
            f"Authorization: Key {emu.api_key}\r\nContent-Length: {len(body) + 10}\r\n\r\n"
        )
        s.sendall(head.encode() + body)
        s.shutdown(socket.SHUT_WR)  # fewer bytes than announced
        reply = s.recv(65536).decode(errors="replace")
    # Either Connect's 126 or the connection is refused as malformed; never a stored bundle.
    assert reply == "" or " 400 " in reply.split("\r\n")[0]
    assert admin.get(f"v1/content/{g}/bundles").json() == []


def test_104_checksum_mismatch(admin: Api) -> None:
    g = admin.create()["guid"]
    body = static_bundle()
    wrong = base64.b64encode(hashlib.md5(b"other").digest()).decode()
    r = admin.post(f"v1/content/{g}/bundles", data=body, headers={"X-Content-Checksum": wrong})
    assert_error(r, 400, 104)
    garbled = admin.post(
        f"v1/content/{g}/bundles", data=body, headers={"X-Content-Checksum": "not base64!"}
    )
    assert_error(garbled, 400, 104)
    right = base64.b64encode(hashlib.md5(body).digest()).decode()
    ok = admin.post(f"v1/content/{g}/bundles", data=body, headers={"X-Content-Checksum": right})
    assert ok.status_code == 200


def test_28_3_82_deploy_errors(admin: Api) -> None:
    g = admin.create()["guid"]
    assert_error(admin.post(f"v1/content/{g}/deploy", json={}), 404, 28)
    assert_error(admin.post(f"v1/content/{g}/deploy", json={"bundle_id": "abc"}), 400, 3)
    assert_error(admin.post(f"v1/content/{g}/deploy", json={"bundle_id": "999999"}), 404, 4)
    other = admin.create()["guid"]
    foreign = admin.upload(other, static_bundle())
    assert_error(admin.post(f"v1/content/{g}/deploy", json={"bundle_id": foreign}), 400, 82)


def test_75_active_bundle_cannot_be_deleted(admin: Api) -> None:
    g = admin.create()["guid"]
    first = admin.deploy(g, static_bundle("one"))["bundle_id"]
    second = admin.deploy(g, static_bundle("two"))["bundle_id"]
    assert_error(admin("DELETE", f"v1/content/{g}/bundles/{second}"), 400, 75)
    assert admin("DELETE", f"v1/content/{g}/bundles/{first}").status_code == 204
    assert_error(admin.get(f"v1/content/{g}/bundles/{first}"), 404, 4)


def test_25_bad_task_and_paging_parameters(admin: Api) -> None:
    g = admin.create()["guid"]
    task = admin.deploy(g, static_bundle())
    r = admin.post(f"v1/content/{g}/deploy", json={"bundle_id": task["bundle_id"]})
    tid = r.json()["task_id"]
    admin.wait_task(tid)
    assert_error(admin.get(f"v1/tasks/{tid}", params={"first": 10_000}), 400, 25)
    assert_error(admin.get(f"v1/tasks/{tid}", params={"first": "x"}), 400, 25)
    assert_error(admin.get("v1/users", params={"page_size": 0}), 400, 25)
    assert_error(admin.get("v1/users", params={"page_number": 0}), 400, 25)


def test_environment_108_149(admin: Api) -> None:
    g = admin.create()["guid"]
    dup = [{"name": "A", "value": "1"}, {"name": "A", "value": "2"}]
    assert_error(admin("PATCH", f"v1/content/{g}/environment", json=dup), 409, 149)
    bad = [{"name": "PATH", "value": "/tmp"}]
    assert_error(admin("PATCH", f"v1/content/{g}/environment", json=bad), 409, 108)


def test_vanity_51_52(admin: Api) -> None:
    a, b = admin.create()["guid"], admin.create()["guid"]
    path = f"/{unique('v')}/"
    assert admin("PUT", f"v1/content/{a}/vanity", json={"path": path}).status_code == 200
    assert_error(admin("PUT", f"v1/content/{b}/vanity", json={"path": path}), 409, 51)
    for bad in ("/connect/", "/__api__/x/", "/content/", "/", "/a b/"):
        assert_error(admin("PUT", f"v1/content/{b}/vanity", json={"path": bad}), 400, 52)


def test_error_shape_on_every_client_error(emu: Emulator) -> None:
    r = requests.get(
        f"{emu.url}/__api__/v1/user", headers={"Authorization": "Bearer x"}, timeout=10
    )
    assert r.headers["Content-Type"].startswith("application/json")
    assert set(r.json()) == {"code", "error", "payload"}


def test_121_activate_before_drafts_existed(fresh: Callable[..., Emulator]) -> None:
    emu = fresh(version="2025.03.0")
    admin = Api(emu.url, emu.api_key)
    g = admin.create()["guid"]
    bid = admin.upload(g, static_bundle())
    drafted = admin.post(f"v1/content/{g}/deploy", json={"bundle_id": bid, "activate": False})
    assert_error(drafted, 400, 121)
    plain = admin.post(f"v1/content/{g}/deploy", json={"bundle_id": bid})
    assert admin.wait_task(plain.json()["task_id"])["code"] == 0
