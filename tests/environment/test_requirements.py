"""rsconnect-python's filtering of requirement lines, with our local-file and nested-file rules."""

from __future__ import annotations

from pathlib import Path

from rsconnect_lab.environment.requirements import filter_lines, read_requirements, requirement_name


def test_filter_drops_rsconnect_notice_and_conda_setuptools() -> None:
    lines = ["rsconnect-python==1.0", "[notice] new pip", "setuptools==68.0.0.post1", "a==1", ""]
    assert filter_lines(lines, {}).lines == ["a==1", ""]


def test_file_reference_keeps_installed_version() -> None:
    out = filter_lines(
        ["numpy @ file:///opt/conda/numpy.whl\r", "scipy @ file:///x"], {"numpy": "1.26.4"}
    )
    assert out.lines == ["numpy==1.26.4\r", "scipy"]
    assert len(out.warnings) == 2


def test_local_paths_and_editables_are_flagged_but_kept() -> None:
    out = filter_lines(["-e /src/mine", "./vendored", "requests==2"], {})
    assert out.lines == ["-e /src/mine", "./vendored", "requests==2"]
    assert len(out.warnings) == 2


def test_nested_requirement_files_are_inlined(tmp_path: Path) -> None:
    (tmp_path / "base.txt").write_text("flask==3\n-r requirements.txt\n")
    (tmp_path / "requirements.txt").write_text("-r base.txt\n--requirement=missing.txt\ndash==2\n")
    out = read_requirements(tmp_path / "requirements.txt", {})
    assert "flask==3" in out.lines and "dash==2" in out.lines
    text = "\n".join(out.warnings)
    assert "base.txt (included by requirements.txt) was inlined" in text
    assert "missing.txt, which does not exist" in text
    assert "cycle" in text


def test_requirement_name() -> None:
    assert requirement_name("Foo_Bar[x]>=1 ; python_version>'3'") == "foo-bar"
    assert requirement_name("# comment") is None
    assert requirement_name("-r other.txt") is None
    assert requirement_name("pkg @ https://x/y.whl") == "pkg"


def test_constraints_files_are_not_inlined_as_requirements(tmp_path: Path) -> None:
    (tmp_path / "constraints.txt").write_text("urllib3<2\nnumpy==1.26.4\n")
    (tmp_path / "base.txt").write_text("flask==3\n")
    (tmp_path / "requirements.txt").write_text(
        "requests==2.31\n-c constraints.txt\n--constraint=constraints.txt\n-r base.txt\n"
    )
    out = read_requirements(tmp_path / "requirements.txt", {})
    names = {requirement_name(line) for line in out.lines} - {None}
    assert names == {"requests", "flask"}  # -r is still inlined; no pin became a requirement
    assert not any(line.lstrip().startswith(("-c", "--constraint")) for line in out.lines)
    assert "# -c constraints.txt  (constraints file not included)" in out.lines
    constraint_warnings = [w for w in out.warnings if "constraints.txt" in w]
    assert len(constraint_warnings) == 2
    assert all("not included" in w and "not applied" in w for w in constraint_warnings)
