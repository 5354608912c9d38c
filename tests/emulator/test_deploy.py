"""Deploys that do the work: static HTML, executed notebooks, drafts, failures."""

from __future__ import annotations

import pytest

from tests.emulator.helpers import Api, make_bundle, notebook


def test_static_serves_primary_html_and_its_files(admin: Api) -> None:
    c = admin.create()
    bundle = make_bundle(
        {
            "version": 1,
            "metadata": {"appmode": "static", "primary_html": "report.html"},
            "files": {},
        },
        {"report.html": "<h1>Quarterly</h1><link href='css/s.css'>", "css/s.css": "h1{}"},
    )
    task = admin.deploy(c["guid"], bundle)
    assert task["code"] == 0, task
    assert any("live" in line for line in task["output"])
    page = admin.page(f"/content/{c['guid']}/")
    assert page.status_code == 200 and "<h1>Quarterly</h1>" in page.text
    assert admin.page(f"/content/{c['guid']}/css/s.css").text == "h1{}"
    assert admin.page(f"/content/{c['guid']}/../../admin-key").status_code == 404
    got = admin.get(f"v1/content/{c['guid']}").json()
    assert got["app_mode"] == "static" and got["bundle_id"] == task["bundle_id"]


def test_jupyter_static_executes_notebook_and_hides_tagged_input(admin: Api) -> None:
    c = admin.create()
    nb = notebook(
        "print(6 * 7, 'answer')", ("hidden_marker = 1\nprint('tagged out')", ["hide_input"])
    )
    manifest = {
        "version": 1,
        "metadata": {"appmode": "jupyter-static", "entrypoint": "nb.ipynb"},
        "jupyter": {"hide_tagged_input": True},
    }
    task = admin.deploy(c["guid"], make_bundle(manifest, {"nb.ipynb": nb}))
    assert task["code"] == 0, task["output"]
    html = admin.page(f"/content/{c['guid']}/").text
    assert "42 answer" in html and "tagged out" in html
    assert "hidden_marker" not in html
    assert html.count("jp-InputArea jp-Cell-inputArea") == 1  # only the untagged input stays


def test_draft_deploy_is_previewed_not_live(admin: Api) -> None:
    c = admin.create()

    def site(text: str) -> bytes:
        return make_bundle(
            {"version": 1, "metadata": {"appmode": "static", "primary_html": "i.html"}},
            {"i.html": text},
        )

    first = admin.deploy(c["guid"], site("v1"))
    draft = admin.deploy(c["guid"], site("v2"), activate=False)
    assert first["code"] == 0 and draft["code"] == 0
    assert admin.page(f"/content/{c['guid']}/").text == "v1"
    assert admin.page(f"/content/{c['guid']}/_bundle{draft['bundle_id']}/").text == "v2"
    assert admin.get(f"v1/content/{c['guid']}").json()["bundle_id"] == first["bundle_id"]
    r = admin.post(f"v1/content/{c['guid']}/deploy", json={"bundle_id": draft["bundle_id"]})
    assert admin.wait_task(r.json()["task_id"])["code"] == 0
    assert admin.page(f"/content/{c['guid']}/").text == "v2"


@pytest.mark.parametrize(
    ("cells", "reason"),
    [(["1 / 0"], "ZeroDivisionError"), (["import no_such_module_xyz"], "ModuleNotFoundError")],
)
def test_broken_notebook_fails_task_with_reason(admin: Api, cells: list[str], reason: str) -> None:
    c = admin.create()
    manifest = {"version": 1, "metadata": {"appmode": "jupyter-static", "entrypoint": "b.ipynb"}}
    task = admin.deploy(c["guid"], make_bundle(manifest, {"b.ipynb": notebook(*cells)}))
    assert task["finished"] and task["code"] != 0
    assert reason in task["error"]
    assert admin.get(f"v1/content/{c['guid']}").json()["bundle_id"] is None


def test_jupyter_static_hide_all_input(admin: Api) -> None:
    c = admin.create()
    manifest = {
        "version": 1,
        "metadata": {"appmode": "jupyter-static", "entrypoint": "nb.ipynb"},
        "jupyter": {"hide_all_input": True},
    }
    nb = notebook("visible_source_marker = 'out' + 'put'\nprint(visible_source_marker)")
    assert admin.deploy(c["guid"], make_bundle(manifest, {"nb.ipynb": nb}))["code"] == 0
    html = admin.page(f"/content/{c['guid']}/").text
    assert "output" in html and "visible_source_marker" not in html


def test_notebook_reads_files_from_its_bundle(admin: Api) -> None:
    c = admin.create()
    manifest = {"version": 1, "metadata": {"appmode": "jupyter-static", "entrypoint": "nb.ipynb"}}
    nb = notebook("print(open('data/input.csv').read().upper())")
    bundle = make_bundle(manifest, {"nb.ipynb": nb, "data/input.csv": "a,b\n"})
    assert admin.deploy(c["guid"], bundle)["code"] == 0
    assert "A,B" in admin.page(f"/content/{c['guid']}/").text
    assert admin.page(f"/content/{c['guid']}/data/input.csv").text == "a,b\n"


def test_unsupported_mode_and_missing_primary_fail_the_task(admin: Api) -> None:
    g = admin.create()["guid"]
    shiny_r = make_bundle({"version": 1, "metadata": {"appmode": "shiny"}}, {"app.R": ""})
    task = admin.deploy(g, shiny_r)
    assert task["code"] == 1 and "shiny" in task["error"]
    g2 = admin.create()["guid"]
    empty = make_bundle({"version": 1, "metadata": {"appmode": "static"}}, {"x.txt": "x"})
    task = admin.deploy(g2, empty)
    assert task["code"] == 1 and "primary" in task["error"]


@pytest.mark.parametrize("mode,key", [("static", "primary_html"), ("jupyter-static", "entrypoint")])
def test_a_manifest_cannot_point_outside_its_bundle(admin: Api, mode: str, key: str) -> None:
    # The emulator's own data directory holds the administrator's key; /etc/passwd is anyone's.
    for outside in ("../../../../admin-key", "/etc/passwd"):
        g = admin.create()["guid"]
        manifest = {"version": 1, "metadata": {"appmode": mode, key: outside}}
        task = admin.deploy(g, make_bundle(manifest, {"x.txt": "x"}))
        assert task["code"] == 1, task
        page = admin.page(f"/content/{g}/")
        assert page.status_code != 200 and "root:" not in page.text


def test_build_renders_the_notebook_again(admin: Api) -> None:
    c = admin.create()
    manifest = {"version": 1, "metadata": {"appmode": "jupyter-static", "entrypoint": "nb.ipynb"}}
    nb = notebook("import time\nprint('rendered at', time.time_ns())")
    task = admin.deploy(c["guid"], make_bundle(manifest, {"nb.ipynb": nb}))
    first = admin.page(f"/content/{c['guid']}/").text
    r = admin.post(f"v1/content/{c['guid']}/build", json={"bundle_id": task["bundle_id"]})
    assert admin.wait_task(r.json()["task_id"])["code"] == 0
    second = admin.page(f"/content/{c['guid']}/").text
    assert "rendered at" in second and first != second
