from __future__ import annotations

import json
from pathlib import Path

from rsconnect_lab.records import Deployment, RecordStore, rsconnect_record_paths


def _dep(guid: str, url: str = "http://127.0.0.1:3939") -> Deployment:
    return Deployment(
        server_url=url,
        server_name="local",
        content_guid=guid,
        content_id="7",
        content_url=f"{url}/content/{guid}/",
        dashboard_url=f"{url}/connect/#/apps/{guid}",
        title="Report",
        app_mode="jupyter-static",
        mode="source",
    )


def test_save_writes_both_formats(tmp_path: Path) -> None:
    nb = tmp_path / "work" / "report.ipynb"
    nb.parent.mkdir()
    nb.write_text("{}")
    env = {"HOME": str(tmp_path / "home")}
    store = RecordStore(tmp_path / "data", env=env)
    store.save(nb, _dep("g-1"))
    rsc = json.loads((nb.parent / "rsconnect-python" / "report.json").read_text())
    assert rsc == {
        "http://127.0.0.1:3939": {
            "server_url": "http://127.0.0.1:3939",
            "filename": str(nb),
            "app_url": "http://127.0.0.1:3939/content/g-1/",
            "app_id": "7",
            "app_guid": "g-1",
            "title": "Report",
            "app_mode": "jupyter-static",
            "app_store_version": 1,
        }
    }
    (listed,) = store.list(nb)
    assert listed.content_guid == "g-1" and listed.source == "rsconnect_lab"


def test_several_targets_newest_first(tmp_path: Path) -> None:
    nb = tmp_path / "a.ipynb"
    nb.write_text("{}")
    store = RecordStore(tmp_path / "data", env={"HOME": str(tmp_path)})
    store.save(nb, _dep("staging", "https://staging.example.com"))
    store.save(nb, _dep("prod", "https://prod.example.com"))
    store.save(nb, _dep("prod", "https://prod.example.com"))  # redeploy: still one entry
    assert [d.content_guid for d in store.list(nb)] == ["prod", "staging"]
    store.forget(nb, "https://prod.example.com", "prod")
    assert [d.content_guid for d in store.list(nb)] == ["staging"]


def test_reads_rsconnect_python_records_including_fallbacks(tmp_path: Path) -> None:
    nb = tmp_path / "nb" / "analysis.ipynb"
    nb.parent.mkdir()
    nb.write_text("{}")
    env = {"HOME": str(tmp_path / "home")}
    primary, _real_hash, made_up_hash = rsconnect_record_paths(nb, env)
    assert primary == nb.parent / "rsconnect-python" / "analysis.json"
    made_up_hash.parent.mkdir(parents=True)
    made_up_hash.write_text(
        json.dumps(
            {
                "https://c.example.com/": {
                    "server_url": "https://c.example.com/",
                    "filename": str(nb),
                    "app_url": "https://c.example.com/content/25/",
                    "app_id": 25,
                    "app_guid": "abc-def",
                    "title": "analysis",
                    "app_mode": "jupyter-static",
                    "app_store_version": 1,
                }
            }
        )
    )
    store = RecordStore(tmp_path / "data", env=env)
    (dep,) = store.list(nb)
    assert dep.source == "rsconnect-python"
    assert dep.server_url == "https://c.example.com"
    assert dep.content_guid == "abc-def" and dep.content_id == "25"


def test_read_only_folder_falls_back_to_config_dir(tmp_path: Path) -> None:
    nb = tmp_path / "ro" / "x.ipynb"
    nb.parent.mkdir()
    nb.write_text("{}")
    (nb.parent / "rsconnect-python").write_text("not a folder")  # makes the primary unwritable
    env = {"HOME": str(tmp_path / "home")}
    store = RecordStore(tmp_path / "data", env=env)
    store.save(nb, _dep("g"))
    _, fallback, _ = rsconnect_record_paths(nb, env)
    assert "g" in fallback.read_text()


def test_reads_the_folder_record_of_an_app(tmp_path: Path) -> None:
    """`rsconnect deploy dash DIR` keys its record on the folder: <dir>/rsconnect-python/<dir>.json."""
    app = tmp_path / "sales" / "app.py"
    app.parent.mkdir()
    app.write_text("app = None\n")
    record = app.parent / "rsconnect-python" / "sales.json"
    record.parent.mkdir()
    record.write_text(
        json.dumps(
            {
                "https://c.example.com": {
                    "server_url": "https://c.example.com",
                    "filename": str(app.parent),
                    "app_url": "https://c.example.com/content/dash-guid/",
                    "app_id": "9",
                    "app_guid": "dash-guid",
                    "title": "sales",
                    "app_mode": "python-dash",
                    "app_store_version": 1,
                }
            }
        )
    )
    store = RecordStore(tmp_path / "data", env={"HOME": str(tmp_path / "home")})
    (dep,) = store.list(app)
    assert (dep.content_guid, dep.app_mode, dep.source) == (
        "dash-guid",
        "python-dash",
        "rsconnect-python",
    )


def test_another_py_in_the_folder_does_not_take_over_the_apps_record(tmp_path: Path) -> None:
    """QA: publishing app2.py offered to overwrite the app published from app.py beside it."""
    folder = tmp_path / "apps"
    folder.mkdir()
    app, other, helper = folder / "app.py", folder / "app2.py", folder / "utils.py"
    for f in (app, other, helper):
        f.write_text("app = None\n")
    env = {"HOME": str(tmp_path / "home")}
    store = RecordStore(tmp_path / "data", env=env)
    store.save(app, _dep("dash-1"))
    assert [d.content_guid for d in store.list(app)] == ["dash-1"]
    assert store.list(other) == [] and store.list(helper) == []
    # Publishing app2.py leaves app.py's records (both formats) as they were.
    store.save(other, _dep("dash-2"))
    assert [d.content_guid for d in store.list(app)] == ["dash-1"]
    assert [d.content_guid for d in store.list(other)] == ["dash-2"]
    folder_record = json.loads((folder / "rsconnect-python" / "apps.json").read_text())
    assert [e["app_guid"] for e in folder_record.values()] == ["dash-1"]


def test_an_entry_naming_another_file_is_not_read(tmp_path: Path) -> None:
    """An older folder record written for app2.py is not app.py's target."""
    folder = tmp_path / "apps"
    folder.mkdir()
    app, other = folder / "app.py", folder / "app2.py"
    for f in (app, other):
        f.write_text("app = None\n")
    record = folder / "rsconnect-python" / "apps.json"
    record.parent.mkdir()
    entry = {
        "server_url": "https://c.example.com",
        "filename": str(other),
        "app_url": "https://c.example.com/content/g2/",
        "app_guid": "g2",
        "title": "Second",
        "app_mode": "python-dash",
    }
    record.write_text(json.dumps({"https://c.example.com": entry}))
    store = RecordStore(tmp_path / "data", env={"HOME": str(tmp_path / "home")})
    assert store.list(app) == []


def test_an_entry_written_through_a_symlinked_home_is_read(tmp_path: Path) -> None:
    real = tmp_path / "real"
    (real / "work").mkdir(parents=True)
    link = tmp_path / "home"
    link.symlink_to(real)
    nb = real / "work" / "nb.ipynb"
    nb.write_text("{}")
    record = nb.parent / "rsconnect-python" / "nb.json"
    record.parent.mkdir()
    entry = {
        "server_url": "https://c.example.com",
        "filename": str(link / "work" / "nb.ipynb"),  # abspath(), not resolved
        "app_url": "https://c.example.com/content/g/",
        "app_guid": "g",
        "title": "NB",
        "app_mode": "jupyter-static",
    }
    record.write_text(json.dumps({"https://c.example.com": entry}))
    store = RecordStore(tmp_path / "data", env={"HOME": str(tmp_path / "nohome")})
    assert [d.content_guid for d in store.list(link / "work" / "nb.ipynb")] == ["g"]


def test_rsconnect_record_keyed_on_the_url_as_rsconnect_python_knows_it(tmp_path: Path) -> None:
    nb = tmp_path / "work" / "report.ipynb"
    nb.parent.mkdir()
    nb.write_text("{}")
    store = RecordStore(tmp_path / "data", env={"HOME": str(tmp_path / "home")})
    store.save(nb, _dep("g-1", "https://c.example.com"))  # an older save, normalised key
    store.save(nb, _dep("g-1", "https://c.example.com"), "https://c.example.com/")
    rsc = json.loads((nb.parent / "rsconnect-python" / "report.json").read_text())
    assert list(rsc) == ["https://c.example.com/"]  # one entry per server, the CLI's spelling
    assert rsc["https://c.example.com/"]["server_url"] == "https://c.example.com/"
    (listed,) = store.list(nb)  # ours stays normalised, and the two are the same deployment
    assert (listed.server_url, listed.content_guid) == ("https://c.example.com", "g-1")
    store.forget(nb, "https://c.example.com", "g-1")
    assert store.list(nb) == []
    assert json.loads((nb.parent / "rsconnect-python" / "report.json").read_text()) == {}
