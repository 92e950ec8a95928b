"""One import, every runner: does ``import x`` on a line resolve under each way the code is run?

The four runners are plain ``pytest`` in the project folder (as CI runs it), the Test
Explorer's ``python -m pytest`` (with ``.env``), Pylance/pyright with the folder's settings,
and ``uv run pytest`` when uv manages the project. Every verdict comes from the workspace
model the rules use (``workspace.runs``, ``workspace.imports``, ``workspace.analysis``,
``workspace.install``); this module only asks it and says which search-path entry or
setting is responsible. The CLI and the language server are faces of ``explain``.
"""

from __future__ import annotations

import os
import sys
from dataclasses import asdict, dataclass, replace
from typing import Any

from pyproj_doctor.formats import pyimports
from pyproj_doctor.workspace.analysis import EXTRA_PATHS, SearchPaths, search_paths
from pyproj_doctor.workspace.imports import (
    Origin,
    explorer_run_of,
    explorer_venv,
    first_party,
    lookup,
    run_path,
)
from pyproj_doctor.workspace.install import _uv_managed, _uv_workspace_root, synced_members, workflow_install
from pyproj_doctor.workspace.paths import within
from pyproj_doctor.workspace.projects import Project
from pyproj_doctor.workspace.runs import (
    PYTEST_ARGS,
    PYTEST_CWD,
    Resolution,
    Run,
    collects,
    imports_ok,
    plain_pytest,
    resolve_in,
)
from pyproj_doctor.workspace.snapshot import Snapshot
from pyproj_doctor.workspace.test_projects import (
    PYTHON_PROJECTS,
    USE_ENVIRONMENTS_EXTENSION,
    innermost,
    project_dirs,
)
from pyproj_doctor.workspace.venv import normalize
from pyproj_doctor.workspace.vscode import VsCodeFolder
from pyproj_doctor.workspace.walk import FileIndex
from pyproj_doctor.workspace.workspace import Workspace

RESOLVES, MISRESOLVES, FAILS = "resolves", "mis-resolves", "fails"
NOT_COLLECTED, NOT_APPLICABLE, UNKNOWN = "not collected", "not applicable", "unknown"
RUNNERS = (
    ("pytest", "plain pytest"),
    ("explorer", "Test Explorer"),
    ("pyright", "Pylance/pyright"),
    ("uv", "uv run pytest"),
)


class ExplainError(Exception):
    """A request that cannot be explained: the message says where and why."""


@dataclass(frozen=True)
class RunnerVerdict:
    runner: str  # pytest | explorer | pyright | uv
    title: str
    verdict: str  # resolves | mis-resolves | fails | not collected | not applicable | unknown
    where: str | None  # what it resolves to (workspace-relative when inside the workspace)
    reason: str  # the search-path entry that provides it, or why it is not found
    setting: str | None = None  # the setting (and file) responsible, when one is

    @property
    def imports(self) -> bool | None:
        """Whether the import works under this runner (None: the runner does not run it)."""
        if self.verdict in (RESOLVES, MISRESOLVES):
            return True
        return False if self.verdict == FAILS else None


@dataclass(frozen=True)
class Divergence:
    runner: str  # the first runner that disagrees with plain pytest (or the first that runs)
    setting: str | None
    message: str


@dataclass(frozen=True)
class Explanation:
    path: str  # workspace-relative file
    line: int  # 1-based
    name: str  # top-level module name
    module: str  # the dotted name as written
    project: str  # folder of the project the file belongs to
    origin: str | None  # where the first-party name lives (None: not first-party)
    verdicts: list[RunnerVerdict]
    divergence: Divergence | None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for item, verdict in zip(data["verdicts"], self.verdicts):
            item["imports"] = verdict.imports
        return data


def explain_in(
    root: str,
    rel: str,
    line: int,
    overlay: dict[str, str] | None = None,
    index: FileIndex | None = None,
    projects: bool | None = None,
) -> list[Explanation]:
    """``explain`` in the workspace at ``root`` (with unsaved ``overlay`` texts, as the editor has them).

    ``index`` is a listing of the tree the caller knows to be current (the language server's);
    ``projects`` whether the Test Explorer runs each project on its own (None: not known)."""
    return explain(Workspace(Snapshot(root, overlay), index, explorer_projects=projects), rel, line)


def has_import(text: str, line: int) -> bool:
    """Whether an absolute import starts on ``line`` (1-based): cheap, before the workspace is read."""
    return any(i.line == line - 1 and i.level == 0 and i.module for i in pyimports.scan(text).imports)


def explain(ws: Workspace, rel: str, line: int) -> list[Explanation]:
    """Explain each absolute import on ``line`` (1-based) of the workspace file ``rel``."""
    text = ws.text(rel) if ws.is_file(rel) else None
    if text is None:
        raise ExplainError(f"{rel}: not a readable file")
    lines = text.splitlines()
    if line < 1 or line > max(len(lines), 1):
        raise ExplainError(f"{rel}:{line}: the file has {len(lines)} lines")
    found = [i for i in pyimports.scan(text).imports if i.line == line - 1]
    absolute = [i for i in found if i.level == 0 and i.module]
    if not absolute:
        what = (
            "a relative import, resolved from its own package under every runner"
            if found
            else "not an import"
        )
        raise ExplainError(f"{rel}:{line}: {what}")
    project = owner(ws, rel)
    if project is None:
        raise ExplainError(
            f"{rel}: not inside a Python project (no pyproject.toml, setup.py or setup.cfg above it)"
        )
    names = first_party(ws)
    out = []
    seen: set[str] = set()
    for item in absolute:
        top = item.module.split(".")[0]
        if top in seen:
            continue
        seen.add(top)
        origin = names.get(top)
        verdicts = _verdicts(ws, project, rel, top, origin)
        out.append(
            Explanation(
                rel,
                line,
                top,
                item.module,
                project.dir,
                origin.path if origin else None,
                verdicts,
                _diverge(verdicts),
            )
        )
    return out


ROOT_MARKS = (".git", ".vscode")
PROJECT_FILES = ("pyproject.toml", "setup.py", "setup.cfg", "pytest.ini", "tox.ini")


def workspace_root(file: str) -> str:
    """The folder a file's workspace starts at: the nearest folder above it with ``.git``,
    ``.vscode`` or a ``.code-workspace`` file, else the outermost one with a project file
    (a uv workspace root above its member), else the file's own folder."""
    folder = os.path.dirname(os.path.realpath(file))
    outermost = None
    while True:
        try:
            names = os.listdir(folder)
        except OSError:
            names = []
        if any(m in names for m in ROOT_MARKS) or any(n.endswith(".code-workspace") for n in names):
            return folder
        if any(n in names for n in PROJECT_FILES):
            outermost = folder
        up = os.path.dirname(folder)
        if up == folder:
            return outermost or os.path.dirname(os.path.realpath(file))
        folder = up


def owner(ws: Workspace, rel: str) -> Project | None:
    """The innermost project holding the file."""
    holding = [p for p in ws.projects if within(rel, p.dir)]
    return max(holding, key=lambda p: 0 if p.dir == "." else p.dir.count("/") + 1, default=None)


def _verdicts(
    ws: Workspace, project: Project, rel: str, name: str, origin: Origin | None
) -> list[RunnerVerdict]:
    is_test = any(m.path == rel for m in project.test_modules)
    plain = _pytest_verdict(ws, plain_pytest(ws, project), "pytest", rel, is_test, name, origin)
    folder = project.folder
    assert folder is not None  # every project belongs to a folder (the root one at least)
    venv = explorer_venv(ws, folder)
    explorer = _explorer_verdict(ws, folder, rel, is_test, name, origin)
    pyright = _pyright_verdict(
        ws, search_paths(ws, folder, venv), rel, name, origin, folder.pyright is not None
    )
    return [plain, explorer, pyright, _uv_verdict(ws, project, plain, name, origin)]


def _explorer_verdict(
    ws: Workspace, folder: VsCodeFolder, rel: str, is_test: bool, name: str, origin: Origin | None
) -> RunnerVerdict:
    """Column (b): the Test Explorer's run that collects the file, in the folder's mode."""
    run = explorer_run_of(ws, folder, rel)
    if run is None:
        owner = innermost(project_dirs(ws, folder), rel)
        return RunnerVerdict(
            "explorer",
            _title("explorer"),
            UNKNOWN,
            None,
            f"`{owner}` is listed in `{PYTHON_PROJECTS}`: with the Python Environments extension in use "
            f"(`{USE_ENVIRONMENTS_EXTENSION}`, not known here) the Test Explorer runs it on its own, "
            "otherwise within the folder's run (`--test-explorer-projects on|off` tells which)",
            f"{USE_ENVIRONMENTS_EXTENSION} / {PYTHON_PROJECTS}",
        )
    verdict = _pytest_verdict(ws, run, "explorer", rel, is_test, name, origin)
    if run.project is None:
        return verdict
    # Project mode: the column names whose run it is (each project's run is its own).
    whose = "the folder's project" if run.project == folder.dir else f"project `{run.project}`"
    return replace(verdict, title=f"{verdict.title} ({whose})")


def _title(runner: str) -> str:
    return dict(RUNNERS)[runner]


def _show(ws: Workspace, absolute: str) -> str:
    rel = os.path.relpath(absolute, ws.snapshot.root).replace(os.sep, "/")
    return absolute if rel == ".." or rel.startswith("../") else rel


def _pytest_verdict(
    ws: Workspace, run: Run, runner: str, rel: str, is_test: bool, name: str, origin: Origin | None
) -> RunnerVerdict:
    title = _title(runner)
    if is_test and not collects(ws, run, rel):
        why = f"{run.label} does not collect this file (testpaths, norecursedirs, --ignore or pytestArgs)"
        return RunnerVerdict(runner, title, NOT_COLLECTED, None, why, _run_setting(run))
    path = run_path(ws, run)
    if origin is None:
        return _third_party(
            ws, runner, resolve_in(ws, path, name), name, run.venv is not None, _entry_for_run(ws, run)
        )
    found = lookup(ws, run, path, origin)
    if found.ok and found.hook is not None:
        venv = run.venv.rel if run.venv is not None else "the environment"
        where = f"the import hook of the editable install of {found.hook.name} in {venv}"
        return RunnerVerdict(runner, title, RESOLVES, origin.path, where)
    if found.ok:
        return _landed(ws, runner, found.resolution, origin, _entry_for_run(ws, run))
    return _failed(
        ws, runner, found.resolution, origin, _entry_for_run(ws, run), _run_setting(run), run.label
    )


def _landed(
    ws: Workspace, runner: str, resolution: Resolution, origin: Origin, entry_of: Any
) -> RunnerVerdict:
    where = resolution.where[0]
    source, setting = entry_of(os.path.dirname(where))
    expected = os.path.realpath(ws.abspath(origin.path))
    if resolution.kind == "regular" and os.path.realpath(where) != expected and "site-packages" not in where:
        reason = f"imports {_show(ws, where)} instead of {origin.path}, found first through {source}"
        return RunnerVerdict(runner, _title(runner), MISRESOLVES, _show(ws, where), reason, setting)
    return RunnerVerdict(
        runner, _title(runner), RESOLVES, _show(ws, where), f"found through {source}", setting
    )


def _failed(
    ws: Workspace,
    runner: str,
    resolution: Resolution,
    origin: Origin,
    entry_of: Any,
    setting: str | None,
    label: str,
) -> RunnerVerdict:
    if resolution.kind == "namespace":
        source, _ = entry_of(os.path.dirname(resolution.where[0]))
        reason = (
            f"lands on the namespace folder {_show(ws, resolution.where[0])} (through {source}), "
            f"not on the package in {origin.root.path}"
        )
    else:
        reason = f"{origin.root.path} (which holds {origin.path}) is not on the search path of {label}"
    return RunnerVerdict(runner, _title(runner), FAILS, None, reason, setting)


def _third_party(
    ws: Workspace, runner: str, resolution: Resolution, name: str, has_env: bool, entry_of: Any
) -> RunnerVerdict:
    title = _title(runner)
    if name in sys.stdlib_module_names:
        return RunnerVerdict(runner, title, RESOLVES, None, "the standard library")
    if resolution.kind != "missing":
        source, setting = entry_of(os.path.dirname(resolution.where[0]))
        return RunnerVerdict(
            runner, title, RESOLVES, _show(ws, resolution.where[0]), f"found through {source}", setting
        )
    if not has_env:
        return RunnerVerdict(
            runner, title, UNKNOWN, None, "not first-party, and no environment is found to look in"
        )
    return RunnerVerdict(runner, title, FAILS, None, "not first-party, and not installed in the environment")


def _run_setting(run: Run) -> str | None:
    if run.kind == "explorer" and run.project is not None:
        return f"{PYTHON_PROJECTS}, {PYTEST_CWD} / {PYTEST_ARGS} and PYTHONPATH in .env"
    if run.kind == "explorer":
        return f"{PYTEST_CWD} / {PYTEST_ARGS} and PYTHONPATH in .env"
    if run.config is not None:
        return f"`pythonpath` in {run.config.path}"
    return "`pythonpath` (no pytest configuration found)"


def _entry_for_run(ws: Workspace, run: Run) -> Any:
    """Names the reason a folder is on a run's ``sys.path`` (the order itself is ``sys_path``'s)."""
    config = run.config
    front: list[str] = []
    if config is not None and config.get("pythonpath") is not None:
        base = ws.abspath(config.folder)
        front = [os.path.normpath(os.path.join(base, w.text)) for w in config.options["pythonpath"].words]

    def entry_of(entry: str) -> tuple[str, str | None]:
        entry = os.path.normpath(entry)
        if run.venv is not None and entry in run.venv.site_packages:
            return f"the site-packages of {run.venv.rel} (an installed copy)", None
        if run.venv is not None and entry in run.venv.pth_paths:
            return f"a `.pth` path line in {run.venv.rel} (an editable install)", None
        if config is not None and entry in front:
            return f"`pythonpath` in {config.path}", f"`pythonpath` in {config.path}"
        if run.kind == "explorer" and entry == ws.abspath(run.cwd):
            return f"the Test Explorer's cwd `{run.cwd}` (`python -m` puts it first)", PYTEST_CWD
        if entry in run.env_paths:
            return "PYTHONPATH in the folder's .env", "PYTHONPATH in .env"
        return (
            f"`{_show(ws, entry)}`, which pytest inserts for a test module or conftest.py "
            f"(--import-mode={run.import_mode()})",
            None,
        )

    return entry_of


def _pyright_verdict(
    ws: Workspace, paths: SearchPaths, rel: str, name: str, origin: Origin | None, has_config: bool
) -> RunnerVerdict:
    order = paths.for_file(ws, rel)
    resolution = resolve_in(ws, order, name)
    folder_rel = _show(ws, paths.root)
    env = paths.environment(ws, rel)
    pyright_file = _pyright_file(ws, rel)

    def entry_of(entry: str) -> tuple[str, str | None]:
        entry = os.path.normpath(entry)
        if entry == paths.stubs:
            return "pyright's stubPath", "stubPath"
        if env is not None and entry == env.root:
            return (
                f"the root of executionEnvironments[{env.index}]",
                f"executionEnvironments in {pyright_file}",
            )
        if entry == paths.root:
            return f"the execution root (the workspace folder `{folder_rel}`)", None
        if env is not None and env.extra is not None and entry in env.extra:
            setting = f"executionEnvironments[{env.index}].extraPaths in {pyright_file}"
            return setting, setting
        if entry in paths.extra:
            if entry == os.path.join(paths.root, "src"):
                return "`autoSearchPaths` (the folder's `src`)", "python.analysis.autoSearchPaths"
            setting = f"`extraPaths` in {pyright_file}" if has_config and pyright_file else f"`{EXTRA_PATHS}`"
            return setting, setting
        if entry in paths.env:
            return (
                "PYTHONPATH in the folder's .env (Pylance reads it; the pyright CLI does not)",
                "PYTHONPATH in .env",
            )
        if entry in paths.site:
            return "the interpreter's site-packages or a `.pth` path line", "python.defaultInterpreterPath"
        return f"`{_show(ws, entry)}`, a folder of the importing file (local import)", None

    title = _title("pyright")
    if origin is None:
        return _third_party(ws, "pyright", resolution, name, bool(paths.site), entry_of)
    if imports_ok(resolution, ws.abspath(origin.path)):
        return _landed(ws, "pyright", resolution, origin, entry_of)
    if env is not None and env.extra is not None:
        setting = f"executionEnvironments[{env.index}].extraPaths in {pyright_file}"
    elif has_config and pyright_file and _config_sets_extra(ws, rel):
        setting = f"`extraPaths` in {pyright_file} (it replaces `{EXTRA_PATHS}`)"
    else:
        setting = f"`{EXTRA_PATHS}`"
    verdict = _failed(ws, "pyright", resolution, origin, entry_of, setting, "Pylance/pyright")
    if resolution.kind == "missing" and origin.project.folder is not None:
        hook = _import_hook(ws, origin)
        if hook:
            reason = (
                f"{verdict.reason}; the editable install of {hook} is an import hook pyright cannot follow"
            )
            return RunnerVerdict("pyright", title, FAILS, None, reason, setting)
    return verdict


def _pyright_file(ws: Workspace, rel: str) -> str | None:
    project = owner(ws, rel)
    folder = project.folder if project is not None else None
    return folder.pyright.path if folder is not None and folder.pyright is not None else None


def _config_sets_extra(ws: Workspace, rel: str) -> bool:
    project = owner(ws, rel)
    folder = project.folder if project is not None else None
    return folder is not None and folder.pyright is not None and folder.pyright.extra_paths_span is not None


def _import_hook(ws: Workspace, origin: Origin) -> str | None:
    folder = origin.project.folder
    venv = explorer_venv(ws, folder) if folder is not None else None
    editable = venv.editable_for(origin.project.name, ws.abspath(origin.project.dir)) if venv else None
    return editable.name if editable is not None and editable.import_hook else None


def _uv_verdict(
    ws: Workspace, project: Project, plain: RunnerVerdict, name: str, origin: Origin | None
) -> RunnerVerdict:
    title = _title("uv")
    root = _uv_workspace_root(ws, project)
    if _uv_managed(ws, project) is None and root is None:
        return RunnerVerdict(
            "uv", title, NOT_APPLICABLE, None, "uv does not manage this project (no uv.lock, no [tool.uv])"
        )
    if plain.verdict != FAILS or origin is None:
        # `uv run` syncs inexactly (it adds, never removes), then runs the same console script.
        return RunnerVerdict("uv", title, plain.verdict, plain.where, plain.reason, plain.setting)
    install = workflow_install(ws, origin.project)
    if install is None or install.tool != "uv":
        return RunnerVerdict(
            "uv", title, FAILS, None, f"{plain.reason}; uv does not install it", plain.setting
        )
    member = origin.project.name or origin.project.dir
    if _uv_run_installs(ws, project, origin.project, root):
        reason = f"`uv run` syncs first, and that installs {member} editable"
        return RunnerVerdict("uv", title, RESOLVES, origin.path, reason, install.declared_in)
    reason = (
        f"{plain.reason}; the sync `uv run` does here does not install {member} (`{install.command}` does)"
    )
    return RunnerVerdict("uv", title, FAILS, None, reason, install.declared_in)


def _uv_run_installs(ws: Workspace, project: Project, wanted: Project, root: Project | None) -> bool:
    """Whether ``uv run`` in ``project``'s folder installs ``wanted``: the project itself; in a uv
    workspace, the members syncing the project installs (every member from a virtual root)."""
    if wanted.dir == project.dir:
        return True
    if root is None or wanted.name is None:
        return False
    if project.dir == root.dir and root.doc is not None and not isinstance(root.doc.get("project"), dict):
        return True
    seen = synced_members(ws, project, root)
    return seen is None or normalize(wanted.name) in seen  # computed dependencies: claim no failure


def _diverge(verdicts: list[RunnerVerdict]) -> Divergence | None:
    """The first runner whose answer differs from the first runner that runs the import."""
    running = [v for v in verdicts if v.imports is not None]
    if not running:
        return None
    base = running[0]
    for other in running[1:]:
        if other.imports != base.imports:
            failing = other if not other.imports else base
            working = base if failing is other else other
            setting = failing.setting or working.setting
            message = (
                f"{base.title} {base.verdict} but {other.title} {other.verdict}: "
                f"{working.title} finds it through {working.reason.removeprefix('found through ')}; "
                f"{failing.title}: {failing.reason}"
            )
            return Divergence(other.runner, setting, message)
    return None


# ---------------------------------------------------------------------- faces
def text_table(items: list[Explanation]) -> str:
    """A small table per import: runner | verdict | resolved from / reason."""
    out: list[str] = []
    for item in items:
        head = f"{item.path}:{item.line}: import {item.module}"
        if item.origin:
            head += f" (first-party: {item.origin})"
        rows = [("runner", "verdict", "resolved from / reason")]
        rows += [(v.title, v.verdict, _cell(v)) for v in item.verdicts]
        width = [max(len(r[i]) for r in rows) for i in range(2)]
        out.append(head)
        for number, (a, b, c) in enumerate(rows):
            out.append(f"  {a.ljust(width[0])} | {b.ljust(width[1])} | {c}")
            if number == 0:
                out.append(f"  {'-' * width[0]}-+-{'-' * width[1]}-+-{'-' * 22}")
        out.append(
            f"  diverges at {_title(item.divergence.runner)}: {item.divergence.message}"
            if item.divergence
            else "  every runner agrees"
        )
        if item.divergence and item.divergence.setting:
            out.append(f"  setting responsible: {item.divergence.setting}")
    return "\n".join(out) + "\n"


def markdown(items: list[Explanation]) -> str:
    """The same table for an editor hover or preview."""
    out: list[str] = []
    for item in items:
        origin = f" — first-party: `{item.origin}`" if item.origin else ""
        out.append(f"**import `{item.module}`**{origin}\n")
        out.append("| runner | verdict | resolved from / reason |")
        out.append("|---|---|---|")
        for v in item.verdicts:
            out.append(f"| {v.title} | {v.verdict} | {_cell(v).replace('|', chr(92) + '|')} |")
        if item.divergence:
            out.append(f"\nDiverges at **{_title(item.divergence.runner)}**: {item.divergence.message}")
            if item.divergence.setting:
                out.append(f"\nSetting responsible: {item.divergence.setting}")
        else:
            out.append("\nEvery runner agrees.")
        out.append("")
    return "\n".join(out)


def _cell(v: RunnerVerdict) -> str:
    if v.where and v.verdict in (RESOLVES, MISRESOLVES):
        return f"{v.where} ({v.reason})"
    return v.reason
