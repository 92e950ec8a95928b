"""How a project gets installed by its own workflow, read from the repository.

A fresh clone has no environment, yet ``uv sync``, ``poetry install``, tox,
nox, hatch or a ``-e .`` line in a requirements file will install the project
before any test runs. Whether such an install is visible to Pylance depends on
the build backend: a path line in a ``.pth`` file is, an import hook is not.
Compiled backends (maturin, scikit-build-core, meson-python) need a build, so
nothing can stand in for the install.
"""

from __future__ import annotations

import fnmatch
import os
import re
from dataclasses import dataclass
from typing import Any, cast

from pyproj_doctor.workspace.declared import requirement_names
from pyproj_doctor.workspace.paths import join, parent
from pyproj_doctor.workspace.projects import Project, enclosing, projects_by_dir
from pyproj_doctor.workspace.venv import normalize
from pyproj_doctor.workspace.workspace import Workspace

# Backends whose editable install writes a path line Pylance follows.
PATH_PTH_BACKENDS = (
    "hatchling",
    "uv_build",
    "pdm.backend",
    "pdm.pep517",
    "flit_core",
    "poetry.core",
    "maturin",
)
COMPILED_BACKENDS = ("maturin", "scikit_build_core", "mesonpy", "pymsbuild", "enscons", "sipbuild")
IMPORT_HOOK_BACKENDS = ("scikit_build_core", "mesonpy")
_NOX_INSTALLS = re.compile(
    r"""\.install\(\s*(?:["']-e["']\s*,\s*)?["'](?:-e\s*)?\.(?:\[[^\]'"]*\])?["']|install_project|\.install\(\s*["']-e\.["']"""
)
_REQUIREMENT_SELF = re.compile(
    r"(?m)^\s*(?:-e\s+|--editable[=\s]+)?(?:\.|file:\.)(?:\[[^\]]*\])?\s*(?:#.*)?$"
)
# `pip install -e .` in a tox env's commands installs the project even with skip_install.
_TOX_SELF_INSTALL = re.compile(
    r"(?m)(?:pip3?|uv pip) install\b[^\n]*?\s(-e\s*|--editable[=\s]+)?['\"]?"
    r"(?:\.|\{toxinidir\}|\{tox_root\})(?:\[[^\]\n]*\])?['\"]?(?:\s|$)"
)
_CI_INSTALLS = re.compile(
    r"(?m)(?:pip3?|uv pip) install\b[^\n]*?\s(?:-e\s*|--editable[=\s]+)?"
    r"['\"]?\.(?:\[[^\]\n]*\])?['\"]?(?:\s|$)"
    r"|\buv sync\b|\bpoetry install\b|\bpdm (?:install|sync)\b|\bhatch (?:test|run)\b|\btox\b|\bnox\b"
)


@dataclass(frozen=True)
class Install:
    """The project's own way of installing itself before tests run."""

    tool: str  # uv | poetry | pdm | hatch | tox | nox | pip | ci
    command: str  # what a user runs to get it
    declared_in: str  # the file that says so (workspace-relative)
    editable: bool  # sources are used in place
    pylance_visible: bool  # a path `.pth` (True) or an import hook / copied wheel (False)
    compiled: bool  # needs a build: `pythonpath` cannot stand in for it
    stated: bool = True  # the repository says so (False: only the standard way for a build system)


def build_backend(project: Project) -> str | None:
    doc = project.doc
    value = doc.get("build-system", "build-backend") if doc is not None else None
    if isinstance(value, str):
        return value
    if doc is not None and isinstance(doc.get("build-system"), dict):
        return "setuptools.build_meta:__legacy__"
    return None


def _backend_is(backend: str | None, names: tuple[str, ...]) -> bool:
    if backend is None:
        return False
    return any(backend == n or backend.startswith((n + ".", n + ":")) for n in names)


def is_compiled(ws: Workspace, project: Project) -> bool:
    backend = build_backend(project)
    if _backend_is(backend, COMPILED_BACKENDS):
        return True
    # setuptools-rust / a C extension declared in setup.py: a build is needed too.
    text = ws.snapshot.text(join(project.dir, "setup.py")) if ws.has_file(project.dir, "setup.py") else None
    return bool(text and re.search(r"\bExtension\(|RustExtension\(|cythonize\(", text))


def has_build_system(ws: Workspace, project: Project) -> bool:
    doc = project.doc
    declared = doc is not None and isinstance(doc.get("build-system"), dict)
    return declared or ws.has_file(project.dir, "setup.py")


def pylance_visible(ws: Workspace, project: Project) -> bool:
    """Whether an editable install of the project leaves a path line Pylance can follow."""
    backend = build_backend(project)
    if _backend_is(backend, IMPORT_HOOK_BACKENDS):
        doc = project.doc
        mode = doc.get("tool", "scikit-build", "editable", "mode") if doc is not None else None
        return mode == "inplace"
    if _backend_is(backend, PATH_PTH_BACKENDS):
        return True
    # setuptools (or a legacy setup.py): a static path `.pth` only when `package-dir` is
    # `{"": <folder>}` (or auto-discovered src) with a simple layout, or `editable_mode=compat`;
    # otherwise an import hook (setuptools `editable_wheel.py`; checked with setuptools 84).
    package_dir = project.doc.get("tool", "setuptools", "package-dir") if project.doc is not None else None
    mapped = isinstance(package_dir, dict) and any(key != "" for key in package_dir)
    if not mapped and any(root.layout != "flat" for root in project.source_roots):
        return True
    text = ws.snapshot.text(join(project.dir, "setup.cfg")) if ws.has_file(project.dir, "setup.cfg") else ""
    # compat puts the project folder (or package-dir[""]) on the path: a mapped package is not there.
    return bool(text and "editable_mode" in text and "compat" in text) or (
        not mapped and uv_compat_set(ws, project)
    )


def uv_settings_file(ws: Workspace, project: Project) -> str | None:
    """The pyproject.toml whose ``[tool.uv]`` settings ``uv sync`` applies to the project's install:
    the uv workspace root's (a member's own ``config-settings`` are ignored; checked with uv 0.13),
    else the project's own; None when uv does not manage the project."""
    if _uv_managed(ws, project) is None:
        return None
    root = _uv_workspace_root(ws, project)
    return root.pyproject if root is not None else project.pyproject


def uv_compat_set(ws: Workspace, project: Project) -> bool:
    """Whether uv passes ``editable_mode=compat`` to the project's build backend: in
    ``config-settings`` (every build) or in ``config-settings-package`` under the project's name
    (uv normalizes that key as a package name; both checked with uv 0.13.9)."""
    path = uv_settings_file(ws, project)
    doc = ws.snapshot.toml(path) if path is not None else None
    if doc is None or not doc.ok:
        return False
    settings = doc.get("tool", "uv", "config-settings")
    if isinstance(settings, dict) and settings.get("editable_mode") == "compat":
        return True
    per_package = doc.get("tool", "uv", "config-settings-package")
    if not isinstance(per_package, dict) or not project.name:
        return False
    own = [v for k, v in per_package.items() if normalize(k) == normalize(project.name)]
    return any(isinstance(v, dict) and v.get("editable_mode") == "compat" for v in own)


def compat_root(ws: Workspace, project: Project) -> str | None:
    """The folder setuptools' ``editable_mode=compat`` puts on the path as a ``.pth`` line
    (workspace-relative): ``package-dir[""]``, else the project folder (setuptools
    ``editable_wheel.py``, ``_StaticPth``; checked with a real ``uv sync``). None when the project
    is not built by setuptools or a ``setup.py``/``setup.cfg`` may map packages elsewhere."""
    backend = build_backend(project)
    if project.doc is None or not _backend_is(backend, ("setuptools",)):
        return None
    if ws.has_file(project.dir, "setup.py"):
        return None
    if ws.has_file(project.dir, "setup.cfg") and "package_dir" in (
        ws.snapshot.text(join(project.dir, "setup.cfg")) or ""
    ):
        return None
    package_dir = project.doc.get("tool", "setuptools", "package-dir")
    base = package_dir.get("", ".") if isinstance(package_dir, dict) else "."
    if not isinstance(base, str) or os.path.isabs(base) or base.startswith(".."):
        return None
    return os.path.normpath(join(project.dir, base.replace("\\", "/"))).replace(os.sep, "/")


def _uv_workspace_root(ws: Workspace, project: Project) -> Project | None:
    """The uv workspace that holds this project, found as uv finds it (``find_workspace`` in uv's
    ``workspace.rs``): the project itself when it declares ``[tool.uv.workspace]``; else the nearest
    folder above with a pyproject.toml that declares one, when its ``members`` globs include the
    project and its ``exclude`` globs do not. A pyproject.toml above with a ``[project]`` table and
    no workspace ends the search (an example or test project inside another project is its own
    project), and so does ``tool.uv.managed = false``."""
    key = ("uv-workspace-root", project.dir)
    if key in ws.memo:
        return cast("Project | None", ws.memo[key])
    # Kept across checks by folder (the project of this check is looked up): all it reads
    # besides the listing are the pyproject.toml files on the way up.
    where = ws.kept(key, [project], None, lambda: _root_dir(_find_uv_workspace_root(ws, project)))
    found = ws.memo[key] = None if where is None else projects_by_dir(ws).get(where)
    return found


def _root_dir(root: Project | None) -> str | None:
    return None if root is None else root.dir


def _find_uv_workspace_root(ws: Workspace, project: Project) -> Project | None:
    doc = project.doc
    if doc is None or doc.get("tool", "uv", "managed") is False:
        return None
    if isinstance(doc.get("tool", "uv", "workspace"), dict):
        return project
    folder = project.dir
    while folder != ".":
        folder = parent(folder)
        if not ws.has_file(folder, "pyproject.toml"):
            continue
        other = ws.snapshot.toml(join(folder, "pyproject.toml"))
        if other is None or not other.ok:
            return None
        workspace = other.get("tool", "uv", "workspace")
        if isinstance(workspace, dict):
            rel = project.dir if folder == "." else project.dir[len(folder) + 1 :]
            if not uv_member(rel, workspace.get("members"), workspace.get("exclude")):
                return None
            return projects_by_dir(ws).get(folder)
        if isinstance(other.get("project"), dict):
            return None
    return None


_MEMBERSHIP: dict[tuple[object, ...], bool] = {}


def uv_member(rel: str, members: object, exclude: object) -> bool:
    """``_uv_member``, remembered: every member of a large workspace asks on every check."""
    if not isinstance(members, list) or not all(isinstance(g, str) for g in members):
        return _uv_member(rel, members, exclude)
    if isinstance(exclude, list) and all(isinstance(g, str) for g in exclude):
        key: tuple[object, ...] = (rel, tuple(members), tuple(exclude))
    elif exclude is None:
        key = (rel, tuple(members), None)
    else:
        return _uv_member(rel, members, exclude)
    found = _MEMBERSHIP.get(key)
    if found is None:
        if len(_MEMBERSHIP) >= 100_000:
            _MEMBERSHIP.clear()
        found = _MEMBERSHIP[key] = _uv_member(rel, members, exclude)
    return found


def _uv_member(rel: str, members: object, exclude: object) -> bool:
    """Whether ``uv sync`` at a workspace root collects the folder ``rel`` (relative to the root)
    as a member. uv expands each ``members`` glob by walking the disk one folder at a time (the
    glob crate's ``glob()``: ``*`` stays within a folder, ``**`` spans any number), then drops
    the folders an ``exclude`` glob matches as a whole path (``Pattern::matches_path``, where
    ``*`` also matches ``/``)."""
    if not isinstance(members, list):
        return False
    parts = rel.split("/")
    if not any(isinstance(g, str) and _glob_parts(parts, _glob_words(g)) for g in members):
        return False
    return not (
        isinstance(exclude, list)
        and any(isinstance(g, str) and fnmatch.fnmatchcase(rel, "/".join(_glob_words(g))) for g in exclude)
    )


def _glob_words(pattern: str) -> list[str]:
    return [w for w in os.path.normpath(pattern).replace(os.sep, "/").split("/") if w not in ("", ".")]


def _glob_parts(parts: list[str], words: list[str]) -> bool:
    if not words:
        return not parts
    if words[0] == "**":
        return any(_glob_parts(parts[i:], words[1:]) for i in range(len(parts) + 1))
    return bool(parts) and fnmatch.fnmatchcase(parts[0], words[0]) and _glob_parts(parts[1:], words[1:])


def _matches(rel: str, globs: object) -> bool:
    if not isinstance(globs, list):
        return False
    return any(
        isinstance(g, str) and fnmatch.fnmatch(rel, os.path.normpath(g).replace(os.sep, "/")) for g in globs
    )


def _uv_managed(ws: Workspace, project: Project) -> str | None:
    """The file that makes uv the project's tool: its own ``[tool.uv]`` or ``uv.lock``, or the
    ``uv.lock`` (else pyproject.toml) of the uv workspace that has it as a member. A ``uv.lock``
    above a project that is not a member (flask's ``examples/tutorial``) locks another project."""
    doc = project.doc
    if doc is not None and doc.get("tool", "uv", "managed") is False:
        return None
    if doc is not None and isinstance(doc.get("tool", "uv"), dict):
        return project.pyproject
    if ws.has_file(project.dir, "uv.lock"):
        return join(project.dir, "uv.lock")
    root = _uv_workspace_root(ws, project)
    if root is None:
        return None
    return join(root.dir, "uv.lock") if ws.has_file(root.dir, "uv.lock") else root.pyproject


def _uv_sync_command(ws: Workspace, project: Project, root: Project | None) -> str:
    """What installs a uv project: ``uv sync``, or ``uv sync --all-packages`` for a member it skips.

    From a workspace root with a ``[project]``, ``uv sync`` installs that project, its default
    groups (``dev``) and the members they depend on, and removes the rest (checked with uv
    0.9: a member nothing depends on is not installed). A virtual root (no ``[project]``)
    installs every member.
    """
    if root is None or root.dir == project.dir or root.doc is None:
        return "uv sync"
    if not isinstance(root.doc.get("project"), dict) or project.name is None:
        return "uv sync"
    seen = synced_members(ws, root, root)
    return "uv sync" if seen is None or normalize(project.name) in seen else "uv sync --all-packages"


def synced_members(ws: Workspace, target: Project, root: Project) -> frozenset[str] | None:
    """Normalized names of the members of ``root``'s uv workspace that syncing ``target`` installs:
    ``target`` itself, its dependencies and default groups (``dev``), and theirs among the members.
    ``uv run`` in a member's folder syncs that member this way (checked with uv 0.9). None when
    dependencies a build backend computes (python-sdk's root: ``dynamic = ["dependencies"]``) may
    name more members: what is installed then cannot be read here."""
    # The same for every member of a root's workspace: found once per check (per member it was
    # quadratic in the members).
    key = ("synced-members", target.dir, root.dir)
    if key not in ws.memo:
        ws.memo[key] = _synced_members(ws, target, root)
    return cast("frozenset[str] | None", ws.memo[key])


def _synced_members(ws: Workspace, target: Project, root: Project) -> frozenset[str] | None:
    doc = target.doc
    if doc is None:
        return frozenset()
    members = {normalize(p.name): p for p in ws.projects if p.name and _uv_workspace_root(ws, p) is root}
    wanted = requirement_names(doc.get("project", "dependencies"))
    groups = doc.get("dependency-groups")
    defaults = doc.get("tool", "uv", "default-groups")
    if isinstance(groups, dict):
        names = list(groups) if defaults == "all" else defaults if isinstance(defaults, list) else ["dev"]
        wanted |= _group_names(groups, [n for n in names if isinstance(n, str)])
    wanted |= requirement_names(doc.get("tool", "uv", "dev-dependencies"))
    seen: set[str] = {normalize(target.name)} if target.name else set()
    dynamic = _dynamic_dependencies(target)
    while wanted - seen:
        name = (wanted - seen).pop()
        seen.add(name)
        member = members.get(name)
        if member is not None and member.doc is not None:
            wanted |= requirement_names(member.doc.get("project", "dependencies"))
            dynamic = dynamic or _dynamic_dependencies(member)
    return None if dynamic else frozenset(seen)


def _dynamic_dependencies(project: Project) -> bool:
    dynamic = project.doc.get("project", "dynamic") if project.doc is not None else None
    return isinstance(dynamic, list) and "dependencies" in dynamic


def _group_names(groups: dict[str, Any], names: list[str]) -> set[str]:
    """Requirement names of these dependency groups, following ``{include-group = ...}``."""
    found: set[str] = set()
    pending, visited = list(names), set()
    while pending:
        name = pending.pop()
        if name in visited:
            continue
        visited.add(name)
        for item in groups.get(name) or ():
            if isinstance(item, dict) and isinstance(item.get("include-group"), str):
                pending.append(item["include-group"])
            elif isinstance(item, str):
                found |= requirement_names([item])
    return found


def _requirements_self(ws: Workspace, project: Project) -> str | None:
    for folder in (project.dir, join(project.dir, "requirements")):
        for name in ws.files(folder):
            if name.endswith((".txt", ".in")) and ("requirements" in name or folder.endswith("requirements")):
                rel = join(folder, name)
                if _REQUIREMENT_SELF.search(ws.snapshot.text(rel) or ""):
                    return rel
    return None


def _tox(ws: Workspace, project: Project) -> tuple[str, bool] | None:
    """(file, editable) when tox is configured and installs the project."""
    doc = project.doc
    legacy = doc.get("tool", "tox", "legacy_tox_ini") if doc is not None else None
    for name in ("tox.ini", "tox.toml"):
        if ws.has_file(project.dir, name):
            text = ws.snapshot.text(join(project.dir, name)) or ""
            break
    else:
        if doc is not None and isinstance(doc.get("tool", "tox"), dict):
            name, text = "pyproject.toml", legacy if isinstance(legacy, str) else str(doc.get("tool", "tox"))
        else:
            return None
    if name == "tox.ini" and not re.search(r"(?m)^\s*\[(?:tox|testenv)", text):
        return None  # only a [pytest] section
    flat = re.sub(r"[\s'\"]", "", text.lower())
    editable = "usedevelop=true" in flat or "package=editable" in flat
    if re.search(r"skip_?install=true|skipsdist=true|no_package=true", flat) and not editable:
        # No package of its own, but the commands may install it (`pip install -e .[d]`).
        command = _TOX_SELF_INSTALL.search(text)
        return (join(project.dir, name), bool(command.group(1))) if command is not None else None
    return join(project.dir, name), editable


def _nox(ws: Workspace, project: Project) -> str | None:
    if not ws.has_file(project.dir, "noxfile.py"):
        return None
    rel = join(project.dir, "noxfile.py")
    return rel if _NOX_INSTALLS.search(ws.snapshot.text(rel) or "") else None


def _hatch(ws: Workspace, project: Project) -> str | None:
    doc = project.doc
    if ws.has_file(project.dir, "hatch.toml"):
        return join(project.dir, "hatch.toml")
    envs = doc.get("tool", "hatch", "envs") if doc is not None else None
    if isinstance(envs, dict) and any(
        isinstance(env, dict) and env.get("skip-install") is not True for env in envs.values()
    ):
        return project.pyproject
    return None


def _hatch_envs(ws: Workspace, project: Project) -> tuple[str, dict[str, Any]] | None:
    """The hatch environments of a project and the file declaring them (hatch.toml wins)."""
    if ws.has_file(project.dir, "hatch.toml"):
        rel = join(project.dir, "hatch.toml")
        doc = ws.snapshot.toml(rel)
        envs = doc.get("envs") if doc is not None and doc.ok else None
    else:
        rel = project.pyproject or ""
        envs = project.doc.get("tool", "hatch", "envs") if project.doc is not None else None
    return (rel, envs) if isinstance(envs, dict) else None


def _hatch_member(ws: Workspace, project: Project) -> str | None:
    """The file of an enclosing hatch project whose environment lists this one as a workspace member
    (``workspace.members``): hatch installs members editable into that environment."""
    for other in enclosing(ws, project):
        found = _hatch_envs(ws, other)
        if found is None:
            continue
        rel = project.dir if other.dir == "." else project.dir[len(other.dir) + 1 :]
        for env in found[1].values():
            workspace = env.get("workspace") if isinstance(env, dict) else None
            members = workspace.get("members") if isinstance(workspace, dict) else None
            if not isinstance(members, list):
                continue
            paths = [m.get("path") if isinstance(m, dict) else m for m in members]
            if _matches(rel, [p.rstrip("/") for p in paths if isinstance(p, str)]):
                return found[0]
    return None


def _ci(ws: Workspace, project: Project) -> str | None:
    """A GitHub workflow that installs the project (``pip install -e .``, ``uv sync``, …)."""
    folder = join(project.dir, ".github/workflows")
    # Read from the disk (the tree's listing skips hidden folders), once while it does not change.
    key = ("workflows", folder)
    if key not in ws.disk:
        try:
            ws.disk[key] = sorted(os.listdir(ws.snapshot.abspath(folder)))
        except OSError:
            ws.disk[key] = None
    names = cast("list[str] | None", ws.disk[key])
    if names is None:
        return None
    for name in names[:50]:
        if name.endswith((".yml", ".yaml")):
            rel = join(folder, name)
            if _CI_INSTALLS.search(ws.snapshot.text(rel) or ""):
                return rel
    return None


def _has_runner(ws: Workspace, project: Project) -> bool:
    """Whether tox, nox or hatch environments are configured: they define how tests run."""
    doc = project.doc
    if ws.has_file(project.dir, "noxfile.py") or ws.has_file(project.dir, "hatch.toml"):
        return True
    if ws.has_file(project.dir, "tox.toml"):
        return True
    if ws.has_file(project.dir, "tox.ini"):
        text = ws.snapshot.text(join(project.dir, "tox.ini")) or ""
        if re.search(r"(?m)^\s*\[(?:tox|testenv)", text):
            return True
    return doc is not None and (
        isinstance(doc.get("tool", "tox"), dict) or isinstance(doc.get("tool", "hatch", "envs"), dict)
    )


def workflow_install(ws: Workspace, project: Project) -> Install | None:
    """How the project's own workflow installs it, or None when nothing does.

    Once per check (rules ask for every failing import), and kept across checks while the
    project and those holding it (a uv or hatch workspace root) were discovered from the same
    files, every file it read (workflows, tox.ini, requirements) holds the same text, and the
    members a plain ``uv sync`` at its uv workspace root installs are the same: a root with a
    ``[project]`` reaches members through every member's dependencies, and a member it does
    not reach needs ``--all-packages``."""
    key = ("workflow-install", project.dir)
    if key in ws.memo:
        return cast("Install | None", ws.memo[key])
    root = _uv_workspace_root(ws, project)
    syncs_members = (
        root is not None
        and root.dir != project.dir
        and root.doc is not None
        and isinstance(root.doc.get("project"), dict)
    )
    # What it takes from the other members: the names synced (once per check for the root).
    synced = synced_members(ws, root, root) if syncs_members and root is not None else None
    found = ws.memo[key] = ws.kept(
        key, [project, *enclosing(ws, project)], synced, lambda: _workflow_install(ws, project)
    )
    return found


def _workflow_install(ws: Workspace, project: Project) -> Install | None:
    doc = project.doc
    compiled = is_compiled(ws, project)
    visible = pylance_visible(ws, project)
    buildable = has_build_system(ws, project)

    def get(*path: str) -> Any:
        return doc.get(*path) if doc is not None else None

    uv_package = get("tool", "uv", "package")
    workspace_root = _uv_workspace_root(ws, project)
    uv_file = _uv_managed(ws, project) or (workspace_root.pyproject if workspace_root else None)
    if uv_file is not None:
        packaged = uv_package is True or (uv_package is not False and isinstance(get("build-system"), dict))
        if packaged:
            command = _uv_sync_command(ws, project, workspace_root)
            return Install("uv", command, uv_file, True, visible, compiled)
    if isinstance(get("tool", "poetry"), dict) and get("tool", "poetry", "package-mode") is not False:
        backend = build_backend(project)
        if backend is None or _backend_is(backend, ("poetry.core", "poetry")):
            return Install("poetry", "poetry install", project.pyproject or "", True, True, compiled)
    if isinstance(get("tool", "pdm"), dict) and get("tool", "pdm", "distribution") is not False and buildable:
        return Install("pdm", "pdm install", project.pyproject or "", True, visible, compiled)
    if not buildable and not ws.has_file(project.dir, "pyproject.toml"):
        return None
    member = _hatch_member(ws, project)
    if member is not None:
        return Install("hatch", "hatch test", member, True, visible, compiled)
    requirements = _requirements_self(ws, project)
    if requirements is not None:
        return Install("pip", f"pip install -r {requirements}", requirements, True, visible, compiled)
    hatch = _hatch(ws, project)
    if hatch is not None:
        return Install("hatch", "hatch test", hatch, True, visible, compiled)
    tox = _tox(ws, project)
    if tox is not None:
        return Install("tox", "tox", tox[0], tox[1], visible and tox[1], compiled)
    nox = _nox(ws, project)
    if nox is not None:
        return Install("nox", "nox", nox, False, False, compiled)
    ci = _ci(ws, project)
    if ci is not None:
        return Install("ci", "pip install -e .", ci, True, visible, compiled)
    opted_out = get("tool", "poetry", "package-mode") is False or get("tool", "pdm", "distribution") is False
    # A project with a build system inside another project, that no workflow of the repository
    # installs (an example project such as flask's `examples/tutorial`, not a uv workspace member):
    # whoever runs its tests installs it the standard way, as its instructions say. The rules count
    # this only for its own tests, and only while no environment exists (then the environment is
    # the truth).
    enclosed = bool(enclosing(ws, project))
    standalone = enclosed and uv_file is None and not opted_out and not _has_runner(ws, project)
    if standalone and not compiled and isinstance(get("build-system"), dict):
        command = "pip install -e ." if project.dir == "." else f"pip install -e {project.dir}"
        return Install("pip", command, project.pyproject or "", True, visible, compiled, stated=False)
    return None
