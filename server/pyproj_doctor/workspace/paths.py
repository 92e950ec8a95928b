"""Workspace-relative POSIX paths: one spelling of the root (``"."``) and one way to join.

Every layer (the tree listing, projects, VS Code folders, rules) names files
relative to the checked folder with ``/`` separators; the root itself is ``"."``.
"""

from __future__ import annotations

import os

ROOT = "."
_ODD = frozenset(("", ".", ".."))


def join(folder: str, name: str) -> str:
    """``folder/name``; a name in the root is just ``name``."""
    return name if folder == ROOT else f"{folder}/{name}"


def parent(path: str) -> str:
    return path.rsplit("/", 1)[0] if "/" in path else ROOT


def relative(path: str, start: str) -> str:
    """POSIX relative path from folder ``start`` to ``path`` (both workspace-relative)."""
    # A path below the folder in plain segments is what is left after the folder (asked for
    # every member of a large workspace; os.path.relpath is slow).
    below = path if start == ROOT else path[len(start) + 1 :] if path.startswith(start + "/") else None
    if below and below != ROOT and not _ODD.intersection(below.split("/")):
        return below
    rel = os.path.relpath("/" + ("" if path == ROOT else path), "/" + ("" if start == ROOT else start))
    return rel.replace(os.sep, "/")


def within(path: str, folder: str) -> bool:
    """Whether ``path`` is ``folder`` or below it."""
    return folder == ROOT or path == folder or path.startswith(folder + "/")
