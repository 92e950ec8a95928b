"""Where Pylance/pyright finds a top-level import (pyright ``docs/import-resolution.md``).

Order after stubs: the execution root (the workspace folder), ``extraPaths``
(a pyright config's own list when it sets one, else settings.json) plus
``<root>/src`` while ``autoSearchPaths`` is on, typeshed, the importing file's
own folder and each parent up to the root (local imports), then the selected
interpreter's site-packages with the path lines of its ``.pth`` files (import
hooks are invisible). A regular package anywhere beats a namespace folder
found earlier. ``sys.path`` edits in conftest.py are not seen. ``PYTHONPATH`` from
the folder's ``.env`` is: the Python extension passes it to Pylance
(``_envPYTHONPATH`` in vscode-python's ``languageClientMiddlewareBase.ts``), which
appends it to the settings' ``extraPaths`` (relative to the folder) unless a
pyright config sets its own ``extraPaths``. The pyright CLI, basedpyright and
other editors do not read ``.env``, so it is kept apart (``env``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from pyproj_doctor.workspace.langserver import pyright_config
from pyproj_doctor.workspace.paths import parent
from pyproj_doctor.workspace.runs import Resolution, env_paths, resolve_in
from pyproj_doctor.workspace.venv import Venv
from pyproj_doctor.workspace.vscode import VsCodeFolder
from pyproj_doctor.workspace.workspace import Workspace

EXTRA_PATHS = "python.analysis.extraPaths"
AUTO_SEARCH = "python.analysis.autoSearchPaths"
ADD_PROJECT_PATHS = "python.analysis.addExtraPathsForPythonProjects"
STUB_PATH = "python.analysis.stubPath"


@dataclass
class EnvPaths:
    """An execution environment of the pyright config, resolved to absolute paths."""

    index: int
    root: str
    extra: list[str] | None  # its own extraPaths (replacing the default list), or None


@dataclass
class SearchPaths:
    """The folder-wide part of pyright's search order (absolute paths)."""

    root: str
    extra: list[str]  # extraPaths and the automatic src
    site: list[str]  # site-packages and .pth path lines
    env: list[str] = field(default_factory=list)  # `.env` PYTHONPATH, seen by Pylance only
    stubs: str | None = None  # stubPath (default `<root>/typings`): stubs resolve imports first
    environments: list[EnvPaths] = field(default_factory=list)

    def environment(self, ws: Workspace, importing: str) -> EnvPaths | None:
        """The first execution environment whose root holds the file (pyright's own rule)."""
        absolute = ws.snapshot.abspath(importing)
        for env in self.environments:
            if absolute == env.root or absolute.startswith(env.root + os.sep):
                return env
        return None

    def for_file(self, ws: Workspace, importing: str) -> list[str]:
        """The whole order for a file (workspace-relative) importing something."""
        root, extra = self.root, [*self.extra, *self.env]
        env = self.environment(ws, importing)
        if env is not None:
            root = env.root
            if env.extra is not None:
                extra = env.extra
        local: list[str] = []
        folder = parent(importing)
        while True:
            local.append(ws.snapshot.abspath(folder))
            if folder == "." or ws.snapshot.abspath(folder) == root:
                break
            folder = parent(folder)
        stubs = [self.stubs] if self.stubs else []
        return [*stubs, root, *extra, *local, *self.site]

    def without_env(self) -> SearchPaths:
        """The search paths of pyright outside VS Code (CLI, CI, other editors): no ``.env``."""
        return SearchPaths(self.root, self.extra, self.site, [], self.stubs, self.environments)


def _resolve_setting(ws: Workspace, folder: VsCodeFolder, value: str) -> str | None:
    base = ws.snapshot.abspath(folder.dir)
    value = value.replace("${workspaceFolder}", base).replace("${workspaceRoot}", base)
    if "${" in value:
        return None
    value = os.path.expanduser(value)
    return os.path.normpath(value if os.path.isabs(value) else os.path.join(base, value))


# The settings each pyright-based server reads (basedpyright: its own `basedpyright.analysis`
# section, which its extension always contributes, so `python.analysis` is not read in VS Code).
KEYS = {
    "Pylance": (EXTRA_PATHS, AUTO_SEARCH, STUB_PATH),
    "basedpyright": (
        "basedpyright.analysis.extraPaths",
        "basedpyright.analysis.autoSearchPaths",
        "basedpyright.analysis.stubPath",
    ),
}


def search_paths(
    ws: Workspace, folder: VsCodeFolder, venv: Venv | None, server: str = "Pylance"
) -> SearchPaths:
    root = ws.snapshot.abspath(folder.dir)
    pylance = server != "basedpyright"
    pyright = folder.pyright if pylance else pyright_config(ws, folder, "basedpyright")
    extra_key, auto_key, stub_key = KEYS["Pylance" if pylance else "basedpyright"]
    extra: list[str] = []
    env: list[str] = []
    if pyright is not None and pyright.extra_paths_span is not None:
        base = ws.snapshot.abspath(pyright.folder)
        extra = [os.path.normpath(os.path.join(base, p.text)) for p in pyright.extra_paths]
    else:
        ref = ws.setting(folder, extra_key)
        if ref is not None and isinstance(ref.value, list):
            for item in ref.value:
                if isinstance(item, str):
                    resolved = _resolve_setting(ws, folder, item)
                    if resolved is not None:
                        extra.extend(_globbed(ws, resolved))
        # Only the Python extension hands `.env` PYTHONPATH to its language server (Pylance).
        env = env_paths(ws, folder, folder.dir) if pylance else []
    auto_ref = ws.setting(folder, auto_key)
    auto = auto_ref is None or auto_ref.value is not False
    src = os.path.join(root, "src")
    # The automatic `src` belongs to the settings' list: a config's own extraPaths replaces both
    # (pyright applies `ensureDefaultExtraPaths` only while the config set no default list).
    own_list = pyright is not None and pyright.extra_paths_span is not None
    disk = ws.snapshot
    if (
        auto
        and not own_list
        and disk.disk_isdir(src)
        and not disk.disk_isfile(os.path.join(src, "__init__.py"))
    ):
        extra.append(src)
    if pylance and ws.setting_is_true(folder, ADD_PROJECT_PATHS):
        # Pylance adds the source roots of the Python projects it knows about.
        for project in folder.projects:
            extra.extend(ws.snapshot.abspath(r.path) for r in project.source_roots if r.layout != "flat")
    site = [*venv.site_packages, *venv.pth_paths] if venv is not None else []
    environments: list[EnvPaths] = []
    stubs = os.path.join(root, "typings")
    if pyright is not None and pyright.stub_path:
        stubs = os.path.normpath(os.path.join(ws.snapshot.abspath(pyright.folder), pyright.stub_path))
    elif pyright is None:
        ref = ws.setting(folder, stub_key)
        if ref is not None and isinstance(ref.value, str):
            stubs = _resolve_setting(ws, folder, ref.value) or stubs
    if pyright is not None:
        base = ws.snapshot.abspath(pyright.folder)
        for item in pyright.environments:
            own = None
            if item.extra_paths is not None:
                own = [
                    g for p in item.extra_paths for g in _globbed(ws, os.path.normpath(os.path.join(base, p)))
                ]
            environments.append(EnvPaths(item.index, os.path.normpath(os.path.join(base, item.root)), own))
    return SearchPaths(root, extra, site, env, stubs, environments)


AUTOCOMPLETE_PATHS = "python.autoComplete.extraPaths"


def jedi_search_paths(ws: Workspace, folder: VsCodeFolder, venv: Venv | None) -> SearchPaths:
    """Where Jedi looks when the Python extension runs it (``python.languageServer: "Jedi"``).

    vscode-python (``activation/jedi/analysisOptions.ts``) hands jedi-language-server the folder
    and ``python.autoComplete.extraPaths`` (joined to the folder) as ``workspace.extraPaths``;
    Jedi's project then also searches the importing file's folders below the project (its
    ``smart_sys_path``) and the interpreter's ``sys.path``. No automatic ``src``, no pyright
    config. The server runs with the folder's ``.env`` loaded, which the interpreter Jedi asks
    for its path then sees: kept, so nothing is reported that ``.env`` resolves."""
    root = ws.snapshot.abspath(folder.dir)
    extra: list[str] = []
    ref = ws.setting(folder, AUTOCOMPLETE_PATHS)
    if ref is not None and isinstance(ref.value, list):
        for item in ref.value:
            if isinstance(item, str):
                resolved = _resolve_setting(ws, folder, item)
                if resolved is not None:
                    extra.append(resolved)
    site = [*venv.site_packages, *venv.pth_paths] if venv is not None else []
    return SearchPaths(root, extra, site, env_paths(ws, folder, folder.dir), None, [])


def _globbed(ws: Workspace, path: str) -> list[str]:
    """``extraPaths`` accepts globs such as ``packages/*/src`` (see ``workspace/extra_globs.py``).

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
