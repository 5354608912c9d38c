"""Jobs: a render and an app are processes Connect lists, with their state and exit code."""

from __future__ import annotations

from collections.abc import Callable

import psutil
import pytest
from posit import connect

from rsconnect_lab.emulator import Emulator
from tests.emulator.helpers import Api, make_bundle, notebook, unique
from tests.emulator.test_apps import FLASK_APP, app_bundle

pytestmark = pytest.mark.slow


def _notebook_bundle() -> bytes:
    manifest = {"version": 1, "metadata": {"appmode": "jupyter-static", "entrypoint": "nb.ipynb"}}
    return make_bundle(manifest, {"nb.ipynb": notebook("print('rendered')")})


def test_a_render_is_a_finished_job(admin: Api, viewer: Api) -> None:
    g = admin.create(unique("jobs"))["guid"]
    task = admin.deploy(g, _notebook_bundle())
    assert task["code"] == 0
    (job,) = admin.get(f"v1/content/{g}/jobs").json()
    assert job["tag"] == "build_jupyter" and job["status"] == 1 and job["exit_code"] == 0
    assert job["bundle_id"] == task["bundle_id"] and job["end_time"] >= job["start_time"]
    assert admin.get(f"v1/content/{g}/jobs/{job['key']}").json()["key"] == job["key"]
    assert admin.get(f"v1/content/{g}/jobs/nope").json()["code"] == 4
    assert viewer.get(f"v1/content/{g}/jobs").status_code == 404


def test_an_app_is_an_active_job_until_stopped_and_then_starts_again(admin: Api) -> None:
    g = admin.create(unique("appjob"))["guid"]
    assert admin.deploy(g, app_bundle("python-api", {"app.py": FLASK_APP}))["code"] == 0
    (job,) = admin.get(f"v1/content/{g}/jobs").json()
    assert job["tag"] == "run_python_api" and job["status"] == 0 and job["exit_code"] is None
    assert psutil.pid_exists(int(job["pid"]))

    stopped = admin("DELETE", f"v1/content/{g}/jobs/{job['key']}")
    assert stopped.status_code == 200 and stopped.json()["job_key"] == job["key"]
    after = admin.get(f"v1/content/{g}/jobs/{job['key']}").json()
    assert after["status"] == 1 and after["end_time"] is not None

    assert admin.page(f"/content/{g}/").text == "flask says hi"  # a visit starts it again
    jobs = admin.get(f"v1/content/{g}/jobs").json()
    assert [j["status"] for j in jobs] == [0, 1]  # newest first


def test_jobs_survive_a_restart_as_finished(fresh: Callable[..., Emulator]) -> None:
    emu = fresh()
    api = Api(emu.url, emu.api_key)
    g = api.create()["guid"]
    assert api.deploy(g, app_bundle("python-api", {"app.py": FLASK_APP}))["code"] == 0
    (before,) = api.get(f"v1/content/{g}/jobs").json()
    emu.stop()
    again = fresh(api_key=emu.api_key)
    api = Api(again.url, again.api_key)
    jobs = {j["key"]: j for j in api.get(f"v1/content/{g}/jobs").json()}
    assert jobs[before["key"]]["status"] == 1 and jobs[before["key"]]["exit_code"] is None


def test_posit_sdk_lists_finds_and_destroys_jobs(emu: Emulator, admin: Api) -> None:
    g = admin.create(unique("sdkjobs"))["guid"]
    assert admin.deploy(g, app_bundle("python-api", {"app.py": FLASK_APP}))["code"] == 0
    client = connect.Client(emu.url, emu.api_key)  # its resources hold it weakly
    item = client.content.get(g)
    (job,) = item.jobs.fetch()
    assert item.jobs.find(job["key"])["pid"] == job["pid"]
    assert item.jobs.find_by(tag="run_python_api")["key"] == job["key"]
    job.destroy()
    assert item.jobs.find(job["key"])["status"] == 1


def test_posit_sdk_renders_a_notebook_again(emu: Emulator, admin: Api) -> None:
    g = admin.create(unique("render"))["guid"]
    manifest = {"version": 1, "metadata": {"appmode": "jupyter-static", "entrypoint": "nb.ipynb"}}
    nb = notebook("import time\nprint('rendered at', time.time_ns())")
    assert admin.deploy(g, make_bundle(manifest, {"nb.ipynb": nb}))["code"] == 0
    first = admin.page(f"/content/{g}/").text
    client = connect.Client(emu.url, emu.api_key)
    item = client.content.get(g)
    task = item.render()
    task.wait_for()
    assert task["code"] == 0, task["output"]
    second = admin.page(f"/content/{g}/").text
    assert "rendered at" in second and second != first
    assert [j["tag"] for j in item.jobs.fetch()] == ["build_jupyter", "build_jupyter"]


def test_only_rendered_content_has_a_variant(admin: Api) -> None:
    g = admin.create(unique("novariant"))["guid"]
    assert admin.get(f"applications/{g}/variants").json() == []
    assert admin.post("variants/999999/render").status_code == 404
