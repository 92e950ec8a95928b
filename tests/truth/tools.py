"""Run the real tools on a workspace on disk and record which first-party imports fail.

Real pytest runs twice per folder: the `pytest` console script from the project root (what CI
does: the current folder is not on sys.path) and the Test Explorer's invocation (`python -m pytest
--collect-only <pytestArgs> --rootdir=<cwd>` from `python.testing.cwd` or the folder, with the
`.env` variables merged in; FACTS.md "Learned since"). pyright runs as a language server
(pyright_lsp.py). Interpreters are real: a shape's own `.venv` made by `uv sync` when it has one,
else a runner environment holding only pytest.
"""

from __future__ import annotations

import ast
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.truth.pyright_lsp import folder_settings

SKIP_DIRS = {".venv", "venv", ".git", "node_modules", ".tox", ".nox", "__pycache__", ".pytest_cache"}
STDLIB = set(sys.stdlib_module_names) | {"__future__"}

# Makes imports of third-party names (listed in TRUTH_STUBS) succeed with an empty module when
# nothing installed provides them, so that a skeleton's first-party imports are what is tested.
# It is appended to sys.meta_path, so every real finder is asked first.
# pytest's collection as every measured run does it (after the interpreter or `-m`).
COLLECT = ["pytest", "--collect-only", "-q", "-p", "no:cacheprovider"]
STUB_PTH = "import _truth_stubs; _truth_stubs.install()\n"
STUB_MODULE = """
import os, sys, types
from importlib.machinery import ModuleSpec


class _Loader:
    def create_module(self, spec):
        module = types.ModuleType(spec.name)
        module.__path__ = []
        module.__getattr__ = lambda name: type(name, (), {})
        return module

    def exec_module(self, module):
        pass


class _Finder:
    names = frozenset(n for n in os.environ.get("TRUTH_STUBS", "").split(",") if n)

    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in self.names:
            return ModuleSpec(name, _Loader(), is_package=True)
        return None


def install():
    if os.environ.get("TRUTH_STUBS"):
        sys.meta_path.append(_Finder())
"""


PYCACHE = os.path.join(os.environ.get("TMPDIR", "/tmp"), "pyproj-doctor-truth-pycache")


def clean_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYTEST", "VIRTUAL_ENV", "UV_PROJECT", "PYTHON", "CONDA"))
    }
    env["UV_LINK_MODE"] = "copy"
    env["UV_NO_PROGRESS"] = "1"
    # Byte code of whatever runs is cached outside the workspaces, so nothing is written into them
    # and nothing is compiled twice (compiling every installed package at install costs more).
    env["PYTHONPYCACHEPREFIX"] = PYCACHE
    env.update(extra or {})
    return env


def make_runner(where: Path) -> Path:
    """A virtual environment with only pytest (the harness's own version), for shapes without one."""
    import pytest

    venv = where / "runner"
    if not (venv / "bin" / "pytest").exists():
        subprocess.run(
            ["uv", "venv", "-q", "--python", sys.executable, str(venv)], check=True, env=clean_env()
        )
        subprocess.run(
            [
                "uv",
                "pip",
                "install",
                "-q",
                "--python",
                str(venv / "bin" / "python"),
                f"pytest=={pytest.__version__}",
            ],
            check=True,
            env=clean_env(),
        )
    add_stubs(venv)
    return venv


def site_packages(venv: Path) -> Path:
    return next((venv / "lib").glob("python3*/site-packages"))


def add_stubs(venv: Path) -> None:
    site = site_packages(venv)
    (site / "_truth_stubs.py").write_text(STUB_MODULE)
    (site / "_truth_stubs.pth").write_text(STUB_PTH)


def python_files(root: Path) -> list[Path]:
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.startswith("."))
        found.extend(Path(dirpath) / f for f in sorted(filenames) if f.endswith(".py"))
    return found


def imported_names(files: list[Path]) -> dict[Path, set[str]]:
    """The absolute imports of each file, as dotted module names."""
    result: dict[Path, set[str]] = {}
    for path in files:
        try:
            tree = ast.parse(path.read_text(encoding="utf-8", errors="replace"))
        except SyntaxError:
            continue
        names: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module)
        result[path] = names
    return result


def first_party(root: Path, files: list[Path]) -> set[str]:
    """Top-level names the workspace itself provides: a folder holding Python files, or a module."""
    names: set[str] = set()
    for path in files:
        rel = path.relative_to(root).parts
        names.add(Path(rel[-1]).stem)
        names.update(part for part in rel[:-1])
    return {n for n in names if n.isidentifier()} - STDLIB


@dataclass
class PytestRun:
    label: str
    command: list[str]
    cwd: str
    returncode: int
    missing: set[str] = field(default_factory=set)  # first-party top-level names that failed to import
    errors: list[str] = field(default_factory=list)  # other collection/usage errors, one line each
    # pytest could not start for a reason of this environment, not of the project (a plugin that
    # addopts needs is not installed here): recorded, and not counted as a failure.
    environment: list[str] = field(default_factory=list)
    output: str = ""

    @property
    def ok(self) -> bool:
        return (self.returncode in (0, 5) or bool(self.environment)) and not self.missing and not self.errors


ENVIRONMENT = (
    "unrecognized arguments",
    "Error importing plugin",
    "Unknown config option",
    "unknown hook",
    "not found: pytest_plugins",
)
MISSING = re.compile(r"ModuleNotFoundError: No module named '([^']+)'")
CANNOT_IMPORT = re.compile(r"ImportError: cannot import name '([^']+)' from '([^']+)'")
OTHER = re.compile(r"^(E\s+)?(.*(import file mismatch|ERROR: .*|UsageError.*|INTERNALERROR.*))$", re.M)


def parse_pytest(
    label: str, command: list[str], cwd: Path, proc: subprocess.CompletedProcess[str], ours: set[str]
) -> PytestRun:
    out = proc.stdout + proc.stderr
    run = PytestRun(label, command, str(cwd), proc.returncode, output=out[-4000:])
    for match in MISSING.finditer(out):
        top = match.group(1).split(".")[0]
        if top in ours:
            run.missing.add(top)
    for match in CANNOT_IMPORT.finditer(out):
        top = match.group(2).split(".")[0]
        if top in ours:
            run.missing.add(top)
    for match in OTHER.finditer(out):
        line = match.group(2).strip()
        if "ModuleNotFoundError" in line or line.startswith("ERROR collecting") or "Interrupted" in line:
            continue
        if line.startswith("ERROR ") and (" - ModuleNotFoundError" in line or " - ImportError" in line):
            continue
        if any(p in line for p in ENVIRONMENT):
            run.environment.append(line[:300])
        else:
            run.errors.append(line[:300])
    if run.environment and not run.missing:
        run.errors = []
        return run
    # A failure that is only third-party (a dependency not installed in this environment) is not a
    # first-party import failure.
    if proc.returncode not in (0, 5) and not run.missing and not run.errors and not MISSING.search(out):
        run.errors.append(f"exit {proc.returncode}")
    return run


def read_env_file(folder: Path, settings: dict[str, Any]) -> dict[str, str]:
    """The variables the Python extension loads from `python.envFile` (default `.env`)."""
    name = settings.get("python.envFile", "${workspaceFolder}/.env")
    path = Path(str(name).replace("${workspaceFolder}", str(folder)))
    if not path.is_absolute():
        path = folder / path
    values: dict[str, str] = {}
    if path.is_file():
        for line in path.read_text().splitlines():
            key, sep, value = line.strip().partition("=")
            if sep and not key.startswith("#"):
                values[key.strip().removeprefix("export ").strip()] = (
                    value.strip().strip("'\"").replace("${workspaceFolder}", str(folder))
                )
    return values


def run_pytest(folder: Path, venv: Path, ours: set[str], stubs: set[str]) -> list[PytestRun]:
    """Plain `pytest` in the folder, then the Test Explorer's collection run."""
    base = {"TRUTH_STUBS": ",".join(sorted(stubs))}
    runs: list[PytestRun] = []
    if not (venv / "bin" / "pytest").exists():
        missing = PytestRun("pytest", [], str(folder), -1, errors=[f"pytest is not installed in {venv}"])
        return [missing, PytestRun("test explorer", [], str(folder), -1, errors=missing.errors)]
    plain = [str(venv / "bin" / "pytest"), "--collect-only", "-q", "-p", "no:cacheprovider"]
    proc = subprocess.run(plain, cwd=folder, env=clean_env(base), capture_output=True, text=True, timeout=300)
    runs.append(parse_pytest("pytest", plain[:1] + plain[1:], folder, proc, ours))

    settings = folder_settings(folder)
    args = settings.get("python.testing.pytestArgs", [])
    args = [str(a).replace("${workspaceFolder}", str(folder)) for a in args] if isinstance(args, list) else []
    cwd_setting = settings.get("python.testing.cwd")
    cwd = folder
    if isinstance(cwd_setting, str) and cwd_setting:
        cwd = Path(cwd_setting.replace("${workspaceFolder}", str(folder)))
        cwd = cwd if cwd.is_absolute() else folder / cwd
    explorer = [str(venv / "bin" / "python"), "-m", *COLLECT, *args]
    if not any(a.startswith("--rootdir") for a in args):
        explorer.append(f"--rootdir={cwd}")
    env = clean_env({**base, **read_env_file(folder, settings)})
    proc = subprocess.run(explorer, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    runs.append(parse_pytest("test explorer", explorer, cwd, proc, ours))
    if (site_packages(venv) / "pytest_cov").is_dir() or "PYTEST_ADDOPTS" in debug_env(folder):
        runs.append(debug_probe(folder, venv, cwd, args, env, ours))
    return runs


PYTHON_PROJECTS = "python-envs.pythonProjects"


def explorer_projects(folder: Path) -> list[str]:
    """The projects the Test Explorer runs on its own in project mode (the Python Environments
    extension in use): the folder, then each `python-envs.pythonProjects` entry inside it, as
    folder-relative POSIX paths."""
    found = ["."]
    entries = folder_settings(folder).get(PYTHON_PROJECTS, [])
    for entry in entries if isinstance(entries, list) else []:
        path = entry.get("path") if isinstance(entry, dict) else None
        if not isinstance(path, str) or not path:
            continue
        full = (folder / path).resolve()
        if full.is_dir() and full.is_relative_to(folder.resolve()):
            rel = full.relative_to(folder.resolve()).as_posix() or "."
            if rel not in found:
                found.append(rel)
    return found


def run_explorer_projects(folder: Path, venv: Path, ours: set[str], stubs: set[str]) -> list[PytestRun]:
    """The Test Explorer's collection runs in project mode: one per project, each `python -m pytest
    --collect-only <pytestArgs> --rootdir=<cwd>` in `python.testing.cwd` or the project's folder,
    with `--ignore=<absolute path>` for every other project inside it, in the project's own `.venv`
    (else the folder's interpreter), with the folder's `.env`."""
    settings = folder_settings(folder)
    args = settings.get("python.testing.pytestArgs", [])
    args = [str(a).replace("${workspaceFolder}", str(folder)) for a in args] if isinstance(args, list) else []
    cwd_setting = settings.get("python.testing.cwd")
    env = clean_env({"TRUTH_STUBS": ",".join(sorted(stubs)), **read_env_file(folder, settings)})
    dirs = explorer_projects(folder)
    runs = []
    for project in dirs:
        cwd = folder / project
        if isinstance(cwd_setting, str) and cwd_setting:
            cwd = Path(cwd_setting.replace("${workspaceFolder}", str(folder)))
            cwd = cwd if cwd.is_absolute() else folder / cwd
        own = folder / project / ".venv"
        python = own if project != "." and (own / "bin" / "python").exists() else venv
        ignores = [
            f"--ignore={(folder / other).resolve()}"
            for other in dirs
            if other != project and (project == "." or other.startswith(project + "/"))
        ]
        command = [str(python / "bin" / "python"), "-m", *COLLECT, *args, *ignores]
        if not any(a.startswith("--rootdir") for a in args):
            command.append(f"--rootdir={cwd}")
        proc = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
        runs.append(parse_pytest("test explorer", command, cwd, proc, ours))
    return runs


TERMINAL = "terminal"
TERMINAL_ENV = "terminal.integrated.env.linux"
USE_ENV_FILE = "python.terminal.useEnvFile"


def terminal_env(folder: Path, settings: dict[str, Any]) -> dict[str, str] | None:
    """The variables a new VS Code terminal on Linux adds for the folder; None when none is set.

    `terminal.integrated.env.linux` (with `${workspaceFolder}` resolved) first; then, with
    `python.terminal.useEnvFile`, the env file's variables replace them: the Python Environments
    extension puts them in an environment variable collection with `replace`
    (`terminalEnvVarInjector.ts`), and VS Code applies collections after the settings' env."""
    values: dict[str, str] = {}
    configured = settings.get(TERMINAL_ENV)
    if isinstance(configured, dict):
        values.update({k: str(v).replace("${workspaceFolder}", str(folder)) for k, v in configured.items()})
    if settings.get(USE_ENV_FILE) is True:
        values.update(read_env_file(folder, settings))
    return values or None


def run_terminal(folder: Path, venv: Path, ours: set[str], stubs: set[str]) -> PytestRun | None:
    """`pytest` typed in a VS Code terminal with the environment activated, for folders whose
    settings give terminals variables; None otherwise."""
    extra = terminal_env(folder, folder_settings(folder))
    if extra is None or not (venv / "bin" / "pytest").exists():
        return None
    command = [str(venv / "bin" / "pytest"), "--collect-only", "-q", "-p", "no:cacheprovider"]
    env = clean_env({"TRUTH_STUBS": ",".join(sorted(stubs)), **extra})
    proc = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True, timeout=300)
    return parse_pytest(TERMINAL, command, folder, proc, ours)


# The Test Explorer's debug run, short of a debugger: the tests run (not only collected) with the
# debug configuration's `env` and `--capture no`, as vscode-python's debugLauncher.ts does, and a
# plugin records which trace function holds `sys.settrace` inside each test. debugpy's breakpoints
# rely on that hook under Python < 3.12 (and pydevd's settrace mode); when coverage's tracer holds
# it, the debugger's is gone. What is measured is the hook's owner, not a breakpoint; and whether the
# debug run's own options (PYTEST_ADDOPTS) deselect every test.
TRACE_PROBE = """
import sys

_OWNERS = set()


def pytest_runtest_call(item):
    _OWNERS.add("ran")
    tracer = sys.gettrace()
    owner = getattr(tracer, "__self__", tracer)
    if owner is not None:
        _OWNERS.add(type(owner).__module__ + "." + type(owner).__qualname__)


def pytest_terminal_summary(terminalreporter):
    for owner in sorted(_OWNERS - {"ran"}):
        terminalreporter.write_line("TRUTH-TRACER: " + owner)
    terminalreporter.write_line("TRUTH-RAN: " + str(int("ran" in _OWNERS)))
"""
TRACER_ERROR = "coverage's tracer holds sys.settrace in the debugged tests: breakpoints are not hit"
DESELECTED_ERROR = "the debug run's options leave every test out: debugging one runs nothing"
PROBE_DIR = Path(os.environ.get("TMPDIR", "/tmp")) / "pyproj-doctor-truth-probe"


def debug_env(folder: Path) -> dict[str, str]:
    """`env` of the configuration the Test Explorer debugs with: the first in .vscode/launch.json
    with a name, type debugpy/python and request "test" or purpose "debug-test"."""
    path = folder / ".vscode" / "launch.json"
    try:
        data = json.loads(re.sub(r"^\s*//.*$", "", path.read_text(), flags=re.M)) if path.exists() else {}
    except ValueError:
        return {}
    for config in data.get("configurations", []) if isinstance(data, dict) and data.get("version") else []:
        purpose = config.get("purpose") if isinstance(config, dict) else None
        if (
            isinstance(config, dict)
            and config.get("name")
            and config.get("type") in ("debugpy", "python")
            and (config.get("request") == "test" or (isinstance(purpose, list) and "debug-test" in purpose))
        ):
            env = config.get("env")
            return {k: str(v) for k, v in env.items()} if isinstance(env, dict) else {}
    return {}


def debug_probe(
    folder: Path, venv: Path, cwd: Path, args: list[str], env: dict[str, str], ours: set[str]
) -> PytestRun:
    PROBE_DIR.mkdir(exist_ok=True)
    (PROBE_DIR / "truth_trace_probe.py").write_text(TRACE_PROBE)
    env = {**env, **debug_env(folder)}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (env.get("PYTHONPATH", ""), str(PROBE_DIR)) if p)
    command = [str(venv / "bin" / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    command += ["-p", "truth_trace_probe", *args]
    if not any(a.startswith("--rootdir") for a in args):
        command.append(f"--rootdir={cwd}")
    if not any(a == "-s" or a.startswith("--capture") for a in args):
        command += ["--capture", "no"]
    proc = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    run = parse_pytest("test explorer (debug)", command, cwd, proc, ours)
    # Imports are the Test Explorer run's verdict (same interpreter, cwd and arguments); this run
    # speaks only for what differs when debugging, so a fresh clone's import failures are not new here.
    returncode, run.returncode = run.returncode, 0
    run.missing, run.errors, run.environment = set(), [], []
    if any(line.startswith("TRUTH-TRACER: coverage") for line in proc.stdout.splitlines()):
        run.errors.append(TRACER_ERROR)
    if returncode == 5 and "TRUTH-RAN: 0" in proc.stdout and "deselected" in proc.stdout:
        run.errors.append(DESELECTED_ERROR)
    return run


UNRESOLVED = re.compile(r'Import "([^"]+)" could not be resolved|"([^"]+)" is unknown import symbol')


def pyright_missing(
    diagnostics: dict[Path, list[dict[str, Any]]], ours: set[str], root: Path, symbols: bool = True
) -> dict[str, list[str]]:
    """First-party top-level names pyright cannot resolve, with `file: message` evidence."""
    missing: dict[str, list[str]] = {}
    for path, items in diagnostics.items():
        imports = imported_names([path]).get(path, set())
        for item in items:
            match = UNRESOLVED.search(item.get("message", ""))
            if not match:
                continue
            if match.group(1):
                top = match.group(1).split(".")[0]
            elif not symbols:
                # Skeleton modules keep only their imports: a missing symbol there says nothing.
                continue
            else:
                # "X is unknown import symbol": the module it was imported from is on that line.
                line = path.read_text(errors="replace").splitlines()[item["range"]["start"]["line"]]
                found = re.match(r"\s*from\s+([\w.]+)\s+import", line)
                if not found:
                    continue
                top = found.group(1).split(".")[0]
            if top in ours and any(n.split(".")[0] == top for n in imports):
                rel = path.relative_to(root)
                missing.setdefault(top, []).append(
                    f"{rel}:{item['range']['start']['line'] + 1}: {item['message']}"
                )
    return missing


UV_RUN = "uv run pytest"


def run_uv_pytest(
    folder: Path,
    projects: Sequence[str],
    setup: Sequence[Sequence[str]],
    ours: set[str],
    stubs: set[str],
    scratch: Path,
) -> list[PytestRun]:
    """`uv run pytest` in each project folder, as a user runs it there, each in its own copy.

    `uv run` syncs before it runs (it may create `.venv`, or install the member it runs in), so it
    runs in a copy of the workspace where the shape's own install is made again: the folder the
    other tools measure stays as it is, and one project's run does not install for the next.
    Each run's cwd is reported as the original project folder."""
    env = clean_env({"UV_PYTHON": sys.executable, "TRUTH_STUBS": ",".join(sorted(stubs))})
    command = ["uv", "run", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"]
    runs = []
    for project in projects:
        copy = scratch / f"{folder.name}-{next(_COPIES)}"
        shutil.copytree(folder, copy, symlinks=True, ignore=shutil.ignore_patterns(*SKIP_DIRS))
        try:
            failed = ""
            if (folder / ".venv").is_dir():
                for step in setup:
                    proc = uv(list(step[1:]), copy)
                    if proc.returncode != 0:
                        failed = f"{' '.join(step)} in the copy: {proc.stderr[-300:]}"
            if failed:
                runs.append(PytestRun(UV_RUN, [], str(folder / project), -1, errors=[failed]))
                continue
            proc = subprocess.run(
                command, cwd=copy / project, env=env, capture_output=True, text=True, timeout=600
            )
            runs.append(parse_pytest(UV_RUN, command, folder / project, proc, ours))
        finally:
            shutil.rmtree(copy, ignore_errors=True)
    return runs


_COPIES = itertools.count()


def uv(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["uv", *args],
        cwd=cwd,
        env=clean_env({"UV_PYTHON": sys.executable}),
        capture_output=True,
        text=True,
        timeout=600,
    )


def has_uv() -> bool:
    return shutil.which("uv") is not None
