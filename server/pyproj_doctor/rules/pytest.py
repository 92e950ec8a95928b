"""PD2xx: whether pytest can find and import the tests and the code they test."""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Iterator

from pyproj_doctor.findings import Applicability, FileChange, Finding, Related, Severity
from pyproj_doctor.fixes.builders import (
    FixUnavailable,
    create_file,
    ini_change,
    toml_append,
    toml_ops,
    toml_replace,
    toml_set_key,
)
from pyproj_doctor.rules.base import Context, rule
from pyproj_doctor.workspace.declared import pytest_declared
from pyproj_doctor.workspace.imports import Failure, failures, first_party, folder_run, project_run
from pyproj_doctor.workspace.install import _uv_workspace_root, build_backend, is_compiled, workflow_install
from pyproj_doctor.workspace.paths import join, parent, relative
from pyproj_doctor.workspace.projects import Project, TestModule
from pyproj_doctor.workspace.pytest_config import Option, PytestConfig, find_config, has_glob
from pyproj_doctor.workspace.runs import Run, collects, env_paths, plain_pytest, run_inputs, run_key
from pyproj_doctor.workspace.test_projects import innermost, project_dirs, project_mode
from pyproj_doctor.workspace.vscode import VsCodeFolder


def _config_label(config: PytestConfig) -> str:
    if config.kind in ("tool.pytest", "tool.pytest.ini_options"):
        return f"{config.path} [{config.kind}]"
    if config.section and config.kind != "pytest.ini":
        return f"{config.path} [{config.section}]"
    return config.path


def _conftest_edits_sys_path(ctx: Context, project: Project) -> bool:
    # pytest sees sys.path changes made by conftest.py; we cannot evaluate them, so stay silent.
    for rel in project.conftests:
        text = ctx.ws.snapshot.text(rel) or ""
        if "sys.path" in text or "PYTHONPATH" in text:
            return True
    return False


def _config_target(ctx: Context, run: Run) -> tuple[PytestConfig | None, str | None]:
    """The configuration a run reads, or the file where one would be created for it."""
    if run.config is not None:
        return run.config, run.config.path
    rel = join(run.cwd, "pyproject.toml")
    if ctx.ws.has_file(run.cwd, "pyproject.toml"):
        doc = ctx.ws.snapshot.toml(rel)
        return None, rel if doc is not None and doc.ok else None
    return None, join(run.cwd, "pytest.ini")


def _add_pythonpath(
    ctx: Context, config: PytestConfig | None, target: str, folders: list[str]
) -> list[FileChange]:
    """Add folders to a configuration's ``pythonpath`` in one edit (or create the option)."""
    base = config.folder if config is not None else parent(target)
    values = [relative(folder, base) for folder in folders]
    return add_option_words(ctx, config, target, "pythonpath", values, new_list=True)


def add_option_words(
    ctx: Context, config: PytestConfig | None, target: str, key: str, words: list[str], *, new_list: bool
) -> list[FileChange]:
    """Append words to the pytest option ``key`` of a configuration in one edit, in the form it
    already has (a TOML array, a string, an ini line); a new option is a TOML array when
    ``new_list``, else a string, and a configuration file that does not exist yet is created."""
    snapshot = ctx.ws.snapshot
    fresh: str | list[str] = words if new_list else " ".join(words)
    if config is None:
        if target.endswith("pytest.ini"):
            return [create_file(snapshot, target, f"[pytest]\n{key} = " + " ".join(words) + "\n")]
        return [toml_ops(snapshot, target, [toml_set_key(("tool", "pytest", "ini_options"), key, fresh)])]
    option = config.get(key)
    if config.table is not None:
        if option is None:
            return [toml_ops(snapshot, config.path, [toml_set_key(config.table, key, fresh)])]
        path = (*config.table, key)
        if option.native_list:
            return [toml_ops(snapshot, config.path, [toml_append(path, word) for word in words])]
        joined = " ".join([option.raw, *words]).strip() if isinstance(option.raw, str) else " ".join(words)
        return [toml_ops(snapshot, config.path, [toml_replace(path, joined)])]
    if config.section is None:
        # A pytest.toml that does not parse is found (pytest stops on it) but holds no table.
        raise FixUnavailable(f"{config.path} is not valid TOML")
    return [ini_change(snapshot, config.path, config.section, key, " ".join(words))]


USE_ENV_FILE = "python.terminal.useEnvFile"


@rule(
    "PD201",
    "pythonpath-missing-source-root",
    Severity.ERROR,
    "Tests import a first-party package that the pytest run the user will do cannot import",
    fix=Applicability.SAFE,
)
def PD201(ctx: Context) -> Iterator[Finding]:
    """Predicts the pytest runs a user will do and where each first-party
    import of the tests lands: plain ``pytest`` in the project folder (a
    console script: the current folder is *not* on ``sys.path``), ``pytest`` at
    a uv workspace root, and the Test Explorer (``python -m pytest
    <pytestArgs> --rootdir=<cwd>``, which adds the cwd and reads the
    configuration found from its arguments). pytest's ``prepend`` mode adds
    each test file's first folder without ``__init__.py`` (and a root
    ``conftest.py`` the root); ``pythonpath`` adds folders relative to the
    configuration; the environment adds installs, following ``.pth`` path
    lines. A src layout without ``pythonpath`` or an install fails everywhere;
    a flat layout fails under plain ``pytest`` only. When the project's own
    workflow installs it (uv with a build system or a workspace member,
    poetry, pdm, ``-e .`` in requirements, tox, nox, hatch) and no environment
    exists yet, this is information naming the install command. A compiled
    project (maturin, scikit-build-core, meson-python) must be built: no
    ``pythonpath`` fix is offered. Otherwise the fix adds the source roots to
    the ``pythonpath`` of the configuration each failing run reads, in one
    edit. Silent when a ``conftest.py`` edits ``sys.path``."""
    names = first_party(ctx.ws)
    groups: dict[tuple[str, str], list[Failure]] = {}
    compiled: dict[str, bool] = {}  # by owner: asked for every failing import line
    targets: dict[tuple[object, ...], str | None] = {}  # by run
    for project in ctx.ws.projects:
        if not project.test_modules or _conftest_edits_sys_path(ctx, project):
            continue
        for failure in failures(ctx.ws, project, names):
            owner = failure.origin.project
            install = workflow_install(ctx.ws, owner)
            if install is not None and not install.stated and failure.project.dir != owner.dir:
                install = None  # the standard install is the project's own business, not its importers'
            if owner.dir not in compiled:
                compiled[owner.dir] = is_compiled(ctx.ws, owner)
            if failure.run.venv is None and install is not None:
                # One fact about a fresh checkout: no environment yet, one command makes it.
                key = ("installed-later", f"{install.tool}: {install.command}")
            elif compiled[owner.dir]:
                key = ("compiled", owner.dir)
            else:
                run = run_key(failure.run)
                if run not in targets:
                    targets[run] = _config_target(ctx, failure.run)[1]
                key = ("pythonpath", targets[run] or "")
            groups.setdefault(key, []).append(failure)
    for (kind, where), items in sorted(groups.items(), key=lambda kv: kv[0]):
        if kind == "installed-later":
            build = functools.partial(_pd201_not_installed, ctx, items)
        elif kind == "compiled":
            build = functools.partial(_pd201_compiled, ctx, items)
        else:
            build = functools.partial(_pd201_pythonpath, ctx, where or None, items)
        yield _kept_finding(ctx, ("PD201", kind, where), items, build)


def _kept_finding(
    ctx: Context, key: tuple[object, ...], items: list[Failure], build: Callable[[], Finding]
) -> Finding:
    """A finding about failing imports, kept across checks (``Workspace.kept``) while its
    failures are the same and the projects, folders and files it reads are too: on a keystroke
    in one member of a large workspace every other member's finding stays as it was."""
    involved: dict[str, Project] = {}
    for item in items:
        involved.setdefault(item.project.dir, item.project)
        involved.setdefault(item.origin.project.dir, item.origin.project)
    uses = (
        [
            (
                run_inputs(ctx.ws, item.run),
                item.module.path,
                item.ref,
                item.origin.path,
                item.origin.root.path,
                item.origin.root.layout,
            )
            for item in items
        ],
        # The folders whose settings and `.env` files the message reads (the reads are recorded).
        [(folder.dir, folder.workspace_files) for folder in ctx.ws.folders],
    )
    return ctx.ws.kept(key, [involved[d] for d in sorted(involved)], uses, build)


def _related(ctx: Context, items: list[Failure]) -> tuple[Related, ...]:
    """Each failing import line once, naming every run that cannot import it."""
    runs: dict[tuple[str, int, int], list[str]] = {}
    refs: dict[tuple[str, int, int], Failure] = {}
    for item in items:
        spot = (item.module.path, item.ref.line, item.ref.start)
        refs.setdefault(spot, item)
        if item.run.label not in runs.setdefault(spot, []):
            runs[spot].append(item.run.label)
    out = []
    for number, (spot, item) in enumerate(list(refs.items())[:20]):
        out.append(
            ctx.related(
                item.module.path,
                _line_span(ctx, item.module.path, item.ref.line, item.ref.start, item.ref.end),
                f"`{item.ref.name}` cannot be imported by {' and '.join(runs[spot])}",
                # The first failing import line is shown where it fails; the rest stay related
                # locations, so a monorepo does not get one diagnostic per import line.
                site=number == 0,
            )
        )
    return tuple(out)


def _labels(values: list[str] | set[str]) -> str:
    return ", ".join(f"`{v}`" for v in sorted(values))


def _runs_label(items: list[Failure]) -> str:
    labels = list(dict.fromkeys(item.run.label for item in items))
    return " and ".join(labels)


def _pd201_not_installed(ctx: Context, items: list[Failure]) -> Finding:
    owners: dict[str, Project] = {}
    names: dict[str, set[str]] = {}
    for item in items:
        owner = item.origin.project
        owners.setdefault(owner.dir, owner)
        names.setdefault(owner.dir, set()).add(item.ref.name)
    first = owners[min(owners)]  # the outermost project (the root sorts first)
    installs = {d: workflow_install(ctx.ws, p) for d, p in owners.items()}
    install = installs[first.dir]
    assert install is not None
    sources = _labels({i.declared_in for i in installs.values() if i is not None})
    tool = "the CI workflow" if install.tool == "ci" else install.tool
    if len(owners) == 1:
        what = f"{_labels(names[first.dir])}, which {tool} installs from `{first.dir}`"
    else:
        parts = [f"{_labels(names[d])} (from `{d}`)" for d in sorted(owners)]
        what = f"{', '.join(parts)}, which {tool} installs"
    path, range_ = ctx.anchor(first)
    if not any(i.stated for i in installs.values() if i is not None):
        # Nothing in the repository installs it: a project with a build system (an example inside
        # another project) is installed the standard way, by whoever follows its instructions.
        return PD201.at(
            path,
            range_,
            f"Tests import {_labels(names[first.dir])} from `{first.dir}`, a project with a build "
            "system that no workflow in the repository installs and no environment here holds: "
            f"pytest can import it once installed (`{install.command}`).",
            severity=Severity.HINT,
        )
    return PD201.at(
        path,
        range_,
        f"Tests import {what} (`{install.command}`, from {sources.replace('`', '')}); there is no "
        "environment here yet, so until it is installed pytest cannot import them.",
        severity=Severity.INFORMATION,
    )


def _pd201_compiled(ctx: Context, items: list[Failure]) -> Finding:
    owner = items[0].origin.project
    install = workflow_install(ctx.ws, owner)
    backend = build_backend(owner) or ""
    command = (
        install.command
        if install is not None
        else "maturin develop` or `pip install -e ."
        if backend.startswith("maturin")
        else "pip install -e ."
    )
    path, range_ = ctx.anchor(owner)
    names = {i.ref.name for i in items}
    if all(i.run.venv is None for i in items):
        # A fresh checkout: nothing is built anywhere yet, so this is the next step, not a defect.
        return PD201.at(
            path,
            range_,
            f"Tests import {_labels(names)} from `{owner.dir}`, a compiled project: pytest can import "
            f"it only once it is built and installed (`{command}`), and there is no environment "
            "here yet. A `pythonpath` entry cannot stand in for the compiled extension.",
            severity=Severity.INFORMATION,
            related=_related(ctx, items),
        )
    return PD201.at(
        path,
        range_,
        f"Tests import {_labels(names)} from `{owner.dir}`, a compiled project that is not built "
        f"into the environment {_runs_label(items)} uses: it fails with ModuleNotFoundError. "
        f"Build and install it (`{command}`); a `pythonpath` entry cannot stand in for the "
        "compiled extension.",
    )


def _pd201_pythonpath(ctx: Context, target: str | None, items: list[Failure]) -> Finding:
    run = items[0].run
    config, _ = _config_target(ctx, run)
    roots = sorted({i.origin.root.path for i in items})
    names = {i.ref.name for i in items}
    if config is not None:
        option = config.get("pythonpath")
        span = option.key_span if option is not None else config.span
        path, range_ = config.path, ctx.range(config.path, span)
        where = f"`pythonpath` in {_config_label(config)}, the configuration it reads,"
    else:
        path, range_ = ctx.anchor(items[0].project)
        where = ""
    flat_only = all(i.origin.root.layout == "flat" for i in items) and all(
        i.run.kind == "pytest" for i in items
    )
    why = (
        "plain `pytest` does not put the project folder on sys.path (`python -m pytest` does)"
        if flat_only
        else f"{where} does not list {_labels(roots)}"
        if where
        else f"there is no pytest configuration whose `pythonpath` lists {_labels(roots)}"
    )
    in_env = {
        r
        for folder in ctx.ws.folders
        for absolute in env_paths(ctx.ws, folder, folder.dir)
        for r in roots
        if ctx.ws.snapshot.abspath(r) == absolute
    }
    if in_env and all(i.run.kind == "pytest" for i in items):
        # `python.terminal.useEnvFile` (Python Environments extension, default false; its issue 695,
        # PR 710) also loads the env file into the integrated terminals VS Code opens.
        terminal = any(ctx.ws.setting_is_true(folder, USE_ENV_FILE) for folder in ctx.ws.folders)
        why += f" (PYTHONPATH in `.env` adds {_labels(in_env)} only to the runs VS Code starts, such as " + (
            "the Test Explorer and, with `python.terminal.useEnvFile`, `pytest` typed in its "
            "integrated terminal; CI's plain `pytest` never reads `.env`)"
            if terminal
            else "the Test Explorer; plain `pytest` never reads `.env`)"
        )
    owners = {i.origin.project.dir: i.origin.project for i in items}
    installs = {w for owner in owners.values() if (w := workflow_install(ctx.ws, owner)) is not None}
    venvs = {i.run.venv.rel for i in items if i.run.venv is not None}
    if installs and venvs:
        commands = _labels({w.command for w in installs})
        why += f", and {_labels(venvs)} holds no install of it ({commands} adds one)"
    elif not installs:
        why += ", and nothing installs the project"
    fix = None
    if target is not None:
        description = (
            f"Add {', '.join(repr(relative(r, config.folder if config else parent(target))) for r in roots)} "
            f"to pytest's pythonpath in {target}"
        )
        # Kept across checks while the files it edits hold the same text (Workspace.kept records
        # them): on a keystroke every other member's finding rebuilt its edit, two TOML parses each.
        read = None if config is None else (config.path, config.kind, config.table, config.section)
        fix = ctx.ws.kept(
            ("PD201-fix", target),
            [],
            (read, description, tuple(roots)),
            lambda: ctx.fix(description, lambda: _add_pythonpath(ctx, config, target, roots)),
        )
    return PD201.at(
        path,
        range_,
        f"Tests import {_labels(names)} from {_labels(roots)}, but {_runs_label(items)} cannot "
        f"import it: ModuleNotFoundError. {why[0].upper()}{why[1:]}.",
        fix,
        related=_related(ctx, items),
    )


def _line_span(ctx: Context, path: str, line: int, start: int, end: int) -> tuple[int, int]:
    index = ctx.ws.snapshot.line_index(path)
    base = index.starts[line] if line < len(index.starts) else 0
    return (base + start, base + end)


_DOTTED = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")


def _addopts_words(config: PytestConfig) -> list[str]:
    option = config.get("addopts")
    return [w.text for w in option.words] if option is not None else []


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
    With ``--pyargs`` in ``addopts`` a ``testpaths`` entry that is a module name
    is imported as a package (scikit-image's ``skimage``), so it is left alone.
    Fix the entry by hand (we cannot know which folder was meant)."""
    for config, _ in _configs(ctx):
        base = ctx.ws.snapshot.abspath(config.folder)
        for name in ("pythonpath", "testpaths"):
            option = config.get(name)
            if option is None:
                continue
            pyargs = "--pyargs" in _addopts_words(config)
            for located in option.words:
                word = located.text
                if name == "testpaths" and pyargs and _DOTTED.fullmatch(word):
                    continue  # `--pyargs`: pytest imports it as a package name, not a folder
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
                    ctx.range(config.path, located.span),
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
    silently ignored: a warning while the table says something the file pytest
    reads does not. A table whose every option the winner repeats with the same
    value loses nothing: information (delete it, so nobody edits the wrong one)."""
    seen: set[str] = set()
    for project in ctx.ws.projects:
        shadowed, winner = project.shadowed_pytest, project.pytest_config
        if shadowed is None or winner is None or shadowed.path in seen:
            continue
        seen.add(shadowed.path)
        lost = [n for n, option in shadowed.options.items() if not _same_option(option, winner.get(n))]
        related = (ctx.related(winner.path, winner.span, "pytest reads this file instead"),)
        if not lost:
            yield PD203.at(
                shadowed.path,
                ctx.range(shadowed.path, shadowed.span),
                f"pytest ignores `[{shadowed.kind}]` here (it reads `{winner.path}` first), but "
                f"`{winner.path}` sets every option of it to the same value, so nothing is lost. "
                "Delete the table so nobody edits the copy pytest never reads.",
                severity=Severity.INFORMATION,
                related=related,
            )
            continue
        yield PD203.at(
            shadowed.path,
            ctx.range(shadowed.path, shadowed.span),
            f"pytest ignores `[{shadowed.kind}]` here ({_labels(lost)} take no effect): it reads "
            f"`{winner.path}` first and never merges configuration files. Move these settings into "
            f"`{winner.path}` or delete `{winner.path}`.",
            related=related,
        )


def _same_option(option: Option, other: Option | None) -> bool:
    """Whether two configurations give an option the same value (ini text or native TOML)."""
    if other is None:
        return False
    if option.words or other.words:
        return [w.text for w in option.words] == [w.text for w in other.words]
    return str(option.raw).strip().lower() == str(other.raw).strip().lower()


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


def _one_session(ctx: Context, run: Run, project: Project) -> list[TestModule]:
    """The project's test modules one plain ``pytest`` run collects together."""
    own = run.config.path if run.config is not None else None
    modules = []
    for module in project.test_modules:
        if not collects(ctx.ws, run, module.path):
            continue
        nearest, _ = find_config(ctx.ws.snapshot, parent(module.path), ctx.ws.has_file)
        if (nearest.path if nearest is not None else None) != own:
            continue  # a nested configuration: that suite is run on its own
        modules.append(module)
    return modules


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
    Only modules one ``pytest`` run collects count: silent with
    ``--import-mode=importlib``, and for modules outside ``testpaths``, under
    ``norecursedirs`` or ``--ignore``, or below a nested pytest configuration
    that starts its own run. A run that collects several projects' tests in
    one session (the Test Explorer's run of the folder, ``pytest`` at a uv
    workspace root that configures pytest) clashes across them too, as in
    a monorepo whose members each hold ``tests/test_util.py``: reported at
    each module of the other projects, with no fix (``__init__.py`` up to the
    members' folders would shadow their own packages; rename a module, or
    set ``--import-mode=importlib`` where that run's configuration allows)."""
    for project in ctx.ws.projects:
        if not _shared_basename(project.test_modules):
            continue  # modules named after different files cannot share a name (most projects)
        run = plain_pytest(ctx.ws, project)
        if run.import_mode() == "importlib":
            continue
        # All it takes from elsewhere is the run: its configuration and environment.
        uses = run_inputs(ctx.ws, run)
        yield from ctx.per_project("PD205", project, uses, functools.partial(_pd205, ctx, project, run))
    for folder in ctx.ws.folders:
        if len(folder.projects) > 1 and _shared_basename(
            [m for p in folder.projects for m in p.test_modules]
        ):
            # Not kept as a whole: an edit to any member would compute it again, inside a recording
            # that empties the check's memo. Each member's part (_session_names) is kept instead.
            yield from _pd205_across(ctx, folder)


def _shared_basename(modules: list[TestModule]) -> bool:
    """Whether two of the modules have one file name: a module's name under the "prepend" import
    mode ends with its file name, so only such modules can be imported under one name."""
    names = set()
    for module in modules:
        name = module.path.rpartition("/")[2]
        if name in names:
            return True
        names.add(name)
    return False


def _pd205_across(ctx: Context, folder: VsCodeFolder) -> Iterator[Finding]:
    """Clashes between projects in one session of a run that collects several of them."""
    runs, dirs = _explorer_sessions(ctx, folder)
    # Not known whether the Explorer runs listed projects on their own: the folder's run counts
    # only for modules outside them (those it collects in either mode, with the same names).
    outside = dirs if project_mode(ctx.ws, folder) is None else None
    # The projects that are another project's uv workspace root, found in one pass (not per pair).
    roots = {
        id(root) for other in folder.projects if (root := _uv_workspace_root(ctx.ws, other)) is not other
    }
    for project in folder.projects:
        if project.pytest_config is not None and id(project) in roots:
            runs.append(plain_pytest(ctx.ws, project))
    reported: set[str] = set()
    for run in runs:
        if run.import_mode() == "importlib":
            continue
        groups: dict[str, list[tuple[str, Project]]] = {}
        for project in folder.projects:
            for path, name in _session_names(ctx, run, project):
                if outside is None or run.kind != "explorer" or innermost(outside, path) == folder.dir:
                    groups.setdefault(name, []).append((path, project))
        for name, items in sorted(groups.items()):
            owners = {project.dir for _, project in items}
            if len(owners) < 2:
                continue  # within one project: its own run's finding
            first_owner = items[0][1].dir
            for path, project in items:
                if project.dir == first_owner or path in reported:
                    continue
                reported.add(path)
                others = [p for p, owner in items if owner.dir != project.dir]
                yield PD205.at(
                    path,
                    ctx.first_line(path),
                    f"`{path}` (of `{project.dir}`) and {', '.join(f'`{o}`' for o in others)} are both "
                    f"imported as module `{name}` when {run.label} collects them in one session: pytest "
                    'stops collection with "import file mismatch". Rename one, or set '
                    "`--import-mode=importlib` in the configuration that run reads (then neither a root "
                    "`conftest.py` nor the test folders are put on sys.path). No fix is applied: "
                    "`__init__.py` files up to the projects' folders would shadow their own packages.",
                    None,
                    related=tuple(ctx.related(o, (0, 0), "imported under the same name") for o in others),
                )


def _explorer_sessions(ctx: Context, folder: VsCodeFolder) -> tuple[list[Run], list[str]]:
    """The Test Explorer's runs of a folder (one per project in project mode, else the folder's
    own) and the folders of its projects."""
    dirs = project_dirs(ctx.ws, folder)
    if project_mode(ctx.ws, folder) is True:
        return [project_run(ctx.ws, folder, d) for d in dirs], dirs
    return [folder_run(ctx.ws, folder)], dirs


def _session_names(ctx: Context, run: Run, project: Project) -> list[tuple[str, str]]:
    """(path, module name) of the project's modules one session of ``run`` collects, kept across
    checks per project (see Workspace.kept): an edit to one member re-reads that member only."""
    return ctx.ws.kept(
        ("PD205-session", project.dir, run_key(run)),
        [project],
        run_inputs(ctx.ws, run),
        lambda: [(m.path, _module_name(ctx, m.path)) for m in _one_session(ctx, run, project)],
    )


def _pd205(ctx: Context, project: Project, run: Run) -> Iterator[Finding]:
    groups: dict[str, list[str]] = {}
    for module in _one_session(ctx, run, project):
        groups.setdefault(_module_name(ctx, module.path), []).append(module.path)
    clashes = {name: paths for name, paths in groups.items() if len(paths) > 1}
    if not clashes:
        return
    for name, paths in sorted(clashes.items()):
        folders = _package_chain(ctx, paths)
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
                "Rename one or add `__init__.py` files. (`--import-mode=importlib` avoids the "
                "clash too, but then neither a root `conftest.py` nor the test folders are put on "
                "sys.path, so imports that rely on that break under plain `pytest`.)",
                fix,
                related=tuple(ctx.related(o, (0, 0), "imported under the same name") for o in others),
            )


def _package_chain(ctx: Context, paths: list[str]) -> list[str]:
    """Folders that need ``__init__.py`` so clashing modules get distinct dotted names: each
    module's folder and its parents up to (not including) the folder all of them share."""
    common = _common_folder([parent(p) for p in paths])
    folders: set[str] = set()
    for path in paths:
        folder = parent(path)
        while folder != common and folder not in (".", ""):
            if not ctx.ws.has_file(folder, "__init__.py"):
                folders.add(folder)
            folder = parent(folder)
    return sorted(folders)


def _common_folder(folders: list[str]) -> str:
    split = [f.split("/") if f != "." else [] for f in folders]
    common: list[str] = []
    for items in zip(*split):
        if len(set(items)) != 1:
            break
        common.append(items[0])
    return "/".join(common) or "."


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
    dependency, a requirements file, a tox/nox/hatch environment, a pdm or
    poetry group, or a conda ``environment.yml``. Otherwise ``uv sync`` leaves it out and
    the Test Explorer reports "pytest not installed". The fix adds ``pytest`` to
    ``[dependency-groups] dev`` (with the version found in ``.venv`` as lower
    bound). Dependencies declared by an enclosing workspace project count."""
    projects = ctx.ws.projects
    for project in projects:
        if not project.test_modules or not project.uses_pytest:
            continue
        if pytest_declared(ctx.ws, project):
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
