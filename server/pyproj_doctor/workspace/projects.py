"""Projects: where they are, their source roots and their test modules.

A project is a folder with ``pyproject.toml`` or ``setup.py`` (or the root, when
it holds Python files); it owns every folder below it up to the next project.
"""

from __future__ import annotations

import fnmatch
import functools
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, cast

from pyproj_doctor.formats import pyimports
from pyproj_doctor.formats.toml import TomlDocument
from pyproj_doctor.workspace.paths import ROOT, join, parent
from pyproj_doctor.workspace.pytest_config import PytestConfig, find_config
from pyproj_doctor.workspace.snapshot import Parser
from pyproj_doctor.workspace.venv import Venv

if TYPE_CHECKING:
    from pyproj_doctor.workspace.vscode import VsCodeFolder
    from pyproj_doctor.workspace.workspace import Workspace

DEFAULT_TEST_PATTERNS = ("test_*.py", "*_test.py")
NOT_PACKAGES = frozenset(
    {
        "tests",
        "test",
        "testing",
        "docs",
        "doc",
        "examples",
        "example",
        "scripts",
        "tools",
        "benchmarks",
        "bench",
    }
)
ROOT_SCRIPTS = frozenset({"setup.py", "conftest.py", "noxfile.py", "manage.py", "tasks.py", "fabfile.py"})
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
MAX_TEST_MODULE_BYTES = 1024 * 1024

Layout = Literal["src", "flat", "declared", "pythonpath"]


@dataclass
class ImportRef:
    name: str  # top-level module name
    line: int  # 0-based
    start: int  # code-point columns of the module name
    end: int


@dataclass
class TestModule:
    path: str
    imports: list[ImportRef]
    pytest_style: bool


@dataclass
class SourceRoot:
    path: str
    packages: dict[str, str]  # import name -> path of the package folder or module file
    layout: Layout


@dataclass
class Project:
    dir: str
    pyproject: str | None
    doc: TomlDocument | None
    name: str | None
    source_roots: list[SourceRoot] = field(default_factory=list)
    test_modules: list[TestModule] = field(default_factory=list)
    conftests: list[str] = field(default_factory=list)
    pytest_config: PytestConfig | None = None
    shadowed_pytest: PytestConfig | None = None
    venv: Venv | None = None
    python_version_file: str | None = None
    namespaces_declared: bool = False
    folder: VsCodeFolder | None = None
    dirs: list[str] = field(default_factory=list)  # every folder the project owns
    # ``tests_dirs`` as discovery left it (the copies each check makes share it): every rule and
    # every member asks, and a member may hold hundreds of test modules.
    tops: tuple[str, ...] | None = field(default=None, compare=False, repr=False)
    import_names: frozenset[str] | None = field(default=None, compare=False, repr=False)  # see imported_names

    @property
    def tests_dirs(self) -> list[str]:
        """The top-level folders (or the project folder) that hold the test modules."""
        if self.tops is not None:
            return list(self.tops)
        tops: set[str] = set()
        for module in self.test_modules:
            rel = module.path[len(self.dir) + 1 :] if self.dir != ROOT else module.path
            head = rel.split("/", 1)[0] if "/" in rel else ""
            tops.add(join(self.dir, head) if head else self.dir)
        return sorted(tops)

    @property
    def uses_pytest(self) -> bool:
        return self.pytest_config is not None or any(m.pytest_style for m in self.test_modules)

    def imported_names(self) -> set[str]:
        if self.import_names is not None:
            return set(self.import_names)
        return {ref.name for module in self.test_modules for ref in module.imports}


def discover(ws: Workspace) -> list[Project]:
    """Every project of the tree, outermost first, each with what it owns filled in."""
    skeleton = ws.model.skeleton if ws.model is not None else None
    if skeleton is None:
        skeleton = _skeleton(ws)
        if ws.model is not None:
            ws.model.skeleton = skeleton
    return [_owned_project(ws, pdir, dirs) for pdir, dirs in skeleton]


def _skeleton(ws: Workspace) -> list[tuple[str, list[str]]]:
    """Each project's folder, outermost first, with every folder it owns: the listing alone decides."""
    all_dirs = sorted(ws.index.dirs, key=lambda d: (0 if d == ROOT else d.count("/") + 1, d))
    project_dirs = {d for d in all_dirs if "pyproject.toml" in ws.files(d) or "setup.py" in ws.files(d)}
    owners: dict[str, str] = {}
    for d in all_dirs:
        if d in project_dirs:
            owners[d] = d
        else:
            owners[d] = owners.get(parent(d), ROOT) if d != ROOT else ROOT
    if ROOT not in project_dirs:
        owned = [d for d, o in owners.items() if o == ROOT]
        if any(f.endswith(".py") for d in owned for f in ws.files(d)):
            project_dirs.add(ROOT)
    dirs: dict[str, list[str]] = {
        pdir: [] for pdir in sorted(project_dirs, key=lambda d: (-1 if d == ROOT else d.count("/"), d))
    }
    for d, owner in owners.items():
        if owner in dirs:
            dirs[owner].append(d)
    return list(dirs.items())


def _owned_project(ws: Workspace, pdir: str, dirs: list[str]) -> Project:
    """The project in ``pdir``, taken over from an earlier check when every file it read is unchanged.

    A project's discovery looks at its own files and the listing only, never at another
    project, so its recorded reads are all it depends on."""

    def build() -> Project:
        project = _project(ws, pdir)
        project.dirs = list(dirs)
        _fill_project(ws, project)
        return project

    model = ws.model
    if model is None:
        return build()
    kept = model.projects.get(pdir)
    if kept is not None and kept[0].hold(ws.snapshot):
        ws.snapshot.replay(kept[0])
        project = kept[1]
    else:
        project, reads = ws.snapshot.record(build)
        model.projects[pdir] = (reads, project)
    ws.discovered[pdir] = project
    # A copy: the checks that share it each set its VS Code folder. (dataclasses.replace, by
    # hand: it is ten times slower, and this runs for every member on every keystroke.)
    copy = object.__new__(Project)
    copy.__dict__.update(project.__dict__)
    return copy


def _project(ws: Workspace, pdir: str) -> Project:
    pyproject: str | None = None
    doc = None
    if ws.has_file(pdir, "pyproject.toml"):
        pyproject = join(pdir, "pyproject.toml")
        parsed = ws.snapshot.toml(pyproject)
        doc = parsed if parsed is not None and parsed.ok else None
    name = doc.get("project", "name") if doc else None
    if not isinstance(name, str) and doc is not None:
        poetry_name = doc.get("tool", "poetry", "name")
        name = poetry_name if isinstance(poetry_name, str) else None
    return Project(pdir, pyproject, doc, name if isinstance(name, str) else None)


def _fill_project(ws: Workspace, project: Project) -> None:
    project.namespaces_declared = _namespaces_declared(ws, project)
    project.source_roots = _source_roots(ws, project)
    config, shadowed = find_config(ws.snapshot, project.dir, ws.has_file)
    project.pytest_config, project.shadowed_pytest = config, shadowed
    patterns: tuple[str, ...] = DEFAULT_TEST_PATTERNS
    if config is not None and config.get("python_files") is not None:
        words = config.options["python_files"].words
        patterns = tuple(w.text for w in words) or DEFAULT_TEST_PATTERNS
    is_test = _test_matcher(patterns)
    for d in project.dirs:
        listing = ws.index.listing(d)
        for name in listing.python_files if listing else ():
            rel = join(d, name)
            if name == "conftest.py":
                project.conftests.append(rel)
            elif is_test(name):
                module = _test_module(ws, rel)
                if module is not None:
                    project.test_modules.append(module)
    project.venv = _venv(ws, project)
    project.python_version_file = _upward_file(ws, project.dir, ".python-version")
    project.tops = tuple(project.tests_dirs)  # the test modules are all found
    project.import_names = frozenset(project.imported_names())


@functools.lru_cache(maxsize=64)
def _test_matcher(patterns: tuple[str, ...]) -> Callable[[str], re.Match[str] | None]:
    """One matcher per set of ``python_files`` patterns (every project asks; most share the default)."""
    return re.compile("|".join(fnmatch.translate(p) for p in patterns)).match


def _upward_file(ws: Workspace, start: str, name: str) -> str | None:
    folder: str | None = start
    while folder is not None:
        if ws.is_file(join(folder, name)):
            return join(folder, name)
        folder = None if folder == ROOT else parent(folder)
    return None


def _venv(ws: Workspace, project: Project) -> Venv | None:
    folder: str | None = project.dir
    while folder is not None:
        venv = ws.venv_at(join(folder, ".venv"))
        if venv is not None:
            return venv
        folder = None if folder == ROOT else parent(folder)
    return None


def is_test_data(ws: Workspace, project: Project) -> bool:
    """A project folder inside an enclosing project's tests folder (``tests/packages/bad``,
    ``tests/fixtures/projects/demo``): test data. No tool reads it as this repository's
    configuration: pytest reads the configuration found from its arguments, pip and uv install
    only what is declared, Pylance reads the workspace root's. The tests build or read it."""
    if project.dir == ROOT:
        return False
    # Once per project and check: several rules ask of every member.
    known = cast("dict[str, bool]", ws.memo.setdefault(("test-data",), {}))
    found = known.get(project.dir)
    if found is None:
        found = known[project.dir] = _in_tests_folder(ws, project)
    return found


def _in_tests_folder(ws: Workspace, project: Project) -> bool:
    for other in enclosing(ws, project):
        for tests in other.tests_dirs:
            if tests != other.dir and (project.dir == tests or project.dir.startswith(tests + "/")):
                return True
    return False


def projects_by_dir(ws: Workspace) -> dict[str, Project]:
    """This check's projects by folder (looked up for every member of a large workspace)."""
    found = ws.memo.get(("projects-by-dir",))
    if found is None:
        found = ws.memo[("projects-by-dir",)] = {p.dir: p for p in ws.projects}
    return cast("dict[str, Project]", found)


def inside(ws: Workspace, project: Project) -> list[Project]:
    """The project and every project below its folder, in the order of ``ws.projects``.

    Found once per check by walking up from each project: asking every project of every
    project was quadratic in the members of a large workspace."""
    found = ws.memo.get(("projects-inside",))
    if found is None:
        by_dir = projects_by_dir(ws)
        below: dict[str, list[Project]] = {}
        for other in ws.projects:
            folder = other.dir
            below.setdefault(folder, []).append(other)
            while folder != ROOT:
                folder = parent(folder)
                if folder in by_dir:
                    below.setdefault(folder, []).append(other)
        found = ws.memo[("projects-inside",)] = below
    return list(cast("dict[str, list[Project]]", found).get(project.dir, [project]))


def enclosing(ws: Workspace, project: Project) -> list[Project]:
    """The projects whose folders hold this one's, outermost first (the order of ``ws.projects``).

    Found by walking up the folders: scanning every project from every project was quadratic
    in the members of a large workspace."""
    by_dir = projects_by_dir(ws)
    out: list[Project] = []
    folder = project.dir
    while folder != ROOT:
        folder = parent(folder)
        other = by_dir.get(folder)
        if other is not None and other is not project:
            out.append(other)
    out.reverse()
    return out


# ------------------------------------------------------------------ source roots
def drops_namespace_folders(ws: Workspace, project: Project) -> str | None:
    """How the build leaves out package folders without ``__init__.py``, or None when it keeps them.

    setuptools' ``find_packages()`` / ``packages = find:`` / ``namespaces = false`` and an explicit
    package list skip them, so built wheels lack them; its automatic discovery, hatchling, flit,
    pdm, poetry and uv_build ship every file under the package folder."""
    doc = project.doc
    if doc is not None:
        if doc.get("tool", "setuptools", "packages", "find", "namespaces") is False:
            return "`namespaces = false` in [tool.setuptools.packages.find]"
        if isinstance(doc.get("tool", "setuptools", "packages"), list):
            return "the explicit `packages` list of [tool.setuptools]"
    cfg = ws.text(join(project.dir, "setup.cfg")) if ws.has_file(project.dir, "setup.cfg") else None
    if cfg and re.search(r"(?m)^\s*packages\s*=\s*find:\s*$", cfg):
        return "`packages = find:` in setup.cfg"
    setup_py = ws.text(join(project.dir, "setup.py")) if ws.has_file(project.dir, "setup.py") else None
    if setup_py and re.search(r"\bfind_packages\(", setup_py):
        return "`find_packages()` in setup.py"
    return None


def _namespaces_declared(ws: Workspace, project: Project) -> bool:
    doc = project.doc
    if doc is not None and doc.get("tool", "setuptools", "packages", "find", "namespaces") is True:
        return True
    setup_cfg = join(project.dir, "setup.cfg")
    text = ws.text(setup_cfg) if ws.has_file(project.dir, "setup.cfg") else None
    if text and "find_namespace:" in text:
        return True
    setup_py = join(project.dir, "setup.py")
    text = ws.text(setup_py) if ws.has_file(project.dir, "setup.py") else None
    return bool(text and ("find_namespace_packages" in text or "namespace_packages" in text))


def _declared_roots(project: Project) -> list[str]:
    """Source folders the build configuration names (project-relative, in order, once each)."""
    doc = project.doc
    if doc is None:
        return []
    found: list[str] = []

    def add(folder: Any) -> None:
        if isinstance(folder, str) and folder not in ("", ROOT) and not os.path.isabs(folder):
            clean = os.path.normpath(folder).replace(os.sep, "/")
            if clean != ROOT and not clean.startswith(".."):
                found.append(clean)

    package_dir = doc.get("tool", "setuptools", "package-dir")
    if isinstance(package_dir, dict):
        add(package_dir.get(""))
        for name, folder in package_dir.items():
            # `{"app" = "lib/app"}` maps one package: its parent folder is where `app` is found.
            if name and isinstance(folder, str) and "." not in name:
                clean = os.path.normpath(folder).replace(os.sep, "/")
                if clean.rsplit("/", 1)[-1] == name and "/" in clean:
                    add(clean.rsplit("/", 1)[0])
    where = doc.get("tool", "setuptools", "packages", "find", "where")
    if isinstance(where, list):
        for item in where:
            add(item)
    packages = doc.get("tool", "hatch", "build", "targets", "wheel", "packages")
    if isinstance(packages, list):
        for item in packages:
            if isinstance(item, str) and "/" in item.strip("/"):
                add(item.strip("/").rsplit("/", 1)[0])
    poetry = doc.get("tool", "poetry", "packages")
    if isinstance(poetry, list):
        for item in poetry:
            if isinstance(item, dict):
                add(item.get("from"))
    add(doc.get("tool", "pdm", "build", "package-dir"))
    add(doc.get("tool", "uv", "build-backend", "module-root"))
    add(doc.get("tool", "maturin", "python-source"))
    return list(dict.fromkeys(found))


def _holds_python(ws: Workspace, folder: str) -> bool:
    """Whether a folder (or one below it) holds Python modules: Rust, C or JS folders are not packages."""
    return any(name.endswith((".py", ".pyi")) for sub in ws.index.walk(folder) for name in ws.files(sub))


def packages_in(ws: Workspace, root: str) -> dict[str, str]:
    """Top-level import names found in a search-path folder (``src``, ``lib``, a pythonpath entry)."""
    return _packages_in(ws, root, flat=False)


def _packages_in(ws: Workspace, root: str, flat: bool) -> dict[str, str]:
    packages: dict[str, str] = {}
    for name in ws.subdirs(root):
        if not IDENTIFIER.match(name):
            continue
        folder = join(root, name)
        files = ws.files(folder)
        if "__init__.py" in files:
            if flat and name in NOT_PACKAGES:
                continue
            packages[name] = folder
        elif not flat and _holds_python(ws, folder):
            packages[name] = folder
    if not flat:
        for name in ws.files(root):
            stem = name[:-3]
            if name.endswith(".py") and IDENTIFIER.match(stem) and name not in ROOT_SCRIPTS:
                packages[stem] = join(root, name)
        packages.pop("__init__", None)
    return packages


def _source_roots(ws: Workspace, project: Project) -> list[SourceRoot]:
    roots: list[SourceRoot] = []
    for folder in _declared_roots(project):
        rel = join(project.dir, folder)
        if ws.index.listing(rel) is not None:
            roots.append(SourceRoot(rel, _packages_in(ws, rel, flat=False), "declared"))
    src = join(project.dir, "src")
    if not any(r.path == src for r in roots) and ws.index.listing(src) is not None:
        packages = _packages_in(ws, src, flat=False)
        if packages or ws.has_file(src, "__init__.py"):
            roots.append(SourceRoot(src, packages, "src"))
    if not roots:
        packages = _packages_in(ws, project.dir, flat=True)
        if packages:
            roots.append(SourceRoot(project.dir, packages, "flat"))
    return roots


# ------------------------------------------------------------------ test modules
def _test_module(ws: Workspace, rel: str) -> TestModule | None:
    module = ws.snapshot.parsed(TEST_MODULES, rel)
    ws.snapshot.forget_problem(rel)  # an unreadable test module is not a config problem
    return module


def _parse_limited(rel: str, text: str) -> TestModule | None:
    return None if len(text) > MAX_TEST_MODULE_BYTES else parse_test_module(rel, text)


TEST_MODULES: Parser[TestModule | None] = Parser(_parse_limited)


def parse_test_module(rel: str, text: str) -> TestModule:
    """Imports (at any depth) and the test style of a module, read without compiling or running it."""
    module = pyimports.scan(text)
    imports = [ImportRef(i.top, i.line, i.start, i.end) for i in module.imports if i.level == 0 and i.module]
    pytest_style = any(ref.name == "pytest" for ref in imports) or (
        next(pyimports.collectable_tests(text, module), None) is not None
    )
    return TestModule(rel, imports, pytest_style)
