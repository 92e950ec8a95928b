"""PD6xx: environment drift, where the terminal, the Test Explorer, its debugger and CI differ."""

from __future__ import annotations

import os
import shlex
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, cast

from pyproj_doctor.findings import Applicability, Finding, Severity
from pyproj_doctor.fixes.builders import json_append, json_remove, json_set
from pyproj_doctor.rules.base import Context, FixOutcome, NoFix, rule
from pyproj_doctor.workspace.declared import declared_names
from pyproj_doctor.workspace.imports import explorer_venv, failures, first_party, folder_run, project_run
from pyproj_doctor.workspace.launch import (
    EnvVar,
    Launch,
    LaunchConfig,
    env_file,
    env_words,
    option_words,
    read_env,
    read_launch,
)
from pyproj_doctor.workspace.test_projects import project_dirs, project_mode
from pyproj_doctor.workspace.vscode import SettingRef, VsCodeFolder

PYTEST_ARGS = "python.testing.pytestArgs"
USE_ENV_FILE = "python.terminal.useEnvFile"
PYTEST_ENABLED = "python.testing.pytestEnabled"
ADDOPTS = "PYTEST_ADDOPTS"
NO_COV = "--no-cov"
TERMINAL_ENV = (
    "terminal.integrated.env.linux",
    "terminal.integrated.env.osx",
    "terminal.integrated.env.windows",
)
# The configuration the fix adds: the form of the VS Code Python testing docs ("Debug tests"), with
# pytest-cov switched off for debug runs only.
DEBUG_TESTS: dict[str, Any] = {
    "name": "Python: Debug Tests",
    "type": "debugpy",
    "request": "launch",
    "program": "${file}",
    "purpose": ["debug-test"],
    "console": "integratedTerminal",
    "env": {ADDOPTS: NO_COV},
}


def _is_cov(word: str) -> bool:
    return word == "--cov" or word.startswith("--cov=")


def _disables_cov(words: list[str]) -> bool:
    """``--no-cov`` (pytest-cov then measures nothing, wherever it stands) or ``-p no:pytest_cov``."""
    if NO_COV in words:
        return True
    return any(a == "-p" and b in ("no:pytest_cov", "no:cov") for a, b in zip(words, words[1:])) or any(
        w in ("-pno:pytest_cov", "-pno:cov") for w in words
    )


@dataclass(frozen=True)
class _CovSite:
    path: str
    span: tuple[int, int]
    where: str  # "`addopts` in pyproject.toml" / "`python.testing.pytestArgs`"


def _cov_sites(ctx: Context, folder: VsCodeFolder) -> tuple[list[_CovSite], list[str]]:
    """Where the Test Explorer's pytest gets ``--cov``, and every option word it runs with."""
    ws = ctx.ws
    sites: list[_CovSite] = []
    words: list[str] = []
    ref = ws.setting(folder, PYTEST_ARGS)
    if ref is not None and isinstance(ref.value, list) and ref.prop.value_node is not None:
        for item, value in zip(ref.prop.value_node.children, ref.value):
            if isinstance(value, str):
                words.append(value)
                if _is_cov(value):
                    sites.append(
                        _CovSite(ref.path, (item.offset, item.end), f"`{PYTEST_ARGS}` in {ref.path}")
                    )
    config = folder_run(ws, folder).config  # the run's interpreter plays no part here
    option = config.get("addopts") if config is not None else None
    if config is not None and option is not None:
        for word in option.words:
            words.append(word.text)
            if _is_cov(word.text):
                sites.append(_CovSite(config.path, (word.start, word.end), f"`addopts` in {config.path}"))
    return sites, words


def _cov_available(ctx: Context, folder: VsCodeFolder) -> bool:
    """pytest-cov is in the interpreter the Test Explorer uses, or (no environment yet) declared."""
    venv = explorer_venv(ctx.ws, folder)
    if venv is not None:
        return "pytest-cov" in venv.dists
    return any("pytest-cov" in declared_names(ctx.ws, p, ("pytest", "pytest-cov")) for p in folder.projects)


def _env_addopts(ctx: Context, folder: VsCodeFolder) -> list[str]:
    """``PYTEST_ADDOPTS`` from the folder's env file: the Test Explorer's runs and debug runs get it."""
    rel = env_file(ctx.ws, folder)
    if rel is None:
        return []
    return [w for var in read_env(ctx.ws, rel) if var.name == ADDOPTS for w in option_words(var.value)]


@rule(
    "PD601",
    "coverage-stops-debugging",
    Severity.WARNING,
    "pytest-cov's `--cov` runs when the Test Explorer debugs a test, so breakpoints are not hit",
    fix=Applicability.SAFE,
)
def PD601(ctx: Context) -> Iterator[Finding]:
    """The Test Explorer runs and debugs tests with ``addopts`` and
    ``python.testing.pytestArgs``. With ``--cov`` there, pytest-cov starts
    coverage's tracer, which takes over the trace hook the debugger relies on
    (both use ``sys.settrace``), so breakpoints in a debugged test are not hit;
    the VS Code Python docs advise ``--no-cov`` for debug runs, set as
    ``"env": {"PYTEST_ADDOPTS": "--no-cov"}`` in a ``launch.json``
    configuration with ``"purpose": ["debug-test"]`` (the one the Test
    Explorer's debugger uses). Silent when pytest-cov is neither installed nor
    declared, when ``--no-cov`` is already in effect, or when that debug
    configuration sets it. A warning when the folder enables pytest for the
    Test Explorer, else a hint. The fix adds ``--no-cov`` to the debug
    configuration's ``PYTEST_ADDOPTS``, marks an existing configuration that
    already sets it as the debug-test one, or adds such a configuration; runs
    and CI keep measuring coverage."""
    ws = ctx.ws
    for folder in ws.folders:
        sites, words = _cov_sites(ctx, folder)
        if not sites or not _cov_available(ctx, folder):
            continue
        env_addopts = _env_addopts(ctx, folder)
        if _disables_cov(words) or _disables_cov(env_addopts):
            continue  # coverage is off for every run VS Code starts
        launch = read_launch(ws, folder)
        debug = launch.debug_test()
        if debug is not None and _disables_cov(option_words(debug.env_value(ADDOPTS) or "")):
            continue
        severity = Severity.WARNING if ws.setting_is_true(folder, PYTEST_ENABLED) else Severity.HINT
        site = sites[0]
        related = tuple(ctx.related(s.path, s.span, f"`--cov` also in {s.where}") for s in sites[1:])
        lookalike = None if debug is not None else _no_cov_lookalike(launch)
        if debug is not None:
            fix = _add_no_cov(ctx, debug)
            node = debug.node.get("name")
            span = (node.offset, node.end) if node is not None else (debug.node.offset, debug.node.offset + 1)
            related += (ctx.related(debug.path, span, "the configuration the Test Explorer debugs with"),)
            what = (
                f"the debug configuration {debug.value.get('name')!r} in {debug.path} does not set "
                f"`{ADDOPTS}` to `{NO_COV}`"
            )
            does = f"The fix adds `{NO_COV}` to its `{ADDOPTS}`"
        elif lookalike is not None:
            fix = ctx.json_fix(
                f"Use {lookalike.value.get('name')!r} in {lookalike.path} for debugging tests",
                lookalike.path,
                [_purpose_op(lookalike)],
            )
            node = lookalike.env_node(ADDOPTS)
            assert node is not None
            related += (
                ctx.related(
                    lookalike.path,
                    (node.offset, node.end),
                    'sets `--no-cov`; without `"purpose": ["debug-test"]` the Test Explorer does not use it',
                    site=True,
                ),
            )
            what = (
                f"{lookalike.value.get('name')!r} in {lookalike.path} sets `{NO_COV}` but lacks "
                '`"purpose": ["debug-test"]`, so the Test Explorer does not debug with it'
            )
            does = 'The fix adds `"purpose": ["debug-test"]` to it'
        else:
            fix = _new_debug_config(ctx, launch)
            what = "no debug configuration turns it off"
            does = f'The fix adds a `"purpose": ["debug-test"]` configuration to {launch.path} that sets it'
        yield PD601.at(
            site.path,
            ctx.range(site.path, site.span),
            f"`--cov` in {site.where} starts pytest-cov's coverage tracer in every test the Test Explorer "
            f"runs or debugs, and {what}: coverage takes over the trace hook the debugger uses, so "
            f"breakpoints in debugged tests are not hit. {does}; runs and CI still measure coverage.",
            fix,
            severity=severity,
            related=related,
        )


def _no_cov_lookalike(launch: Launch) -> LaunchConfig | None:
    """A Python launch configuration that sets ``--no-cov`` but is not a debug-test one."""
    for config in launch.configs:
        launches = config.is_python and config.value.get("request") == "launch"
        if launches and _disables_cov(option_words(config.env_value(ADDOPTS) or "")):
            return config
    return None


def _purpose_op(config: LaunchConfig) -> Any:
    purpose = config.value.get("purpose")
    if isinstance(purpose, list):
        return json_append((*config.json_path, "purpose"), "debug-test")
    return json_set((*config.json_path, "purpose"), ["debug-test"])


def _add_no_cov(ctx: Context, config: LaunchConfig) -> FixOutcome:
    env = config.value.get("env")
    if env is not None and not isinstance(env, dict):
        return NoFix(f"`env` of {config.value.get('name')!r} in {config.path} is not an object")
    current = config.env_value(ADDOPTS)
    if current is None and isinstance(env, dict) and ADDOPTS in env:
        return NoFix(f"`env.{ADDOPTS}` of {config.value.get('name')!r} in {config.path} is not a string")
    value = f"{current} {NO_COV}".strip() if current else NO_COV
    return ctx.json_fix(
        f"Set {ADDOPTS} to {value!r} in {config.value.get('name')!r} of {config.path}",
        config.path,
        [json_set((*config.json_path, "env", ADDOPTS), value)],
    )


def _new_debug_config(ctx: Context, launch: Launch) -> FixOutcome:
    if launch.refused is not None:
        return NoFix(f"the Python extension ignores it: {launch.refused}")
    description = f"Add a debug-test configuration with {ADDOPTS}={NO_COV} to {launch.path}"
    if launch.path.endswith("launch.json") and not ctx.ws.snapshot.is_file(launch.path):
        return ctx.json_fix(
            description,
            launch.path,
            [json_set(("version",), "0.2.0"), json_set(("configurations",), [DEBUG_TESTS])],
        )
    array = launch.prefix
    doc = ctx.ws.settings_doc(launch.path)
    if doc is not None and doc.find(array) is None:
        return ctx.json_fix(description, launch.path, [json_set(array, [DEBUG_TESTS])])
    return ctx.json_fix(description, launch.path, [json_append(array, DEBUG_TESTS)])


# ------------------------------------------------------------------ terminal.integrated.env.*
def _pythonpath_entries(ctx: Context, folder: VsCodeFolder, value: str) -> list[str]:
    """Absolute folders of a terminal PYTHONPATH value that exist in the workspace (variables other
    than ``${workspaceFolder}`` are left out: their value is not known here)."""
    base = ctx.ws.snapshot.abspath(folder.dir)
    separator = ";" if ";" in value else ":"
    out = []
    for item in value.split(separator):
        item = item.strip().replace("${workspaceFolder}", base)
        if not item or "$" in item:
            continue
        path = os.path.normpath(item if os.path.isabs(item) else os.path.join(base, item))
        rel = os.path.relpath(path, ctx.ws.snapshot.root)
        if not rel.startswith("..") and ctx.ws.exists(path):
            out.append(path)
    return out


def _seen_by_explorer(ctx: Context, folder: VsCodeFolder) -> set[str]:
    """Folders the Test Explorer's run has on ``sys.path`` anyway: pytest's ``pythonpath`` option
    (every run gets it) and PYTHONPATH of the folder's env file (the Python extension merges it in;
    that CI lacks it is PD201's to say). Unless the Test Explorer is known not to run projects on
    their own, each listed project's run counts too, with its own configuration (a folder one of
    them has is not called missing from the Test Explorer)."""
    runs = [folder_run(ctx.ws, folder)]  # once per check (its interpreter plays no part here)
    if project_mode(ctx.ws, folder) is not False:
        runs += [project_run(ctx.ws, folder, rel) for rel in project_dirs(ctx.ws, folder)[1:]]
    seen: set[str] = set()
    for run in runs:
        seen |= set(run.env_paths)
        config = run.config
        option = config.get("pythonpath") if config is not None else None
        if config is not None and option is not None:
            # Once per configuration: a uv workspace root's pythonpath names every member, and
            # every folder's run reads it.
            key = ("pythonpath-folders", config.path, config.table, config.section)
            folders = ctx.ws.memo.get(key)
            if folders is None:
                base = ctx.ws.snapshot.abspath(config.folder)
                folders = ctx.ws.memo[key] = {
                    os.path.normpath(os.path.join(base, w.text)) for w in option.words
                }
            seen |= cast("set[str]", folders)
    return seen


def _env_file_replaces(ctx: Context, folder: VsCodeFolder) -> str | None:
    """The env file whose PYTHONPATH new terminals get instead of ``terminal.integrated.env.*``'s.

    With ``python.terminal.useEnvFile`` on, the Python Environments extension puts the env file's
    variables into an environment variable collection with ``replace`` (its
    ``terminalEnvVarInjector.ts``), and VS Code applies those collections after the settings' env."""
    if not ctx.ws.setting_is_true(folder, USE_ENV_FILE):
        return None
    rel = env_file(ctx.ws, folder)
    if rel is None or not any(var.name == "PYTHONPATH" for var in read_env(ctx.ws, rel)):
        return None
    return rel


@rule(
    "PD602",
    "terminal-only-pythonpath",
    Severity.INFORMATION,
    "PYTHONPATH in terminal.integrated.env.* reaches only the integrated terminal",
)
def PD602(ctx: Context) -> Iterator[Finding]:
    """``terminal.integrated.env.linux`` (``osx``, ``windows``) sets
    variables for the terminals VS Code opens, nothing else. The Test
    Explorer runs pytest as a child process of the Python extension with
    the variables of ``python.envFile``, Pylance gets its search path from
    its settings (and that file), and CI has neither: a ``PYTHONPATH`` set
    only there makes ``pytest`` typed in the terminal pass while those
    fail to import. Silent for the folders pytest's own ``pythonpath`` or
    the env file's PYTHONPATH already gives the Test Explorer. With
    ``python.terminal.useEnvFile`` on and a PYTHONPATH in the env file,
    new terminals get that one instead (the Python Environments extension
    replaces the variable), so the setting reaches nothing at all. Put the
    folders in pytest's ``pythonpath`` (and Pylance's ``extraPaths``)."""
    ws = ctx.ws
    for folder in ws.folders:
        refs = [ref for key in TERMINAL_ENV for ref in ws.every_setting(folder, key)]
        if not refs:
            continue  # the folder sets no terminal environment: nothing to judge
        covered = _seen_by_explorer(ctx, folder)
        replaced_by = _env_file_replaces(ctx, folder)
        for ref in refs:
            yield from _terminal_finding(ctx, folder, ref, covered, replaced_by)


def _terminal_finding(
    ctx: Context, folder: VsCodeFolder, ref: SettingRef, covered: set[str], replaced_by: str | None
) -> Iterator[Finding]:
    node = ref.prop.value_node
    if node is None or node.type != "object" or not isinstance(ref.value, dict):
        return
    prop = node.property("PYTHONPATH")
    value = ref.value.get("PYTHONPATH")
    if prop is None or not isinstance(value, str):
        return
    entries = [e for e in _pythonpath_entries(ctx, folder, value) if e not in covered]
    if not entries:
        return
    root = ctx.ws.snapshot.abspath(folder.dir)
    labels = ", ".join(f"`{os.path.relpath(e, root).replace(os.sep, '/')}`" for e in entries)
    fix = "List the folder(s) in pytest's `pythonpath` (and Pylance's `extraPaths`) so every run sees them."
    if replaced_by is not None:
        message = (
            f"PYTHONPATH in `{ref.key}` never takes effect: with `{USE_ENV_FILE}` on, new terminals get "
            f"PYTHONPATH from {replaced_by} instead, so {labels} reaches no run at all (not the "
            f"terminal, the Test Explorer, Pylance or CI). {fix}"
        )
    else:
        message = (
            f"PYTHONPATH in `{ref.key}` adds {labels} only to VS Code's integrated terminal: the Test "
            "Explorer's runs, Pylance and CI do not get it, so `pytest` typed in that terminal can pass "
            f"while they fail to import. {fix}"
        )
    yield PD602.at(ref.path, ctx.range(ref.path, (prop.offset, prop.end)), message)


# ------------------------------------------------------------------------------- .env PYTHONPATH
@rule(
    "PD603",
    "env-pythonpath-missing",
    Severity.WARNING,
    "PYTHONPATH in the .env file names a folder that does not exist",
)
def PD603(ctx: Context) -> Iterator[Finding]:
    """The Python extension adds PYTHONPATH from ``python.envFile``
    (default ``.env``) to the Test Explorer's runs and its debug runs,
    and with ``python.terminal.useEnvFile`` to new terminals. An entry
    naming a folder that does not exist adds nothing: an absolute path
    from another machine, or a folder that was renamed, so the imports it
    was meant to serve fail there (and were never served in CI, which does
    not read ``.env``). The Python extension also sends the variable to
    the language server as ``_envPYTHONPATH``, which Pylance's server adds
    to ``extraPaths`` and the pyright language server ignores (checked with
    pyright 1.1.414): the entry adds nothing there either way, so the
    message says nothing about the editor's analysis. Relative entries are
    taken from the workspace folder; entries with variables other than
    ``${workspaceFolder}`` are not judged. A warning while a first-party
    test import fails in the runs the entry reaches (the Test Explorer's,
    and plain ``pytest`` in the terminal with ``python.terminal.useEnvFile``);
    once every one of them resolves without it, the dead entry breaks nothing
    and is information."""
    ws = ctx.ws
    seen: set[str] = set()
    for folder in ws.folders:
        rel = env_file(ws, folder)
        if rel is None or rel in seen:
            continue
        seen.add(rel)
        for var in read_env(ws, rel):
            if var.name == "PYTHONPATH":
                yield from _missing_entries(ctx, folder, rel, var)


def _reached_runs_fail(ctx: Context, folder: VsCodeFolder) -> bool:
    """Whether a first-party test import fails in a run the env file reaches."""
    terminal = ctx.ws.setting_is_true(folder, USE_ENV_FILE)
    names = first_party(ctx.ws)
    return any(
        failure.run.kind == "explorer" or terminal
        for project in folder.projects
        for failure in failures(ctx.ws, project, names)
    )


def _missing_entries(ctx: Context, folder: VsCodeFolder, rel: str, var: EnvVar) -> Iterator[Finding]:
    failing: bool | None = None  # asked once, and only when an entry is missing
    base = ctx.ws.snapshot.abspath(folder.dir)
    for word in env_words(var):
        item = word.text.replace("${workspaceFolder}", base)
        if "$" in item or item.startswith("~"):
            continue
        path = os.path.normpath(item if os.path.isabs(item) else os.path.join(base, item))
        if ctx.ws.exists(path):
            continue
        where = (
            "an absolute path, which exists only on the machine that wrote it"
            if os.path.isabs(word.text)
            else "a folder that does not exist"
        )
        if failing is None:
            failing = _reached_runs_fail(ctx, folder)
        adds_nothing = (
            f"PYTHONPATH in {rel} names {word.text!r}, {where}: it adds nothing to the Test Explorer's "
            "runs (nor, with `python.terminal.useEnvFile`, to new terminals)"
        )
        if failing:
            message = (
                f"{adds_nothing}, so imports it was meant to serve fail there. "
                "Point it at the folder that holds the packages, or remove it."
            )
        else:
            message = f"{adds_nothing}, and every test import resolves without it. Remove it."
        yield PD603.at(
            rel,
            ctx.range(rel, (word.start, word.end)),
            message,
            severity=None if failing else Severity.INFORMATION,
        )


# ------------------------------------------------------------------ PYTEST_ADDOPTS in launch.json
# Options that decide which tests run: in the debug configuration only, debugging a test they
# leave out runs nothing. `--no-cov`, `-s`, `-v`, `--tb` and the like change no outcome: not judged.
SELECTING = frozenset(
    {"-k", "-m", "--deselect", "--lf", "--last-failed", "--sw", "--stepwise", "--ignore", "--ignore-glob"}
)
# Options that change where pytest's configuration and imports come from.
TAKES_VALUE = frozenset(
    {"-k", "-m", "--deselect", "--ignore", "--ignore-glob", "--import-mode", "-c", "--config-file"}
    | {"--rootdir", "-o", "--override-ini", "--confcutdir"}
)
IMPORTING = frozenset(
    {"--import-mode", "-c", "--config-file", "--rootdir", "-o", "--override-ini", "--pyargs", "--confcutdir"}
)


def _option_name(word: str) -> str:
    if word.startswith("--"):
        return word.split("=", 1)[0]
    return word[:2] if word.startswith("-") and len(word) > 2 else word


def _flagged(words: list[str], names: frozenset[str]) -> tuple[list[str], list[str]]:
    """The options of ``names`` (with their values) and the words left without them."""
    flagged: list[str] = []
    kept: list[str] = []
    skip = False
    for index, word in enumerate(words):
        if skip:
            skip = False
            flagged[-1] += f" {word}"
            continue
        name = _option_name(word)
        if name not in names:
            kept.append(word)
            continue
        flagged.append(word)
        # `-k smoke` and `--ignore x` take the next word; `-ksmoke` and `--ignore=x` do not.
        skip = word == name and name in TAKES_VALUE and index + 1 < len(words)
    return flagged, kept


@rule(
    "PD604",
    "debug-only-pytest-options",
    Severity.WARNING,
    "PYTEST_ADDOPTS of the Test Explorer's debug configuration selects tests or changes imports",
    fix=Applicability.UNSAFE,
)
def PD604(ctx: Context) -> Iterator[Finding]:
    """``env`` of the configuration the Test Explorer debugs with (the
    first with ``"purpose": ["debug-test"]`` or ``"request": "test"``)
    applies to debug runs only: ``PYTEST_ADDOPTS`` there makes a debugged
    test run differently from the same test run, and from CI. Options that
    select tests (``-k``, ``-m``, ``--deselect``, ``--lf``, ``--ignore``…)
    make debugging a test they leave out run nothing, silently (a warning);
    options that change the configuration or imports (``-c``,
    ``--rootdir``, ``--import-mode``, ``-o``…) make the debugged
    test import what the runs do not (information). ``--no-cov``, output
    and traceback options change no outcome and are not reported. Move the
    option to ``addopts`` so runs and debugging agree, or drop it."""
    ws = ctx.ws
    for folder in ws.folders:
        debug = read_launch(ws, folder).debug_test()
        node = debug.env_node(ADDOPTS) if debug is not None else None
        value = debug.env_value(ADDOPTS) if debug is not None else None
        if debug is None or node is None or value is None:
            continue
        words = option_words(value)
        selecting, _ = _flagged(words, SELECTING)
        importing, _ = _flagged(words, IMPORTING)
        if not selecting and not importing:
            continue
        _, kept = _flagged(words, SELECTING | IMPORTING)
        path = (*debug.json_path, "env", ADDOPTS)
        new = shlex.join(kept)
        fix = ctx.json_fix(
            f"Set {ADDOPTS} of {debug.value.get('name')!r} to {new!r} in {debug.path}"
            if kept
            else f"Remove {ADDOPTS} from {debug.value.get('name')!r} in {debug.path}",
            debug.path,
            [json_set(path, new) if kept else json_remove(path)],
        )
        name = debug.value.get("name")
        if selecting:
            what = (
                f"selects tests ({', '.join(f'`{w}`' for w in selecting)}): debugging a test it leaves "
                "out runs nothing, without an error"
            )
        else:
            what = (
                f"changes pytest's configuration or imports ({', '.join(f'`{w}`' for w in importing)}): "
                "a debugged test can import other code than the same test run"
            )
        yield PD604.at(
            debug.path,
            ctx.range(debug.path, (node.offset, node.end)),
            f"`{ADDOPTS}` of {name!r}, the configuration the Test Explorer debugs with, applies to debug "
            f"runs only and {what}. Move the option to pytest's `addopts` so runs, debugging and CI "
            "agree, or remove it. The fix removes it from the debug configuration (unsafe: it drops "
            "what you wrote).",
            fix,
            severity=None if selecting else Severity.INFORMATION,
        )
