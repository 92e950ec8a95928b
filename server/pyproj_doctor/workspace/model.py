"""The workspace model: projects, their source roots, tests, configs and environments.

Built once per check from a ``Snapshot``; rules only read it. Paths are
workspace-relative POSIX strings, ``"."`` for the workspace root.
"""

from __future__ import annotations

import fnmatch
import os
import re
from dataclasses import dataclass, field
from typing import Any

from pyproj_doctor.formats import jsonc, pyimports
from pyproj_doctor.formats.toml import TomlDocument
from pyproj_doctor.workspace import walk
from pyproj_doctor.workspace.pytest_config import PytestConfig, find_config
from pyproj_doctor.workspace.snapshot import Snapshot
from pyproj_doctor.workspace.venv import Venv, read_venv

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


def join(folder: str, name: str) -> str:
    return name if folder in ("", ".") else f"{folder}/{name}"


def parent(path: str) -> str:
    return path.rsplit("/", 1)[0] if "/" in path else "."


def relative(path: str, start: str) -> str:
    """POSIX relative path from folder ``start`` to ``path`` (both workspace-relative)."""
    rel = os.path.relpath("/" + ("" if path == "." else path), "/" + ("" if start == "." else start))
    return rel.replace(os.sep, "/")


def within(path: str, folder: str) -> bool:
    return folder == "." or path == folder or path.startswith(folder + "/")


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
    layout: str  # src | flat | declared


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

    @property
    def tests_dirs(self) -> list[str]:
        """The top-level folders (or the project folder) that hold the test modules."""
        tops: set[str] = set()
        for module in self.test_modules:
            rel = module.path[len(self.dir) + 1 :] if self.dir != "." else module.path
            head = rel.split("/", 1)[0] if "/" in rel else ""
            tops.add(join(self.dir, head) if head else self.dir)
        return sorted(tops)

    @property
    def uses_pytest(self) -> bool:
        return self.pytest_config is not None or any(m.pytest_style for m in self.test_modules)

    def imported_names(self) -> set[str]:
        return {ref.name for module in self.test_modules for ref in module.imports}


@dataclass
class SettingRef:
    key: str
    value: Any
    path: str  # the settings.json or .code-workspace holding it
    prop: jsonc.Node  # the property node (key + value)


@dataclass
class PyrightConfig:
    path: str
    kind: str  # json | toml
    folder: str
    extra_paths: list[tuple[str, int, int]]  # value with span
    extra_paths_span: tuple[int, int] | None
    span: tuple[int, int]  # header / root object
    execution_environments: bool


@dataclass
class VsCodeFolder:
    dir: str
    projects: list[Project] = field(default_factory=list)
    workspace_files: list[str] = field(default_factory=list)
    pyright: PyrightConfig | None = None

    @property
    def settings_path(self) -> str:
        return join(self.dir, ".vscode/settings.json")

    @property
    def extensions_path(self) -> str:
        return join(self.dir, ".vscode/extensions.json")


class Workspace:
    """Everything the rules may look at, built from one snapshot."""

    def __init__(self, snapshot: Snapshot, index: walk.FileIndex | None = None) -> None:
        self.snapshot = snapshot
        # A cached index (the language server keeps one per folder) is never modified here.
        self.base_index = index or walk.scan(snapshot.root)
        self.index = walk.FileIndex(dict(self.base_index.dirs))
        self._owned: set[str] = set()  # listings copied from base_index for the overlay
        self._venvs: dict[str, Venv | None] = {}
        self._merge_overlay()
        self.projects: list[Project] = []
        self.folders: list[VsCodeFolder] = []
        self.code_workspaces: list[str] = []
        self._build()

    # ------------------------------------------------------------------ files
    def _merge_overlay(self) -> None:
        """Files that exist only as editor buffers (or planned fixes) are part of the tree."""
        for rel in self.snapshot.overlay:
            folder, _, name = rel.rpartition("/")
            parts = folder.split("/") if folder else []
            current = ""
            for part in parts:
                listing = self._own_listing(current)
                if part not in listing.dirs:
                    listing.dirs = sorted([*listing.dirs, part])
                current = walk.join(current, part)
            listing = self._own_listing(current)
            if name not in listing.files:
                listing.files = sorted([*listing.files, name])

    def _own_listing(self, rel: str) -> walk.DirListing:
        """A copy of a folder's listing that this workspace may change (made once)."""
        if rel not in self._owned:
            listing = self.index.dirs.get(rel)
            copy = walk.DirListing(list(listing.files), list(listing.dirs)) if listing else walk.DirListing()
            self.index.dirs[rel] = copy
            self._owned.add(rel)
        return self.index.dirs[rel]

    def files(self, folder: str) -> list[str]:
        listing = self.index.listing("" if folder == "." else folder)
        return listing.files if listing else []

    def subdirs(self, folder: str) -> list[str]:
        listing = self.index.listing("" if folder == "." else folder)
        return listing.dirs if listing else []

    def has_file(self, folder: str, name: str) -> bool:
        return name in self.files(folder)

    def settings_doc(self, rel: str) -> jsonc.JsonDocument | None:
        doc = self.snapshot.jsonc(rel)
        return doc if doc is not None and doc.ok and doc.root is not None else None

    # ------------------------------------------------------------------ build
    def _build(self) -> None:
        all_dirs = sorted(self.index.dirs, key=lambda d: (d.count("/"), d))
        project_dirs = {
            d or "."
            for d in all_dirs
            if "pyproject.toml" in self.index.dirs[d].files or "setup.py" in self.index.dirs[d].files
        }
        owners: dict[str, str] = {}
        for d in all_dirs:
            key = d or "."
            if key in project_dirs:
                owners[key] = key
            else:
                owners[key] = owners.get(parent(key) if d else ".", ".")
        if "." not in project_dirs:
            owned = [d for d, o in owners.items() if o == "."]
            if any(f.endswith(".py") for d in owned for f in self.files(d)):
                project_dirs.add(".")
        by_dir: dict[str, Project] = {}
        for pdir in sorted(project_dirs, key=lambda d: (d.count("/") if d != "." else -1, d)):
            project = self._project(pdir)
            by_dir[pdir] = project
            self.projects.append(project)
        for d, owner in owners.items():
            if owner in by_dir:
                by_dir[owner].dirs.append(d)
        for project in self.projects:
            self._fill_project(project)
        self._build_folders()

    def _project(self, pdir: str) -> Project:
        pyproject = join(pdir, "pyproject.toml")
        doc = None
        if self.has_file(pdir, "pyproject.toml"):
            parsed = self.snapshot.toml(pyproject)
            doc = parsed if parsed is not None and parsed.ok else None
        else:
            pyproject = None  # type: ignore[assignment]
        name = doc.get("project", "name") if doc else None
        if not isinstance(name, str) and doc is not None:
            poetry_name = doc.get("tool", "poetry", "name")
            name = poetry_name if isinstance(poetry_name, str) else None
        return Project(pdir, pyproject, doc, name if isinstance(name, str) else None)

    def _fill_project(self, project: Project) -> None:
        project.namespaces_declared = self._namespaces_declared(project)
        project.source_roots = self._source_roots(project)
        config, shadowed = find_config(self.snapshot, project.dir, self.has_file)
        project.pytest_config, project.shadowed_pytest = config, shadowed
        patterns: tuple[str, ...] = DEFAULT_TEST_PATTERNS
        if config is not None and config.get("python_files") is not None:
            words = config.options["python_files"].words
            patterns = tuple(w for w, _, _ in words) or DEFAULT_TEST_PATTERNS
        is_test = re.compile("|".join(fnmatch.translate(p) for p in patterns)).match
        for d in project.dirs:
            listing = self.index.listing("" if d == "." else d)
            for name in listing.python_files if listing else ():
                rel = join(d, name)
                if name == "conftest.py":
                    project.conftests.append(rel)
                elif is_test(name):
                    module = self._test_module(rel)
                    if module is not None:
                        project.test_modules.append(module)
        project.venv = self._venv(project)
        project.python_version_file = self._upward_file(project.dir, ".python-version")

    def _upward_file(self, start: str, name: str) -> str | None:
        folder: str | None = start
        while folder is not None:
            if self.snapshot.is_file(join(folder, name)):
                return join(folder, name)
            folder = None if folder == "." else parent(folder)
        return None

    def _venv(self, project: Project) -> Venv | None:
        folder: str | None = project.dir
        while folder is not None:
            rel = join(folder, ".venv")
            venv = self._read_venv(rel)
            if venv is not None:
                return venv
            folder = None if folder == "." else parent(folder)
        return None

    def _read_venv(self, rel: str) -> Venv | None:
        if rel not in self._venvs:
            self._venvs[rel] = read_venv(rel, self.snapshot.abspath(rel))
        return self._venvs[rel]

    def venv_at(self, rel: str) -> Venv | None:
        return self._read_venv(rel)

    # ------------------------------------------------------------ source roots
    def _namespaces_declared(self, project: Project) -> bool:
        doc = project.doc
        if doc is not None and doc.get("tool", "setuptools", "packages", "find", "namespaces") is True:
            return True
        setup_cfg = join(project.dir, "setup.cfg")
        text = self.snapshot.text(setup_cfg) if self.has_file(project.dir, "setup.cfg") else None
        if text and "find_namespace:" in text:
            return True
        setup_py = join(project.dir, "setup.py")
        text = self.snapshot.text(setup_py) if self.has_file(project.dir, "setup.py") else None
        return bool(text and ("find_namespace_packages" in text or "namespace_packages" in text))

    def _declared_roots(self, project: Project) -> list[str]:
        """Source folders the build configuration names (project-relative, in order, once each)."""
        doc = project.doc
        if doc is None:
            return []
        found: list[str] = []

        def add(folder: Any) -> None:
            if isinstance(folder, str) and folder not in ("", ".") and not os.path.isabs(folder):
                clean = os.path.normpath(folder).replace(os.sep, "/")
                if clean != "." and not clean.startswith(".."):
                    found.append(clean)

        package_dir = doc.get("tool", "setuptools", "package-dir")
        if isinstance(package_dir, dict):
            add(package_dir.get(""))
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

    def _packages_in(self, root: str, flat: bool) -> dict[str, str]:
        packages: dict[str, str] = {}
        for name in self.subdirs(root):
            if not IDENTIFIER.match(name):
                continue
            folder = join(root, name)
            files = self.files(folder)
            if "__init__.py" in files:
                if flat and name in NOT_PACKAGES:
                    continue
                packages[name] = folder
            elif not flat and (any(f.endswith((".py", ".pyi")) for f in files) or self.subdirs(folder)):
                packages[name] = folder
        if not flat:
            for name in self.files(root):
                stem = name[:-3]
                if name.endswith(".py") and IDENTIFIER.match(stem) and name not in ROOT_SCRIPTS:
                    packages[stem] = join(root, name)
            packages.pop("__init__", None)
        return packages

    def _source_roots(self, project: Project) -> list[SourceRoot]:
        roots: list[SourceRoot] = []
        for folder in self._declared_roots(project):
            rel = join(project.dir, folder)
            if self.index.listing(rel if rel != "." else "") is not None:
                roots.append(SourceRoot(rel, self._packages_in(rel, flat=False), "declared"))
        src = join(project.dir, "src")
        if not any(r.path == src for r in roots) and self.index.listing(src) is not None:
            packages = self._packages_in(src, flat=False)
            if packages or self.has_file(src, "__init__.py"):
                roots.append(SourceRoot(src, packages, "src"))
        if not roots:
            packages = self._packages_in(project.dir, flat=True)
            if packages:
                roots.append(SourceRoot(project.dir, packages, "flat"))
        return roots

    # ------------------------------------------------------------------ tests
    def _test_module(self, rel: str) -> TestModule | None:
        module = self.snapshot.parsed("test-module", rel, lambda text: _parse_limited(rel, text))
        self.snapshot.problems.pop(rel, None)  # an unreadable test module is not a config problem
        return module

    # ---------------------------------------------------------------- folders
    def _build_folders(self) -> None:
        folder_dirs = {"."}
        for d, listing in self.index.dirs.items():
            if ".vscode" in listing.dirs and d:
                folder_dirs.add(d)
        workspace_files: dict[str, list[str]] = {}
        for name in self.files("."):
            if name.endswith(".code-workspace"):
                self.code_workspaces.append(name)
                for listed in self._workspace_folders(name):
                    folder_dirs.add(listed)
                    workspace_files.setdefault(listed, []).append(name)
        for d in sorted(folder_dirs):
            folder = VsCodeFolder(d, workspace_files=workspace_files.get(d, []))
            folder.pyright = self._pyright(d)
            self.folders.append(folder)
        for project in self.projects:
            best = max(
                (f for f in self.folders if within(project.dir, f.dir)),
                key=lambda f: 0 if f.dir == "." else f.dir.count("/") + 1,
            )
            project.folder = best
            best.projects.append(project)

    def _workspace_folders(self, rel: str) -> list[str]:
        doc = self.settings_doc(rel)
        folders = doc.find(("folders",)) if doc else None
        out: list[str] = []
        if folders is None or folders.type != "array":
            return out
        for item in folders.children:
            path = item.get("path") if item.type == "object" else None
            if path is None or not isinstance(path.value, str):
                continue
            raw = path.value.replace("\\", "/")
            if os.path.isabs(raw):
                continue
            norm = os.path.normpath(raw).replace(os.sep, "/")
            if norm == "." or (not norm.startswith("..") and self.index.listing(norm) is not None):
                out.append(norm)
        return out

    def _pyright(self, folder: str) -> PyrightConfig | None:
        json_rel = join(folder, "pyrightconfig.json")
        if self.has_file(folder, "pyrightconfig.json"):
            doc = self.snapshot.jsonc(json_rel)
            extra: list[tuple[str, int, int]] = []
            extra_span = None
            envs = False
            span = (0, 0)
            if doc is not None and doc.root is not None and doc.root.type == "object":
                span = (doc.root.offset, doc.root.offset + 1)
                prop = doc.root.property("extraPaths")
                if prop is not None:
                    extra_span = (prop.offset, prop.end)
                    value = prop.value_node
                    if value is not None and value.type == "array":
                        extra = [
                            (str(c.value), c.offset, c.end) for c in value.children if c.type == "string"
                        ]
                envs = doc.root.property("executionEnvironments") is not None
            return PyrightConfig(json_rel, "json", folder, extra, extra_span, span, envs)
        if self.has_file(folder, "pyproject.toml"):
            rel = join(folder, "pyproject.toml")
            doc_toml = self.snapshot.toml(rel)
            if doc_toml is None or not doc_toml.ok or not isinstance(doc_toml.get("tool", "pyright"), dict):
                return None
            span_t = doc_toml.span_of("tool", "pyright") or (0, 0)
            entry = doc_toml.entry("tool", "pyright", "extraPaths")
            extra = []
            extra_span = None
            raw = doc_toml.get("tool", "pyright", "extraPaths")
            if entry is not None:
                extra_span = (entry.key_start, entry.key_end)
                if isinstance(raw, list) and len(raw) == len(entry.value.items):
                    extra = [(str(v), i.start, i.end) for v, i in zip(raw, entry.value.items)]
            envs = doc_toml.get("tool", "pyright", "executionEnvironments") is not None
            return PyrightConfig(rel, "toml", folder, extra, extra_span, span_t, envs)
        return None

    # --------------------------------------------------------------- settings
    def setting(self, folder: VsCodeFolder, key: str) -> SettingRef | None:
        """The effective value of ``key`` for a folder: folder settings win over a workspace file."""
        found = self.folder_setting(folder, key)
        if found is not None:
            return found
        for ref in self.workspace_settings(folder, key):
            return ref
        return None

    def every_setting(self, folder: VsCodeFolder, key: str) -> list[SettingRef]:
        """Each place ``key`` is set for a folder: its settings.json first, then workspace files."""
        own = self.folder_setting(folder, key)
        return ([own] if own is not None else []) + self.workspace_settings(folder, key)

    def folder_setting(self, folder: VsCodeFolder, key: str) -> SettingRef | None:
        return self._setting_in(folder.settings_path, (), key)

    def workspace_settings(self, folder: VsCodeFolder, key: str) -> list[SettingRef]:
        refs = []
        for rel in folder.workspace_files:
            ref = self._setting_in(rel, ("settings",), key)
            if ref is not None:
                refs.append(ref)
        return refs

    def _setting_in(self, rel: str, prefix: tuple[str, ...], key: str) -> SettingRef | None:
        doc = self.settings_doc(rel)
        if doc is None:
            return None
        container = doc.find(prefix) if prefix else doc.root
        if container is None or container.type != "object":
            return None
        prop = container.property(key)
        if prop is None or prop.value_node is None:
            return None
        return SettingRef(key, prop.value_node.to_value(), rel, prop)


def _parse_limited(rel: str, text: str) -> TestModule | None:
    return None if len(text) > MAX_TEST_MODULE_BYTES else parse_test_module(rel, text)


def parse_test_module(rel: str, text: str) -> TestModule:
    """Imports (at any depth) and the test style of a module, read without compiling or running it."""
    module = pyimports.scan(text)
    imports = [ImportRef(i.top, i.line, i.start, i.end) for i in module.imports if i.level == 0 and i.module]
    pytest_style = any(ref.name == "pytest" for ref in imports) or (
        next(pyimports.collectable_tests(text, module), None) is not None
    )
    return TestModule(rel, imports, pytest_style)
