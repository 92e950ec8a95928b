"""PD2xx: whether pytest can find and import the tests and the code they test."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

from pyproj_doctor.findings import Applicability, FileChange, Finding, Severity
from pyproj_doctor.fixes.builders import (
    FixUnavailable,
    ini_change,
    toml_append,
    toml_ops,
    toml_replace,
    toml_set_key,
)
from pyproj_doctor.rules.base import Context, rule
from pyproj_doctor.workspace.paths import join, parent, relative
from pyproj_doctor.workspace.projects import Project, SourceRoot
from pyproj_doctor.workspace.pytest_config import PytestConfig, has_glob
from pyproj_doctor.workspace.venv import normalize

_REQUIREMENT_NAME = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def _config_label(config: PytestConfig) -> str:
    if config.kind in ("tool.pytest", "tool.pytest.ini_options"):
        return f"{config.path} [{config.kind}]"
    if config.section and config.kind != "pytest.ini":
        return f"{config.path} [{config.section}]"
    return config.path


def _pythonpath(config: PytestConfig | None, cache: dict[str, set[str]]) -> set[str]:
    """Folders on pytest's pythonpath, workspace-relative (one config is shared by many projects)."""
    if config is None or config.get("pythonpath") is None:
        return set()
    if config.path not in cache:
        cache[config.path] = {
            os.path.normpath(join(config.folder, word)).replace(os.sep, "/")
            for word, _, _ in config.options["pythonpath"].words
        }
    return cache[config.path]


def _conftest_edits_sys_path(ctx: Context, project: Project) -> bool:
    # pytest sees sys.path changes made by conftest.py; we cannot evaluate them, so stay silent.
    for rel in project.conftests:
        text = ctx.ws.snapshot.text(rel) or ""
        if "sys.path" in text or "PYTHONPATH" in text:
            return True
    return False


def _add_pythonpath(ctx: Context, project: Project, entry_for: str) -> list[FileChange]:
    """Add a folder to the effective config's ``pythonpath`` (or create the table)."""
    config = project.pytest_config
    snapshot = ctx.ws.snapshot
    if config is None:
        if project.pyproject is None:
            raise FixUnavailable("no pyproject.toml to hold the pytest configuration")
        value = relative(entry_for, project.dir)
        ops = [toml_set_key(("tool", "pytest", "ini_options"), "pythonpath", [value])]
        return [toml_ops(snapshot, project.pyproject, ops)]
    value = relative(entry_for, config.folder)
    option = config.get("pythonpath")
    if config.table is not None:
        if option is None:
            return [toml_ops(snapshot, config.path, [toml_set_key(config.table, "pythonpath", [value])])]
        path = (*config.table, "pythonpath")
        if option.native_list:
            return [toml_ops(snapshot, config.path, [toml_append(path, value)])]
        joined = f"{option.raw} {value}".strip() if isinstance(option.raw, str) else value
        return [toml_ops(snapshot, config.path, [toml_replace(path, joined)])]
    assert config.section is not None
    return [ini_change(snapshot, config.path, config.section, "pythonpath", value)]


@rule(
    "PD201",
    "pythonpath-missing-source-root",
    Severity.ERROR,
    "Tests import a src-layout package that is not on pytest's pythonpath and not installed",
    fix=Applicability.SAFE,
)
def PD201(ctx: Context) -> Iterator[Finding]:
    """In a src layout the package is importable only when ``src`` is on
    ``sys.path``. pytest's default import mode adds the test file's own folder,
    not the project root, and ``python -m pytest`` (what VS Code runs) adds the
    current folder, so tests may pass in the editor and fail in CI with
    ModuleNotFoundError. Either pytest's ``pythonpath`` option (pytest 7+) names
    the source root, or the project is installed in editable mode in the
    environment pytest runs in. The fix adds the source root to ``pythonpath``
    in the configuration pytest actually reads (or creates
    ``[tool.pytest.ini_options]``). Silent when an editable install of the project
    is found in ``.venv`` or a ``conftest.py`` edits ``sys.path``."""
    resolved: dict[str, set[str]] = {}
    for project in ctx.ws.projects:
        if not project.test_modules:
            continue
        imported = project.imported_names()
        needed = [
            root
            for root in project.source_roots
            if root.path != project.dir and imported & set(root.packages)
        ]
        if not needed:
            continue
        venv = project.venv
        if venv is not None and venv.editable_for(project.name, ctx.ws.snapshot.abspath(project.dir)):
            continue
        if _conftest_edits_sys_path(ctx, project):
            continue
        on_path = _pythonpath(project.pytest_config, resolved)
        for root in needed:
            if root.path in on_path:
                continue
            yield _pd201(ctx, project, root, imported)


def _pd201(ctx: Context, project: Project, root: SourceRoot, imported: set[str]) -> Finding:
    config = project.pytest_config
    names = sorted(imported & set(root.packages))
    if config is not None:
        option = config.get("pythonpath")
        span = option.key_span if option is not None else config.span
        path, range_ = config.path, ctx.range(config.path, span)
        where = f"pytest's `pythonpath` in {_config_label(config)}"
    else:
        path, range_ = ctx.anchor(project)
        where = "pytest's `pythonpath` (there is no pytest configuration)"
    related = tuple(
        ctx.related(
            module.path,
            _line_span(ctx, module.path, ref.line, ref.start, ref.end),
            f"`{ref.name}` cannot be imported by plain `pytest`",
        )
        for module in project.test_modules
        for ref in module.imports
        if ref.name in names
    )[:20]
    target = config.path if config is not None else project.pyproject
    entry = relative(root.path, config.folder if config is not None else project.dir)
    fix = ctx.fix(
        f"Add {entry!r} to pytest's pythonpath in {target}",
        lambda: _add_pythonpath(ctx, project, root.path),
    )
    label = ", ".join(f"`{n}`" for n in names)
    return PD201.at(
        path,
        range_,
        f"Tests import {label} from `{root.path}`, but {where} does not include it and the "
        "project is not installed in editable mode: plain `pytest` fails with "
        "ModuleNotFoundError.",
        fix,
        related=related,
    )


def _line_span(ctx: Context, path: str, line: int, start: int, end: int) -> tuple[int, int]:
    index = ctx.ws.snapshot.line_index(path)
    base = index.starts[line] if line < len(index.starts) else 0
    return (base + start, base + end)


def _configs(ctx: Context) -> Iterator[tuple[PytestConfig, Project]]:
    seen: set[str] = set()
    for project in ctx.ws.projects:
        config = project.pytest_config
        if config is not None and config.path not in seen:
            seen.add(config.path)
            yield config, project


@rule(
    "PD202",
    "pytest-path-missing",
    Severity.WARNING,
    "A pythonpath/testpaths entry names a folder that does not exist",
)
def PD202(ctx: Context) -> Iterator[Finding]:
    """``pythonpath`` and ``testpaths`` are resolved against the folder of the
    configuration file. An entry naming a folder that does not exist is silently
    ignored by pytest: usually a leftover from a rename or a path written
    relative to the wrong folder, and the reason imports or collection fail.
    Fix the entry by hand (we cannot know which folder was meant)."""
    for config, _ in _configs(ctx):
        base = ctx.ws.snapshot.abspath(config.folder)
        for name in ("pythonpath", "testpaths"):
            option = config.get(name)
            if option is None:
                continue
            for word, start, end in option.words:
                target = os.path.join(base, word)
                if name == "testpaths" and has_glob(word):
                    # Resolved on the scanned tree: never globbed on disk, never outside the workspace.
                    rel = os.path.normpath(os.path.join(config.folder, word)).replace(os.sep, "/")
                    if os.path.isabs(word) or rel == ".." or rel.startswith("../"):
                        continue
                    if ctx.ws.glob(target):
                        continue
                    problem = "matches no folder"
                elif ctx.ws.is_dir(target) or (name == "testpaths" and ctx.ws.exists(target)):
                    continue
                else:
                    problem = "does not exist"
                yield PD202.at(
                    config.path,
                    ctx.range(config.path, (start, end)),
                    f"`{name}` entry {word!r} {problem} (relative to `{config.folder}`): "
                    f"pytest ignores it, so {'imports' if name == 'pythonpath' else 'collection'} "
                    "will not use it. Correct or remove the entry.",
                )


@rule(
    "PD203",
    "pytest-config-shadowed",
    Severity.WARNING,
    "Another pytest config file shadows the [tool.pytest…] table in pyproject.toml",
)
def PD203(ctx: Context) -> Iterator[Finding]:
    """pytest reads exactly one configuration file, the first it finds
    (``pytest.toml``, ``pytest.ini``, then ``pyproject.toml``, ``tox.ini``,
    ``setup.cfg``) and never merges them; ``pytest.ini`` wins even when it is
    empty. Settings in ``[tool.pytest.ini_options]`` next to such a file are
    silently ignored. Move them into the file pytest reads, or delete that file."""
    seen: set[str] = set()
    for project in ctx.ws.projects:
        shadowed, winner = project.shadowed_pytest, project.pytest_config
        if shadowed is None or winner is None or shadowed.path in seen:
            continue
        seen.add(shadowed.path)
        yield PD203.at(
            shadowed.path,
            ctx.range(shadowed.path, shadowed.span),
            f"pytest ignores `[{shadowed.kind}]` here: it reads `{winner.path}` first and never "
            "merges configuration files. Move these settings into "
            f"`{winner.path}` or delete `{winner.path}`.",
            related=(ctx.related(winner.path, winner.span, "pytest reads this file instead"),),
        )


@rule(
    "PD204",
    "pytest-native-and-ini-tables",
    Severity.ERROR,
    "Both [tool.pytest] and [tool.pytest.ini_options] are present (pytest 9 refuses to start)",
)
def PD204(ctx: Context) -> Iterator[Finding]:
    """pytest 9 reads native TOML configuration from ``[tool.pytest]`` and the
    older ini-style options from ``[tool.pytest.ini_options]``. A file holding
    both is a usage error: pytest stops before collecting anything. Keep one
    table (native needs lists for path options)."""
    for project in ctx.ws.projects:
        doc, rel = project.doc, project.pyproject
        if doc is None or rel is None:
            continue
        table = doc.get("tool", "pytest")
        if not isinstance(table, dict) or "ini_options" not in table or len(table) < 2:
            continue
        header = doc.table("tool", "pytest")
        if header is not None:
            span = (header.header_start, header.header_end)
        else:
            native = [
                e
                for p, e in doc.entries.items()
                if p[:2] == ("tool", "pytest") and p[2:3] != ("ini_options",)
            ]
            if not native:
                continue
            span = (native[0].key_start, native[0].key_end)
        ini_span = doc.span_of("tool", "pytest", "ini_options") or span
        yield PD204.at(
            rel,
            ctx.range(rel, span),
            "`[tool.pytest]` (pytest 9 native options) and `[tool.pytest.ini_options]` are both "
            "present: pytest 9 refuses to start with a usage error. Keep only one of them.",
            related=(ctx.related(rel, ini_span, "the ini-style table"),),
        )


def _module_name(ctx: Context, path: str, extra_inits: frozenset[str] = frozenset()) -> str:
    """The name pytest's default "prepend" import mode gives a test module."""
    folder, _, name = path.rpartition("/")
    parts = [name[:-3]]
    while folder and (ctx.ws.has_file(folder, "__init__.py") or folder in extra_inits):
        head, _, tail = folder.rpartition("/")
        parts.insert(0, tail)
        folder = head
    return ".".join(parts)


@rule(
    "PD205",
    "test-module-name-clash",
    Severity.ERROR,
    "Two test modules share a basename in folders without __init__.py (import file mismatch)",
    fix=Applicability.UNSAFE,
)
def PD205(ctx: Context) -> Iterator[Finding]:
    """With pytest's default ``prepend`` import mode a test module in a folder
    without ``__init__.py`` is imported under its bare file name, so
    ``tests/a/test_util.py`` and ``tests/b/test_util.py`` collide and collection
    stops with "import file mismatch". The fix adds ``__init__.py`` to the
    folders involved (pytest's own advice) when that makes the names unique.
    Silent when ``--import-mode=importlib`` is configured."""
    for project in ctx.ws.projects:
        config = project.pytest_config
        if config is not None and config.import_mode() == "importlib":
            continue
        groups: dict[str, list[str]] = {}
        for module in project.test_modules:
            groups.setdefault(_module_name(ctx, module.path), []).append(module.path)
        clashes = {name: paths for name, paths in groups.items() if len(paths) > 1}
        if not clashes:
            continue
        for name, paths in sorted(clashes.items()):
            folders = sorted({parent(p) for p in paths if not ctx.ws.has_file(parent(p), "__init__.py")})
            new_inits = frozenset(folders)
            renamed = [_module_name(ctx, m.path, new_inits) for m in project.test_modules]
            fix = None
            if len(set(renamed)) == len(renamed) and folders:
                inits = [join(f, "__init__.py") for f in folders]
                fix = ctx.create_fix("Create " + ", ".join(inits), inits)
            for path in paths[1:]:
                others = [p for p in paths if p != path]
                yield PD205.at(
                    path,
                    ctx.first_line(path),
                    f"`{path}` and {', '.join(f'`{o}`' for o in others)} are both imported as "
                    f'module `{name}`: pytest stops collection with "import file mismatch". '
                    "Rename one, add `__init__.py` files, or use `--import-mode=importlib`.",
                    fix,
                    related=tuple(ctx.related(o, (0, 0), "imported under the same name") for o in others),
                )


def _requirement_names(values: object) -> set[str]:
    names: set[str] = set()
    if isinstance(values, dict):
        for key, value in values.items():
            names.add(normalize(str(key)))
            names |= _requirement_names(value)
    elif isinstance(values, list):
        for item in values:
            if isinstance(item, str):
                match = _REQUIREMENT_NAME.match(item)
                if match:
                    names.add(normalize(match.group(1)))
            else:
                names |= _requirement_names(item)
    return names


def _declared(ctx: Context, project: Project) -> set[str]:
    names: set[str] = set()
    doc = project.doc
    if doc is not None:
        for path in (
            ("project", "dependencies"),
            ("project", "optional-dependencies"),
            ("dependency-groups",),
            ("tool", "uv", "dev-dependencies"),
            ("tool", "pdm", "dev-dependencies"),
            ("tool", "poetry", "dependencies"),
            ("tool", "poetry", "dev-dependencies"),
        ):
            names |= _requirement_names(doc.get(*path))
        groups = doc.get("tool", "poetry", "group")
        if isinstance(groups, dict):
            for group in groups.values():
                if isinstance(group, dict):
                    names |= _requirement_names(group.get("dependencies"))
        envs = doc.get("tool", "hatch", "envs")
        if isinstance(envs, dict):
            for env in envs.values():
                if isinstance(env, dict):
                    names |= _requirement_names(env.get("dependencies"))
                    names |= _requirement_names(env.get("extra-dependencies"))
    for folder in (project.dir, join(project.dir, "requirements")):
        for name in ctx.ws.files(folder):
            is_requirements = "requirements" in name or folder.endswith("requirements")
            if is_requirements and name.endswith((".txt", ".in")):
                text = ctx.ws.snapshot.text(join(folder, name)) or ""
                names |= _requirement_names([line for line in text.splitlines() if not line.startswith("-")])
    for name in ("tox.ini", "setup.cfg", "setup.py", "noxfile.py"):
        if ctx.ws.has_file(project.dir, name):
            text = ctx.ws.snapshot.text(join(project.dir, name)) or ""
            if re.search(r"(?m)(^|[\s'\"=])pytest([\s'\"<>=!~\[;,]|$)", text):
                names.add("pytest")
    return names


@rule(
    "PD206",
    "pytest-not-declared",
    Severity.WARNING,
    "Tests exist but pytest is not a declared dependency",
    fix=Applicability.SAFE,
)
def PD206(ctx: Context) -> Iterator[Finding]:
    """A fresh clone can only run the tests if pytest is part of what the
    project installs: a dependency group (``uv add --dev pytest``), an optional
    dependency, or a requirements file. Otherwise ``uv sync`` leaves it out and
    the Test Explorer reports "pytest not installed". The fix adds ``pytest`` to
    ``[dependency-groups] dev`` (with the version found in ``.venv`` as lower
    bound). Dependencies declared by an enclosing workspace project count."""
    projects = ctx.ws.projects
    for project in projects:
        if not project.test_modules or not project.uses_pytest:
            continue
        declared: set[str] = set()
        for other in projects:
            if other.dir == project.dir or other.dir == "." or project.dir.startswith(other.dir + "/"):
                declared |= _declared(ctx, other)
        if "pytest" in declared:
            continue
        path, range_ = ctx.anchor(project)
        doc = project.doc
        if doc is not None and project.pyproject is not None:
            span = doc.span_of("dependency-groups")
            if span is not None:
                range_ = ctx.range(project.pyproject, span)
        fix = None
        if project.pyproject is not None and doc is not None and doc.get("tool", "poetry") is None:
            version = project.venv.dists.get("pytest") if project.venv else None
            requirement = f"pytest>={version}" if version else "pytest"
            pyproject = project.pyproject
            fix = ctx.toml_fix(
                f"Add {requirement!r} to [dependency-groups] dev in {pyproject}",
                pyproject,
                [toml_append(("dependency-groups", "dev"), requirement)],
            )
        yield PD206.at(
            path,
            range_,
            f"`{project.dir}` has {len(project.test_modules)} pytest test module(s) but pytest is not "
            "a declared dependency: a fresh `uv sync` or `pip install` will not install it.",
            fix,
        )
