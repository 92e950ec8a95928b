"""What a real pytest run puts on ``sys.path``, and where each import then comes from.

Two invocations matter (FACTS.md, "Learned since"):

* plain ``pytest`` in the project folder, as CI runs it: a console script, so
  the current folder is *not* on ``sys.path``;
* the Test Explorer: ``python -m pytest -p vscode_pytest --collect-only
  <python.testing.pytestArgs> --rootdir=<cwd>`` from ``python.testing.cwd`` (or
  the workspace folder), with the variables of the ``.env`` file: ``-m`` puts
  the cwd first on ``sys.path``.

pytest finds its configuration from the common folder of the path arguments
(or the cwd), walking up. In the default ``prepend`` import mode each test
module and each ``conftest.py`` puts its *basedir* (the first folder upward
without ``__init__.py``) in front of ``sys.path``; ``pythonpath`` entries are
inserted relative to the configuration file's folder; the environment's
``.pth`` path lines come last. Nothing here runs workspace code.
"""

from __future__ import annotations

import fnmatch
import functools
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, cast

from pyproj_doctor.workspace.paths import join, parent, within
from pyproj_doctor.workspace.projects import Project
from pyproj_doctor.workspace.pytest_config import PytestConfig, find_config, has_glob
from pyproj_doctor.workspace.venv import Venv
from pyproj_doctor.workspace.vscode import VsCodeFolder
from pyproj_doctor.workspace.workspace import Workspace

DEFAULT_NORECURSE = ("*.egg", ".*", "_darcs", "build", "CVS", "dist", "node_modules", "venv", "{arch}")
PYTEST_CWD = "python.testing.cwd"
PYTEST_ARGS = "python.testing.pytestArgs"
ENV_FILE = "python.envFile"
# pytest options that take a separate value, so the next argument is not a path.
_VALUE_OPTIONS_TEXT = (
    "-k -m -c -p -o -W -n -r --rootdir --ignore --ignore-glob --deselect --confcutdir --basetemp "
    "--import-mode --junitxml --junit-xml --cov --cov-report --cov-config --tb --maxfail --log-level "
    "--log-cli-level --log-file --durations --capture --override-ini --config-file --dist --numprocesses"
)
VALUE_OPTIONS = frozenset(_VALUE_OPTIONS_TEXT.split())
PYARGS = "--pyargs"


@dataclass
class Run:
    """One pytest invocation: where it starts, what it is given, what it reads."""

    kind: str  # pytest | explorer
    cwd: str  # workspace-relative
    args: list[str]  # workspace-relative paths given on the command line
    config: PytestConfig | None
    rootdir: str
    venv: Venv | None
    env_paths: list[str] = field(default_factory=list)  # absolute PYTHONPATH entries from .env
    # Project mode (see test_projects.py): the project whose run this is, and the nested
    # projects it is given ``--ignore=<absolute path>`` for (workspace-relative here).
    project: str | None = None
    ignores: tuple[str, ...] = ()
    key: tuple[object, ...] | None = field(default=None, compare=False, repr=False)  # see run_key

    @property
    def label(self) -> str:
        if self.kind == "pytest":
            where = "the project folder" if self.cwd == "." else f"`{self.cwd}`"
            return f"plain `pytest` in {where}"
        # The Explorer starts in the workspace folder, whichever project the finding is about.
        where = "the workspace folder" if self.cwd == "." else f"`{self.cwd}`"
        if self.project is not None:
            whose = "the workspace folder's project" if self.project == "." else f"project `{self.project}`"
            return f"the Test Explorer's run of {whose} (`python -m pytest` in {where})"
        return f"the Test Explorer (`python -m pytest` in {where})"

    def import_mode(self) -> str:
        return (self.config.import_mode() if self.config is not None else None) or "prepend"

    def addopts(self) -> list[str]:
        option = self.config.get("addopts") if self.config is not None else None
        return [w.text for w in option.words] if option is not None else []

    def start_dirs(self, ws: Workspace) -> list[str]:
        """The folders (or files) collection starts from."""
        if self.args:
            return self.args
        testpaths = self.config.get("testpaths") if self.config is not None else None
        if testpaths is not None and self.cwd == self.rootdir:
            found = []
            for word in (w.text for w in testpaths.words):
                rel = _norm(join(self.cwd, word))
                if has_glob(word):
                    # On the scanned tree: a glob never walks the disk nor leaves the workspace.
                    found.extend(ws.glob_paths(rel))
                elif ws.snapshot.exists(rel):
                    found.append(rel)
            if found:
                return found
        return [self.cwd]


def _norm(path: str) -> str:
    clean = os.path.normpath(path).replace(os.sep, "/")
    return "." if clean in ("", ".") else clean


def plain_pytest(ws: Workspace, project: Project) -> Run:
    """``pytest`` with no arguments in the project folder."""
    config = project.pytest_config
    rootdir = config.folder if config is not None else project.dir
    return Run("pytest", project.dir, [], config, rootdir, project.venv)


def explorer_args(ws: Workspace, folder: VsCodeFolder, start: str | None = None) -> tuple[str, list[str]]:
    """The Test Explorer's cwd and the path arguments of ``pytestArgs`` (workspace-relative).

    ``start``: the project folder a run of project mode starts in unless ``python.testing.cwd``
    is set (the folder's settings apply to each of its projects)."""
    cwd = folder.dir if start is None else start
    ref = ws.setting(folder, PYTEST_CWD)
    if ref is not None and isinstance(ref.value, str):
        value = ref.value.replace("${workspaceFolder}", ".").replace("${workspaceRoot}", ".")
        if "${" not in value and not os.path.isabs(value):
            candidate = _norm(join(folder.dir, value))
            if not candidate.startswith("..") and ws.snapshot.exists(candidate):
                cwd = candidate
    args: list[str] = []
    ref = ws.setting(folder, PYTEST_ARGS)
    if ref is not None and isinstance(ref.value, list):
        for _, arg in positional_args(ref.value):
            rel = _norm(join(cwd, arg.split("::", 1)[0]))
            if not rel.startswith("..") and ws.snapshot.exists(rel):
                args.append(rel)
    return cwd, args


def positional_args(args: list[Any], value_options: frozenset[str] = VALUE_OPTIONS) -> list[tuple[int, str]]:
    """The positional arguments of a pytest command line, with their indexes in ``args``.

    Options are skipped, and so is the value after an option in ``value_options``.
    ``--pyargs`` is a flag (it takes no value): see ``uses_pyargs``.
    """
    return [(index, arg) for index, arg, option in _words(args, value_options) if not option]


def uses_pyargs(args: list[Any], value_options: frozenset[str] = VALUE_OPTIONS) -> bool:
    """Whether ``--pyargs`` is among the options of a pytest command line.

    Wherever it stands, pytest then looks every positional argument up as a dotted
    module name on ``sys.path`` first (``importlib.util.find_spec``) and takes it as a
    path only when no such module is found: what an argument names depends on the
    interpreter's import path, not only on the files in the folder.
    """
    return any(option and arg == PYARGS for _, arg, option in _words(args, value_options))


def _words(args: list[Any], value_options: frozenset[str]) -> Iterator[tuple[int, str, bool]]:
    """(index, word, is an option) for the string arguments; values of options are left out."""
    skip = False
    for index, arg in enumerate(args):
        if skip:
            skip = False
            continue
        if not isinstance(arg, str):
            continue
        if arg.startswith("-"):
            skip = arg in value_options
            yield index, arg, True
            continue
        yield index, arg, False


def _common(paths: list[str]) -> str:
    if not paths:
        return "."
    parts = [p.split("/") if p != "." else [] for p in paths]
    common: list[str] = []
    for items in zip(*parts):
        if len(set(items)) != 1:
            break
        common.append(items[0])
    return "/".join(common) or "."


def explorer_run(
    ws: Workspace,
    folder: VsCodeFolder,
    venv: Venv | None,
    project: str | None = None,
    ignores: tuple[str, ...] = (),
) -> Run:
    """The Test Explorer's run of a folder, or in project mode of one of its projects (``project``,
    with the nested projects it ignores)."""
    cwd, args = explorer_args(ws, folder, project)
    start = _common([parent(a) if ws.snapshot.is_file(a) else a for a in args]) if args else cwd
    config, _ = find_config(ws.snapshot, start, ws.has_file)
    return Run("explorer", cwd, args, config, cwd, venv, env_paths(ws, folder, cwd), project, ignores)


def env_paths(ws: Workspace, folder: VsCodeFolder, cwd: str) -> list[str]:
    """PYTHONPATH from the folder's ``python.envFile`` (default ``.env``), relative entries
    resolved against ``cwd``. The Python extension loads it for the runs it starts and passes it
    to Pylance (as ``_envPYTHONPATH``); plain ``pytest`` and the pyright CLI never read it."""
    rel = join(folder.dir, ".env")
    ref = ws.setting(folder, ENV_FILE)
    if ref is not None and isinstance(ref.value, str):
        value = ref.value.replace("${workspaceFolder}/", "").replace("${workspaceFolder}", ".")
        if "${" in value or os.path.isabs(value):
            return []
        rel = _norm(join(folder.dir, value))
    text = ws.snapshot.text(rel) if ws.snapshot.is_file(rel) else None
    if not text:
        return []
    out: list[str] = []
    base = ws.snapshot.abspath(cwd)
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("export "):
            line = line[len("export ") :].strip()
        key, sep, value = line.partition("=")
        if not sep or key.strip() != "PYTHONPATH":
            continue
        value = value.strip().strip("'\"")
        for item in value.replace(";", ":").split(":"):
            item = item.replace("${workspaceFolder}", ws.snapshot.abspath(folder.dir))
            if item and "$" not in item:
                out.append(os.path.normpath(os.path.join(base, item)))
    return out


# ----------------------------------------------------------------- collection
def _norecurse(run: Run) -> tuple[str, ...]:
    option = run.config.get("norecursedirs") if run.config is not None else None
    return tuple(w.text for w in option.words) if option is not None else DEFAULT_NORECURSE


def ignore_options(run: Run) -> tuple[list[str], list[str]]:
    """``--ignore`` paths and ``--ignore-glob`` patterns of addopts (workspace-relative)."""
    paths: list[str] = []
    globs: list[str] = []
    words = run.addopts()
    for index, word in enumerate(words):
        for flag, target in (("--ignore", paths), ("--ignore-glob", globs)):
            value = None
            if word.startswith(flag + "="):
                value = word[len(flag) + 1 :]
            elif word == flag and index + 1 < len(words):
                value = words[index + 1]
            if value is not None:
                target.append(_norm(join(run.cwd, value)) if target is paths else value)
    return paths, globs


@dataclass(frozen=True)
class _Collection:
    """A run's start folders, ``--ignore`` paths, ``--ignore-glob`` and ``norecursedirs`` patterns."""

    starts: list[str]
    ignore_paths: list[str]
    ignore_globs: re.Pattern[str] | None  # matches absolute paths
    norecurse: re.Pattern[str] | None  # matches one folder name


def _any_of(patterns: list[str]) -> re.Pattern[str] | None:
    """One regular expression for ``fnmatch`` of any of the patterns (POSIX: case-sensitive)."""
    return _compiled(tuple(patterns)) if patterns else None


@functools.lru_cache(maxsize=256)
def _compiled(patterns: tuple[str, ...]) -> re.Pattern[str]:
    # Every run of every member has the same norecursedirs: translated once, not once per run.
    return re.compile("|".join(fnmatch.translate(os.path.normcase(p)) for p in patterns))


def _collection(ws: Workspace, run: Run) -> _Collection:
    key = ("collection", run_key(run))
    plan = ws.facts.get(key)
    if plan is not None and run.config is not None:
        ws.snapshot.saw(run.config.path)
    if plan is None:
        ignore_paths, globs = ignore_options(run)
        ignore_paths = [*ignore_paths, *run.ignores]
        base = ws.snapshot.abspath(run.cwd)
        absolute_globs = [p for g in globs for p in (os.path.join(base, g), g)]
        plan = ws.facts[key] = _Collection(
            run.start_dirs(ws), ignore_paths, _any_of(absolute_globs), _any_of(list(_norecurse(run)))
        )
    return cast(_Collection, plan)


def run_key(run: Run) -> tuple[object, ...]:
    """What a run is made of, as a key: within one snapshot, equal keys mean equal runs
    (configuration files and environments are read once per snapshot)."""
    if run.key is not None:
        return run.key  # a run is never changed once made
    config = run.config
    run.key = (
        run.kind,
        run.cwd,
        tuple(run.args),
        run.rootdir,
        None if config is None else (config.path, config.kind, config.table, config.section),
        None if run.venv is None else run.venv.rel,
        tuple(run.env_paths),
        run.project,
        run.ignores,
    )
    return run.key


def run_inputs(ws: Workspace, run: Run) -> tuple[object, ...]:
    """A run as a value that can be compared across checks of one disk: its key and the text
    of its configuration (the configuration is read from that file alone, environments from
    the disk alone)."""
    config = run.config
    return (run_key(run), None if config is None else ws.snapshot.version(config.path))


def collects(ws: Workspace, run: Run, path: str) -> bool:
    """Whether the run would collect the test module at ``path`` (workspace-relative)."""
    key = ("collects", run_key(run), path)
    found = ws.facts.get(key)
    if found is None:
        found = ws.facts[key] = _collects(ws, run, path)
    elif run.config is not None:
        ws.snapshot.saw(run.config.path)
    return cast(bool, found)


def _collects(ws: Workspace, run: Run, path: str) -> bool:
    plan = _collection(ws, run)
    start = next((s for s in plan.starts if within(path, s)), None)
    if start is None:
        return False
    # `--ignore` prunes only what collection walks into: a start path inside (or equal to) an ignored
    # one is collected all the same (pytest checks `--ignore` on the entries of a folder it enters).
    if any(within(path, p) and p != start and within(p, start) for p in plan.ignore_paths):
        return False
    if plan.ignore_globs is not None and plan.ignore_globs.match(os.path.normcase(ws.snapshot.abspath(path))):
        return False
    if plan.norecurse is None:
        return True
    rel = path[len(start) + 1 :] if start != "." else path
    # norecursedirs applies to folders entered during collection, not to the start folder itself.
    return not any(plan.norecurse.match(os.path.normcase(name)) for name in rel.split("/")[:-1])


# -------------------------------------------------------------------- sys.path
def basedir(ws: Workspace, path: str) -> str:
    """The folder pytest's prepend mode inserts for a module: the first one up without __init__.py."""
    folder = parent(path)
    while folder != "." and ws.has_file(folder, "__init__.py"):
        folder = parent(folder)
    if folder == "." and ws.has_file(".", "__init__.py"):
        return ".."  # above the workspace: nothing we can see
    return folder


def _conftests(ws: Workspace, run: Run, project_conftests: list[str]) -> list[str]:
    confcut = run.config.folder if run.config is not None else run.rootdir
    loaded = []
    for conftest in project_conftests:
        folder = parent(conftest)
        in_tree = any(within(folder, s) for s in run.start_dirs(ws)) and collects(ws, run, conftest)
        # conftest.py files of the start folders' ancestors, down from the confcutdir.
        above = within(folder, confcut) and any(within(s, folder) for s in run.start_dirs(ws))
        if in_tree or above:
            loaded.append(conftest)
    return loaded


Inserted = tuple[list[str], list[str]]  # see _inserted


def inserted_by(ws: Workspace, run: Run, projects: list[Project]) -> list[Inserted]:
    """What collecting each project's tests inserts on the run's ``sys.path`` (see ``_inserted``).

    Kept across checks by project (see Workspace.kept): a run at a uv workspace root collects
    every member, and an edit changes one. A value equal to the last check's is that same
    object, so ``sys_path`` of a run whose projects inserted the same is kept too."""
    mode = run.import_mode()
    inputs = run_inputs(ws, run)
    return [
        ws.kept(
            ("inserted", project.dir, inputs[0]),
            [project],
            inputs,
            functools.partial(_inserted, ws, run, project, mode),
        )
        for project in projects
    ]


def sys_path(ws: Workspace, run: Run, parts: list[Inserted]) -> list[str]:
    """Absolute folders on ``sys.path`` once the run has collected the tests whose insertions
    are ``parts`` (``inserted_by``), in order.

    Every collected module's and conftest's basedir counts, whatever the
    collection order: an import that works only thanks to another module is
    not reported (a false alarm is worse than a miss)."""
    abspath = ws.snapshot.abspath
    front = _pythonpath(ws, run.config) if run.config is not None else []
    inserted: list[str] = []
    mode = run.import_mode()
    django: list[str] = []
    for own, own_django in parts:
        inserted.extend(own)
        django.extend(own_django)
    inserted.extend(django)
    path = [*inserted, *front] if mode == "prepend" else [*front]
    if run.kind == "explorer":
        path.insert(0, abspath(run.cwd))
        path.extend(run.env_paths)
    if mode == "append":
        path.extend(inserted)
    if run.venv is not None:
        path.extend(run.venv.site_packages)
        path.extend(run.venv.pth_paths)
    return list(dict.fromkeys(path))


def _inserted(ws: Workspace, run: Run, project: Project, mode: str) -> tuple[list[str], list[str]]:
    """The folders prepend or append mode inserts for one project's collected modules and
    conftests, and those pytest-django inserts (in any mode)."""
    out = []
    if mode in ("prepend", "append"):
        modules = [m for m in project.test_modules if collects(ws, run, m.path)]
        for rel in [*_conftests(ws, run, project.conftests), *(m.path for m in modules)]:
            base = basedir(ws, rel)
            if base != "..":
                out.append(ws.snapshot.abspath(base))
    return out, _django_paths(ws, run, project)


def _pythonpath(ws: Workspace, config: PytestConfig) -> list[str]:
    """The configuration's ``pythonpath`` as absolute folders, once per check: every member of
    a uv workspace runs under the root's configuration."""
    key = ("pythonpath-abs", config.path, config.kind)
    found = ws.facts.get(key)
    if found is not None:
        ws.snapshot.saw(config.path)
    else:
        found = []
        option = config.get("pythonpath")
        if option is not None:
            base = ws.snapshot.abspath(config.folder)
            found = [os.path.normpath(os.path.join(base, w.text)) for w in option.words]
        ws.facts[key] = found
    return cast("list[str]", found)


def _django_paths(ws: Workspace, run: Run, project: Project) -> list[str]:
    """pytest-django puts the folder of ``manage.py`` (found from the args or cwd upward) on sys.path."""
    declared = run.venv is not None and "pytest-django" in run.venv.dists
    if not declared:
        text = ws.snapshot.text(project.pyproject) if project.pyproject else ""
        declared = "pytest-django" in (text or "") or any(
            "pytest-django" in (ws.snapshot.text(join(project.dir, n)) or "")
            for n in ws.files(project.dir)
            if n.startswith("requirements") or n in ("tox.ini", "setup.cfg", "setup.py")
        )
    if not declared:
        return []
    out = []
    for start in run.args or [run.cwd]:
        folder: str | None = start if not ws.snapshot.is_file(start) else parent(start)
        while folder is not None:
            if ws.has_file(folder, "manage.py"):
                out.append(ws.snapshot.abspath(folder))
                break
            folder = None if folder == "." else parent(folder)
    return out


@dataclass(frozen=True)
class Resolution:
    kind: str  # regular | namespace | missing
    where: tuple[str, ...] = ()  # absolute path of the module or package (every namespace portion)


def resolve_in(ws: Workspace, path_entries: list[str], name: str) -> Resolution:
    """``resolve``, looking closely only at the entries that hold something called ``name``:
    each folder is listed once per check, whatever the number of paths and names."""
    # Read from the disk alone: kept while the disk does not change, shared by concurrent checks
    # (a folder is listed as indexed only once its names are in).
    index = cast("_NameIndex | None", ws.disk.get(("importable-names",)))
    if index is None:
        index = ws.disk[("importable-names",)] = _NameIndex()
    if not index.folders.issuperset(path_entries):
        for entry in path_entries:
            if entry not in index.folders:
                for found in _names_in(ws, entry):
                    index.holders.setdefault(found, set()).add(entry)
                index.folders.add(entry)
    holders = index.holders.get(name)
    if not holders:
        return resolve([], name)
    # The few folders that hold the name, in path order (each time it occurs): searched at C
    # speed, since paths are long (every member's folder in a large uv workspace) and many.
    at: list[tuple[int, str]] = []
    for entry in holders:
        position = -1
        while True:
            try:
                position = path_entries.index(entry, position + 1)
            except ValueError:
                break
            at.append((position, entry))
    at.sort()
    entries = tuple(entry for _, entry in at)
    # The disk alone decides, so the answer is kept with the other disk facts.
    key = ("resolve", entries, name)
    resolution = ws.disk.get(key)
    if resolution is None:
        resolution = ws.disk[key] = resolve(list(entries), name)
    return cast(Resolution, resolution)


class _NameIndex:
    """Which folders (of any ``sys.path`` asked about) hold each name."""

    def __init__(self) -> None:
        self.folders: set[str] = set()
        self.holders: dict[str, set[str]] = {}


def _names_in(ws: Workspace, folder: str) -> frozenset[str]:
    """What ``resolve`` can find in a folder: each entry, each ``x.py`` as ``x`` and each
    extension module ``x.*.so``/``.pyd`` as ``x``. Empty when the folder cannot be listed
    (nothing can be imported from it)."""
    key = ("importable-names", folder)
    found = ws.disk.get(key)
    if found is None:
        stems: set[str] = set()
        try:
            items = os.listdir(folder)
        except OSError:
            items = []
        for item in items:
            stems.add(item)
            if item.endswith(".py"):
                stems.add(item[:-3])
            elif item.endswith((".so", ".pyd")):
                stems.add(item.split(".", 1)[0])
        found = ws.disk[key] = frozenset(stems)
    return cast("frozenset[str]", found)


def resolve(path_entries: list[str], name: str) -> Resolution:
    """Where ``import name`` lands for this ``sys.path`` (regular packages beat namespace ones)."""
    portions: list[str] = []
    for entry in path_entries:
        candidate = os.path.join(entry, name)
        if os.path.isfile(os.path.join(candidate, "__init__.py")):
            return Resolution("regular", (candidate,))
        if os.path.isfile(candidate + ".py"):
            return Resolution("regular", (candidate + ".py",))
        if os.path.isdir(candidate):
            portions.append(candidate)
        try:
            if any(n.startswith(name + ".") and n.endswith((".so", ".pyd")) for n in os.listdir(entry)):
                return Resolution("regular", (candidate,))
        except OSError:
            continue
    return Resolution("namespace", tuple(portions)) if portions else Resolution("missing")


def imports_ok(resolution: Resolution, expected_abs: str) -> bool:
    """Whether an import that should reach ``expected_abs`` (a package folder or module) does."""
    if resolution.kind == "regular":
        return True
    if resolution.kind == "namespace":
        # A namespace package is fine only when the real package is one too, in that place.
        is_regular = os.path.isfile(os.path.join(expected_abs, "__init__.py")) or expected_abs.endswith(".py")
        real = os.path.realpath(expected_abs)
        return not is_regular and any(os.path.realpath(w) == real for w in resolution.where)
    return False
