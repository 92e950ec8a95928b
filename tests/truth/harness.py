"""Build every corpus entry twice (as found, and after `configure` + `check --fix`), run the real
tools and the engine on both, and keep what each said. One pass for the whole session: shapes are
independent, so the work runs on a small thread pool and two pyright servers share the folders."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.truth import tools
from tests.truth.pyright_lsp import PyrightServer, analysis_settings, folder_settings

WORKERS = max(2, min(4, os.cpu_count() or 2))
SEVERE = ("error", "warning")


@dataclass
class Verdict:
    """What the real tools did in one folder."""

    pytest: list[tools.PytestRun] = field(default_factory=list)
    pyright: dict[str, list[str]] = field(default_factory=dict)  # missing top-level name -> evidence
    # `uv run pytest` in each project, for shapes uv manages (checks explain's uv column only).
    uv: list[tools.PytestRun] = field(default_factory=list)
    # `pytest` typed in a VS Code terminal, when the settings give terminals variables (PD602).
    terminal: tools.PytestRun | None = None

    def pytest_failed(self, label: str | None = None) -> bool:
        return any(not r.ok for r in self.pytest if label is None or r.label == label)

    @property
    def green(self) -> bool:
        return not self.pytest_failed() and not self.pyright

    def failures(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for run in self.pytest:
            if not run.ok:
                where = os.path.basename(run.cwd) if run.label == "pytest" else "folder"
                key = f"{run.label} ({where})" if run.label == "pytest" else run.label
                out[key] = sorted(f"No module named '{m}'" for m in run.missing) + run.errors
        if self.pyright:
            out["pyright"] = [e for items in self.pyright.values() for e in items]
        return out

    def summary(self) -> str:
        failures = self.failures()
        if not failures:
            return "all tools green"
        return "; ".join(f"{k}: {', '.join(v[:3])}" for k, v in failures.items())


@dataclass
class Side:
    folder: Path
    setup_error: str = ""
    findings: list[dict[str, Any]] = field(default_factory=list)
    exit: int = 0
    fix_output: str = ""
    verdict: Verdict = field(default_factory=Verdict)
    explained: Any = None  # tests.truth.explained.Record: what `explain` said, as measured
    # The Test Explorer's project mode the shape is measured and checked in (None: not known).
    explorer_projects: bool | None = None

    def severe(self) -> list[dict[str, Any]]:
        return [f for f in self.findings if f["severity"] in SEVERE]


@dataclass
class Entry:
    id: str
    before: Side
    after: Side | None


def mode_flag(side: Side) -> list[str]:
    """The command line's word on the Test Explorer's project mode, for a side measured in one."""
    if side.explorer_projects is None:
        return []
    return ["--test-explorer-projects", "on" if side.explorer_projects else "off"]


def engine(args: Sequence[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = tools.clean_env()
    env.pop("NO_COLOR", None)
    return subprocess.run(
        [sys.executable, "-m", "pyproj_doctor", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def has_unsafe_fixes() -> bool:
    return "--unsafe-fixes" in engine(["check", "--help"], Path.cwd()).stdout


def check_json(side: Side) -> None:
    proc = engine(["check", "--format", "json", *mode_flag(side), "."], side.folder)
    side.exit = proc.returncode
    try:
        side.findings = json.loads(proc.stdout or "[]")
    except json.JSONDecodeError:
        side.findings = [{"code": "CRASH", "severity": "error", "message": proc.stderr[-500:], "path": "."}]


def apply_fixes(side: Side, unsafe: bool) -> None:
    outputs = []
    for args in (
        ["configure", *mode_flag(side), "."],
        ["check", "--fix", *mode_flag(side), *(["--unsafe-fixes"] if unsafe else []), "."],
    ):
        proc = engine(args, side.folder)
        outputs.append(f"$ pyproj-doctor {' '.join(args)} -> {proc.returncode}\n{proc.stdout}{proc.stderr}")
    side.fix_output = "\n".join(outputs)


def test_files_only(files: list[Path], root: Path, limit: int = 120) -> list[Path]:
    """For large real-world trees: the test modules and conftest files pyright is asked about."""
    chosen = [
        f
        for f in files
        if f.name == "conftest.py" or any(p.startswith("test") for p in f.relative_to(root).parts)
    ]
    return chosen[:limit]


def _digest(folder: Path, files: Sequence[Path], settings: Any) -> str:
    """What a tool's verdict depends on: the project's files (not .vscode/) and the given settings."""
    h = hashlib.sha256(json.dumps(settings, sort_keys=True, default=str).encode())
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if d not in (".venv", ".vscode", "__pycache__", ".git"))
        for name in sorted(filenames):
            path = Path(dirpath) / name
            h.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


# folder -> (digest, result): the tools are deterministic, so a fix that left their inputs as they
# were (most fixes only touch .vscode/) does not need another run.
_PYTEST_SEEN: dict[Path, tuple[str, list[tools.PytestRun], tools.PytestRun | None]] = {}
_PYRIGHT_SEEN: dict[Path, tuple[str, dict[str, list[str]]]] = {}
TESTING_KEYS = (
    "python.testing.pytestArgs",
    "python.testing.cwd",
    "python.envFile",
    tools.TERMINAL_ENV,
    tools.USE_ENV_FILE,
    tools.PYTHON_PROJECTS,
)


def measure(sides: Iterable[tuple[Side, Sequence[str]]], runner: Path, large: bool = False) -> None:
    """Run plain pytest, the Test Explorer run and pyright on every side's folder."""
    sides = list(sides)
    contexts: dict[int, tuple[list[Path], set[str], set[str], Path]] = {}
    digests: dict[int, tuple[str, str]] = {}
    for side, _ in sides:
        files = tools.python_files(side.folder)
        ours = tools.first_party(side.folder, files)
        imported = {n.split(".")[0] for names in tools.imported_names(files).values() for n in names}
        stubs = imported - ours - tools.STDLIB
        venv = side.folder / ".venv"
        checked = test_files_only(files, side.folder) if large else files
        contexts[id(side)] = (checked, ours, stubs, venv if (venv / "bin" / "python").exists() else runner)
        settings = folder_settings(side.folder)
        digests[id(side)] = (
            _digest(
                side.folder,
                files,
                {
                    **{k: settings.get(k) for k in TESTING_KEYS},
                    "debug-env": tools.debug_env(side.folder),
                    "projects": side.explorer_projects,
                },
            ),
            _digest(side.folder, files, analysis_settings(settings)),
        )

    def run_pytest(item: tuple[Side, Sequence[str]]) -> None:
        side, projects = item
        seen = _PYTEST_SEEN.get(side.folder)
        if seen and seen[0] == digests[id(side)][0]:
            side.verdict.pytest, side.verdict.terminal = seen[1], seen[2]
            return
        _files, ours, stubs, venv = contexts[id(side)]
        runs: list[tools.PytestRun] = []
        for number, project in enumerate(projects):
            folder_runs = tools.run_pytest(side.folder / project, venv, ours, stubs)
            runs.append(folder_runs[0])
            if number == 0 and side.explorer_projects:
                runs.extend(tools.run_explorer_projects(side.folder, venv, ours, stubs))
            elif number == 0:
                explorer = tools.run_pytest(side.folder, venv, ours, stubs) if project != "." else folder_runs
                runs.extend(explorer[1:])  # the Test Explorer's run (and its debug probe, with pytest-cov)
        side.verdict.pytest = runs
        side.verdict.terminal = tools.run_terminal(side.folder, venv, ours, stubs)
        _PYTEST_SEEN[side.folder] = (digests[id(side)][0], runs, side.verdict.terminal)

    fresh = []
    for side, projects in sides:
        seen = _PYRIGHT_SEEN.get(side.folder)
        if seen and seen[0] == digests[id(side)][1]:
            side.verdict.pyright = seen[1]
        else:
            fresh.append((side, projects))
    halves = [half for half in (fresh[0::2], fresh[1::2]) if half]
    with ThreadPoolExecutor(WORKERS) as pool, ThreadPoolExecutor(2) as servers:
        pyright_jobs = [servers.submit(_pyright, half, contexts, not large) for half in halves]
        list(pool.map(run_pytest, sides))
        for job in pyright_jobs:
            job.result()
    for side, _ in fresh:
        _PYRIGHT_SEEN[side.folder] = (digests[id(side)][1], side.verdict.pyright)


def uv_managed(shape: Any) -> bool:
    """The shape's workflow is uv's: its install is a uv command, or its pyproject.toml has [tool.uv]."""
    setup = getattr(shape, "setup", ())
    return any(c[0] == "uv" for c in setup) or "[tool.uv" in shape.files.get("pyproject.toml", "")


def uv_projects(shape: Any) -> list[str]:
    """Where a user runs `uv run pytest`: where CI runs pytest, and every folder with a pyproject.toml
    (a uv workspace member's tests are run from the member's folder)."""
    found = {os.path.dirname(rel) or "." for rel in shape.files if rel.rsplit("/", 1)[-1] == "pyproject.toml"}
    return sorted(found | set(shape.projects))


_UV_SEEN: dict[Path, tuple[str, list[tools.PytestRun]]] = {}


def measure_uv(sides: Iterable[tuple[Side, Any]], scratch: Path) -> None:
    """Run `uv run pytest` in each project of each side whose shape uv manages."""
    chosen = [(side, shape) for side, shape in sides if uv_managed(shape)]

    def one(item: tuple[Side, Any]) -> None:
        side, shape = item
        files = tools.python_files(side.folder)
        digest = _digest(side.folder, files, {})  # `uv run` reads no .vscode setting
        seen = _UV_SEEN.get(side.folder)
        if seen and seen[0] == digest:
            side.verdict.uv = seen[1]
            return
        ours = tools.first_party(side.folder, files)
        imported = {n.split(".")[0] for names in tools.imported_names(files).values() for n in names}
        stubs = imported - ours - tools.STDLIB
        runs = tools.run_uv_pytest(side.folder, uv_projects(shape), shape.setup, ours, stubs, scratch)
        side.verdict.uv = runs
        _UV_SEEN[side.folder] = (digest, runs)

    scratch.mkdir(parents=True, exist_ok=True)
    with ThreadPoolExecutor(WORKERS) as pool:
        list(pool.map(one, chosen))


def _pyright(
    sides: Sequence[tuple[Side, Sequence[str]]], contexts: dict[int, Any], symbols: bool = True
) -> None:
    if not tools_pyright_available():
        return
    folders = {side.folder: str(contexts[id(side)][3] / "bin" / "python") for side, _ in sides}
    server = PyrightServer(folders)
    try:
        server.start()
        for side, _ in sides:
            files, ours, _stubs, _venv = contexts[id(side)]
            diagnostics = server.diagnose(files)
            side.verdict.pyright = tools.pyright_missing(diagnostics, ours, side.folder, symbols)
    finally:
        server.close()


def tools_pyright_available() -> bool:
    from tests.truth.pyright_lsp import available

    return available()


def prepare(
    entries: Sequence[Any], base: Path, write: Callable[[Any, Path], None]
) -> tuple[list[Entry], Path]:
    """Write each entry to its folder, install it as its workflow does, and check it."""
    runner = tools.make_runner(base)

    def build(entry: Any) -> Entry:
        before = Side(base / entry.id, explorer_projects=getattr(entry, "explorer_projects", None))
        write(entry, before.folder)
        for command in getattr(entry, "setup", ()):
            proc = tools.uv(list(command[1:]), before.folder)
            if proc.returncode != 0:
                before.setup_error = f"{' '.join(command)}: {proc.stderr[-800:]}"
        check_json(before)
        return Entry(entry.id, before, None)

    with ThreadPoolExecutor(WORKERS) as pool:
        return list(pool.map(build, entries)), runner


def fix(entries: Sequence[Entry], sources: Sequence[Any]) -> None:
    """Run `configure` + `check --fix` in each folder (measured before), then check it again."""
    unsafe_flag = has_unsafe_fixes()
    by_id = {s.id: s for s in sources}

    def one(entry: Entry) -> None:
        source = by_id[entry.id]
        after = Side(entry.before.folder, explorer_projects=entry.before.explorer_projects)
        pyproject = after.folder / "pyproject.toml"
        old = pyproject.read_bytes() if pyproject.exists() else b""
        apply_fixes(after, unsafe_flag and getattr(source, "unsafe", False))
        # The user re-runs their install after a fix that changes how the project installs.
        if pyproject.exists() and pyproject.read_bytes() != old:
            for command in getattr(source, "setup", ()):
                tools.uv(list(command[1:]), after.folder)
        check_json(after)
        entry.after = after

    with ThreadPoolExecutor(WORKERS) as pool:
        list(pool.map(one, entries))
