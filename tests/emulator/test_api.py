"""The rest of the API surface: settings, tasks, environment, vanity, thumbnails, usage, legacy."""

from __future__ import annotations

import io
import sys
import tarfile
import time

from rsconnect_lab.emulator import Emulator
from tests.emulator.helpers import PNG, Api, assert_error, make_bundle, notebook, unique

STATIC = {"version": 1, "metadata": {"appmode": "static", "primary_html": "index.html"}}


def site(text: str = "hello") -> bytes:
    return make_bundle(STATIC, {"index.html": text})


def test_server_settings_and_python_installations(admin: Api) -> None:
    s = admin.get("server_settings").json()
    assert s["version"] == "2025.09.0" and s["about"].startswith("Posit Connect")
    py = admin.get("v1/server_settings/python").json()
    versions = [i["version"] for i in py["installations"]]
    assert "{}.{}.{}".format(*sys.version_info[:3]) in versions
    assert py["api_enabled"] is True
    assert admin.get("v1/server_settings/r").json() == {"installations": []}


def test_content_object_fields(admin: Api, emu: Emulator) -> None:
    c = admin.create(title="Fields", description="about")
    for key in ("guid", "name", "title", "description", "access_type", "created_time",
                "last_deployed_time", "bundle_id", "app_mode", "owner_guid", "content_url",
                "dashboard_url", "app_role", "id"):  # fmt: skip
        assert key in c
    assert c["app_mode"] == "unknown" and c["bundle_id"] is None
    assert c["content_url"] == f"{emu.url}/content/{c['guid']}/"
    assert c["dashboard_url"] == f"{emu.url}/connect/#/apps/{c['guid']}"
    assert isinstance(c["id"], str) and c["id"].isdigit()


def test_task_output_grows_over_polls(admin: Api) -> None:
    g = admin.create()["guid"]
    manifest = {"version": 1, "metadata": {"appmode": "jupyter-static", "entrypoint": "n.ipynb"}}
    bid = admin.upload(
        g, make_bundle(manifest, {"n.ipynb": notebook("import time; time.sleep(1)")})
    )
    tid = admin.post(f"v1/content/{g}/deploy", json={"bundle_id": bid}).json()["task_id"]
    first = admin.get(f"v1/tasks/{tid}").json()  # no wait: answers at once, unfinished
    assert first["finished"] is False and first["last"] == len(first["output"])
    polls, seen, last = 1, list(first["output"]), first["last"]
    batches = [len(first["output"])]
    while True:
        body = admin.get(f"v1/tasks/{tid}", params={"first": last, "wait": 1}).json()
        polls += 1
        seen += body["output"]
        batches.append(len(body["output"]))
        assert body["last"] >= last
        last = body["last"]
        if body["finished"]:
            break
    assert polls >= 2 and body["code"] == 0 and body["error"] == ""
    assert sum(1 for n in batches if n) >= 2, batches  # lines came while it ran, not all at the end
    full = admin.get(f"v1/tasks/{tid}", params={"first": 0}).json()
    assert full["output"] == seen and full["last"] == len(seen)
    tail = admin.get(f"v1/tasks/{tid}", params={"first": last}).json()
    assert tail["output"] == [] and tail["finished"]


def test_build_and_bundles_list_get_download(admin: Api) -> None:
    g = admin.create()["guid"]
    one = admin.deploy(g, site("one"))["bundle_id"]
    data = site("two")
    two = admin.upload(g, data)
    r = admin.post(f"v1/content/{g}/build", json={"bundle_id": two})
    assert r.status_code == 202 and admin.wait_task(r.json()["task_id"])["code"] == 0
    assert admin.page(f"/content/{g}/").text == "one"  # build does not activate
    assert admin.page(f"/content/{g}/_bundle{two}/").text == "two"
    listed = admin.get(f"v1/content/{g}/bundles").json()
    assert {b["id"]: b["active"] for b in listed} == {one: True, two: False}
    got = admin.get(f"v1/content/{g}/bundles/{two}").json()
    assert got["size"] == len(data) and got["metadata"]["archive_md5"]
    down = admin.get(f"v1/content/{g}/bundles/{two}/download")
    assert down.content == data
    # deploy with no bundle_id deploys the newest bundle
    r = admin.post(f"v1/content/{g}/deploy", json={})
    assert admin.wait_task(r.json()["task_id"])["code"] == 0
    assert admin.page(f"/content/{g}/").text == "two"


def test_upload_without_content_type_chunked(admin: Api) -> None:
    g = admin.create()["guid"]
    data = site("chunked")

    def chunks():  # type: ignore[no-untyped-def]
        for i in range(0, len(data), 7):
            yield data[i : i + 7]

    r = admin.post(f"v1/content/{g}/bundles", data=chunks())
    assert r.status_code == 200, r.text
    assert r.json()["size"] == len(data)


def test_multipart_upload(admin: Api) -> None:
    g = admin.create()["guid"]
    data = site("multi")
    files = {
        "archive": ("bundle.tar.gz", data, "application/x-tar"),
        "metadata": (None, '{"source": "git"}', "application/json"),
    }
    r = admin.post(f"v1/content/{g}/bundles", files=files)
    assert r.status_code == 200, r.text
    assert r.json()["metadata"]["source"] == "git" and r.json()["size"] == len(data)
    assert admin.get(f"v1/content/{g}/bundles/{r.json()['id']}/download").content == data


def test_environment_patch_put_names_only(admin: Api) -> None:
    g = admin.create()["guid"]
    env = f"v1/content/{g}/environment"
    r = admin("PATCH", env, json=[{"name": "A", "value": "1"}, {"name": "B", "value": "secret"}])
    assert r.json() == ["A", "B"]
    assert admin.get(env).json() == ["A", "B"]
    assert "secret" not in admin.get(env).text
    assert admin(
        "PATCH", env, json=[{"name": "A", "value": None}, {"name": "C", "value": "3"}]
    ).json() == ["B", "C"]
    assert admin("PUT", env, json=[{"name": "Z", "value": "26"}]).json() == ["Z"]
    assert admin("PUT", env, json=[]).json() == []


def test_vanity_urls_serve_content(admin: Api) -> None:
    g = admin.create()["guid"]
    admin.deploy(g, make_bundle(STATIC, {"index.html": "vain", "sub/a.txt": "A"}))
    path = f"/{unique('team')}/report/"
    r = admin("PUT", f"v1/content/{g}/vanity", json={"path": path.strip("/")})
    assert r.json()["path"] == path
    assert admin.get(f"v1/content/{g}/vanity").json()["path"] == path
    assert admin.get(f"v1/content/{g}").json()["content_url"].endswith(path)
    assert admin.page(path).text == "vain"
    assert admin.page(path + "sub/a.txt").text == "A"
    assert admin.page(path.rstrip("/")).text == "vain"  # redirected to the slash form
    underscored = f"/{unique('my')}_app/"
    admin("PUT", f"v1/content/{g}/vanity", json={"path": underscored})
    assert admin.page(underscored).text == "vain"
    assert admin.page(underscored.replace("_app", "Xapp")).status_code == 404  # `_` is literal
    admin("PUT", f"v1/content/{g}/vanity", json={"path": path})
    assert path in [v["path"] for v in admin.get("v1/vanities").json()]
    other = admin.create()["guid"]
    taken = admin("PUT", f"v1/content/{other}/vanity", json={"path": path, "force": True})
    assert taken.status_code == 200 and taken.json()["content_guid"] == other
    assert admin("DELETE", f"v1/content/{other}/vanity").status_code == 204
    assert_error(admin.get(f"v1/content/{other}/vanity"), 404, 4)
    assert admin.page(path).status_code == 404


def test_thumbnails(admin: Api) -> None:
    g = admin.create()["guid"]
    assert admin.page(f"/content/{g}/__thumbnail__").status_code == 204
    assert admin("PUT", f"v1/content/{g}/thumbnail", data=PNG).status_code == 200
    got = admin.page(f"/content/{g}/__thumbnail__")
    assert got.content == PNG and got.headers["Content-Type"] == "image/png"
    assert admin.get(f"v1/content/{g}/thumbnail").content == PNG
    assert admin.get(f"applications/{g}/image").content == PNG
    assert admin("DELETE", f"v1/content/{g}/thumbnail").status_code == 204
    assert admin.page(f"/content/{g}/__thumbnail__").status_code == 204


def test_visits_recorded_with_cursor_paging(admin: Api, emu: Emulator) -> None:
    g = admin.create()["guid"]
    admin.deploy(g, site())
    for _ in range(3):
        assert admin.page(f"/content/{g}/").status_code == 200
    Api(emu.url, None).page(f"/content/{g}/")
    first = admin.get(
        "v1/instrumentation/content/visits", params={"content_guid": g, "limit": 2}
    ).json()
    assert len(first["results"]) == 2 and first["paging"]["cursors"]["next"]
    me = admin.get("v1/user").json()["guid"]
    assert first["results"][0]["user_guid"] == me
    rest = admin.get(
        "v1/instrumentation/content/visits",
        params={"content_guid": g, "limit": 2, "next": first["paging"]["cursors"]["next"]},
    ).json()
    assert len(rest["results"]) == 2 and rest["paging"]["cursors"]["next"] is None
    assert rest["results"][-1]["user_guid"] is None  # the anonymous visit
    assert all(v["content_guid"] == g and v["path"] == f"/content/{g}/" for v in rest["results"])
    # Five visits in pages of two: previous from the last page is the middle one, not the first.
    admin.page(f"/content/{g}/")
    visits = "v1/instrumentation/content/visits"
    pages = [admin.get(visits, params={"content_guid": g, "limit": 2}).json()]
    while cursor := pages[-1]["paging"]["cursors"]["next"]:
        pages.append(
            admin.get(visits, params={"content_guid": g, "limit": 2, "next": cursor}).json()
        )
    assert [len(p["results"]) for p in pages] == [2, 2, 1]
    back = admin.get(
        visits,
        params={
            "content_guid": g,
            "limit": 2,
            "previous": pages[2]["paging"]["cursors"]["previous"],
        },
    ).json()
    assert back["results"] == pages[1]["results"]
    assert back["paging"]["cursors"]["previous"] and back["paging"]["cursors"]["next"]


def test_legacy_applications_by_numeric_id(admin: Api, emu: Emulator) -> None:
    c = admin.create(title="Legacy title")
    admin.deploy(c["guid"], site())
    app = admin.get(f"applications/{c['id']}").json()
    assert app["guid"] == c["guid"] and app["app_mode"] == 4 and app["id"] == int(c["id"])
    assert admin.get(f"applications/{c['guid']}").json()["id"] == int(c["id"])
    assert admin.page(f"/content/{c['id']}/").text == "hello"
    listed = admin.get("applications", params={"search": "Legacy"}).json()
    assert c["guid"] in [a["guid"] for a in listed["applications"]]
    assert_error(admin.get("applications/99999999"), 404, 4)


def test_delete_content_removes_everything(admin: Api) -> None:
    c = admin.create()
    g = c["guid"]
    bid = admin.deploy(g, site())["bundle_id"]
    assert admin("DELETE", f"v1/content/{g}").status_code == 204
    assert_error(admin.get(f"v1/content/{g}"), 404, 4)
    assert admin.page(f"/content/{g}/").status_code == 404
    assert_error(admin.get(f"v1/content/{g}/bundles/{bid}"), 404, 4)
    assert admin.create(c["name"])["name"] == c["name"]  # the name is free again


def test_concurrent_requests_are_safe(admin: Api) -> None:
    from concurrent.futures import ThreadPoolExecutor

    prefix = unique("cc")

    def work(i: int) -> tuple[str, int]:
        api = Api(admin.url, admin.s.headers["Authorization"].removeprefix("Key "))
        c = api.create(f"{prefix}-{i}")
        return c["guid"], api.deploy(c["guid"], site(f"page {i}"))["code"]

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(work, range(16)))
    assert all(code == 0 for _, code in results)
    for i, (g, _) in enumerate(results):
        assert admin.page(f"/content/{g}/").text == f"page {i}"
    names = [c["name"] for c in admin.get("v1/content").json() if c["name"].startswith(prefix)]
    assert len(names) == 16


def test_bundle_with_links_or_escapes_is_contained(admin: Api) -> None:
    g = admin.create()["guid"]
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, data in (("manifest.json", b'{"version":1,"metadata":{"appmode":"static","primary_html":"index.html"}}'),
                           ("index.html", b"ok"), ("../escape.txt", b"bad")):  # fmt: skip
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    task = admin.deploy(g, buf.getvalue())
    assert task["code"] != 0  # refused, nothing written outside the bundle directory


def test_dashboard_page_lists_content(admin: Api, emu: Emulator) -> None:
    c = admin.create(title="On the dashboard")
    page = Api(emu.url, None).page("/connect/")
    assert page.status_code == 200 and "On the dashboard" in page.text
    assert f'id="{c["guid"]}"' in page.text
    assert Api(emu.url, None).page("/").url.endswith("/connect/")


def test_collections_empty_until_something_is_deployed(admin: Api) -> None:
    g = admin.create()["guid"]
    for path in (f"v1/content/{g}/jobs", f"v1/content/{g}/packages", f"v1/content/{g}/tags",
                 f"v1/content/{g}/oauth/integrations/associations"):  # fmt: skip
        r = admin.get(path)
        assert r.status_code == 200 and r.json() == [], path


def test_legacy_task_shape_and_settings_siblings(admin: Api) -> None:
    g = admin.create()["guid"]
    bid = admin.upload(g, site())
    tid = admin.post(f"v1/content/{g}/deploy", json={"bundle_id": bid}).json()["task_id"]
    admin.wait_task(tid)
    v0 = admin.get(f"tasks/{tid}", params={"first_status": 1}).json()
    assert v0["finished"] and v0["code"] == 0 and v0["last_status"] == len(v0["status"]) + 1
    assert "static" in admin.get("server_settings/applications").json()["app_modes"]
    assert admin.get("server_settings/scheduler/python-dash").json()["max_processes"] >= 1


def test_legacy_deploy_flow(admin: Api) -> None:
    """The unversioned flow of rsconnect-python <= 1.28 and rsconnect-jupyter."""
    app = admin.post("applications", json={"name": unique("legacy")}).json()
    assert isinstance(app["id"], int) and app["app_mode"] == 0
    aid = app["id"]
    updated = admin.post(f"applications/{aid}", json={"title": "Old flow", "needs_config": False})
    assert updated.json()["title"] == "Old flow"
    bundle = admin.post(f"applications/{aid}/upload", data=site("legacy page")).json()
    assert isinstance(bundle["id"], int) and bundle["app_id"] == aid
    task = admin.post(f"applications/{aid}/deploy", json={"bundle": bundle["id"]}).json()
    last = 0
    while not task["finished"]:
        time.sleep(0.2)
        task = admin.get(f"tasks/{task['id']}", params={"first_status": last}).json()
        last = task["last_status"]
    assert task["code"] == 0
    assert admin.page(f"/content/{aid}/").text == "legacy page"
    assert admin.get(f"applications/{aid}").json()["app_mode"] == 4
    assert_error(admin.post("applications", json={"name": app["name"]}), 409, 26)
