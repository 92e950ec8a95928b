"""Where Pylance/pyright finds a top-level import (pyright ``docs/import-resolution.md``).

Order after stubs: the execution root (the workspace folder), ``extraPaths``
(a pyright config's own list when it sets one, else settings.json) plus
``<root>/src`` while ``autoSearchPaths`` is on, typeshed, the importing file's
own folder and each parent up to the root (local imports), then the selected
interpreter's site-packages with the path lines of its ``.pth`` files (import
hooks are invisible). A regular package anywhere beats a namespace folder
found earlier. ``.env`` PYTHONPATH and ``sys.path`` edits in conftest.py are not
seen.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from pyproj_doctor.workspace.paths import parent
from pyproj_doctor.workspace.runs import Resolution, resolve_in
from pyproj_doctor.workspace.venv import Venv
from pyproj_doctor.workspace.vscode import VsCodeFolder
from pyproj_doctor.workspace.workspace import Workspace

EXTRA_PATHS = "python.analysis.extraPaths"
AUTO_SEARCH = "python.analysis.autoSearchPaths"
ADD_PROJECT_PATHS = "python.analysis.addExtraPathsForPythonProjects"


@dataclass
class SearchPaths:
    """The folder-wide part of pyright's search order (absolute paths)."""

    root: str
    extra: list[str]  # extraPaths and the automatic src
    site: list[str]  # site-packages and .pth path lines

    def for_file(self, ws: Workspace, importing: str) -> list[str]:
        """The whole order for a file (workspace-relative) importing something."""
        local: list[str] = []
        folder = parent(importing)
        while True:
            local.append(ws.snapshot.abspath(folder))
            if folder == "." or ws.snapshot.abspath(folder) == self.root:
                break
            folder = parent(folder)
        return [self.root, *self.extra, *local, *self.site]


def _resolve_setting(ws: Workspace, folder: VsCodeFolder, value: str) -> str | None:
    base = ws.snapshot.abspath(folder.dir)
    value = value.replace("${workspaceFolder}", base).replace("${workspaceRoot}", base)
    if "${" in value:
        return None
    value = os.path.expanduser(value)
    return os.path.normpath(value if os.path.isabs(value) else os.path.join(base, value))


def search_paths(ws: Workspace, folder: VsCodeFolder, venv: Venv | None) -> SearchPaths:
    root = ws.snapshot.abspath(folder.dir)
    pyright = folder.pyright
    extra: list[str] = []
    if pyright is not None and pyright.extra_paths_span is not None:
        base = ws.snapshot.abspath(pyright.folder)
        extra = [os.path.normpath(os.path.join(base, p.text)) for p in pyright.extra_paths]
    else:
        ref = ws.setting(folder, EXTRA_PATHS)
        if ref is not None and isinstance(ref.value, list):
            for item in ref.value:
                if isinstance(item, str):
                    resolved = _resolve_setting(ws, folder, item)
                    if resolved is not None:
                        extra.extend(_globbed(ws, resolved))
    auto_ref = ws.setting(folder, AUTO_SEARCH)
    auto = auto_ref is None or auto_ref.value is not False
    src = os.path.join(root, "src")
    if auto and os.path.isdir(src) and not os.path.isfile(os.path.join(src, "__init__.py")):
        extra.append(src)
    add_ref = ws.setting(folder, ADD_PROJECT_PATHS)
    if add_ref is not None and add_ref.value is True:
        # Pylance adds the source roots of the Python projects it knows about.
        for project in folder.projects:
            extra.extend(ws.snapshot.abspath(r.path) for r in project.source_roots if r.layout != "flat")
    site = [*venv.site_packages, *venv.pth_paths] if venv is not None else []
    return SearchPaths(root, extra, site)


def _globbed(ws: Workspace, path: str) -> list[str]:
    """``extraPaths`` accepts globs such as ``packages/*/src`` (Pylance 2026.7+).

    Matched on the scanned tree, never on disk: ``/*/*/*/*/x*`` must not walk the
    filesystem, and a glob leading out of the workspace matches nothing we can see.
    """
    if not any(c in path for c in "*?["):
        return [path]
    rel = os.path.relpath(path, ws.snapshot.root).replace(os.sep, "/")
    if rel == ".." or rel.startswith("../") or os.path.isabs(rel):
        return []
    return [ws.snapshot.abspath(p) for p in ws.glob_paths(rel) if ws.index.listing(p) is not None]


def pyright_resolve(ws: Workspace, paths: SearchPaths, importing: str, name: str) -> Resolution:
    return resolve_in(ws, paths.for_file(ws, importing), name)
