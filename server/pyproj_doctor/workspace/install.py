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
from typing import Any

from pyproj_doctor.workspace.declared import requirement_names
from pyproj_doctor.workspace.paths import join, parent, within
from pyproj_doctor.workspace.projects import Project
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
    return bool(text and "editable_mode" in text and "compat" in text)


def _uv_workspace_root(ws: Workspace, project: Project) -> Project | None:
    """The uv workspace whose ``members`` include this project (the root includes itself)."""
    for other in ws.projects:
        doc = other.doc
        if doc is None or not within(project.dir, other.dir):
            continue
        members = doc.get("tool", "uv", "workspace", "members")
        if not isinstance(doc.get("tool", "uv", "workspace"), dict):
            continue
        if other.dir == project.dir:
            return other
        rel = project.dir if other.dir == "." else project.dir[len(other.dir) + 1 :]
        excluded = doc.get("tool", "uv", "workspace", "exclude")
        if _matches(rel, excluded):
            continue
        if _matches(rel, members):
            return other
    return None


def _matches(rel: str, globs: object) -> bool:
    if not isinstance(globs, list):
        return False
    return any(
        isinstance(g, str) and fnmatch.fnmatch(rel, os.path.normpath(g).replace(os.sep, "/")) for g in globs
    )


def _uv_managed(ws: Workspace, project: Project) -> str | None:
    """The file that makes uv the project's tool: a ``uv.lock`` here or above, or ``[tool.uv]``."""
    doc = project.doc
    if doc is not None and isinstance(doc.get("tool", "uv"), dict):
        return project.pyproject
    folder: str | None = project.dir
    while folder is not None:
        if ws.has_file(folder, "uv.lock"):
            return join(folder, "uv.lock")
        folder = None if folder == "." else parent(folder)
    return None


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
    return (
        "uv sync" if normalize(project.name) in synced_members(ws, root, root) else "uv sync --all-packages"
    )


def synced_members(ws: Workspace, target: Project, root: Project) -> set[str]:
    """Normalized names of the members of ``root``'s uv workspace that syncing ``target`` installs:
    ``target`` itself, its dependencies and default groups (``dev``), and theirs among the members.
    ``uv run`` in a member's folder syncs that member this way (checked with uv 0.9)."""
    members = {normalize(p.name): p for p in ws.projects if p.name and _uv_workspace_root(ws, p) is root}
    doc = target.doc
    if doc is None:
        return set()
    wanted = requirement_names(doc.get("project", "dependencies"))
    groups = doc.get("dependency-groups")
    defaults = doc.get("tool", "uv", "default-groups")
    if isinstance(groups, dict):
        names = list(groups) if defaults == "all" else defaults if isinstance(defaults, list) else ["dev"]
        wanted |= _group_names(groups, [n for n in names if isinstance(n, str)])
    wanted |= requirement_names(doc.get("tool", "uv", "dev-dependencies"))
    seen: set[str] = {normalize(target.name)} if target.name else set()
    while wanted - seen:
        name = (wanted - seen).pop()
        seen.add(name)
        member = members.get(name)
        if member is not None and member.doc is not None:
            wanted |= requirement_names(member.doc.get("project", "dependencies"))
    return seen


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
    for other in ws.projects:
        if other.dir == project.dir or not within(project.dir, other.dir):
            continue
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
    try:
        names = sorted(os.listdir(ws.snapshot.abspath(folder)))
    except OSError:
        return None
    for name in names[:50]:
        if name.endswith((".yml", ".yaml")):
            rel = join(folder, name)
            if _CI_INSTALLS.search(ws.snapshot.text(rel) or ""):
                return rel
    return None


def workflow_install(ws: Workspace, project: Project) -> Install | None:
    """How the project's own workflow installs it, or None when nothing does."""
    cache: dict[str, Install | None] = ws.__dict__.setdefault("_install_cache", {})
    if project.dir not in cache:
        cache[project.dir] = _workflow_install(ws, project)
    return cache[project.dir]


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
    return None
