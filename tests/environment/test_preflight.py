"""Pre-flight warnings: imports and the server's Python versions."""

from __future__ import annotations

from rsconnect_lab.environment import (
    imported_modules,
    missing_import_warnings,
    python_version_warnings,
    server_python_warning,
)


def test_imports_with_ipython_syntax() -> None:
    src = "%%time\nimport os, numpy.linalg as la\nfrom pandas import DataFrame\n!pip list\nx?\nfrom . import y"
    assert imported_modules(src) == {"os", "numpy", "pandas"}


def test_unparsable_source_falls_back_to_lines() -> None:
    assert imported_modules("import requests\nthis is not python (") == {"requests"}


def test_missing_imports() -> None:
    warnings = missing_import_warnings(
        ["numpy", "os", "sklearn", "yaml", "ghost"],
        ["numpy==1", "scikit-learn==1.4"],
        {"numpy": ["numpy"], "sklearn": ["scikit-learn"], "yaml": ["pyyaml"]},
        stdlib={"os"},
    )
    assert warnings == [
        "'ghost' is imported but is not installed in the kernel's environment and no listed"
        " package provides it.",
        "'yaml' is imported but its package (pyyaml) is not listed.",
    ]


def test_python_versions() -> None:
    settings = {"installations": [{"version": "3.10.12"}, {"version": "3.12.1"}]}
    assert python_version_warnings("3.12.4", settings) == []
    assert "no Python 3.11" in python_version_warnings("3.11.7", settings)[0]
    assert python_version_warnings("3.11.7", None) == []
    assert python_version_warnings("3.11.7", settings, python_requires=">=3.12") == []
    assert python_version_warnings("3.11.7", {"installations": []}) == [
        "The server offers no Python installation."
    ]


def test_server_python_warning_says_why_and_how_to_fix() -> None:
    named = server_python_warning("report.ipynb", "ghost", "pip freeze")
    assert named is not None
    assert "packages listed are the Jupyter server's" in named
    assert "kernelspec 'ghost' is not installed" in named
    assert "Start the notebook's kernel" in named and "install the kernelspec 'ghost'" in named
    unnamed = server_python_warning("report.ipynb", None, "pip freeze")
    assert unnamed is not None and "names no kernelspec" in unnamed
    pinned = server_python_warning("report.ipynb", None, "requirements.txt")
    assert pinned is not None and "Python version and the import checks" in pinned
    snapshot = server_python_warning("report.ipynb", None, "pip freeze", snapshot=True)
    assert snapshot is not None and "Python shown is the Jupyter server's" in snapshot
    app = server_python_warning("app.py", None, "pip freeze")
    assert app is not None and "requirements.txt" in app and "server's own Python" in app
    # An app's own requirements.txt lists its packages: nothing to warn about.
    assert server_python_warning("app.py", None, "requirements.txt") is None
