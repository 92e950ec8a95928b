"""Namespace packages on purpose: folders that must stay without ``__init__.py``.

Adding ``__init__.py`` to a folder whose top-level name another installed
distribution also provides (``google``, ``zope``, ``acme.*``) turns the shared
namespace into a regular package that hides every other portion: their
imports fail. The same holds when the project says so (setuptools
``namespaces``, uv_build ``namespace``, a dotted module name, pytest's
``consider_namespace_packages``).
"""

from __future__ import annotations

import os
import re

from pyproj_doctor.workspace.declared import requirement_names
from pyproj_doctor.workspace.paths import join
from pyproj_doctor.workspace.projects import IDENTIFIER, Project
from pyproj_doctor.workspace.venv import normalize
from pyproj_doctor.workspace.workspace import Workspace


def _dependency_names(project: Project) -> set[str]:
    doc = project.doc
    if doc is None:
        return set()
    names: set[str] = set()
    for path in (("project", "dependencies"), ("project", "optional-dependencies"), ("dependency-groups",)):
        names |= requirement_names(doc.get(*path))
    names |= requirement_names(doc.get("tool", "poetry", "dependencies"))
    return names


def _installed_portion(ws: Workspace, project: Project, top: str) -> bool:
    venv = project.venv
    if venv is None:
        return False
    return any(os.path.isdir(os.path.join(site, top)) for site in venv.site_packages)


def namespace_reason(ws: Workspace, project: Project, top: str) -> str | None:
    """Why the top-level name ``top`` of a source root is a namespace on purpose, or None."""
    if project.namespaces_declared:
        return "the build configuration declares namespace packages"
    doc = project.doc
    if doc is not None:
        if doc.get("tool", "uv", "build-backend", "namespace") is True:
            return "`tool.uv.build-backend.namespace` is true"
        module_name = doc.get("tool", "uv", "build-backend", "module-name")
        names = module_name if isinstance(module_name, list) else [module_name]
        if any(isinstance(n, str) and n.split(".")[0] == top and "." in n for n in names):
            return f"the module name is dotted under `{top}`"
    config = project.pytest_config
    option = config.get("consider_namespace_packages") if config is not None else None
    if option is not None and str(option.raw).strip().lower() in ("true", "1", "yes"):
        return "pytest's `consider_namespace_packages` is on"
    wanted = normalize(top)
    own = normalize(project.name) if project.name else ""
    if own != wanted and (own.startswith(wanted + "-")):
        return f"the distribution `{project.name}` is a portion of the `{top}` namespace"
    for dependency in _dependency_names(project):
        if dependency != own and dependency.startswith(wanted + "-"):
            return f"the dependency `{dependency}` shares the top-level name `{top}`"
    if _installed_portion(ws, project, top):
        return f"another installed distribution provides `{top}`"
    return None


def importable_modules(ws: Workspace, folder: str) -> list[str]:
    """Module files of a folder that ``import`` could name (scripts like ``my-tool.py`` cannot)."""
    return [f for f in ws.files(folder) if f.endswith(".py") and IDENTIFIER.match(f[:-3])]


def missing_inits(ws: Workspace, root: str, folder: str) -> list[str]:
    """The ``__init__.py`` files that make every folder from the source root down to ``folder`` a package."""
    out: list[str] = []
    rel = folder[len(root) + 1 :] if root != "." else folder
    current = root
    for part in rel.split("/"):
        current = join(current, part)
        if not ws.has_file(current, "__init__.py"):
            out.append(join(current, "__init__.py"))
    return out


def is_identifier_path(rel: str) -> bool:
    return all(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", part) for part in rel.split("/") if part)
