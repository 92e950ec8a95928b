"""One pass over the workspace tree that skips what no rule needs.

Virtual environments, VCS folders, caches, ``node_modules``, build output and
whatever ``.gitignore`` excludes are pruned before they are listed, so their
size costs nothing. Symlinked folders are not entered (no loops, nothing
outside the workspace).
"""

from __future__ import annotations

import enum
import os
import stat
from dataclasses import dataclass, field
from typing import Callable, Final, Union

from pyproj_doctor.text import read_bytes
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
        ".pyproj-doctor_cache",
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
    """Listing of every visited folder, keyed by workspace-relative POSIX path (``"."`` = root).

    ``problems`` holds what the scan could not use and the user should hear about:
    folders it cannot list, configuration names that are not regular files.
    """

    dirs: dict[str, DirListing]
    problems: dict[str, str] = field(default_factory=dict)

    def listing(self, rel: str) -> DirListing | None:
        return self.dirs.get(rel)

    def glob(self, pattern: str, limit: int = 10_000) -> tuple[list[str], bool]:
        """Paths a workspace-relative glob (``glob.glob`` syntax, ``**`` recursive) matches.

        Answered from the listing, so it never reads the disk, never leaves the
        workspace and never walks pruned trees. The flag says the answer may be
        incomplete: the pattern needs a folder the scan did not list (an
        environment, a hidden folder).
        """
        import fnmatch

        parts = [p for p in pattern.split("/") if p not in ("", ".")]
        frontier = [ROOT]
        uncertain = False
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            found: list[str] = []
            if part == "**":
                for rel in frontier:
                    found.extend(self.walk(rel))
                    if last:
                        found.extend(self.walk_files(rel))
                frontier = list(dict.fromkeys(found))[:limit]
                continue
            for rel in frontier:
                listing = self.dirs.get(rel)
                if listing is None:
                    uncertain = True
                    continue
                names = listing.dirs + (listing.files if last else [])
                for name in names:
                    if name.startswith(".") and not part.startswith("."):
                        continue  # glob.glob skips hidden names
                    if fnmatch.fnmatchcase(name, part):
                        found.append(join(rel, name))
            frontier = found[:limit]
        return sorted(set(frontier)), uncertain

    def walk_files(self, rel: str) -> list[str]:
        return [join(d, name) for d in self.walk(rel) for name in self.dirs[d].files]

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
    """gitignore patterns anchored at one folder, matched the way git's wildmatch does.

    Matching never uses a backtracking regex: each path segment is compared with
    a two-pointer wildcard match (time bounded by the product of the lengths), so a
    crafted pattern cannot stall the scan. A line git cannot use (an unclosed
    ``[``) never matches, as in git.
    """

    def __init__(self, base: str, lines: list[str]) -> None:
        self.base = base
        self.rules: list[tuple[_Pattern, bool, bool]] = []
        for raw in lines:
            parsed = _parse_line(raw)
            if parsed is not None:
                self.rules.append(parsed)

    def ignored(self, rel: str, is_dir: bool) -> bool | None:
        """True/False when a rule decides, None when none applies."""
        if self.base != ROOT:
            if not rel.startswith(self.base + "/"):
                return None
            rel = rel[len(self.base) + 1 :]
        verdict: bool | None = None
        parts: list[str] | None = None
        for pattern, negate, dir_only in self.rules:
            if dir_only and not is_dir:
                continue
            if parts is None:
                parts = rel.split("/")
            if pattern.match(parts):
                verdict = not negate
        return verdict


class _Wild(enum.Enum):
    STAR = "*"  # any run of characters within a segment
    ONE = "?"  # exactly one character


# A member of a bracket expression: one character, a (low, high) range or a POSIX class test.
_ClassItem = Union[str, tuple[str, str], Callable[[str], bool]]


@dataclass(frozen=True)
class _Class:
    negate: bool
    items: tuple[_ClassItem, ...]


# A pattern segment is a list of tokens: a literal string, a wildcard or a character class.
_Token = Union[str, _Wild, _Class]
_GLOBSTAR = None
_STAR: Final = _Wild.STAR
_ONE: Final = _Wild.ONE
_ANY_SEGMENT: list[_Token] = [_STAR]
_MAX_PATTERN = 4096
_POSIX_CLASSES: dict[str, Callable[[str], bool]] = {
    "alnum": str.isalnum,
    "alpha": str.isalpha,
    "blank": lambda c: c in " \t",
    "cntrl": lambda c: ord(c) < 32 or ord(c) == 127,
    "digit": lambda c: "0" <= c <= "9",
    "graph": lambda c: c.isprintable() and not c.isspace(),
    "lower": str.islower,
    "print": str.isprintable,
    "punct": lambda c: c.isprintable() and not c.isalnum() and not c.isspace(),
    "space": str.isspace,
    "upper": str.isupper,
    "xdigit": lambda c: c in "0123456789abcdefABCDEF",
}


class _Unusable(Exception):
    """A pattern git treats as never matching."""


def _parse_line(raw: str) -> tuple[_Pattern, bool, bool] | None:
    line = raw.rstrip("\r\n")
    if not line or line.startswith("#") or len(line) > _MAX_PATTERN:
        return None
    # Trailing spaces are dropped unless escaped with a backslash.
    trimmed = line.rstrip(" ")
    if trimmed.endswith("\\") and len(trimmed) < len(line):
        trimmed += " "
    line = trimmed
    negate = line.startswith("!")
    if negate:
        line = line[1:]
    dir_only = line.endswith("/")
    line = line.rstrip("/")
    anchored = "/" in line
    line = line.lstrip("/")
    if not line:
        return None
    try:
        segments = _segments(line)
    except _Unusable:
        return None
    if not anchored:
        segments = [_GLOBSTAR, *segments]
    collapsed: list[list[_Token] | None] = []
    for segment in segments:
        if segment is _GLOBSTAR and collapsed and collapsed[-1] is _GLOBSTAR:
            continue  # "**/**/" is "**/"
        collapsed.append(segment)
    if collapsed and collapsed[-1] is _GLOBSTAR and len(collapsed) > 1:
        # A trailing "/**" matches what is inside the folder, not the folder.
        collapsed[-1:] = [_ANY_SEGMENT, _GLOBSTAR]
    return _Pattern(collapsed), negate, dir_only


def _segments(glob: str) -> list[list[_Token] | None]:
    """Tokens of each ``/``-separated segment (a slash inside brackets does not separate)."""
    segments: list[list[_Token] | None] = []
    tokens: list[_Token] = []
    literal: list[str] = []
    raw_start = 0
    i = 0

    def flush() -> None:
        if literal:
            tokens.append("".join(literal))
            literal.clear()

    def close(end: int) -> None:
        flush()
        if glob[raw_start:end] == "**":
            segments.append(_GLOBSTAR)
        elif tokens:
            segments.append(list(tokens))
        tokens.clear()

    while i < len(glob):
        ch = glob[i]
        if ch == "/":
            close(i)
            i += 1
            raw_start = i
        elif ch == "*":
            flush()
            if not tokens or tokens[-1] is not _STAR:  # runs of stars are one star
                tokens.append(_STAR)
            i += 1
        elif ch == "?":
            flush()
            tokens.append(_ONE)
            i += 1
        elif ch == "[":
            flush()
            klass, i = _char_class(glob, i + 1)
            tokens.append(klass)
        elif ch == "\\":
            if i + 1 >= len(glob):
                raise _Unusable  # git: a trailing backslash never matches
            literal.append(glob[i + 1])
            i += 2
        else:
            literal.append(ch)
            i += 1
    close(len(glob))
    return segments


def _char_class(glob: str, i: int) -> tuple[_Class, int]:
    """Parse a bracket expression after its ``[``; an unclosed one makes the pattern unusable."""
    negate = i < len(glob) and glob[i] in "!^"
    if negate:
        i += 1
    items: list[_ClassItem] = []
    first = True
    while True:
        if i >= len(glob):
            raise _Unusable
        ch = glob[i]
        if ch == "]" and not first:
            return _Class(negate, tuple(items)), i + 1
        first = False
        if ch == "[" and glob.startswith("[:", i):
            close = glob.find(":]", i + 2)
            if close < 0:
                raise _Unusable
            predicate = _POSIX_CLASSES.get(glob[i + 2 : close])
            if predicate is None:
                raise _Unusable
            items.append(predicate)
            i = close + 2
            continue
        if ch == "\\":
            i += 1
            if i >= len(glob):
                raise _Unusable
            ch = glob[i]
        i += 1
        if glob.startswith("-", i) and i + 1 < len(glob) and glob[i + 1] != "]":
            high = glob[i + 1]
            i += 2
            if high == "\\":
                if i >= len(glob):
                    raise _Unusable
                high = glob[i]
                i += 1
            items.append((ch, high))  # a reversed range matches nothing, as in git
        else:
            items.append(ch)


def _class_matches(klass: _Class, ch: str) -> bool:
    found = False
    for item in klass.items:
        if isinstance(item, str):
            found = item == ch
        elif isinstance(item, tuple):
            found = item[0] <= ch <= item[1]
        else:
            found = item(ch)
        if found:
            break
    return found != klass.negate


def _star_match(
    items: int, length: int, star: Callable[[int], bool], step: Callable[[int, int], int]
) -> bool:
    """Match ``items`` pattern items against ``length`` subject items; O(items * length) at worst.

    A star item stands for any run of subject items (``star(i)``); any other item ``i``
    matches at subject position ``n`` when ``step(i, n)`` gives where it ends (else -1).
    Only the last star is backtracked to, which is enough when a star matches anything.
    """
    i = n = 0
    star_i = star_n = -1
    while n < length or i < items:
        if i < items:
            if star(i):
                star_i, star_n = i, n
                i += 1
                continue
            if n < length:
                end = step(i, n)
                if end >= 0:
                    i, n = i + 1, end
                    continue
        if star_i < 0 or star_n >= length:
            return False
        star_n += 1
        i, n = star_i + 1, star_n
    return True


def _match_segment(tokens: list[_Token], name: str) -> bool:
    """Wildcard match of one path segment."""
    if len(tokens) == 1 and isinstance(tokens[0], str):
        return name == tokens[0]

    def step(t: int, n: int) -> int:
        token = tokens[t]
        if token is _ONE:
            return n + 1
        if isinstance(token, str):
            return n + len(token) if name.startswith(token, n) else -1
        return n + 1 if isinstance(token, _Class) and _class_matches(token, name[n]) else -1

    return _star_match(len(tokens), len(name), lambda t: tokens[t] is _STAR, step)


class _Pattern:
    def __init__(self, segments: list[list[_Token] | None]) -> None:
        self.segments = segments

    def match(self, parts: list[str]) -> bool:
        """Match over path segments, ``**`` (None) standing for any run of them."""
        segments = self.segments

        def step(s: int, p: int) -> int:
            segment = segments[s]
            return p + 1 if segment is not None and _match_segment(segment, parts[p]) else -1

        return _star_match(len(segments), len(parts), lambda s: segments[s] is _GLOBSTAR, step)


def _read_gitignore(path: str) -> list[str]:
    # Only a regular file, and only its first 256 KiB: a pipe named .gitignore must not hang the scan.
    try:
        data = read_bytes(path, 256 * 1024, truncate=True)
    except OSError:
        return []
    return data.decode("utf-8", errors="replace").splitlines()


# Names whose content the rules read: one that is a folder, pipe or device is reported.
CONFIG_NAMES = frozenset(
    {"pyproject.toml", "setup.cfg", "tox.ini", "pytest.ini", ".pytest.ini", "pytest.toml", ".pytest.toml"}
)
VSCODE_FILES = ("settings.json", "extensions.json")


def _kind(mode: int) -> str:
    return "is a folder, not a file" if stat.S_ISDIR(mode) else "is not a regular file"


def _check_vscode(path: str, rel: str, problems: dict[str, str]) -> None:
    """The scan does not enter ``.vscode``; only see that its files are usable."""
    folder = os.path.join(path, ".vscode")
    folder_rel = join(rel, ".vscode")
    if not os.access(folder, os.R_OK | os.X_OK):
        problems[folder_rel] = "cannot be read: Permission denied"
        return
    for name in VSCODE_FILES:
        try:
            info = os.stat(os.path.join(folder, name))
        except OSError:
            continue
        if not stat.S_ISREG(info.st_mode):
            problems[join(folder_rel, name)] = _kind(info.st_mode)


def scan(root: str, max_dirs: int = 200_000) -> FileIndex:
    """List the workspace below ``root`` once, pruning skipped and ignored trees."""
    dirs: dict[str, DirListing] = {}
    problems: dict[str, str] = {}
    stack: list[tuple[str, tuple[GitIgnore, ...]]] = [(ROOT, ())]
    while stack and len(dirs) < max_dirs:
        rel, ignores = stack.pop()
        path = root if rel == ROOT else os.path.join(root, rel)
        listing = DirListing()
        try:
            entries = list(os.scandir(path))
        except OSError as error:
            if rel != ROOT:  # the root itself is checked (and reported) by the caller
                problems[rel] = f"cannot be read: {error.strerror or error}; its files are not checked"
            continue
        names = {e.name for e in entries}
        if ".gitignore" in names:
            ignores = (*ignores, GitIgnore(rel, _read_gitignore(os.path.join(path, ".gitignore"))))
        # The hot loop of a large tree: a child's relative path is built only when needed.
        for entry in entries:
            name = entry.name
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                continue
            if ignores and _is_ignored(ignores, join(rel, name), is_dir):
                continue
            if is_dir:
                listing.dirs.append(name)
                if name in CONFIG_NAMES:
                    problems[join(rel, name)] = _kind(stat.S_IFDIR)
            else:
                try:
                    if entry.is_file():
                        listing.files.append(name)
                    elif name in CONFIG_NAMES and not entry.is_dir():
                        problems[join(rel, name)] = (
                            _kind(entry.stat().st_mode) if os.path.exists(entry.path) else ""
                        )
                except OSError:
                    continue
        listing.files.sort()
        listing.dirs.sort()
        listing.dirs = [d for d in listing.dirs if not _skip_dir(path, d)]
        dirs[rel] = listing
        if ".vscode" in listing.dirs:
            _check_vscode(path, rel, problems)
        for name in reversed(listing.dirs):
            if name.startswith(".") and name != ".vscode":
                continue
            if name == ".vscode":
                continue
            stack.append((join(rel, name), ignores))
    return FileIndex(dirs, {k: v for k, v in problems.items() if v})


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
