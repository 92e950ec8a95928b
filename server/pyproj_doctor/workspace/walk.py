"""One pass over the workspace tree that skips what no rule needs.

Virtual environments, VCS folders, caches, ``node_modules``, build output and
whatever ``.gitignore`` excludes are pruned before they are listed, so their
size costs nothing. Symlinked folders are not entered (no loops, nothing
outside the workspace).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from pyproj_doctor.workspace.paths import ROOT, join

SKIP_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".venv",
        "node_modules",
        "__pycache__",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".hypothesis",
        ".eggs",
        "site-packages",
        ".idea",
        ".cache",
        ".direnv",
    }
)
# Skipped unless they are Python packages themselves.
BUILD_DIRS = frozenset({"build", "dist", "htmlcov", "_build"})


@dataclass
class DirListing:
    files: list[str] = field(default_factory=list)
    dirs: list[str] = field(default_factory=list)
    _python: list[str] | None = field(default=None, repr=False, compare=False)

    @property
    def python_files(self) -> list[str]:
        """The ``.py`` names, computed once per listing (listings are reused between checks)."""
        if self._python is None:
            self._python = [name for name in self.files if name.endswith(".py")]
        return self._python


@dataclass
class FileIndex:
    """Listing of every visited folder, keyed by workspace-relative POSIX path (``"."`` = root)."""

    dirs: dict[str, DirListing]

    def listing(self, rel: str) -> DirListing | None:
        return self.dirs.get(rel)

    def walk(self, rel: str) -> list[str]:
        """Every visited folder at or below ``rel`` (depth first, sorted)."""
        out: list[str] = []
        stack = [rel]
        while stack:
            current = stack.pop()
            listing = self.dirs.get(current)
            if listing is None:
                continue
            out.append(current)
            stack.extend(join(current, d) for d in reversed(listing.dirs))
        return out


class GitIgnore:
    """The subset of gitignore syntax projects actually use, anchored at one folder."""

    def __init__(self, base: str, lines: list[str]) -> None:
        self.base = base
        self.rules: list[tuple[re.Pattern[str], bool, bool]] = []
        for raw in lines:
            line = raw.rstrip("\r\n")
            if not line.strip() or line.startswith("#"):
                continue
            line = line.rstrip(" ")
            negate = line.startswith("!")
            if negate:
                line = line[1:]
            dir_only = line.endswith("/")
            line = line.strip("/") if dir_only else line
            anchored = "/" in line.rstrip("/")
            line = line.lstrip("/")
            if not line:
                continue
            pattern = _glob_to_regex(line)
            if not anchored:
                pattern = "(?:.*/)?" + pattern
            self.rules.append((re.compile(pattern + r"\Z"), negate, dir_only))

    def ignored(self, rel: str, is_dir: bool) -> bool | None:
        """True/False when a rule decides, None when none applies."""
        if self.base != ROOT:
            if not rel.startswith(self.base + "/"):
                return None
            rel = rel[len(self.base) + 1 :]
        verdict: bool | None = None
        for pattern, negate, dir_only in self.rules:
            if dir_only and not is_dir:
                continue
            if pattern.match(rel):
                verdict = not negate
        return verdict


def _glob_to_regex(glob: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(glob):
        ch = glob[i]
        if glob.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif glob.startswith("/**", i) and i + 3 == len(glob):
            out.append("/.*")
            i += 3
        elif glob.startswith("**", i):
            out.append(".*")
            i += 2
        elif ch == "*":
            out.append("[^/]*")
            i += 1
        elif ch == "?":
            out.append("[^/]")
            i += 1
        elif ch == "[":
            close = glob.find("]", i + 1)
            if close < 0:
                out.append(re.escape(ch))
                i += 1
            else:
                body = glob[i + 1 : close].replace("\\", "\\\\")
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append(f"[{body}]")
                i = close + 1
        elif ch == "\\" and i + 1 < len(glob):
            out.append(re.escape(glob[i + 1]))
            i += 2
        else:
            out.append(re.escape(ch))
            i += 1
    return "".join(out)


def _read_gitignore(path: str) -> list[str]:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read(256 * 1024).splitlines()
    except OSError:
        return []


def scan(root: str, max_dirs: int = 200_000) -> FileIndex:
    """List the workspace below ``root`` once, pruning skipped and ignored trees."""
    dirs: dict[str, DirListing] = {}
    stack: list[tuple[str, tuple[GitIgnore, ...]]] = [(ROOT, ())]
    while stack and len(dirs) < max_dirs:
        rel, ignores = stack.pop()
        path = root if rel == ROOT else os.path.join(root, rel)
        listing = DirListing()
        try:
            entries = list(os.scandir(path))
        except OSError:
            continue
        names = {e.name for e in entries}
        if ".gitignore" in names:
            ignores = (*ignores, GitIgnore(rel, _read_gitignore(os.path.join(path, ".gitignore"))))
        for entry in entries:
            name = entry.name
            child = join(rel, name)
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                continue
            if _is_ignored(ignores, child, is_dir):
                continue
            if is_dir:
                listing.dirs.append(name)
            else:
                try:
                    if entry.is_file():
                        listing.files.append(name)
                except OSError:
                    continue
        listing.files.sort()
        listing.dirs.sort()
        listing.dirs = [d for d in listing.dirs if not _skip_dir(path, d)]
        dirs[rel] = listing
        for name in reversed(listing.dirs):
            if name.startswith(".") and name != ".vscode":
                continue
            if name == ".vscode":
                continue
            stack.append((join(rel, name), ignores))
    return FileIndex(dirs)


def _is_ignored(ignores: tuple[GitIgnore, ...], rel: str, is_dir: bool) -> bool:
    verdict = False
    for ignore in ignores:
        decided = ignore.ignored(rel, is_dir)
        if decided is not None:
            verdict = decided
    return verdict


def _skip_dir(parent: str, name: str) -> bool:
    if name in SKIP_DIRS or name.endswith(".egg-info"):
        return True
    full = os.path.join(parent, name)
    if name in BUILD_DIRS:
        return not os.path.exists(os.path.join(full, "__init__.py"))
    # Any virtual environment, whatever its name.
    return os.path.exists(os.path.join(full, "pyvenv.cfg"))
