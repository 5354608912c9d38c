"""Which files go into a bundle, which do not and why; paths never escape the allowed root."""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

# rsconnect-python's ignore list (contract §4.6) plus notebook checkpoints and its credentials.
IGNORED_DIRS = frozenset(
    {
        ".Rproj.user",
        ".git",
        ".svn",
        "__pycache__",
        "packrat",
        "renv",
        "rsconnect-python",
        "rsconnect",
        "node_modules",
        ".ipynb_checkpoints",
        ".rsconnect-python",
    }
)
VENV_DIRS_INSIDE_VENV = ("bin", "lib", "Lib", "Scripts", "Include")


class BundleError(Exception):
    """A bundle cannot be made; ``message`` says why and ``reason`` is a short machine word."""

    def __init__(self, message: str, reason: str = "invalid_input") -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason


@dataclass(frozen=True, slots=True)  # one per bundled file: keep it small
class FileEntry:
    path: str  # POSIX path relative to the bundle root
    size: int
    source: str | None = None  # file on disk (a str: Path objects cost memory per file)


@dataclass(frozen=True, slots=True)
class Excluded:
    path: str  # relative; folders end with "/"
    reason: str


@dataclass
class FileSelection:
    files: list[FileEntry] = field(default_factory=list)
    excluded: list[Excluded] = field(default_factory=list)


def is_virtualenv(directory: Path) -> bool:
    return (directory / "bin" / "python").exists() or (
        directory / "Scripts" / "Python.exe"
    ).exists()


def within(path: Path, directory: Path) -> bool:
    return path == directory or directory in path.parents


def _credential_dirs() -> list[Path]:
    """rsconnect-python's config folders: its servers.json holds API keys."""
    home = Path.home()
    dirs = [
        home / ".rsconnect-python",
        home / "Library" / "Application Support" / "rsconnect-python",
    ]
    if os.environ.get("XDG_CONFIG_HOME"):
        dirs.append(Path(os.environ["XDG_CONFIG_HOME"]) / "rsconnect-python")
    return [Path(os.path.realpath(d)) for d in dirs]


def holds_credentials(real: Path) -> bool:
    """Whether a (resolved) path is inside a folder where API keys are stored."""
    return ".rsconnect-python" in real.parts or any(within(real, d) for d in _credential_dirs())


class GlobSet:
    """rsconnect-python's exclude globs: relative to the folder, a folder name excludes what is
    under it, ``**`` (at most once per pattern) spans folders."""

    def __init__(self, base: Path, patterns: Sequence[str]) -> None:
        self._prefixes: list[str] = []
        self._patterns: list[tuple[list[re.Pattern[str] | str], int | None]] = []
        for pattern in patterns:
            posix = PurePosixPath(pattern.replace(os.sep, "/")).as_posix()
            if (base / pattern).is_dir() or pattern.endswith("/"):
                self._prefixes.append(posix.rstrip("/") + "/")
                continue
            parts: list[re.Pattern[str] | str] = []
            star: int | None = None
            for i, part in enumerate(posix.split("/")):
                if part == "**":
                    if star is not None:
                        raise BundleError(f"'{pattern}': only one '**' is allowed")
                    star = i
                    parts.append(part)
                elif any(c in part for c in "*?["):
                    parts.append(re.compile(r"\A" + fnmatch.translate(part)))
                else:
                    parts.append(part)
            self._patterns.append((parts, star))

    def __bool__(self) -> bool:
        return bool(self._prefixes or self._patterns)

    def match(self, rel: str) -> str | None:
        """The pattern that excludes ``rel`` (a POSIX relative path), or None."""
        for prefix in self._prefixes:
            if rel.startswith(prefix):
                return prefix
        parts = rel.split("/")
        for pattern, star in self._patterns:
            if _match_parts(pattern, star, parts):
                return "/".join(p if isinstance(p, str) else "<glob>" for p in pattern)
        return None


def _part_matches(pattern: re.Pattern[str] | str, part: str) -> bool:
    return pattern == part if isinstance(pattern, str) else pattern.match(part) is not None


def _match_parts(pattern: list[re.Pattern[str] | str], star: int | None, parts: list[str]) -> bool:
    if star is None:
        return len(pattern) == len(parts) and all(
            _part_matches(p, q) for p, q in zip(pattern, parts, strict=True)
        )
    head, tail = pattern[:star], pattern[star + 1 :]
    if len(parts) < len(head) + len(tail):
        return False
    return all(_part_matches(p, q) for p, q in zip(head, parts, strict=False)) and all(
        _part_matches(p, q) for p, q in zip(tail, parts[len(parts) - len(tail) :], strict=True)
    )


class Selector:
    """Collects files under ``base`` whose real paths stay inside ``root``."""

    def __init__(
        self,
        base: Path,
        root: Path | None,
        *,
        excludes: Sequence[str] = (),
        skip_top: Iterable[str] = (),
        skip_top_reason: dict[str, str] | None = None,
    ) -> None:
        self.base = Path(os.path.abspath(base))
        self.root_real = Path(os.path.realpath(root if root is not None else base))
        self.globs = GlobSet(self.base, excludes)
        self.skip_top = set(skip_top)
        self.skip_top_reason = skip_top_reason or {}
        self.selection = FileSelection()
        self._seen: set[str] = set()

    def relative(self, path: str | os.PathLike[str]) -> str:
        """``path`` (absolute or relative to base) as a POSIX path under base; refuses ``..``."""
        absolute = Path(os.path.normpath(self.base / path))
        if not within(absolute, self.base):
            raise BundleError(f"{path} is not under {self.base}", "forbidden_path")
        real = Path(os.path.realpath(absolute))
        if not within(real, self.root_real):
            raise BundleError(
                f"{path} leads outside the root directory (symbolic link)", "forbidden_path"
            )
        if holds_credentials(real):
            raise BundleError(f"{path} is in a folder that holds API keys", "forbidden_path")
        return absolute.relative_to(self.base).as_posix()

    def add_file(self, rel: str, *, explicit: bool = False) -> None:
        """Add one file; ``explicit`` files skip the default exclusions (as named extras do)."""
        if rel in self._seen:
            return
        full = self.base / rel
        real = Path(os.path.realpath(full))
        if not within(real, self.root_real):
            self._exclude(rel, "symbolic link leading outside the root directory", explicit)
            return
        try:
            st = os.stat(full)
        except OSError as exc:
            self._exclude(rel, f"unreadable ({exc.strerror})", explicit)
            return
        if not os.path.isfile(full):
            self._exclude(rel, "not a regular file", explicit)
            return
        self._seen.add(rel)
        self.selection.files.append(FileEntry(rel, st.st_size, str(full)))
        if explicit:  # a named extra wins over a pattern that excluded it during a walk
            self.selection.excluded = [e for e in self.selection.excluded if e.path != rel]

    def _add_walked(self, entry: os.DirEntry[str], rel: str) -> None:
        """A file met while walking (not a symlink): its real path is under base already, and
        scandir's entry answers without extra system calls but one stat."""
        if rel in self._seen:
            return
        if not entry.is_file(follow_symlinks=False):
            self.selection.excluded.append(Excluded(rel, "not a regular file"))
            return
        try:
            size = entry.stat(follow_symlinks=False).st_size
        except OSError as exc:
            self.selection.excluded.append(Excluded(rel, f"unreadable ({exc.strerror})"))
            return
        self._seen.add(rel)
        self.selection.files.append(FileEntry(rel, size, entry.path))

    def _exclude(self, rel: str, reason: str, explicit: bool) -> None:
        if explicit:
            raise BundleError(f"{rel}: {reason}", "forbidden_path")
        self.selection.excluded.append(Excluded(rel, reason))

    def add(self, rel: str) -> None:
        """A named extra: a file, or a folder added recursively with the default exclusions."""
        full = self.base / rel
        if full.is_dir() and not full.is_symlink():
            self.walk(rel)
        elif full.is_dir():
            raise BundleError(f"{rel} is a symbolic link to a folder", "forbidden_path")
        elif not full.exists():
            raise BundleError(f"{rel} does not exist", "not_found")
        else:
            self.add_file(rel, explicit=True)

    def walk(self, rel_dir: str = "") -> None:
        """Every file under ``rel_dir`` except the default and pattern exclusions."""
        top = self.base / rel_dir if rel_dir else self.base
        inside_venv = is_virtualenv(top) and not rel_dir
        stack = [(top, rel_dir)]
        while stack:
            directory, rel = stack.pop()
            try:
                entries = sorted(os.scandir(directory), key=lambda e: e.name)
            except OSError as exc:
                self.selection.excluded.append(Excluded(rel + "/", f"unreadable ({exc.strerror})"))
                continue
            subdirs = []
            for entry in entries:
                child = f"{rel}/{entry.name}" if rel else entry.name
                reason = self._dir_reason(entry, child, inside_venv and rel == rel_dir)
                if entry.is_dir(follow_symlinks=False):
                    if reason:
                        self.selection.excluded.append(Excluded(child + "/", reason))
                    else:
                        subdirs.append((Path(entry.path), child))
                    continue
                if entry.is_dir():  # a symlink to a folder: not followed, like rsconnect-python
                    self.selection.excluded.append(
                        Excluded(child + "/", "symbolic link to a folder (not followed)")
                    )
                    continue
                reason = self._file_reason(child, at_top=rel == "")
                if reason:
                    self.selection.excluded.append(Excluded(child, reason))
                elif entry.is_symlink():
                    self.add_file(child)  # resolves it and checks it stays inside the root
                else:
                    self._add_walked(entry, child)
            stack.extend(reversed(subdirs))

    def _dir_reason(self, entry: os.DirEntry[str], rel: str, top_of_venv: bool) -> str | None:
        if not entry.is_dir(follow_symlinks=False):
            return None
        if entry.name in IGNORED_DIRS:
            return f"ignored folder ({entry.name})"
        if top_of_venv and entry.name in VENV_DIRS_INSIDE_VENV:
            return "part of the virtual environment the folder itself is"
        if is_virtualenv(Path(entry.path)):
            return "virtual environment"
        pattern = self.globs.match(rel + "/") if self.globs else None
        return f"excluded by pattern {pattern}" if pattern else None

    def _file_reason(self, rel: str, at_top: bool) -> str | None:
        if at_top and rel in self.skip_top:
            return self.skip_top_reason.get(rel, "replaced by a generated file")
        pattern = self.globs.match(rel) if self.globs else None
        return f"excluded by pattern {pattern}" if pattern else None
