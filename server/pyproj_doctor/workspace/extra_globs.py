"""Pylance ``extraPaths`` globs (``packages/*/src``): which Pylance expands them, and when one
glob stands for exactly the folders a list would name.

Pylance expands a glob entry in ``python.analysis.extraPaths`` to the directories it matches
(``*`` within one path segment), in place and sorted; a literal entry keeps its own position
and wins over a glob's duplicate (pylance-release ``docs/howto/extra-paths-glob-resolution.md``,
added in 75a9e94 on 2026-07-09 after the 2026.2.108 pre-release; pyright took the same code in
7ddd3b121, 2026-08-18, ``docs/import-resolution.md`` "Extra Path Glob Expansion"). An older
Pylance takes the glob as a literal folder name that does not exist: the list then resolves
nothing. The engine cannot see the installed Pylance, so it writes a glob only for a version
the editor reported, and the list otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from pyproj_doctor.workspace.paths import join
from pyproj_doctor.workspace.walk import BUILD_DIRS, SKIP_DIRS
from pyproj_doctor.workspace.workspace import Workspace

# The first Pylance numbered after the last build without documented glob support (2026.2.108).
GLOBS_SINCE = (2026, 2, 109)
_VERSION = re.compile(r"^\s*(\d+)\.(\d+)\.(\d+)")


def parse_version(text: str | None) -> tuple[int, int, int] | None:
    """``2026.3.1`` (an extension's ``packageJSON.version``) as numbers; None when it is not one."""
    match = _VERSION.match(text or "")
    if match is None:
        return None
    major, minor, patch = (int(g) for g in match.groups())
    return major, minor, patch


def not_a_version(raw: object) -> str:
    """What the command line and the server say of a Pylance version they cannot read."""
    return f"{raw!r} is not a version such as 2026.3.1"


def expands_globs(pylance_version: str | None) -> bool:
    """Whether the Pylance the editor reported expands ``extraPaths`` globs (unknown: no)."""
    version = parse_version(pylance_version)
    return version is not None and version >= GLOBS_SINCE


def as_globs(ws: Workspace, roots: Sequence[str], listed: Collection[str] = ()) -> list[str]:
    """``roots`` (workspace-relative folders) with each group of two or more that differ in one
    folder name only (``packages/a/src``, ``packages/b/src``) written as one glob with ``*``
    there, placed where the group's first root was; the other roots unchanged.

    A glob is used only when it matches exactly the group's folders, apart from folders the
    list already names (``listed``, whose literal entries win): a folder it would add beyond
    them (a member without the root, another ``src``) keeps the list, and so does a match the
    scan cannot rule out (a hidden or skipped folder holding the same path)."""
    remaining = list(dict.fromkeys(roots))
    taken: dict[str, str] = {}  # root -> the glob that stands for it
    while True:
        groups: dict[tuple[str, int], list[str]] = {}
        for root in remaining:
            if root in taken:
                continue
            parts = root.split("/")
            if any(c in root for c in "*?[]{}") or ".." in parts:
                continue  # a name Pylance would read as a wildcard itself
            for index in range(len(parts)):
                pattern = "/".join([*parts[:index], "*", *parts[index + 1 :]])
                groups.setdefault((pattern, index), []).append(root)
        best = None
        for (pattern, index), members in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            if len(members) < 2:
                break
            if _matches_exactly(ws, pattern, index, set(members), set(listed)):
                best = pattern, members
                break
        if best is None:
            break
        for member in best[1]:
            taken[member] = best[0]
    out: list[str] = []
    for root in remaining:
        entry = taken.get(root, root)
        if entry not in out:
            out.append(entry)
    return out


def _matches_exactly(ws: Workspace, pattern: str, index: int, members: set[str], listed: set[str]) -> bool:
    parts = pattern.split("/")
    base = "/".join(parts[:index]) or "."
    rest = parts[index + 1 :]
    listing = ws.index.listing(base)
    if listing is None:
        return False
    # Every child Pylance's `*` could take: the listed folders (hidden ones too), and the names
    # the scan skips without listing them, looked up one by one.
    names = set(listing.dirs) | SKIP_DIRS | BUILD_DIRS
    for name in sorted(names):
        candidate = join(base, name) if base != "." else name
        for part in rest:
            candidate = join(candidate, part)
        if candidate in members:
            continue
        if ws.is_dir(ws.abspath(candidate)) and candidate not in listed:
            return False
    return True


__all__ = ["GLOBS_SINCE", "as_globs", "expands_globs", "not_a_version", "parse_version"]
