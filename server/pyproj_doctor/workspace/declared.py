"""Which packages a project's workflow installs, from every place that can say so.

``pyproject.toml`` (dependencies, optional dependencies, dependency groups, uv,
pdm, poetry and hatch environments), requirements files (and the files they
``-r``-include), tox (``tox.ini``, ``tox.toml``, ``[tool.tox]``), nox sessions,
``setup.cfg``/``setup.py``, ``Pipfile``, ``hatch.toml`` and conda
``environment.yml``. Only names are read; nothing is resolved or run.
"""

from __future__ import annotations

import re

from pyproj_doctor.workspace.paths import join, parent
from pyproj_doctor.workspace.projects import Project, enclosing
from pyproj_doctor.workspace.venv import normalize
from pyproj_doctor.workspace.workspace import Workspace

_NAME = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
# A requirement name inside free text (tox deps, noxfile, setup.py, environment.yml, Pipfile).
_TEXT_NAME = r"(?m)(?:^|[\s'\"=,\[(-])({name})(?=[\s'\"<>=!~\[;,)\]:]|$)"
REQUIREMENT_FOLDERS = ("", "requirements", "reqs", "tests", "test", "ci", "docs/requirements")
TEXT_FILES = (
    "tox.ini",
    "tox.toml",
    "noxfile.py",
    "setup.cfg",
    "setup.py",
    "Pipfile",
    "hatch.toml",
    "environment.yml",
    "environment.yaml",
    "conda.yml",
    "conda.yaml",
)


def requirement_names(values: object) -> set[str]:
    names: set[str] = set()
    if isinstance(values, dict):
        for key, value in values.items():
            if key not in ("include-group",):
                names.add(normalize(str(key)))
            names |= requirement_names(value)
    elif isinstance(values, list):
        for item in values:
            if isinstance(item, str):
                match = _NAME.match(item)
                if match:
                    names.add(normalize(match.group(1)))
            else:
                names |= requirement_names(item)
    return names


def _pyproject_names(project: Project) -> set[str]:
    doc = project.doc
    names: set[str] = set()
    if doc is None:
        return names
    for path in (
        ("project", "dependencies"),
        ("project", "optional-dependencies"),
        ("dependency-groups",),
        ("tool", "uv", "dev-dependencies"),
        ("tool", "pdm", "dev-dependencies"),
        ("tool", "poetry", "dependencies"),
        ("tool", "poetry", "dev-dependencies"),
    ):
        names |= requirement_names(doc.get(*path))
    groups = doc.get("tool", "poetry", "group")
    if isinstance(groups, dict):
        for group in groups.values():
            if isinstance(group, dict):
                names |= requirement_names(group.get("dependencies"))
    envs = doc.get("tool", "hatch", "envs")
    if isinstance(envs, dict):
        for env_name, env in envs.items():
            if env_name == "hatch-test":
                names.add("pytest")  # `hatch test` brings pytest itself
            if isinstance(env, dict):
                names |= requirement_names(env.get("dependencies"))
                names |= requirement_names(env.get("extra-dependencies"))
    tox = doc.get("tool", "tox")
    if tox is not None:
        names |= _text_mentions(str(tox))
    return names


def _requirement_files(ws: Workspace, project: Project) -> list[str]:
    found: list[str] = []
    for sub in REQUIREMENT_FOLDERS:
        folder = join(project.dir, sub) if sub else project.dir
        for name in ws.files(folder):
            lower = name.lower()
            whole_folder = sub in ("requirements", "reqs")
            if lower.endswith((".txt", ".in")) and (
                whole_folder or "requirement" in lower or "reqs" in lower
            ):
                found.append(join(folder, name))
    return found


def _requirements_text_names(ws: Workspace, rel: str, seen: set[str]) -> set[str]:
    if rel in seen or len(seen) > 50:
        return set()
    seen.add(rel)
    names: set[str] = set()
    for line in (ws.snapshot.text(rel) or "").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith(("-r", "--requirement", "-c", "--constraint")):
            include = re.sub(r"^(?:-r|--requirement|-c|--constraint)[=\s]*", "", line).strip()
            if include and not line.startswith(("-c", "--constraint")):
                target = join(parent(rel), include) if parent(rel) != "." else include
                names |= _requirements_text_names(ws, target, seen)
            continue
        if line.startswith("-"):
            continue
        match = _NAME.match(line)
        if match:
            names.add(normalize(match.group(1)))
    return names


def _text_mentions(text: str, wanted: tuple[str, ...] = ("pytest",)) -> set[str]:
    found: set[str] = set()
    for name in wanted:
        if re.search(_TEXT_NAME.format(name=re.escape(name)), text):
            found.add(normalize(name))
    return found


def declared_names(ws: Workspace, project: Project, wanted: tuple[str, ...] = ("pytest",)) -> set[str]:
    """Normalized names the project declares (free-text files are searched for ``wanted`` only)."""
    names = _pyproject_names(project)
    seen: set[str] = set()
    for rel in _requirement_files(ws, project):
        names |= _requirements_text_names(ws, rel, seen)
    for name in TEXT_FILES:
        if ws.has_file(project.dir, name):
            names |= _text_mentions(ws.snapshot.text(join(project.dir, name)) or "", wanted)
    if ws.has_file(project.dir, "hatch.toml"):
        doc = ws.snapshot.toml(join(project.dir, "hatch.toml"))
        envs = doc.get("envs") if doc is not None and doc.ok else None
        if isinstance(envs, dict) and "hatch-test" in envs:
            names.add("pytest")  # `hatch test` brings pytest itself
    return names


def pytest_declared(ws: Workspace, project: Project) -> bool:
    """Declared by the project or by an enclosing one (a workspace root's dev group counts)."""
    for other in [*enclosing(ws, project), project]:
        # Once per project and check: a workspace root is asked about by every member.
        key = ("declares-pytest", other.dir)
        if key not in ws.memo:
            ws.memo[key] = "pytest" in declared_names(ws, other)
        if ws.memo[key]:
            return True
    return False
