"""The workspace as the rules see it: the tree, its projects and its VS Code folders.

Built once per check from a ``Snapshot``; rules only read it, and every file or
folder they ask about goes through it (never the disk directly), so unsaved
buffers and files planned by fixes count as existing. Paths are
workspace-relative POSIX strings (``paths.ROOT`` for the root).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import TypeVar, cast

from pyproj_doctor.formats import jsonc
from pyproj_doctor.workspace import projects, vscode, walk
from pyproj_doctor.workspace.paths import ROOT, join
from pyproj_doctor.workspace.projects import Project
from pyproj_doctor.workspace.reuse import Model, Reuse
from pyproj_doctor.workspace.snapshot import Snapshot
from pyproj_doctor.workspace.venv import Venv, read_venv
from pyproj_doctor.workspace.vscode import SettingRef, VsCodeFolder

T = TypeVar("T")
_ODD = frozenset(("", ".", ".."))


class Workspace:
    """Everything the rules may look at, built from one snapshot."""

    def __init__(
        self,
        snapshot: Snapshot,
        index: walk.FileIndex | None = None,
        disk: dict[tuple[object, ...], object] | None = None,
        reuse: Reuse | None = None,
        explorer_projects: bool | None = None,
    ) -> None:
        self.snapshot = snapshot
        # Whether the Test Explorer runs each project on its own (the Python Environments
        # extension in use), as the editor or the command line says; None: not told.
        self.explorer_projects = explorer_projects
        # A cached index (the language server keeps one per folder) is never modified here.
        self.base_index = index or walk.scan(snapshot.root)
        # What an earlier check of the same listing built (see reuse.py), when the caller keeps it.
        self.model: Model | None = None
        if reuse is not None:
            self.model = reuse.model(self.base_index, self._buffer_only_files())
        # Values derived from the whole workspace that several rules or projects ask for.
        self.memo: dict[tuple[object, ...], object] = {}
        # Values derived from what their key names plus the listing, the disk and files they
        # note on every use (``snapshot.saw``): unlike ``memo``, shared with ``kept`` computations.
        self.facts: dict[tuple[object, ...], object] = {}
        # Facts read from the disk alone (never from buffers), for a caller that knows the
        # disk has not changed since it passed this dict in (the language server).
        self.disk: dict[tuple[object, ...], object] = disk if disk is not None else {}
        if self.model is not None and self.model.index is not None:
            self.index = self.model.index
        else:
            self.index = walk.FileIndex(dict(self.base_index.dirs))
            self._owned: set[str] = set()  # listings copied from base_index for the overlay
            self._merge_overlay()
            if self.model is not None:
                self.model.index = self.index
        # Each project as discovered (the copies in ``projects`` are this check's): the same object
        # in two checks means the same files were read to discover it (see reuse.py).
        self.discovered: dict[str, Project] = {}
        self.projects: list[Project] = projects.discover(self)
        self.folders: list[VsCodeFolder]
        self.code_workspaces: list[str]
        self.folders, self.code_workspaces = vscode.discover(self, self.projects)

    # ------------------------------------------------------------------ reuse across checks
    def kept(
        self, key: tuple[object, ...], projects: Sequence[Project], uses: object, compute: Callable[[], T]
    ) -> T:
        """``compute()``, or its value from an earlier check of the same disk and listing.

        Taken over when ``projects`` (every project ``compute`` looks at) were discovered from
        the same files, ``uses`` (every other value it takes from the model: runs, names, paths)
        is equal, and every file it read holds the same text. ``compute`` gets an empty ``memo``,
        so all it reads is recorded; its value is shared between checks and never changed."""
        model = self.model
        if model is None:
            return compute()
        # Plain loops: asked about every member for several rules on every keystroke.
        known = self.discovered
        discovered = []
        for project in projects:
            found = known.get(project.dir)
            if found is None:
                return compute()
            discovered.append(found)
        entry = model.values.get(key)
        if entry is not None and len(entry[0]) == len(discovered) and entry[1] == uses:
            same = True
            for before, now in zip(entry[0], discovered):
                if before is not now:
                    same = False
                    break
            if same and entry[2].hold(self.snapshot):
                self.snapshot.replay(entry[2])
                return cast(T, entry[3])
        memo, self.memo = self.memo, {}
        try:
            value, reads = self.snapshot.record(compute)
        finally:
            self.memo = memo
        if entry is not None and entry[3] == value:
            # The same value again (another member's edit left it alone): hand back the kept
            # object, so the computations that take it as an input compare it by identity.
            value = entry[3]
        model.values[key] = (tuple(discovered), uses, reads, value)
        return value

    def per_listing(self, key: tuple[object, ...], compute: Callable[[], T]) -> T:
        """``compute()``, which reads nothing but the listing of the tree (names of files and
        folders, the folders each project owns), kept while the listing stays the same."""
        if self.model is None:
            return compute()
        listed = self.model.listed
        if key not in listed:
            listed[key] = compute()
        return cast(T, listed[key])

    # ------------------------------------------------------------------ the tree
    def _buffer_only_files(self) -> frozenset[str]:
        """Buffers of files the disk listing lacks: with the listing, they make the tree."""
        added = []
        for rel in self.snapshot.overlay:
            folder, _, name = rel.rpartition("/")
            listing = self.base_index.listing(folder or ROOT)
            if listing is None or name not in listing.files:
                added.append(rel)
        return frozenset(added)

    def _merge_overlay(self) -> None:
        """Files that exist only as editor buffers (or planned fixes) are part of the tree."""
        for rel in self.snapshot.overlay:
            folder, _, name = rel.rpartition("/")
            current = ROOT
            for part in folder.split("/") if folder else []:
                listing = self._own_listing(current)
                if part not in listing.dirs:
                    listing.dirs = sorted([*listing.dirs, part])
                current = join(current, part)
            listing = self._own_listing(current)
            if name not in listing.files:
                listing.files = sorted([*listing.files, name])

    def _own_listing(self, rel: str) -> walk.DirListing:
        """A copy of a folder's listing that this workspace may change (made once)."""
        if rel not in self._owned:
            listing = self.index.dirs.get(rel)
            copy = walk.DirListing(list(listing.files), list(listing.dirs)) if listing else walk.DirListing()
            self.index.dirs[rel] = copy
            self._owned.add(rel)
        return self.index.dirs[rel]

    def files(self, folder: str) -> list[str]:
        listing = self.index.listing(folder)
        return listing.files if listing else []

    def subdirs(self, folder: str) -> list[str]:
        listing = self.index.listing(folder)
        return listing.dirs if listing else []

    def has_file(self, folder: str, name: str) -> bool:
        return name in self.files(folder)

    # ------------------------------------------------------------------ files
    def abspath(self, rel: str) -> str:
        return self.snapshot.abspath(rel)

    def is_file(self, rel: str) -> bool:
        return self.snapshot.is_file(rel)

    def text(self, rel: str) -> str | None:
        return self.snapshot.text(rel)

    def settings_doc(self, rel: str) -> jsonc.JsonDocument | None:
        """The values VS Code itself reads from a JSONC file, even a damaged one.

        VS Code's parser is tolerant: it keeps every value it can recover around a
        syntax error, and so does ours. Such a file still gets its PD902 and is never
        edited (the fix builders refuse a file that does not parse)."""
        doc = self.snapshot.jsonc(rel)
        return doc if doc is not None and doc.root is not None else None

    def in_tree(self, path: str) -> str | None:
        """The workspace-relative form of an absolute path inside the root, else None."""
        root = self.snapshot.root
        if path == root:
            return ROOT
        if path.startswith(root + os.sep):
            below = path[len(root) + 1 :]
            if not _ODD.intersection(below.split(os.sep)):
                return below.replace(os.sep, "/")  # plain names: what relpath would say, quicker
            return os.path.relpath(path, root).replace(os.sep, "/")
        return None

    def exists(self, path: str) -> bool:
        """Whether an absolute path names a file or folder (unsaved and planned files count)."""
        rel = self.in_tree(path)
        if rel is not None and (rel in self.snapshot.overlay or self.index.listing(rel) is not None):
            return True
        return self.snapshot.disk_mode(path) != 0

    def is_dir(self, path: str) -> bool:
        """Whether an absolute path names a folder (folders of planned files count)."""
        rel = self.in_tree(path)
        if rel is not None and self.index.listing(rel) is not None:
            return True
        return self.snapshot.disk_isdir(path)

    def glob(self, pattern: str) -> bool:
        """Whether a glob pattern (absolute, e.g. pytest testpaths) may match something in the tree.

        Matched on the walked listing, never on disk: a pattern such as ``/*/*/*/x*``
        cannot make a check walk the filesystem. Outside the workspace: False.
        """
        rel = os.path.relpath(pattern, self.snapshot.root).replace(os.sep, "/")
        if rel == ".." or rel.startswith("../") or os.path.isabs(rel):
            return False
        found, uncertain = self.index.glob(rel)
        return bool(found) or uncertain

    def glob_paths(self, pattern: str) -> list[str]:
        """Workspace-relative paths a workspace-relative glob matches (inside the tree only)."""
        clean = os.path.normpath(pattern).replace(os.sep, "/")
        if clean == ".." or clean.startswith("../") or os.path.isabs(pattern):
            return []
        return self.index.glob(clean)[0]

    def gitignored(self, rel: str) -> bool:
        """Whether git ignores ``rel`` (a file), through itself or one of its folders.

        Read from the ``.gitignore`` files of the folders on the way down; settings in
        an ignored ``.vscode`` are personal, not shared with the team."""
        parts = rel.split("/")
        ignores: list[walk.GitIgnore] = []
        folder = ROOT
        for index, part in enumerate(parts):
            if self.has_file(folder, ".gitignore") or (folder == ROOT and self.is_file(".gitignore")):
                lines = (self.text(join(folder, ".gitignore")) or "").splitlines()
                ignores.append(walk.GitIgnore(folder, lines))
            folder = join(folder, part)
            is_dir = index < len(parts) - 1
            verdict = False
            for ignore in ignores:
                decided = ignore.ignored(folder, is_dir)
                if decided is not None:
                    verdict = decided
            if verdict:
                return True
        return False

    def venv_at(self, rel: str) -> Venv | None:
        key = ("venv", rel)  # an environment is read from the disk only
        if key not in self.disk:
            self.disk[key] = read_venv(rel, self.snapshot.abspath(rel))
        return cast("Venv | None", self.disk[key])

    # ------------------------------------------------------------------ settings
    def setting(self, folder: VsCodeFolder, key: str) -> SettingRef | None:
        """The effective value of ``key`` for a folder: folder settings win over a workspace file."""
        found = self.folder_setting(folder, key)
        if found is not None:
            return found
        for ref in self.workspace_settings(folder, key):
            return ref
        return None

    def setting_is_true(self, folder: VsCodeFolder, key: str) -> bool:
        """Whether ``key`` is set to JSON ``true`` for a folder (an absent or other value is not)."""
        ref = self.setting(folder, key)
        return ref is not None and ref.value is True

    def every_setting(self, folder: VsCodeFolder, key: str) -> list[SettingRef]:
        """Each place ``key`` is set for a folder: its settings.json first, then workspace files."""
        own = self.folder_setting(folder, key)
        return ([own] if own is not None else []) + self.workspace_settings(folder, key)

    def folder_setting(self, folder: VsCodeFolder, key: str) -> SettingRef | None:
        return vscode.folder_setting(self, folder, key)

    def workspace_settings(self, folder: VsCodeFolder, key: str) -> list[SettingRef]:
        return vscode.workspace_settings(self, folder, key)
