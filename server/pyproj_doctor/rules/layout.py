"""PD1xx: how the code is laid out on disk."""

from __future__ import annotations

import functools
from collections.abc import Iterator

from pyproj_doctor.findings import Applicability, Finding, Severity
from pyproj_doctor.rules.base import Context, rule
from pyproj_doctor.workspace.imports import first_party_roots
from pyproj_doctor.workspace.namespaces import (
    importable_modules,
    is_identifier_path,
    missing_inits,
    namespace_reason,
)
from pyproj_doctor.workspace.paths import join
from pyproj_doctor.workspace.projects import Project, drops_namespace_folders, is_test_data


@rule(
    "PD101",
    "package-without-init",
    Severity.INFORMATION,
    "A package folder under a source root holds modules but no __init__.py",
    fix=Applicability.UNSAFE,
)
def PD101(ctx: Context) -> Iterator[Finding]:
    """A folder inside a package (or a top-level folder of a src layout) that holds
    Python modules but no ``__init__.py`` is an implicit namespace package. It
    imports at run time, yet pytest's rootdir and module-name logic, coverage,
    setuptools' package discovery and Pylance treat it differently from a
    regular package, which shows up as tests that are not collected or imports
    that resolve in one tool and not in another. The fix creates an empty
    ``__init__.py`` in the folder and every folder above it up to the source
    root; it is unsafe because a namespace shared with another distribution
    stops working once one portion becomes a regular package. Left alone:
    namespace packages on purpose (setuptools ``namespaces = true``,
    ``find_namespace:``, uv_build ``namespace``, a dotted module name, pytest's
    ``consider_namespace_packages``, a top-level name shared with an installed
    distribution, a dependency or another search root), folders that hold only
    test modules, scripts whose names ``import`` cannot spell, and projects that
    are test data inside another project's tests folder. Severity by who is hurt:
    a folder inside a regular package imports everywhere, so unless the build
    leaves it out of the wheel (setuptools ``find_packages()``, ``packages =
    find:``, an explicit list) only coverage's report of never-imported files
    misses it: a hint."""
    ws = ctx.ws
    roots_by_name: dict[str, set[str]] = {}
    for origin in first_party_roots(ws):
        roots_by_name.setdefault(origin[0], set()).add(origin[1])
    for project in ws.projects:
        if is_test_data(ws, project):
            continue
        # What PD101 takes from other projects: whether each of its names has portions elsewhere.
        uses = tuple(
            (name, len(roots_by_name.get(name, ())))
            for root in project.source_roots
            for name in root.packages
        )
        yield from ctx.per_project(
            "PD101", project, uses, functools.partial(_pd101, ctx, project, roots_by_name)
        )


def _pd101(ctx: Context, project: Project, roots_by_name: dict[str, set[str]]) -> Iterator[Finding]:
    ws = ctx.ws
    tests = {m.path for m in project.test_modules}
    dropped = drops_namespace_folders(ws, project)
    for root in project.source_roots:
        for top_name, top in root.packages.items():
            if top.endswith((".py", ".pyi")):
                continue
            is_regular = ws.has_file(top, "__init__.py")
            if root.layout == "flat" and not is_regular:
                continue
            if not is_regular and (
                namespace_reason(ws, project, top_name) is not None
                or len(roots_by_name.get(top_name, ())) > 1  # portions in two search roots
            ):
                continue
            for folder in ws.index.walk(top):
                files = ws.files(folder)
                modules = importable_modules(ws, folder)
                if not modules or "__init__.py" in files:
                    continue
                if all(f"{folder}/{m}" in tests or m == "conftest.py" for m in modules):
                    continue  # a folder of test modules: pytest's rootdir-based layout needs no package
                if not is_identifier_path(folder[len(root.path) + 1 :] if root.path != "." else folder):
                    continue  # scripts in a folder `import` cannot name
                module = join(folder, modules[0])
                inits = missing_inits(ws, root.path, folder)
                nested = is_regular and folder != top
                if not nested:
                    why = (
                        "pytest, coverage and Pylance can disagree about its name and "
                        "whether it is collected."
                    )
                elif dropped is not None:
                    why = f"{dropped} leaves it out, so built wheels and installs lack it."
                else:
                    why = (
                        f"it imports as part of `{top_name}`, but coverage does not list its "
                        "files until they are imported."
                    )
                yield PD101.at(
                    module,
                    ctx.first_line(module),
                    f"`{folder}` holds modules but no `__init__.py`, so it is a namespace package: {why}",
                    ctx.create_fix("Create " + ", ".join(inits), inits),
                    severity=Severity.HINT if nested and dropped is None else None,
                )


@rule(
    "PD102",
    "src-is-a-package",
    Severity.WARNING,
    "src/__init__.py makes src itself a package (imports become src.pkg)",
)
def PD102(ctx: Context) -> Iterator[Finding]:
    """In a src layout the ``src`` folder is a search-path root, not a package.
    With ``src/__init__.py`` present, pytest's default import mode inserts the
    folder above ``src`` into ``sys.path`` and names modules ``src.pkg…``, Pylance's
    automatic ``src`` search path is switched off, and code ends up importing
    ``from src.pkg import …``, which breaks once the project is installed. Delete
    ``src/__init__.py`` (not done automatically: deleting files is left to you)."""
    seen: set[str] = set()
    for project in ctx.ws.projects:
        for root in project.source_roots:
            if root.layout == "flat" or root.path in seen:
                continue
            seen.add(root.path)
            if root.path.rsplit("/", 1)[-1] != "src" or not ctx.ws.has_file(root.path, "__init__.py"):
                continue
            init = join(root.path, "__init__.py")
            yield PD102.at(
                init,
                ctx.first_line(init),
                f"`{init}` makes `src` a package: modules are imported as `src.…`, pytest puts the "
                "wrong folder on sys.path and Pylance stops searching `src` automatically. "
                "Delete this file so `src` is only a source root.",
            )
