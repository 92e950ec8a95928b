"""The Test Explorer's project mode: which projects it runs on their own, and whether it does.

With the Python Environments extension (``ms-python.vscode-python-envs``) in use, the Python
extension's Test Explorer runs every Python project of a VS Code folder on its own (microsoft/
vscode-python @757def8, ``testController/controller.ts`` 230-262, ``common/testProjectRegistry.ts``
128-173): the projects are the folder itself and each entry of ``python-envs.pythonProjects``
(resource scope; ``path`` resolved from the folder: vscode-python-environments @9a2c114
``src/features/projectManager.ts`` 118-150), those inside the folder only. A project that holds
other projects gets ``--ignore=<absolute path>`` for each of them (``computeNestedProjectIgnores``,
registry 299-337). Each run is ``python -m pytest -p vscode_pytest --collect-only <pytestArgs>
--rootdir=<cwd>`` in ``python.testing.cwd`` or else the project's folder
(``pytest/pytestDiscoveryAdapter.ts`` 77-93), with the variables of the folder's ``.env``.

The mode is on only when ``useEnvExtension()`` holds (``envExt/api.internal.ts`` 57-66): the
extension is installed and ``python.useEnvironmentsExtension`` is true, read without a resource
(user, workspace or ``.code-workspace`` settings; default false, and tagged ``onExP`` in the
Python extension's ``package.json``, so an experiment may change that default). The repository
shows neither the installed extensions nor the user's settings: unless the editor reports the
mode (or the command line is told), it is known only when the repository turns it off.
"""

from __future__ import annotations

import os
from typing import cast

from pyproj_doctor.workspace.paths import ROOT, within
from pyproj_doctor.workspace.vscode import VsCodeFolder
from pyproj_doctor.workspace.workspace import Workspace

USE_ENVIRONMENTS_EXTENSION = "python.useEnvironmentsExtension"
PYTHON_PROJECTS = "python-envs.pythonProjects"


def project_mode(ws: Workspace, folder: VsCodeFolder) -> bool | None:
    """Whether the Test Explorer runs this folder's projects on their own: True, False, or None
    when the repository cannot tell (the editor did not report it)."""
    if ws.explorer_projects is not None:
        return ws.explorer_projects
    refs = ws.every_setting(folder, USE_ENVIRONMENTS_EXTENSION)
    # Turned off wherever the repository sets it: off, whatever the user's settings say (the
    # workspace's value wins over theirs). Turned on: still unknown, the extension may be missing.
    if refs and all(ref.value is False for ref in refs):
        return False
    return None


def listed(ws: Workspace, folder: VsCodeFolder) -> list[str]:
    """The workspace-relative folders ``python-envs.pythonProjects`` lists for this folder, in order
    (paths resolve from the VS Code folder, as the extension's ``path.resolve(folder, entry.path)``;
    an entry whose ``workspace`` names another folder of the workspace belongs to that one)."""
    ref = ws.setting(folder, PYTHON_PROJECTS)
    found: list[str] = []
    if ref is None or not isinstance(ref.value, list):
        return found
    base = ws.snapshot.abspath(folder.dir)
    root = ws.snapshot.root
    others = {os.path.basename(ws.snapshot.abspath(f.dir)) for f in ws.folders if f.dir != folder.dir}
    for entry in ref.value:
        value = entry.get("path") if isinstance(entry, dict) else None
        if not isinstance(value, str) or not value:
            continue
        owner = entry.get("workspace")
        if isinstance(owner, str) and owner in others and owner != os.path.basename(base):
            continue
        full = os.path.normpath(os.path.join(base, value))
        rel = ROOT if full == root else None
        if full.startswith(root + os.sep):
            rel = os.path.relpath(full, root).replace(os.sep, "/")
        if rel is not None and rel not in found:
            found.append(rel)
    return found


def project_dirs(ws: Workspace, folder: VsCodeFolder) -> list[str]:
    """The folders of the projects the Test Explorer runs on their own in project mode: the
    VS Code folder, then each listed folder inside it that exists. Once per check: every test
    module asks which project's run collects it."""
    key = ("explorer-projects", folder.dir, tuple(folder.workspace_files))
    found = ws.memo.get(key)
    if found is None:
        dirs = [folder.dir]
        for rel in listed(ws, folder):
            if rel not in dirs and within(rel, folder.dir) and ws.index.listing(rel) is not None:
                dirs.append(rel)
        found = ws.memo[key] = dirs
    return cast("list[str]", found)


def innermost(dirs: list[str], path: str) -> str:
    """The innermost of ``dirs`` holding ``path`` (the first is the VS Code folder, holding all)."""
    best = dirs[0]
    for rel in dirs[1:]:
        if within(path, rel) and within(rel, best):
            best = rel
    return best


def nested(dirs: list[str], project: str) -> list[str]:
    """The other project folders inside ``project``: its run ignores each of them."""
    return [rel for rel in dirs if rel != project and within(rel, project)]
