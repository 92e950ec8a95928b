"""PD3xx: what Pylance and the VS Code Test Explorer will see."""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from pyproj_doctor.findings import Applicability, FileChange, Finding, Range, Severity, TextEdit
from pyproj_doctor.fixes.builders import (
    FixUnavailable,
    TomlOp,
    create_file,
    json_append,
    json_extend,
    json_ops,
    json_remove,
    json_set,
    toml_append,
    toml_ops,
)
from pyproj_doctor.formats import jsonc, toml
from pyproj_doctor.rules.base import Context, FixOutcome, rule
from pyproj_doctor.rules.workspace_setup import left_to_their_own_run
from pyproj_doctor.workspace.analysis import (
    ADD_PROJECT_PATHS,
    AUTOCOMPLETE_PATHS,
    SearchPaths,
    jedi_search_paths,
    pyright_resolve,
    search_paths,
)
from pyproj_doctor.workspace.analysis import _globbed as globbed
from pyproj_doctor.workspace.extra_globs import as_globs, expands_globs
from pyproj_doctor.workspace.imports import Origin, explorer_venv, first_party
from pyproj_doctor.workspace.install import compat_root, uv_compat_set, uv_settings_file, workflow_install
from pyproj_doctor.workspace.langserver import (
    LANGUAGE_SERVER,
    LanguageServers,
    Server,
    detect,
    pyright_config,
    tool_config,
    tool_search_dirs,
)
from pyproj_doctor.workspace.paths import join, parent, relative, within
from pyproj_doctor.workspace.projects import Project
from pyproj_doctor.workspace.runs import explorer_run, imports_ok, positional_args, resolve_in, uses_pyargs
from pyproj_doctor.workspace.venv import Venv, normalize
from pyproj_doctor.workspace.vscode import PyrightConfig, SettingRef, VsCodeFolder, shares_vscode
from pyproj_doctor.workspace.workspace import Workspace

EXTRA_PATHS = "python.analysis.extraPaths"
BASED_EXTRA_PATHS = "basedpyright.analysis.extraPaths"
AUTO_SEARCH = "python.analysis.autoSearchPaths"
PYTEST_ENABLED = "python.testing.pytestEnabled"
UNITTEST_ENABLED = "python.testing.unittestEnabled"
PYTEST_ARGS = "python.testing.pytestArgs"
TESTING_CWD = "python.testing.cwd"
INTERPRETER = "python.defaultInterpreterPath"

# Settings Pylance ignores once a pyright config file exists (it warns about them).
IGNORED_WITH_PYRIGHT_CONFIG = (
    EXTRA_PATHS,
    AUTO_SEARCH,
    "python.analysis.include",
    "python.analysis.exclude",
    "python.analysis.ignore",
    "python.analysis.stubPath",
    "python.analysis.typeCheckingMode",
    "python.analysis.diagnosticSeverityOverrides",
    "python.analysis.useLibraryCodeForTypes",
)
COMPARED_KEYS = (
    EXTRA_PATHS,
    AUTO_SEARCH,
    PYTEST_ENABLED,
    UNITTEST_ENABLED,
    PYTEST_ARGS,
    TESTING_CWD,
    INTERPRETER,
)
_WINDOWS_ABSOLUTE = re.compile(r"^[A-Za-z]:[\\/]")


def _is_absolute(value: str) -> bool:
    return value.startswith(("/", "~", "\\\\")) or bool(_WINDOWS_ABSOLUTE.match(value))


def _resolve(ctx: Context, folder_dir: str, value: str) -> str | None:
    """An absolute path for a settings value; None for variables we cannot expand."""
    base = ctx.ws.snapshot.abspath(folder_dir)
    value = value.replace("${workspaceFolder}", base).replace("${workspaceRoot}", base)
    if "${" in value:
        return None
    value = os.path.expanduser(value)
    return os.path.normpath(value if os.path.isabs(value) else os.path.join(base, value))


def _json_path(ref: SettingRef) -> tuple[str, ...]:
    return (ref.key,) if ref.path.endswith("settings.json") else ("settings", ref.key)


def _settings_anchor(ctx: Context, folder: VsCodeFolder, project: Project) -> tuple[str, Range]:
    """The settings.json object when it exists, else where the project is declared."""
    doc = ctx.ws.settings_doc(folder.settings_path)
    if doc is not None and doc.ok and doc.root is not None:
        return folder.settings_path, ctx.range(folder.settings_path, (doc.root.offset, doc.root.offset + 1))
    if project.pyproject is None:
        return ctx.folder_anchor(folder)
    return ctx.anchor(project)


def _settings_writable(ctx: Context, folder: VsCodeFolder) -> bool:
    rel = folder.settings_path
    return not ctx.ws.snapshot.is_file(rel) or ctx.ws.settings_doc(rel) is not None


def _selected_venv(ctx: Context, folder: VsCodeFolder, project: Project) -> Venv | None:
    ref = ctx.ws.setting(folder, INTERPRETER)
    if ref is not None and isinstance(ref.value, str):
        resolved = _resolve(ctx, folder.dir, ref.value)
        root = ctx.ws.snapshot.root
        if resolved and resolved.startswith(root + os.sep):
            rel = os.path.relpath(resolved, root).replace(os.sep, "/")
            parts = rel.split("/")
            if len(parts) >= 3 and parts[-2] in ("bin", "Scripts"):
                venv = ctx.ws.venv_at("/".join(parts[:-2]))
                if venv is not None:
                    return venv
    return project.venv


def _pyright_append(ctx: Context, pyright: PyrightConfig, values: list[str]) -> FileChange:
    if pyright.kind == "json":
        return json_ops(ctx.ws.snapshot, pyright.path, [json_extend(("extraPaths",), values)])
    return toml_ops(
        ctx.ws.snapshot,
        pyright.path,
        [toml_append(("tool", pyright.section, "extraPaths"), v) for v in values],
    )


def _folder_label(folder: VsCodeFolder) -> str:
    return "the workspace folder" if folder.dir == "." else f"folder `{folder.dir}`"


@rule(
    "PD301",
    "source-root-not-searched",
    Severity.WARNING,
    "A source root is not on Pylance's import search path",
    fix=Applicability.SAFE,
)
def PD301(ctx: Context) -> Iterator[Finding]:
    """Pylance resolves ``import pkg`` from the workspace folder, then
    ``extraPaths`` (a pyright config's own list when it sets one) and, with
    ``autoSearchPaths`` (the default), ``<folder>/src``; then the importing
    file's own folder and each parent; then the selected interpreter's
    site-packages, following path lines in ``.pth`` files but not the import
    hooks of setuptools' editable installs. Reported only for a first-party
    import in the tests that none of these finds (or that lands on a
    namespace folder instead of the real package): a ``python/`` or ``lib/``
    root, a project in a subfolder, an uninstalled workspace member. When the
    project's workflow installs it with a path ``.pth`` and no environment
    exists yet, this is a hint naming the install command. The fix adds
    the folder to ``extraPaths`` where Pylance reads it: the pyright config
    when it sets ``extraPaths``, else ``.vscode/settings.json``. In a folder
    whose editor runs basedpyright instead (its extension recommended or its
    settings present, and ``python.languageServer`` not naming Pylance), the
    same is judged with basedpyright's keys: ``pyrightconfig.json``, else
    ``[tool.basedpyright]`` or ``[tool.pyright]`` (it reads one; with both it
    rejects the file), else ``basedpyright.analysis.extraPaths``; it does not
    see ``.env``. When the root is installed editable through an import hook
    (setuptools' flat layout or a ``package-dir`` mapping), the message says
    so and names setuptools' ``editable_mode = "compat"`` (for that package in
    ``[tool.uv] config-settings-package`` then ``uv sync``, or pip's
    ``--config-settings``) only where compat puts that root on the path; so for
    Pylance, basedpyright, an execution environment, ty and Pyrefly alike (none
    follows the hook). For uv that setting is also an alternative fix (unsafe:
    a flat layout's path line makes the whole project folder importable; never
    applied by ``--fix``). Jedi
    asks the interpreter's own finders for a name its path lacks, so a package
    that setuptools' finder maps (its ``MAPPING``, read, not run) resolves there."""
    ws = ctx.ws
    names = first_party(ws)
    for folder in ws.folders:
        servers, server, pyright, venv, found = _search_setup(ws, folder)
        if servers.python_extension_server is None and not servers.others:
            continue  # `python.languageServer: "None"` and no other server: nothing resolves imports
        if server in ("ty", "Pyrefly"):
            yield from _pd301_tool(ctx, folder, servers, names)
            continue
        if server == "Jedi":
            yield from _pd301_jedi(ctx, folder, names)
            continue
        assert found is not None
        paths = found
        extra_key = EXTRA_PATHS if server == "Pylance" else BASED_EXTRA_PATHS
        failing: dict[str, list[tuple[Project, str, Origin]]] = {}
        # Files of an execution environment with its own extraPaths: that list is what to extend.
        own_env: dict[int, dict[str, list[tuple[Project, str, Origin]]]] = {}
        env_only: set[str] = set()  # roots Pylance finds only through `.env` PYTHONPATH
        for project in folder.projects:
            imported = sorted(n for n in project.imported_names() if n in names)
            # All the lookups take from elsewhere: the folder's search paths and where each name lives.
            uses = (folder.dir, paths, [(n, names[n].path, names[n].root.path) for n in imported])
            unresolved = ws.kept(
                ("PD301", folder.dir, project.dir),
                [project],
                uses,
                functools.partial(_unresolved, ws, folder, paths, project, names),
            )
            for module_path, name, environment_index, through_env in unresolved:
                origin = names[name]
                if environment_index is not None:
                    group = own_env.setdefault(environment_index, {})
                    group.setdefault(origin.root.path, []).append((project, module_path, origin))
                    continue
                if through_env:
                    env_only.add(origin.root.path)
                failing.setdefault(origin.root.path, []).append((project, module_path, origin))
        if pyright is not None:
            for index, group in sorted(own_env.items()):
                yield _pd301_environment(
                    ctx,
                    pyright,
                    index,
                    group,
                    _installed_later(ctx, venv, group),
                    _stub_note(ctx, folder, paths, group),
                    server,
                    _hook_note(ctx, venv, group, server),
                )
        own_extra = pyright is not None and pyright.extra_paths_span is not None
        ref = None if own_extra else ws.setting(folder, extra_key)
        # Write where Pylance reads: the config when it sets extraPaths or settings.json has none.
        target_config = pyright if own_extra or (pyright is not None and ref is None) else None
        if not failing:
            continue
        later, commands = _installed_later(ctx, venv, failing)
        roots = sorted(failing)
        packages = _package_names(failing)
        project = failing[roots[0]][0][0]
        # Many roots make one edit. Before the workflow's install exists, extraPaths is what
        # makes the editor resolve the imports; afterwards the `.pth` path lines do.
        note = _install_note(later, commands)
        # Nothing to configure: the workflow's install resolves them (PD201 names the command).
        severity = Severity.HINT if len(later) == len(roots) else None
        note += _stub_note(ctx, folder, paths, packages)
        hook_note, alternatives = _hook_note(ctx, venv, failing, server)
        note += hook_note
        only_env = env_only >= set(roots)
        if only_env:
            # Pylance resolves them (the Python extension hands it `.env`'s PYTHONPATH); the pyright
            # CLI, basedpyright and other editors do not read `.env`.
            severity = Severity.INFORMATION
        yield _pd301(
            ctx,
            folder,
            project,
            roots,
            packages,
            target_config,
            ref,
            note,
            severity,
            only_env,
            server,
            alternatives,
        )


def _search_setup(
    ws: Workspace, folder: VsCodeFolder
) -> tuple[LanguageServers, Server, PyrightConfig | None, Venv | None, SearchPaths | None]:
    """The folder's language servers, the one whose keys a fix writes, and for Pylance or
    basedpyright its pyright config, the interpreter and the search paths.

    Kept across checks (see Workspace.kept): made from the folder's settings and config files
    (its reads), the disk's environments and the listing; from the projects only when
    ``addExtraPathsForPythonProjects`` adds their source roots, so an edit to a member's
    pyproject.toml leaves the workspace folder's search paths alone."""

    def compute() -> tuple[LanguageServers, Server, PyrightConfig | None, Venv | None, SearchPaths | None]:
        servers = detect(ws, folder)
        server = servers.editor
        if (servers.python_extension_server is None and not servers.others) or server in (
            "ty",
            "Pyrefly",
            "Jedi",
        ):
            return servers, server, None, None, None
        if server not in ("Pylance", "basedpyright"):
            server = "Pylance"
        venv = explorer_venv(ws, folder)
        pyright = pyright_config(ws, folder, server)
        return servers, server, pyright, venv, search_paths(ws, folder, venv, server)

    projects = folder.projects if ws.setting_is_true(folder, ADD_PROJECT_PATHS) else []
    uses = (folder.dir, tuple(folder.workspace_files), folder.pyright)
    return ws.kept(("PD301-setup", folder.dir), projects, uses, compute)


def _unresolved(
    ws: Workspace, folder: VsCodeFolder, paths: SearchPaths, project: Project, names: dict[str, Origin]
) -> list[tuple[str, str, int | None, bool]]:
    """(module, name, execution environment with its own extraPaths, resolved through `.env` only)
    of each first-party import of the project's tests that pyright outside VS Code cannot resolve."""
    outside = paths.without_env()
    out: list[tuple[str, str, int | None, bool]] = []
    for module in project.test_modules:
        for imported in module.imports:
            origin = names.get(imported.name)
            if origin is None or not within(origin.path, folder.dir):
                continue
            expected = ws.abspath(origin.path)
            if imports_ok(pyright_resolve(ws, outside, module.path, imported.name), expected):
                continue
            environment = paths.environment(ws, module.path)
            if environment is not None and environment.extra is not None:
                out.append((module.path, imported.name, environment.index, False))
                continue
            through_env = imports_ok(pyright_resolve(ws, paths, module.path, imported.name), expected)
            out.append((module.path, imported.name, None, through_env))
    return out


def _pd301_tool(
    ctx: Context, folder: VsCodeFolder, servers: LanguageServers, names: dict[str, Origin]
) -> Iterator[Finding]:
    """PD301 for a folder whose editor runs ty or Pyrefly: judged with that server's own roots
    (``workspace/langserver.py``) and fixed in the config it reads."""
    ws = ctx.ws
    server = servers.editor
    config = tool_config(ws, folder.dir, server)
    if config is None:
        return  # its config does not parse: PD901 reports it
    venv = explorer_venv(ws, folder)
    site = [*venv.site_packages, *venv.pth_paths] if venv is not None else []
    dirs = tool_search_dirs(ws, folder.dir, config, site)
    failing = _unresolved_by_root(ws, folder, names, lambda _module: dirs)
    if not failing:
        return
    later, commands = _installed_later(ctx, venv, failing)
    roots = sorted(failing)
    packages = _package_names(failing)
    values = [relative(r, parent(config.path)) for r in roots]
    signal = next(s for s in servers.others if s.server == server)
    if config.exists and config.key_span is not None:
        path, range_ = config.path, ctx.range(config.path, config.key_span)
    elif config.exists and config.table_span is not None:
        path, range_ = config.path, ctx.range(config.path, config.table_span)
    else:
        path, range_ = signal.path, ctx.range(signal.path, signal.span)
    if config.exists:
        key = (*config.table, config.key)
        fix = ctx.fix(
            f"Add {_quoted(values)} to {config.label} in {config.path} (for {server})",
            lambda: [toml_ops(ws.snapshot, config.path, [toml_append(key, v) for v in values])],
        )
    else:
        content = (
            f"[environment]\nextra-paths = {toml.render(values)}\n"
            if server == "ty"
            else f"search-path = {toml.render(values)}\n"
        )
        fix = ctx.fix(
            f"Create {config.path} with {config.label} = {toml.render(values)} (for {server})",
            lambda: [create_file(ws.snapshot, config.path, content)],
        )
    if server == "ty":
        searched = (
            "the folders of `environment.root`"
            if config.roots is not None
            else "the folder, `src`, and `python` and `tests` when they are not packages"
        )
    else:
        searched = "the import root it infers (`src` when it exists, else the folder)"
    one = len(roots) == 1
    hook_note, alternatives = _hook_note(ctx, venv, failing, server, f"`{config.label}`")
    note = _install_note(later, commands) + hook_note
    if server == "Pyrefly" and not config.entries and config.key_span is None and config.table_span is None:
        # Pyrefly's editor shows type errors once a config exists (pyrefly.org, configuration).
        note += " Adding Pyrefly's first config also makes its editor show type errors."
    yield PD301.at(
        path,
        range_,
        f"{', '.join(f'`{r}`' for r in roots)} (with {_names(packages)}) {'is' if one else 'are'} not on "
        f"{server}'s import search path for {_folder_label(folder)} ({signal.what}): {server} searches "
        f"{searched} and `{config.label}` in {config.path}, which does not list "
        f"{'it' if one else 'them'}, and no `.pth` of the selected environment points at "
        f"{'it' if one else 'them'}: imports of {_names(packages)} show as unresolved in the editor.{note}",
        fix,
        severity=Severity.HINT if len(later) == len(roots) else None,
        alternatives=alternatives,
    )


def _pd301_jedi(ctx: Context, folder: VsCodeFolder, names: dict[str, Origin]) -> Iterator[Finding]:
    """PD301 for a folder whose ``python.languageServer`` is ``"Jedi"``: Jedi shows no unresolved
    imports, but completion, hover and go-to-definition find nothing in a package it cannot see."""
    ws = ctx.ws
    venv = explorer_venv(ws, folder)
    paths = jedi_search_paths(ws, folder, venv)
    # Jedi asks the interpreter's own finders for a name its path does not hold, so it follows
    # setuptools' import-hook editables (checked with jedi-language-server and a real `uv sync`).
    hooked = venv.hooked if venv is not None else None
    failing = _unresolved_by_root(ws, folder, names, lambda module: paths.for_file(ws, module), hooked)
    if not failing:
        return
    later, commands = _installed_later(ctx, venv, failing)
    roots = sorted(failing)
    packages = _package_names(failing)
    values = ["./" + relative(r, folder.dir) for r in roots]
    ref = ws.setting(folder, AUTOCOMPLETE_PATHS)
    if ref is not None:
        path, range_ = ref.path, ctx.range(ref.path, (ref.prop.offset, ref.prop.children[0].end))
        target, json_path = ref.path, _json_path(ref)
    else:
        language = ws.setting(folder, LANGUAGE_SERVER)
        assert language is not None  # Jedi runs only when named
        path, range_ = language.path, ctx.range(language.path, (language.prop.offset, language.prop.end))
        target, json_path = folder.settings_path, (AUTOCOMPLETE_PATHS,)
    fix = None
    if ref is None or isinstance(ref.value, list):
        fix = ctx.fix(
            f"Add {_quoted(values)} to {AUTOCOMPLETE_PATHS} in {target} (for Jedi)",
            lambda: [json_ops(ws.snapshot, target, [json_extend(json_path, values)])],
        )
    one = len(roots) == 1
    note = _install_note(later, commands)
    yield PD301.at(
        path,
        range_,
        f"{', '.join(f'`{r}`' for r in roots)} (with {_names(packages)}) {'is' if one else 'are'} not on "
        f'Jedi\'s import search path for {_folder_label(folder)} (`{LANGUAGE_SERVER}` is "Jedi"; '
        f"`{AUTOCOMPLETE_PATHS}` does not list {'it' if one else 'them'}, no parent folder of the tests "
        f"holds {'it' if one else 'them'}, and no `.pth` of the selected environment points at "
        f"{'it' if one else 'them'}): completion, hover and go-to-definition find nothing in "
        f"{_names(packages)}.{note}",
        fix,
        severity=Severity.HINT if len(later) == len(roots) else None,
    )


def _unresolved_by_root(
    ws: Workspace,
    folder: VsCodeFolder,
    names: dict[str, Origin],
    dirs_for: Callable[[str], list[str]],
    hooked: Callable[[str], str | None] | None = None,
) -> dict[str, list[tuple[Project, str, Origin]]]:
    """The folder's test imports of its own packages that the search path ``dirs_for(module)``
    does not resolve, by the source root each package lives in. With ``hooked``, a name the path
    does not hold at all (not even as a namespace folder) resolves where an import hook maps it."""
    failing: dict[str, list[tuple[Project, str, Origin]]] = {}
    for project in folder.projects:
        for module in project.test_modules:
            for imported in module.imports:
                origin = names.get(imported.name)
                if origin is None or not within(origin.path, folder.dir):
                    continue
                found = resolve_in(ws, dirs_for(module.path), imported.name)
                if imports_ok(found, ws.abspath(origin.path)):
                    continue
                if found.kind == "missing" and hooked is not None and hooked(imported.name) is not None:
                    continue
                failing.setdefault(origin.root.path, []).append((project, module.path, origin))
    return failing


def _package_names(failing: dict[str, list[tuple[Project, str, Origin]]]) -> list[str]:
    """The top-level names of the packages (or modules) the failing imports name."""
    return sorted({o.path.rsplit("/", 1)[-1].removesuffix(".py") for i in failing.values() for _, _, o in i})


def _install_note(later: list[str], commands: set[str]) -> str:
    """What the workflow's install will resolve once it has run (see ``_installed_later``)."""
    if not later:
        return ""
    return (
        f" No environment exists here yet; after {', '.join(sorted(commands))} the install's "
        "`.pth` path lines resolve them as well."
    )


def _installed_later(
    ctx: Context, venv: Venv | None, failing: dict[str, list[tuple[Project, str, Origin]]]
) -> tuple[list[str], set[str]]:
    """The roots the workflow's install will put on the search path (a path ``.pth`` line in
    site-packages, which every execution environment searches too) while no environment exists
    yet, and the commands that install them."""
    later: list[str] = []
    commands: set[str] = set()
    if venv is not None:
        return later, commands  # the environment there is the truth: its `.pth` lines were searched
    for root_path, items in failing.items():
        owner = items[0][2].project
        install = workflow_install(ctx.ws, owner)
        if install is not None and not install.stated and any(p.dir != owner.dir for p, _, _ in items):
            install = None  # the standard install is the project's own business, not its importers'
        if install is not None and install.pylance_visible:
            later.append(root_path)
            commands.add(f"`{install.command}`")
    return later, commands


def _hook_note(
    ctx: Context,
    venv: Venv | None,
    failing: dict[str, list[tuple[Project, str, Origin]]],
    server: str,
    instead: str = "extraPaths",
) -> tuple[str, list[FixOutcome]]:
    """Why an installed package stays unresolved: its editable install is an import hook (a
    ``.pth`` that runs ``import ...``), which only Python runs; pyright, basedpyright, ty and
    Pyrefly follow path lines only (each checked with a real ``uv sync``; Jedi asks the
    interpreter and follows the hook, so it gets no note). Names setuptools'
    ``editable_mode=compat`` only where it puts this very root on the path (a flat layout yes, a
    ``package-dir`` mapping no), as the alternative to the fix's key ``instead``; for uv, that
    setting is also the finding's alternative fix (one per settings file)."""
    if venv is None:
        return "", []
    ws = ctx.ws
    notes: list[str] = []
    compat_files: dict[str, list[tuple[str, str]]] = {}  # uv settings file -> (package, its root)
    for root_path, items in sorted(failing.items()):
        owner = items[0][2].project
        editable = venv.editable_for(owner.name, ws.abspath(owner.dir))
        if editable is None or not editable.import_hook:
            continue
        pth = os.path.basename(editable.pth_file) if editable.pth_file else f"{editable.name}'s `.pth`"
        note = (
            f" `{venv.rel}` installs `{editable.name}` editable through an import hook (`{pth}` runs "
            f"`import ...`): Python follows it, but {server} (like pyright) follows only path lines in "
            "`.pth` files."
        )
        compat = compat_root(ws, owner)
        settings_file = uv_settings_file(ws, owner)
        if compat is None:
            pass  # not setuptools, or its mapping is not all in pyproject.toml: nothing verified to name
        elif compat != root_path:
            note += (
                f' `editable_mode = "compat"` would not help: it puts `{compat}`'
                + (" (the project folder)" if compat == owner.dir else "")
                + f" on the path, and `{root_path}` holds the package."
            )
        elif settings_file is not None and uv_compat_set(ws, owner):
            note += (
                f' {settings_file} sets `editable_mode = "compat"`, but this install predates it: '
                f"`uv sync` reinstalls it with a path `.pth` for `{root_path}`."
            )
        elif settings_file is not None:
            # For this package only: `config-settings` would reach every build uv makes, and
            # meson-python or scikit-build-core reject a setting they do not know.
            package = normalize(editable.name)
            note += (
                f" Instead of {instead}, `[tool.uv] config-settings-package = {{ {toml.quote_key(package)} = "
                f'{{ editable_mode = "compat" }} }}` in {settings_file} and then `uv sync` make setuptools '
                f"write a path `.pth` for `{root_path}`."
            )
            compat_files.setdefault(settings_file, []).append((package, root_path))
        else:
            note += (
                f" Instead of {instead}, `pip install -e {owner.dir} --config-settings "
                f"editable_mode=compat` makes setuptools write a path `.pth` for `{root_path}`."
            )
        notes.append(note)
    return "".join(notes), [_compat_fix(ctx, path, roots) for path, roots in sorted(compat_files.items())]


def _compat_fix(ctx: Context, settings_file: str, packages: list[tuple[str, str]]) -> FixOutcome:
    """``editable_mode = "compat"`` for each package in ``[tool.uv] config-settings-package``; the
    next ``uv sync`` reinstalls them with a path ``.pth`` (tests/truth/test_import_hook.py). Unsafe:
    a flat layout's path line is the whole project folder, so every top-level module and folder
    there becomes importable."""

    def op(package: str) -> TomlOp:
        def edit(doc: toml.TomlDocument) -> list[TextEdit]:
            table = ("tool", "uv", "config-settings-package")
            present = doc.get(*table)
            if isinstance(present, dict):
                # The key as the file spells it (uv compares package names normalized).
                key = next((k for k in present if normalize(k) == package), package)
                if isinstance(present.get(key), dict):
                    return toml.set_key(doc, (*table, key), "editable_mode", "compat")
                return toml.set_key(doc, table, key, {"editable_mode": "compat"})
            return toml.set_key(
                doc, ("tool", "uv"), "config-settings-package", {package: {"editable_mode": "compat"}}
            )

        return edit

    names = ", ".join(f"`{p}`" for p, _ in packages)
    roots = ", ".join(f"`{r}`" for _, r in packages)
    return ctx.toml_fix(
        f'Set editable_mode = "compat" for {names} in [tool.uv] config-settings-package of {settings_file}, '
        f"then run `uv sync` (a path `.pth` for {roots})",
        settings_file,
        [op(p) for p, _ in packages],
    )


def _stub_note(
    ctx: Context,
    folder: VsCodeFolder,
    paths: SearchPaths,
    packages: list[str] | dict[str, list[tuple[Project, str, Origin]]],
) -> str:
    """Stubs in the stub path (``typings/`` by default) do not stand in for the package: pyright
    takes its types from them but still looks for the source, and reports
    ``Import "x" could not be resolved from source`` (reportMissingModuleSource) without it."""
    if isinstance(packages, dict):
        packages = sorted(
            {o.path.rsplit("/", 1)[-1].removesuffix(".py") for i in packages.values() for _, _, o in i}
        )
    stubs = paths.stubs
    if stubs is None or not ctx.ws.snapshot.disk_isdir(stubs):
        return ""  # no stub folder: nothing in it (asked of every failing package otherwise)
    stubbed = [
        p
        for p in packages
        if ctx.ws.snapshot.disk_isdir(os.path.join(stubs, p))
        or ctx.ws.snapshot.disk_isfile(os.path.join(stubs, p + ".pyi"))
    ]
    if not stubbed:
        return ""
    where = os.path.relpath(stubs, ctx.ws.snapshot.abspath(folder.dir)).replace(os.sep, "/")
    return (
        f" The stubs for {_names(stubbed)} in `{where}` give Pylance their types, not the modules: "
        'without the source it reports "could not be resolved from source" (reportMissingModuleSource).'
    )


def _pd301_environment(
    ctx: Context,
    pyright: PyrightConfig,
    index: int,
    failing: dict[str, list[tuple[Project, str, Origin]]],
    installed: tuple[list[str], set[str]],
    notes: str = "",  # the stub note
    server: str = "Pylance",
    hook: tuple[str, list[FixOutcome]] = ("", []),  # the import-hook note and its alternatives
) -> Finding:
    """Imports failing in an execution environment that sets its own ``extraPaths``. Its list
    replaces the other extraPaths, but site-packages and its ``.pth`` path lines still apply
    (pyright's import resolver searches the interpreter's paths for every environment): what the
    workflow installs editable resolves there once installed."""
    env = next(e for e in pyright.environments if e.index == index)
    roots = sorted(failing)
    later, commands = installed
    packages = _package_names(failing)
    values = [relative(r, pyright.folder) for r in roots]
    span = pyright.span
    fix = None
    if pyright.kind == "json":
        doc = ctx.ws.snapshot.jsonc(pyright.path)
        node = doc.find(("executionEnvironments", index, "extraPaths")) if doc is not None else None
        if node is not None:
            span = (node.offset, node.end)
        fix = ctx.fix(
            f"Add {_quoted(values)} to execution environment {env.root!r}'s extraPaths in {pyright.path}",
            lambda: [
                json_ops(
                    ctx.ws.snapshot,
                    pyright.path,
                    [json_extend(("executionEnvironments", index, "extraPaths"), values)],
                )
            ],
        )
    else:
        # `[[tool.pyright.executionEnvironments]]` tables or an inline array: the scanner keys both
        # by the entry's index, so the append lands in that environment's own list.
        key = ("tool", pyright.section, "executionEnvironments", index, "extraPaths")
        doc_t = ctx.ws.snapshot.toml(pyright.path)
        entry = doc_t.entry(*key) if doc_t is not None and doc_t.ok else None
        if entry is not None:
            span = (entry.value.start, entry.value.end)
        fix = ctx.fix(
            f"Add {_quoted(values)} to execution environment {env.root!r}'s extraPaths in {pyright.path}",
            lambda: [toml_ops(ctx.ws.snapshot, pyright.path, [toml_append(key, v) for v in values])],
        )
    label = ", ".join(f"`{r}`" for r in roots)
    names = _names(packages)
    note = (
        (
            f" No environment exists here yet; after {', '.join(sorted(commands))} the install's `.pth` "
            "path lines in site-packages, which this environment still searches, resolve them as well."
            if later
            else ""
        )
        + notes
        + hook[0]
    )
    return PD301.at(
        pyright.path,
        ctx.range(pyright.path, span),
        f"{label} (with {names}) {'is' if len(roots) == 1 else 'are'} not on {server}'s import search "
        f"path for the tests in execution environment `{env.root}` of {pyright.path}: its own "
        "`extraPaths` replaces every other list and does not name "
        f"{'it' if len(roots) == 1 else 'them'}, and no `.pth` of the selected environment points "
        f"at {'it' if len(roots) == 1 else 'them'}, so imports of {names} show as unresolved in the "
        f"editor.{note}",
        fix,
        # Nothing to configure: the workflow's install resolves them (PD201 names the command).
        severity=Severity.HINT if len(later) == len(roots) else None,
        alternatives=hook[1],
    )


def _names(packages: list[str]) -> str:
    return ", ".join(f"`{p}`" for p in packages[:3]) + (", …" if len(packages) > 3 else "")


def _pd301(
    ctx: Context,
    folder: VsCodeFolder,
    project: Project,
    roots: list[str],
    packages: list[str],
    pyright: PyrightConfig | None,
    ref: SettingRef | None,
    note: str = "",
    severity: Severity | None = None,
    only_env: bool = False,
    server: str = "Pylance",
    alternatives: Sequence[FixOutcome] = (),
) -> Finding:
    names = _names(packages)
    extra_key = EXTRA_PATHS if server == "Pylance" else BASED_EXTRA_PATHS
    if pyright is not None:
        values = [relative(r, pyright.folder) for r in roots]
        path = pyright.path
        range_ = ctx.range(path, pyright.extra_paths_span or pyright.span)
        where = f"`extraPaths` in {pyright.path}, which replaces settings.json's list,"
        fix = ctx.fix(
            f"Add {_quoted(values)} to extraPaths in {path}"
            + ("" if server == "Pylance" else f" (for {server})"),
            lambda: [_pyright_append(ctx, pyright, values)],
        )
    else:
        entries = list(roots)
        glob_note = ""
        if server == "Pylance" and expands_globs(ctx.settings.pylance_version):
            # Only `python.analysis.extraPaths` is read by that Pylance alone; a pyright config is
            # read by the pyright of CI too, whose version nobody reported.
            entries = as_globs(ctx.ws, roots, _listed_roots(ctx, folder, ref))
            if len(entries) < len(roots):
                glob_note = f" (a glob Pylance {ctx.settings.pylance_version} expands to those folders)"
        values = ["./" + relative(r, folder.dir) for r in entries]
        if ref is not None:
            path, range_ = ref.path, ctx.range(ref.path, (ref.prop.offset, ref.prop.children[0].end))
            target, json_path = ref.path, _json_path(ref)
        else:
            path, range_ = _settings_anchor(ctx, folder, project)
            target, json_path = folder.settings_path, (extra_key,)
        where = f"`{extra_key}` in {target}"
        fix = None
        if ref is None or isinstance(ref.value, list):
            fix = ctx.fix(
                f"Add {_quoted(values)} to {extra_key} in {target}"
                + (glob_note if server == "Pylance" else f" (for {server})"),
                lambda: [json_ops(ctx.ws.snapshot, target, [json_extend(json_path, values)])],
            )
    label = ", ".join(f"`{r}`" for r in roots)
    if only_env:
        return PD301.at(
            path,
            range_,
            f"{label} (with {names}) {'reaches' if len(roots) == 1 else 'reach'} Pylance's import "
            "search path only through PYTHONPATH in `.env`, which the Python extension passes to "
            f"Pylance; {where} does not list {'it' if len(roots) == 1 else 'them'}. The pyright CLI, "
            f"basedpyright and other editors do not read `.env`: there, imports of {names} are "
            f"unresolved.{note}",
            fix,
            severity=severity,
            alternatives=alternatives,
        )
    return PD301.at(
        path,
        range_,
        f"{label} (with {names}) {'is' if len(roots) == 1 else 'are'} not on {server}'s import search "
        f"path for {_folder_label(folder)} ({where} does not list {'it' if len(roots) == 1 else 'them'}, "
        "no parent folder of the tests holds it, and no `.pth` of the selected environment points "
        f"at it): imports of {names} show as unresolved in the editor.{note}",
        fix,
        severity=severity,
        alternatives=alternatives,
    )


def _listed_roots(ctx: Context, folder: VsCodeFolder, ref: SettingRef | None) -> set[str]:
    """The workspace-relative folders a settings ``extraPaths`` list names literally (relative
    entries, resolved from the VS Code folder as Pylance does)."""
    if ref is None or not isinstance(ref.value, list):
        return set()
    found = set()
    for value in ref.value:
        if isinstance(value, str) and value and not os.path.isabs(value) and "$" not in value:
            rel = os.path.normpath(join(folder.dir, value)).replace(os.sep, "/")
            if rel != ".." and not rel.startswith("../"):
                found.add(rel)
    return found


def _quoted(values: list[str]) -> str:
    return ", ".join(repr(v) for v in values)


@rule(
    "PD302",
    "extra-path-invalid",
    Severity.WARNING,
    "An extraPaths entry is absolute, names a missing folder, or is not a list",
    fix=Applicability.SAFE,
)
def PD302(ctx: Context) -> Iterator[Finding]:
    """``extraPaths`` entries are resolved against the workspace folder
    (settings) or the config file's folder (pyright config). An absolute path
    works only on the machine that wrote it; a missing folder adds nothing; a
    single string instead of a list is ignored by Pylance. The fix rewrites an
    absolute path inside the workspace as a relative one (``./src``) and wraps a
    single string in a list. ``${workspaceFolder}`` paths that exist are fine."""
    ws = ctx.ws
    for folder in ws.folders:
        folder_abs = ws.snapshot.abspath(folder.dir)
        if folder.pyright is None:
            for ref in ws.every_setting(folder, EXTRA_PATHS):
                value_node = ref.prop.value_node
                assert value_node is not None
                json_path = _json_path(ref)
                if isinstance(ref.value, str):
                    yield PD302.at(
                        ref.path,
                        ctx.range(ref.path, (value_node.offset, value_node.end)),
                        f"`{EXTRA_PATHS}` must be a list of paths; Pylance ignores a single string.",
                        ctx.json_fix("Make extraPaths a list", ref.path, [json_set(json_path, [ref.value])]),
                    )
                    continue
                if value_node.type != "array":
                    continue
                for index, item in enumerate(value_node.children):
                    if item.type != "string":
                        continue
                    yield from _check_entry(
                        ctx, ref.path, item, folder.dir, folder_abs, "./", (*json_path, index)
                    )
        pyright = folder.pyright
        if pyright is not None:
            base = ws.snapshot.abspath(pyright.folder)
            for index, word in enumerate(pyright.extra_paths):
                node = jsonc.Node("string", word.start, word.end - word.start, word.text)
                yield from _check_entry(
                    ctx, pyright.path, node, pyright.folder, base, "", None, index, pyright
                )


def _check_entry(
    ctx: Context,
    path: str,
    item: jsonc.Node,
    base_dir: str,
    base_abs: str,
    prefix: str,
    json_path: tuple[Any, ...] | None,
    index: int = 0,
    pyright: PyrightConfig | None = None,
) -> Iterator[Finding]:
    value = str(item.value)
    range_ = ctx.range(path, (item.offset, item.end))
    if value.startswith(("${workspaceFolder}", "${workspaceRoot}")) or not _is_absolute(value):
        resolved = _resolve(ctx, base_dir, value)
        if resolved is None or ctx.ws.is_dir(resolved):
            return
        if any(c in value for c in "*?["):
            # A glob (`packages/*/src`; Pylance after 2026.2.108, pyright 1.1.414) adds what it matches.
            if globbed(ctx.ws, resolved):
                return
            yield PD302.at(
                path,
                range_,
                f"extraPaths glob {value!r} matches no folder: it adds nothing to Pylance's search path. "
                "Correct or remove it.",
            )
            return
        yield PD302.at(
            path,
            range_,
            f"extraPaths entry {value!r} names a folder that does not exist: it adds nothing to "
            "Pylance's search path. Correct or remove it.",
        )
        return
    resolved = os.path.normpath(os.path.expanduser(value))
    fix = None
    message = (
        f"extraPaths entry {value!r} is absolute: it only works on this machine. "
        "Use a path relative to the workspace folder."
    )
    if resolved == base_abs or resolved.startswith(base_abs + os.sep):
        rel = os.path.relpath(resolved, base_abs).replace(os.sep, "/")
        new = prefix + rel if rel != "." else "."
        if pyright is None and json_path is not None:
            fix = ctx.fix(
                f"Replace {value!r} with {new!r}",
                lambda: [json_ops(ctx.ws.snapshot, path, [json_set(json_path, new)])],
            )
        elif pyright is not None:
            fix = ctx.fix(
                f"Replace {value!r} with {new!r}", lambda: [_replace_pyright_item(ctx, pyright, index, new)]
            )
    elif not ctx.ws.is_dir(resolved):
        message = f"extraPaths entry {value!r} is absolute and does not exist here. Use a relative path."
    yield PD302.at(path, range_, message, fix)


def _replace_pyright_item(ctx: Context, pyright: PyrightConfig, index: int, new: str) -> FileChange:
    if pyright.kind == "json":
        return json_ops(ctx.ws.snapshot, pyright.path, [json_set(("extraPaths", index), new)])

    def replace(doc: toml.TomlDocument) -> list[TextEdit]:
        entry = doc.entry("tool", "pyright", "extraPaths")
        if entry is None or index >= len(entry.value.items):
            raise FixUnavailable("extraPaths changed")
        return toml.replace_value(doc, entry.value.items[index], new)

    return toml_ops(ctx.ws.snapshot, pyright.path, [replace])


@rule(
    "PD303",
    "settings-overridden-by-pyright-config",
    Severity.WARNING,
    "python.analysis.* search-path settings are overridden by a pyright config",
    fix=Applicability.UNSAFE,
)
def PD303(ctx: Context) -> Iterator[Finding]:
    """When ``pyrightconfig.json`` or ``[tool.pyright]`` exists, Pylance takes
    ``extraPaths``, ``include``, ``exclude`` and similar options only from that
    file and ignores them in settings.json (it warns "cannot be set when a
    pyrightconfig.json or pyproject.toml is being used"). Pylance's own "add to
    extraPaths" quick fix still writes settings.json. For ``extraPaths`` our fix
    moves the entries into the config file and removes the ignored setting."""
    ws = ctx.ws
    for folder in ws.folders:
        pyright = folder.pyright
        if pyright is None:
            continue
        for key in IGNORED_WITH_PYRIGHT_CONFIG:
            if key == EXTRA_PATHS and pyright.extra_paths_span is None:
                continue  # pyright falls back to settings.json's extraPaths when the config sets none
            for ref in ws.every_setting(folder, key):
                fix = None
                related = (ctx.related(pyright.path, pyright.span, "the configuration Pylance uses"),)
                range_ = ctx.range(ref.path, (ref.prop.offset, ref.prop.children[0].end))
                if key == EXTRA_PATHS and isinstance(ref.value, list):
                    fix = ctx.fix(
                        f"Move extraPaths into {pyright.path}",
                        functools.partial(_move_extra_paths, ctx, folder, pyright, ref),
                    )
                    if _extra_paths_covered(ctx, folder, pyright, ref):
                        # Every entry is already in the config's list: nothing is lost, only dead text.
                        yield PD303.at(
                            ref.path,
                            range_,
                            f"`{key}` is ignored because {pyright.path} sets `extraPaths`, which already "
                            "lists every one of these folders: the setting has no effect. Remove it so "
                            "nobody edits the copy Pylance never reads.",
                            fix,
                            severity=Severity.INFORMATION,
                            related=related,
                        )
                        continue
                yield PD303.at(
                    ref.path,
                    range_,
                    f"`{key}` is ignored: {pyright.path} configures Pylance for this folder, and "
                    "settings that file can express are then taken only from it.",
                    fix,
                    related=related,
                )


def _extra_paths_covered(ctx: Context, folder: VsCodeFolder, pyright: PyrightConfig, ref: SettingRef) -> bool:
    """Whether every folder of settings.json's ``extraPaths`` is in the pyright config's own list."""
    base = ctx.ws.snapshot.abspath(pyright.folder)
    listed = {os.path.normpath(os.path.join(base, p.text)) for p in pyright.extra_paths}
    for item in ref.value:
        if not isinstance(item, str):
            continue
        resolved = _resolve(ctx, folder.dir, item)
        if resolved is None or resolved not in listed:
            return False
    return True


def _move_extra_paths(
    ctx: Context, folder: VsCodeFolder, pyright: PyrightConfig, ref: SettingRef
) -> list[FileChange]:
    existing = {os.path.normpath(p.text) for p in pyright.extra_paths}
    values: list[str] = []
    for item in ref.value:
        if not isinstance(item, str):
            continue
        resolved = _resolve(ctx, folder.dir, item)
        if resolved is None:
            raise FixUnavailable(f"cannot move {item!r}")
        rel = os.path.relpath(resolved, ctx.ws.snapshot.abspath(pyright.folder)).replace(os.sep, "/")
        if os.path.normpath(rel) not in existing and rel not in values:
            values.append(rel)
    changes = [_pyright_append(ctx, pyright, values)] if values else []
    changes.append(json_ops(ctx.ws.snapshot, ref.path, [json_remove(_json_path(ref))]))
    return changes


def _pytest_projects(folder: VsCodeFolder) -> list[Project]:
    return [p for p in folder.projects if p.test_modules and p.uses_pytest]


def _pytest_args_for(ctx: Context, folder: VsCodeFolder, projects: list[Project]) -> list[str]:
    """What "Configure Tests" should have written: [] when testpaths already says it."""
    if all(p.pytest_config is not None and p.pytest_config.get("testpaths") for p in projects):
        return []
    # A nested project the folder's own `pytest` leaves to its own run stays out: an argument is
    # collected even when `--ignore` names it, and under this folder's configuration, not its own.
    left = left_to_their_own_run(ctx, folder.dir)
    dirs = sorted({d for p in projects if p.dir not in left for d in p.tests_dirs})
    if dirs == [folder.dir]:
        return []
    return [relative(d, folder.dir) for d in dirs]


@rule(
    "PD304",
    "test-explorer-not-pytest",
    Severity.INFORMATION,
    "Tests exist but python.testing.pytestEnabled is not true, or unittest is enabled for a pytest suite",
    fix=Applicability.SAFE,
)
def PD304(ctx: Context) -> Iterator[Finding]:
    """The Python extension discovers tests only when
    ``python.testing.pytestEnabled`` is true (it defaults to false), and runs
    unittest instead when ``unittestEnabled`` is true. The fix writes what
    "Python: Configure Tests" would: ``pytestEnabled: true``,
    ``unittestEnabled: false`` and ``pytestArgs`` naming the tests folder (an
    empty list when ``testpaths`` already does, so discovery follows it)."""
    for folder in ctx.ws.folders:
        yield from ctx.per_folder("PD304", folder, functools.partial(_pd304, ctx, folder))


def _pd304(ctx: Context, folder: VsCodeFolder) -> Iterator[Finding]:
    ws = ctx.ws
    projects = _pytest_projects(folder)
    if not projects:
        return
    enabled = ws.setting(folder, PYTEST_ENABLED)
    unittest = ws.setting(folder, UNITTEST_ENABLED)
    if enabled is None or enabled.value is not True:
        if enabled is not None:
            value_node = enabled.prop.value_node
            assert value_node is not None
            path, range_ = enabled.path, ctx.range(enabled.path, (value_node.offset, value_node.end))
            target, prefix = enabled.path, _json_path(enabled)[:-1]
        else:
            # A setting of the whole folder: reported at the folder's own project when it has
            # one, not at whichever nested project with tests sorts first.
            own = next((p for p in folder.projects if p.dir == folder.dir and p.pyproject), None)
            path, range_ = _settings_anchor(ctx, folder, own or projects[0])
            target, prefix = folder.settings_path, ()
        ops = [json_set((*prefix, PYTEST_ENABLED), True)]
        if unittest is None or unittest.value is not False:
            ops.append(json_set((*prefix, UNITTEST_ENABLED), False))
        if ws.setting(folder, PYTEST_ARGS) is None:
            ops.append(json_set((*prefix, PYTEST_ARGS), _pytest_args_for(ctx, folder, projects)))
        count = sum(len(p.test_modules) for p in projects)
        # Team advice only where the team shares VS Code settings; otherwise a hint for you.
        if ws.gitignored(folder.settings_path):
            personal = " (`.vscode` is gitignored here: a setting for you, not the team)."
        elif enabled is None and not shares_vscode(ws, folder):
            personal = " (no `.vscode` is shared here: a setting for you, not the team)."
        else:
            personal = ""
        yield PD304.at(
            path,
            range_,
            f"{count} pytest test module(s) exist but `{PYTEST_ENABLED}` is not true for "
            f"{_folder_label(folder)}: the Test Explorer will not discover them" + (personal or "."),
            ctx.json_fix(f"Enable pytest for the Test Explorer in {target}", target, ops),
            severity=Severity.HINT if personal else None,
        )
    elif unittest is not None and unittest.value is True:
        value_node = unittest.prop.value_node
        assert value_node is not None
        # A shared setting that makes the Test Explorer run the wrong framework breaks it for everyone.
        yield PD304.at(
            unittest.path,
            ctx.range(unittest.path, (value_node.offset, value_node.end)),
            f"`{UNITTEST_ENABLED}` is true for a pytest suite: the Test Explorer runs unittest, "
            "which does not understand pytest tests and fixtures.",
            ctx.json_fix(
                f"Set {UNITTEST_ENABLED} to false in {unittest.path}",
                unittest.path,
                [json_set(_json_path(unittest), False)],
            ),
            severity=Severity.WARNING,
        )


@rule(
    "PD305",
    "pytest-args-path",
    Severity.WARNING,
    "python.testing.pytestArgs names a missing folder or misses the tests folder",
    fix=Applicability.SAFE,
)
def PD305(ctx: Context) -> Iterator[Finding]:
    """Paths in ``python.testing.pytestArgs`` are passed to pytest as they are,
    relative to ``python.testing.cwd`` (the workspace folder by default). A path
    that does not exist makes discovery fail with "file or directory not found";
    paths that do not include the tests folder hide the tests from the Test
    Explorer. The fix points the argument at the tests folder. With ``--pyargs``
    (in the arguments or addopts), pytest tries each argument as a module name on
    its import path first: those are not judged."""
    ws = ctx.ws
    for folder in ws.folders:
        ref = ws.setting(folder, PYTEST_ARGS)
        if ref is None or not isinstance(ref.value, list):
            continue
        value_node = ref.prop.value_node
        assert value_node is not None
        cwd_ref = ws.setting(folder, TESTING_CWD)
        cwd = _resolve(ctx, folder.dir, cwd_ref.value) if cwd_ref and isinstance(cwd_ref.value, str) else None
        cwd = cwd or ws.snapshot.abspath(folder.dir)
        projects = _pytest_projects(folder)
        tests_dirs = sorted({d for p in projects for d in p.tests_dirs})
        json_path = _json_path(ref)
        if uses_pyargs(ref.value) or uses_pyargs(explorer_run(ws, folder, None).addopts()):
            continue  # each argument may be a module name, found on the interpreter's sys.path
        positional = positional_args(ref.value)
        missing = False
        for index, arg in positional:
            target = os.path.normpath(os.path.join(cwd, arg.split("::", 1)[0]))
            if ws.exists(target):
                continue
            missing = True
            fix = None
            if len(tests_dirs) == 1:
                new = os.path.relpath(ws.snapshot.abspath(tests_dirs[0]), cwd).replace(os.sep, "/")
                fix = ctx.json_fix(
                    f"Replace {arg!r} with {new!r}", ref.path, [json_set((*json_path, index), new)]
                )
            item = value_node.children[index]
            yield PD305.at(
                ref.path,
                ctx.range(ref.path, (item.offset, item.end)),
                f"`{PYTEST_ARGS}` names {arg!r}, which does not exist: test discovery fails with "
                '"file or directory not found".',
                fix,
            )
        if missing or not positional or not projects:
            continue
        roots = [os.path.normpath(os.path.join(cwd, arg.split("::", 1)[0])) for _, arg in positional]
        modules = [ws.snapshot.abspath(m.path) for p in projects for m in p.test_modules]
        if any(m == r or m.startswith(r + os.sep) for m in modules for r in roots):
            continue
        additions = [os.path.relpath(ws.snapshot.abspath(d), cwd).replace(os.sep, "/") for d in tests_dirs]
        yield PD305.at(
            ref.path,
            ctx.range(ref.path, (value_node.offset, value_node.end)),
            f"`{PYTEST_ARGS}` does not include the tests folder ({', '.join(tests_dirs)}): the Test "
            "Explorer will not discover those tests.",
            ctx.json_fix(
                f"Add {', '.join(repr(a) for a in additions)} to {PYTEST_ARGS} in {ref.path}",
                ref.path,
                [json_append(json_path, a) for a in additions],
            ),
        )


@rule(
    "PD306",
    "interpreter-mismatch",
    Severity.WARNING,
    "python.defaultInterpreterPath points nowhere, or .venv exists and another interpreter is configured",
    fix=Applicability.UNSAFE,
)
def PD306(ctx: Context) -> Iterator[Finding]:
    """``python.defaultInterpreterPath`` picks the interpreter for the folder
    until the user selects another. A path that does not exist silently falls
    back to some other Python; one outside the project's ``.venv`` (made by
    ``uv sync``) runs tests and analysis without the project's dependencies.
    The fix points it at ``${workspaceFolder}/.venv``'s interpreter."""
    ws = ctx.ws
    for folder in ws.folders:
        ref = ws.setting(folder, INTERPRETER)
        if ref is None or not isinstance(ref.value, str) or not re.search(r"[\\/]", ref.value):
            continue
        resolved = _resolve(ctx, folder.dir, ref.value)
        if resolved is None:
            continue
        venvs = {
            p.venv.rel: p.venv
            for p in folder.projects
            if p.venv is not None and within(p.venv.rel, folder.dir)
        }
        value_node = ref.prop.value_node
        assert value_node is not None
        range_ = ctx.range(ref.path, (value_node.offset, value_node.end))
        venv = venvs.get(join(folder.dir, ".venv")) or (next(iter(venvs.values())) if venvs else None)
        fix = None
        new = None
        if venv is not None:
            new = "${workspaceFolder}/" + relative(venv.interpreter, folder.dir)
            fix = ctx.json_fix(f"Set {INTERPRETER} to {new!r}", ref.path, [json_set(_json_path(ref), new)])
        if not ws.exists(resolved):
            yield PD306.at(
                ref.path,
                range_,
                f"`{INTERPRETER}` is {ref.value!r}, which does not exist: VS Code falls back to "
                "another interpreter without the project's dependencies.",
                fix,
            )
            continue
        if venvs and not any(
            resolved == v.abspath or resolved.startswith(v.abspath + os.sep) for v in venvs.values()
        ):
            assert venv is not None
            yield PD306.at(
                ref.path,
                range_,
                f"`{INTERPRETER}` points outside `{venv.rel}`, the project's environment: tests and "
                "analysis run without the dependencies installed there.",
                fix,
            )


@rule(
    "PD307",
    "workspace-file-setting-overridden",
    Severity.INFORMATION,
    "A *.code-workspace file and the folder settings disagree (the folder wins)",
)
def PD307(ctx: Context) -> Iterator[Finding]:
    """Settings in ``.vscode/settings.json`` of a folder override the same keys
    in a ``*.code-workspace`` file (arrays are replaced, not merged). A value in
    the workspace file that the folder overrides has no effect there, which is
    confusing when one of them is edited. Keep the key in one place."""
    ws = ctx.ws
    for folder in ws.folders:
        for key in COMPARED_KEYS:
            own = ws.folder_setting(folder, key)
            if own is None:
                continue
            for ref in ws.workspace_settings(folder, key):
                if ref.value == own.value:
                    continue
                yield PD307.at(
                    ref.path,
                    ctx.range(ref.path, (ref.prop.offset, ref.prop.children[0].end)),
                    f"`{key}` in {ref.path} is overridden by {own.path} for {_folder_label(folder)} "
                    f"({own.value!r} wins over {ref.value!r}): this value has no effect there.",
                    related=(
                        ctx.related(
                            own.path, (own.prop.offset, own.prop.children[0].end), "the value VS Code uses"
                        ),
                    ),
                )
