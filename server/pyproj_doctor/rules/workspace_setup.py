"""Whole-workspace setup: a folder that holds several pytest projects, each with its own configuration.

Plain ``pytest`` in an enclosing project collects the tests of every project below it, but reads
only the enclosing configuration (pytest takes the first configuration found from where it
starts, nothing is merged): a nested project's own settings do not apply there (PD207). The Test
Explorer of the Python extension runs each project listed in ``python-envs.pythonProjects`` on
its own, from that project's folder, when the Python Environments extension is in use (PD308).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import cast

from pyproj_doctor.findings import Applicability, FileChange, Finding, Related, Severity
from pyproj_doctor.fixes.builders import json_extend
from pyproj_doctor.rules.base import Context, rule
from pyproj_doctor.rules.pytest import _config_label, _config_target, _module_name, add_option_words
from pyproj_doctor.workspace.install import _uv_workspace_root
from pyproj_doctor.workspace.paths import ROOT, join, relative, within
from pyproj_doctor.workspace.projects import Project, is_test_data
from pyproj_doctor.workspace.projects import inside as projects_inside
from pyproj_doctor.workspace.pytest_config import PytestConfig, has_glob
from pyproj_doctor.workspace.runs import PYTEST_CWD, Run, collects, explorer_run, ignore_options, plain_pytest
from pyproj_doctor.workspace.test_projects import PYTHON_PROJECTS, project_dirs, project_mode
from pyproj_doctor.workspace.test_projects import listed as listed_projects
from pyproj_doctor.workspace.test_projects import nested as nested_projects
from pyproj_doctor.workspace.vscode import VsCodeFolder, shares_vscode

# What the Python Environments extension itself writes for a project (package.json defaults).
ENV_MANAGER = "ms-python.python:venv"
PACKAGE_MANAGER = "ms-python.python:pip"


def own_config(project: Project) -> PytestConfig | None:
    """The project's pytest configuration when it is the project's own (in its folder or below),
    not one found above it: such a project is meant to be run on its own."""
    config = project.pytest_config
    if config is None or project.dir == ROOT or not within(config.folder, project.dir):
        return None
    return config


def separately_configured(ctx: Context, project: Project) -> bool:
    """A nested project with tests and its own pytest configuration (not test data)."""
    return bool(
        project.dir != ROOT
        and project.test_modules
        and own_config(project) is not None
        and not is_test_data(ctx.ws, project)
    )


def add_addopts_word(ctx: Context, run: Run, word: str) -> list[FileChange]:
    """Add one word to the ``addopts`` of the configuration a run reads (or create the option)."""
    config, target = _config_target(ctx, run)
    target = config.path if config is not None else target
    if target is None:
        return []
    return add_option_words(ctx, config, target, "addopts", [word], new_list=False)


@rule(
    "PD207",
    "nested-project-collected",
    Severity.ERROR,
    "Plain pytest in an enclosing project collects a nested project that has its own pytest "
    "configuration, and a test module name clashes",
    fix=Applicability.SAFE,
)
def PD207(ctx: Context) -> Iterator[Finding]:
    """``pytest`` in a project folder collects every test module below it,
    including those of a nested project with its own pytest configuration,
    which it does not read (pytest uses the first configuration found from
    where it starts). In pytest's default ``prepend`` import mode a test module
    in a folder without ``__init__.py`` is imported under its bare file name,
    so ``tests/test_util.py`` of the enclosing project and
    ``sub/tests/test_util.py`` of the nested one collide and collection stops
    with "import file mismatch": the whole run fails, though each project
    passes on its own. The fix adds ``--ignore=<nested project>`` to the
    enclosing configuration's ``addopts``: the nested suite is left to its
    own run, with its own configuration. Silent with ``--import-mode=importlib``,
    when the nested suite is already ignored, outside ``testpaths`` or under
    ``norecursedirs``, and for a nested project meant to be run from the
    enclosing one: without its own configuration, a uv workspace member of the
    enclosing project, or named by its ``testpaths`` or ``pythonpath``
    (ignoring it would drop its tests from that run; see PD205). Silent for
    test data."""
    for outer in ctx.ws.projects:
        found = clashing_suites(ctx, outer)
        if found is None:
            continue
        run, nested, clashes = found
        for suite in sorted(clashes):
            yield _pd207(ctx, outer, run, nested[suite], clashes[suite])


Clashes = dict[
    str, list[tuple[str, list[str]]]
]  # nested project dir -> (its module, modules it clashes with)


def clashing_suites(ctx: Context, outer: Project) -> tuple[Run, dict[str, Project], Clashes] | None:
    """Plain ``pytest`` in ``outer``, the separately configured projects below it, and those whose
    test modules that run imports under the same name as another suite's (PD207's judgement).
    Computed once per check: PD207, PD304's arguments and PD308 all ask."""
    key = ("clashing-suites", outer.dir)
    if key not in ctx.ws.memo:
        ctx.ws.memo[key] = _clashing_suites(ctx, outer)
    return cast("tuple[Run, dict[str, Project], Clashes] | None", ctx.ws.memo[key])


def _clashing_suites(ctx: Context, outer: Project) -> tuple[Run, dict[str, Project], Clashes] | None:
    ws = ctx.ws
    inside = projects_inside(ws, outer)
    if len(inside) < 2:
        return None  # no project below it (most members of a monorepo): nothing nested to clash
    if is_test_data(ws, outer):
        return None
    run = plain_pytest(ws, outer)
    if run.config is not None and not within(run.config.folder, outer.dir):
        return None  # its run reads an enclosing configuration: the enclosing project's business
    if not outer.test_modules and run.config is None:
        return None  # nothing says `pytest` is run here
    if run.import_mode() == "importlib":
        return None
    named = _named_folders(ctx, run)
    nested = {
        p.dir: p
        for p in inside
        if p is not outer
        and separately_configured(ctx, p)
        # A uv workspace member, or a project the enclosing configuration names (`testpaths`,
        # `pythonpath`), is meant to be run from there too: ignoring it would drop its tests.
        and _uv_workspace_root(ws, p) is not outer
        and not any(within(folder, p.dir) for folder in named)
    }
    if not nested:
        return None
    by_name: dict[str, list[str]] = {}
    for project in inside:
        for module in project.test_modules:
            if collects(ws, run, module.path):
                by_name.setdefault(_module_name(ctx, module.path), []).append(module.path)
    clashes: Clashes = {}
    for paths in by_name.values():
        if len(paths) < 2:
            continue
        suites = {path: _suite(path, nested) for path in paths}
        for path in paths:
            owner = suites[path]
            if owner is None:
                continue
            others = [p for p in paths if suites[p] != owner]
            if others:
                clashes.setdefault(owner, []).append((path, others))
    return run, nested, clashes


def left_to_their_own_run(ctx: Context, folder_dir: str) -> set[str]:
    """Separately configured projects below the project at ``folder_dir`` that its ``pytest`` does
    not collect (an ``--ignore`` already, ``norecursedirs``…) or that PD207's fix makes it ignore:
    naming their tests in the Test Explorer's ``pytestArgs`` would collect them all the same (an
    argument is never ignored) under a configuration that is not theirs."""
    outer = next((p for p in ctx.ws.projects if p.dir == folder_dir), None)
    if outer is None:
        return set()
    found = clashing_suites(ctx, outer)
    if found is None:
        return set()
    run, nested, clashes = found
    left = set(clashes)
    for pdir, project in nested.items():
        if not any(collects(ctx.ws, run, m.path) for m in project.test_modules):
            left.add(pdir)
    return left


def _named_folders(ctx: Context, run: Run) -> list[str]:
    """The folders the run's configuration names in ``testpaths`` and ``pythonpath``."""
    if run.config is None:
        return []
    found = []
    for key in ("testpaths", "pythonpath"):
        option = run.config.get(key)
        for word in option.words if option is not None else ():
            rel = os.path.normpath(join(run.config.folder, word.text)).replace(os.sep, "/")
            found.extend(ctx.ws.glob_paths(rel) if has_glob(word.text) else [rel])
    return found


def _suite(path: str, nested: dict[str, Project]) -> str | None:
    """The innermost separately configured nested project holding ``path``."""
    holders = [d for d in nested if within(path, d)]
    return max(holders, key=len) if holders else None


def _pd207(
    ctx: Context, outer: Project, run: Run, project: Project, items: list[tuple[str, list[str]]]
) -> Finding:
    config = own_config(project)
    assert config is not None
    arg = relative(project.dir, outer.dir)
    word = f"--ignore={arg}"
    if run.config is not None:
        option = run.config.get("addopts")
        path, span = run.config.path, option.key_span if option is not None else run.config.span
        where = f"`addopts` of {_config_label(run.config)}"
        path_range = ctx.range(path, span)
    else:
        path, path_range = ctx.anchor(outer)
        where = "a new `addopts`"
    module, others = items[0]
    name = _module_name(ctx, module)
    clash = ", ".join(f"`{o}`" for o in others[:3]) + (
        f" and {len(others) - 3} more" if len(others) > 3 else ""
    )
    folder = "the project folder" if outer.dir == ROOT else f"`{outer.dir}`"
    message = (
        f"Plain `pytest` in {folder} also collects `{module}` of `{project.dir}`, a project with its "
        f"own pytest configuration ({_config_label(config)}) that this run does not read; it and "
        f'{clash} are both imported as module `{name}`, so collection stops with "import file '
        f'mismatch" and the whole run fails, though each project passes on its own.'
    )
    fix = ctx.fix(
        f"Add `{word}` to {where} so `pytest` in {folder} leaves `{project.dir}` to its own run",
        lambda: add_addopts_word(ctx, run, word),
    )
    related: list[Related] = [ctx.related(config.path, config.span, "the nested project's own configuration")]
    for path_, others_ in items:
        related.extend(
            ctx.related(o, (0, 0), f"imported as `{_module_name(ctx, path_)}` too") for o in others_[:3]
        )
    return PD207.at(path, path_range, message, fix, related=tuple(related))


@rule(
    "PD308",
    "python-project-not-listed",
    Severity.INFORMATION,
    "Nested projects with their own pytest configuration are not listed in python-envs.pythonProjects",
    fix=Applicability.SAFE,
)
def PD308(ctx: Context) -> Iterator[Finding]:
    """The Test Explorer runs pytest once for the whole VS Code folder, from
    the folder (or ``python.testing.cwd``) with the configuration found there,
    so a nested project's own pytest configuration (``pythonpath``,
    ``addopts``, markers…) is not read for its tests. With the Python
    Environments extension in use (``python.useEnvironmentsExtension``), the
    Python extension tests each project listed in
    ``python-envs.pythonProjects`` on its own: pytest starts in that
    project's folder, so it reads that project's configuration and uses its
    environment, and the enclosing project gets ``--ignore`` for it. This is
    information (a hint where no ``.vscode`` is shared or it is gitignored,
    as for PD304), one finding per VS Code folder naming every project
    missing from the list (each a related location): at the
    ``python-envs.pythonProjects`` key when the folder sets it (the list that
    is incomplete), else at the folder's own project file (the project the
    folder opens; with none there, the first missing project's). The fix
    lists them all (``path``, with the extension's default ``envManager``
    and ``packageManager``) in one edit of the folder's settings. Silent for a
    project already listed, the folder's own project, a project without tests
    or without its own configuration, test data, when the Explorer already
    reads the project's configuration (``pytestArgs`` pointing into it), and
    with ``python.testing.cwd`` set (every project's run starts there, so a
    listing changes nothing). A project the Explorer leaves out by an
    ``--ignore`` (or PD207's fix) is reported too: listed, its tests appear
    in the Test Explorer. One outside ``testpaths`` or the arguments
    (examples, fixtures) is not."""
    ws = ctx.ws
    for folder in ws.folders:
        if ws.setting(folder, PYTEST_CWD) is not None:
            continue  # every project's run then starts there: listing one changes no configuration
        nested = [p for p in folder.projects if p.dir != folder.dir and separately_configured(ctx, p)]
        if not nested:
            continue
        listed = set(listed_projects(ws, folder))
        mode = project_mode(ws, folder)
        # In project mode the folder's own run ignores the listed projects (the same collection
        # for the others); its label says whose run it is.
        dirs = project_dirs(ws, folder)
        run = explorer_run(
            ws, folder, None, *((folder.dir, tuple(nested_projects(dirs, folder.dir))) if mode else ())
        )
        missing: list[tuple[Project, PytestConfig, bool]] = []  # (project, its config, collected)
        for project in sorted(nested, key=lambda p: p.dir):
            config = own_config(project)
            assert config is not None
            if project.dir in listed or (run.config is not None and run.config.path == config.path):
                continue  # listed, or the Explorer already reads the project's own configuration
            collected = any(collects(ws, run, m.path) for m in project.test_modules)
            if not collected and not _left_on_purpose(ctx, folder, run, project):
                continue  # outside `testpaths` or the arguments: examples, fixtures, not a suite of its own
            missing.append((project, config, collected))
        if missing:
            yield _pd308(ctx, folder, run, missing, mode)


def _pd308(
    ctx: Context,
    folder: VsCodeFolder,
    run: Run,
    missing: list[tuple[Project, PytestConfig, bool]],
    mode: bool | None,
) -> Finding:
    ws = ctx.ws
    ref = ws.setting(folder, PYTHON_PROJECTS)
    if ref is not None:
        target, json_path = ref.path, _json_path(ref.path)
        path, range_ = ref.path, ctx.range(ref.path, (ref.prop.offset, ref.prop.children[0].end))
    else:
        target, json_path = folder.settings_path, (PYTHON_PROJECTS,)
        # The folder's own project file is what a user opens for the folder as a whole (for a uv
        # workspace root, where the members are declared); settings.json may not exist yet.
        own = next((p for p in folder.projects if p.dir == folder.dir), None)
        path, range_ = ctx.anchor(own if own is not None else missing[0][0])
    entries = [
        {"path": relative(p.dir, folder.dir), "envManager": ENV_MANAGER, "packageManager": PACKAGE_MANAGER}
        for p, _, _ in missing
    ]
    # Team advice only where the team shares VS Code settings; otherwise a hint for you (as PD304).
    personal = ""
    if ws.gitignored(folder.settings_path):
        personal = " `.vscode` is gitignored here: a setting for you, not the team."
    elif ref is None and not shares_vscode(ws, folder):
        personal = " No `.vscode` is shared here: a setting for you, not the team."
    collected = sum(1 for _, _, c in missing if c)
    left_out = len(missing) - collected
    reads = f"reading {_config_label(run.config)}" if run.config else "with no configuration"
    if len(missing) == 1:
        project, config, _ = missing[0]
        if collected:
            now = f"{run.label} collects its tests {reads}, so that configuration does not apply"
        else:
            now = f"{run.label} does not collect its tests, so they are missing from the Test Explorer"
        what = f"`{project.dir}` has its own pytest configuration ({_config_label(config)}), but {now}."
        listing = f"Listed in `{PYTHON_PROJECTS}`, it is tested on its own"
        title = f"List `{entries[0]['path']}` in {PYTHON_PROJECTS} in {target}"
    else:
        names = [f"`{p.dir}`" for p, _, _ in missing]
        shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        parts = []
        if collected == len(missing):
            parts.append(f"collects all their tests {reads}, so their configuration does not apply")
        elif collected:
            parts.append(f"collects the tests of {collected} {reads}, so their configuration does not apply")
        if left_out:
            parts.append(f"does not collect those of {left_out}, so they are missing from the Test Explorer")
        folder_label = "this folder" if folder.dir == ROOT else f"folder `{folder.dir}`"
        what = (
            f"{len(missing)} projects in {folder_label} have their own pytest configuration but are not "
            f"listed in `{PYTHON_PROJECTS}` ({shown}); {run.label} " + " and ".join(parts) + "."
        )
        listing = "Listed, each is tested on its own"
        title = f"List the {len(missing)} projects in {PYTHON_PROJECTS} in {target}"
    # Whether the Python Environments extension is in use (see workspace/test_projects.py) decides
    # whether a listing changes the Test Explorer's runs at all.
    when = {
        True: "",
        None: " (when the Python Environments extension is in use: `python.useEnvironmentsExtension`)",
        False: " once the Python Environments extension is in use (`ms-python.vscode-python-envs` "
        "installed and `python.useEnvironmentsExtension` on; it is not, here)",
    }[mode]
    message = (
        f"{what} {listing}, from its folder with its own configuration and environment{when}." + personal
    )
    related = tuple(
        ctx.related(
            config.path,
            config.span,
            f"`{project.dir}`'s own pytest configuration"
            + ("" if was_collected else " (its tests are not collected)"),
        )
        for project, config, was_collected in missing
    )
    return PD308.at(
        path,
        range_,
        message,
        ctx.json_fix(title, target, [json_extend(json_path, entries)]),
        related=related,
        severity=Severity.HINT if personal else None,
    )


def _left_on_purpose(ctx: Context, folder: VsCodeFolder, run: Run, project: Project) -> bool:
    """Whether the folder's ``pytest`` leaves the project to its own run by name: an ``--ignore``
    of the Explorer's configuration covers it, or PD207's fix will add one."""
    ignored, _ = ignore_options(run)
    if any(within(project.dir, p) for p in ignored):
        return True
    outer = next((p for p in ctx.ws.projects if p.dir == folder.dir), None)
    found = clashing_suites(ctx, outer) if outer is not None else None
    return found is not None and project.dir in found[2]


def _json_path(settings_file: str) -> tuple[str, ...]:
    return (PYTHON_PROJECTS,) if settings_file.endswith("settings.json") else ("settings", PYTHON_PROJECTS)


__all__ = ["PD207", "PD308", "add_addopts_word", "clashing_suites", "left_to_their_own_run"]
