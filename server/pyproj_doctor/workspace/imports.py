"""Which first-party imports of the tests fail, under which pytest run.

A first-party name is a package or module found in a source root of any
project in the workspace. For each project with tests, the runs a user will
do are predicted: plain ``pytest`` in the project folder, plain ``pytest`` at
the uv workspace root that collects it, and the Test Explorer of its VS Code
folder.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from typing import cast

from pyproj_doctor.workspace.install import _uv_workspace_root
from pyproj_doctor.workspace.paths import ROOT, join, parent, within
from pyproj_doctor.workspace.projects import ImportRef, Project, SourceRoot, TestModule, packages_in
from pyproj_doctor.workspace.runs import (
    Resolution,
    Run,
    collects,
    env_paths,
    explorer_run,
    imports_ok,
    inserted_by,
    plain_pytest,
    resolve_in,
    run_inputs,
    run_key,
    sys_path,
)
from pyproj_doctor.workspace.test_projects import innermost, nested, project_dirs, project_mode
from pyproj_doctor.workspace.venv import EditableInstall, Venv
from pyproj_doctor.workspace.vscode import VsCodeFolder
from pyproj_doctor.workspace.workspace import Workspace

INTERPRETER = "python.defaultInterpreterPath"


@dataclass(frozen=True)
class Origin:
    """Where a first-party name lives."""

    project: Project
    root: SourceRoot
    path: str  # package folder or module file, workspace-relative


@dataclass
class Failure:
    run: Run
    project: Project  # whose tests import
    module: TestModule
    ref: ImportRef
    origin: Origin


def first_party(ws: Workspace) -> dict[str, Origin]:
    """Every first-party top-level name: source roots, then folders on pytest's ``pythonpath``.

    Made once per check (several rules ask); callers only read it."""
    cached = ws.memo.get(("first-party",))
    if cached is None:
        found: dict[str, Origin] = {}
        for origin in _origins(ws):
            found.setdefault(origin.path.rsplit("/", 1)[-1].removesuffix(".py"), origin)
        cached = ws.memo[("first-party",)] = found
    return cast("dict[str, Origin]", cached)


def first_party_roots(ws: Workspace) -> list[tuple[str, str]]:
    """(top-level name, search root) for every place a first-party name is found."""
    return [(o.path.rsplit("/", 1)[-1].removesuffix(".py"), o.root.path) for o in _origins(ws)]


def _origins(ws: Workspace) -> list[Origin]:
    """Computed once per check: several rules ask, and in a uv workspace every member shares
    the root's ``pythonpath`` (each of its folders is listed once, not once per member)."""
    key = ("origins",)
    cached = ws.memo.get(key)
    if cached is None:
        cached = ws.memo[key] = _find_origins(ws)
    return cast(list[Origin], cached)


def _find_origins(ws: Workspace) -> list[Origin]:
    found: list[Origin] = []
    for project in ws.projects:
        for root in project.source_roots:
            for path in root.packages.values():
                found.append(Origin(project, root, path))
    # A folder already found through an earlier project's pythonpath adds nothing: the same
    # names from the same search root, and the earlier origin wins every lookup. In a uv
    # workspace every member shares the root's pythonpath (N members × N folders otherwise).
    searched: set[str] = set()
    configs: set[tuple[str, str]] = set()
    for project in ws.projects:
        config = project.pytest_config
        option = config.get("pythonpath") if config is not None else None
        if config is None or option is None or not within(project.dir, config.folder):
            continue
        if (config.path, config.kind) in configs:
            continue
        configs.add((config.path, config.kind))
        for word in (w.text for w in option.words):
            rel = os.path.normpath(join(config.folder, word)).replace(os.sep, "/")
            if rel.startswith("..") or os.path.isabs(rel) or ws.index.listing(rel) is None:
                continue
            if rel in searched:
                continue
            searched.add(rel)
            packages = ws.per_listing(("pythonpath-packages", rel), functools.partial(packages_in, ws, rel))
            root = SourceRoot(rel, packages, "pythonpath")
            for path in root.packages.values():
                found.append(Origin(project, root, path))
    found.extend(_env_origins(ws))
    return found


def _env_origins(ws: Workspace) -> list[Origin]:
    """Folders that PYTHONPATH in a VS Code folder's ``.env`` names: the Test Explorer imports from
    them, so what they hold is first-party (a project folder itself is its flat layout's business)."""
    found: list[Origin] = []
    for folder in ws.folders:
        for absolute in env_paths(ws, folder, folder.dir):
            rel = os.path.relpath(absolute, ws.snapshot.root).replace(os.sep, "/")
            if rel.startswith("..") or os.path.isabs(rel) or ws.index.listing(rel) is None:
                continue
            owners = [p for p in ws.projects if within(rel, p.dir)]
            if not owners or any(p.dir == rel for p in owners):
                continue
            owner = max(owners, key=lambda p: len(p.dir))
            root = SourceRoot(rel, packages_in(ws, rel), "pythonpath")
            found.extend(Origin(owner, root, path) for path in root.packages.values())
    return found


def explorer_venv(ws: Workspace, folder: VsCodeFolder) -> Venv | None:
    """The interpreter the Python extension picks: the configured one, else the folder's ``.venv``."""
    ref = ws.setting(folder, INTERPRETER)
    if ref is not None and isinstance(ref.value, str):
        base = ws.abspath(folder.dir)
        value = ref.value.replace("${workspaceFolder}", base).replace("${workspaceRoot}", base)
        value = os.path.normpath(value if os.path.isabs(value) else os.path.join(base, value))
        root = ws.snapshot.root
        if value.startswith(root + os.sep):
            parts = os.path.relpath(value, root).replace(os.sep, "/").split("/")
            if len(parts) >= 3 and parts[-2] in ("bin", "Scripts"):
                venv = ws.venv_at("/".join(parts[:-2]))
                if venv is not None:
                    return venv
    return ws.venv_at(join(folder.dir, ".venv"))


def folder_run(ws: Workspace, folder: VsCodeFolder) -> Run:
    """The Test Explorer's run of a folder, with the interpreter it picks (once per check:
    every project of the folder asks)."""
    key = ("explorer-run", folder.dir, tuple(folder.workspace_files))
    found = ws.memo.get(key)
    if found is None:
        found = ws.memo[key] = explorer_run(ws, folder, explorer_venv(ws, folder))
    return cast(Run, found)


def project_run(ws: Workspace, folder: VsCodeFolder, project: str) -> Run:
    """The Test Explorer's run of one project in project mode (see test_projects.py): it starts in
    the project's folder (or ``python.testing.cwd``), ignores the projects nested in it and uses
    the project's own environment."""
    dirs = project_dirs(ws, folder)
    key = ("explorer-project-run", folder.dir, tuple(folder.workspace_files), project, tuple(dirs))
    found = ws.memo.get(key)
    if found is None:
        venv = project_venv(ws, folder, project)
        found = ws.memo[key] = explorer_run(ws, folder, venv, project, tuple(nested(dirs, project)))
    return cast(Run, found)


def project_venv(ws: Workspace, folder: VsCodeFolder, project: str) -> Venv | None:
    """The environment a project of project mode runs in.

    The Python Environments extension asks the project's environment manager; the default one
    (venv) takes an environment it keeps for that project, else one found in the project's own
    folder, else its global one (vscode-python-environments @9a2c114 ``venvManager.ts`` 363-398,
    ``findEnvironmentByPath`` 638-648). A listed project with its own ``.venv`` runs in it; for one
    without, the choice the extension kept is not in the repository: the folder's interpreter is
    taken, which holds the workspace's installs (any other choice imports less, so an import this
    one resolves is never reported as failing because of the choice)."""
    if project != folder.dir:
        own = ws.venv_at(join(project, ".venv"))
        if own is not None:
            return own
    return explorer_venv(ws, folder)


def explorer_run_of(ws: Workspace, folder: VsCodeFolder, path: str) -> Run | None:
    """The Test Explorer's run that collects a file of this folder, in the mode the folder is in.

    Off: the one run of the folder. On: the run of the innermost project holding the file. Not
    known (the command line, not told): the folder's run where both modes give it (the file is in
    no listed project: the folder's run then only adds the listed projects' modules), else None:
    no claim is made of a run that may not be the one the Explorer does."""
    dirs = project_dirs(ws, folder)
    mode = project_mode(ws, folder)
    owner = innermost(dirs, path)
    if mode is True:
        return project_run(ws, folder, owner)
    if mode is None and owner != folder.dir:
        return None
    return folder_run(ws, folder)


def runs_for(ws: Workspace, project: Project) -> list[Run]:
    """The pytest runs that collect this project's tests."""
    workspace_root = _uv_workspace_root(ws, project)
    folder = project.folder
    # Kept across checks (see Workspace.kept): all they take from elsewhere is the uv workspace
    # root's project and the VS Code folder (whose settings are files they read), and the mode
    # of the Test Explorer the editor reports.
    same = workspace_root is None or workspace_root.dir == project.dir
    owners = [project] if same or workspace_root is None else [project, workspace_root]
    where = None if folder is None else (folder.dir, tuple(folder.workspace_files), ws.explorer_projects)
    return ws.kept(("runs", project.dir), owners, where, lambda: _runs_for(ws, project, workspace_root))


def _runs_for(ws: Workspace, project: Project, workspace_root: Project | None) -> list[Run]:
    runs = [plain_pytest(ws, project)]
    # `pytest` at the workspace root is a run of its own only when the root configures pytest.
    if workspace_root is not None and workspace_root.dir != project.dir and workspace_root.pytest_config:
        root_run = plain_pytest(ws, workspace_root)
        if any(collects(ws, root_run, m.path) for m in project.test_modules):
            runs.append(root_run)
    folder = project.folder
    if folder is not None:
        # In project mode a project's test modules may belong to several projects' runs (a
        # listed folder inside it): each run that collects one of them.
        chosen: dict[tuple[object, ...], Run] = {}
        for module in project.test_modules:
            found = explorer_run_of(ws, folder, module.path)
            if found is not None:
                chosen.setdefault(run_key(found), found)
        for run in chosen.values():
            if any(collects(ws, run, m.path) for m in project.test_modules):
                runs.append(run)
    return runs


def _candidates(ws: Workspace, run: Run) -> list[Project]:
    """Projects whose tests the run may collect (those below where it starts)."""
    found = ws.memo.get(("projects-below",))
    if found is None:
        # Each folder's projects (itself and below, in workspace order), made by walking up from
        # every project once: scanning every project for each run was quadratic in the members.
        below: dict[str, list[Project]] = {}
        for project in ws.projects:
            if not project.test_modules:
                continue
            folder = project.dir
            while True:
                below.setdefault(folder, []).append(project)
                if folder == ROOT:
                    break
                folder = parent(folder)
        found = ws.memo[("projects-below",)] = below
    return list(cast("dict[str, list[Project]]", found).get(run.cwd, ()))


def run_path(ws: Workspace, run: Run) -> list[str]:
    """``sys_path`` of a run, computed once per workspace: every member of a uv workspace
    shares the root's run, whose path depends on every member's tests."""
    key = ("sys_path", run_key(run))
    cached = ws.memo.get(key)
    if cached is None:
        # Kept across checks (see Workspace.kept) while each project the run collects inserts the
        # same folders. Those are kept by project and taken here, outside the computation:
        # recorded inside it, a keystroke in one of 60 members replayed the reads of all 60.
        parts = inserted_by(ws, run, _candidates(ws, run))
        cached = ws.memo[key] = ws.kept(
            key, [], (run_inputs(ws, run), parts), lambda: sys_path(ws, run, parts)
        )
    return cast(list[str], cached)


@dataclass(frozen=True)
class Lookup:
    """How a run imports a first-party name: where the path lookup lands, and whether that works."""

    resolution: Resolution
    ok: bool
    hook: EditableInstall | None = None  # the import-hook editable that makes it work at run time


def lookup(ws: Workspace, run: Run, path: list[str], origin: Origin) -> Lookup:
    name = origin.path.rsplit("/", 1)[-1].removesuffix(".py")
    resolution = resolve_in(ws, path, name)
    if imports_ok(resolution, ws.abspath(origin.path)):
        return Lookup(resolution, True)
    # An editable install by an import hook (setuptools) works at run time, unseen by path lookups.
    owner = origin.project
    hook = run.venv.editable_for(owner.name, ws.abspath(owner.dir)) if run.venv is not None else None
    return Lookup(resolution, hook is not None, hook)


def failures(ws: Workspace, project: Project, names: dict[str, Origin] | None = None) -> list[Failure]:
    """Each first-party import of the project's tests that a run cannot import."""
    names = names if names is not None else first_party(ws)
    wanted = sorted(n for n in project.imported_names() if n in names)
    if not wanted:
        return []
    runs = runs_for(ws, project)
    paths = [run_path(ws, run) for run in runs]
    # All that the lookups take from other projects: where each wanted name lives and who owns it.
    origins = [
        (n, names[n].path, names[n].root.path, names[n].project.name, names[n].project.dir) for n in wanted
    ]
    found = ws.kept(
        ("failures", project.dir),
        [project],
        ([run_inputs(ws, run) for run in runs], paths, origins),
        lambda: _failures(ws, project, runs, paths, {n: names[n] for n in wanted}),
    )
    return [Failure(runs[i], project, module, ref, names[ref.name]) for i, module, ref in found]


def _failures(
    ws: Workspace, project: Project, runs: list[Run], paths: list[list[str]], names: dict[str, Origin]
) -> list[tuple[int, TestModule, ImportRef]]:
    """(run, module, import) of each failing import: the runs and origins are bound by the caller."""
    out: list[tuple[int, TestModule, ImportRef]] = []
    for index, (run, path) in enumerate(zip(runs, paths)):
        broken = {n for n, origin in names.items() if not lookup(ws, run, path, origin).ok}
        for module in project.test_modules:
            if not collects(ws, run, module.path):
                continue
            for ref in module.imports:
                if ref.name in broken:
                    out.append((index, module, ref))
    return out
