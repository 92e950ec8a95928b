"""PD301's import-hook note against a real `uv sync` and the pyright language server.

setuptools installs a flat layout or a `package-dir` mapping editable through an import hook that
pyright cannot follow (nor ty or Pyrefly; Jedi, which asks the interpreter, does). Where the note proposes `editable_mode = "compat"`, writing it where the note
says and running `uv sync` must make pyright resolve the import (and keep pytest green); where the
note says compat would not help, doing it anyway must leave the import unresolved."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from pyproj_doctor.findings import TextEdit
from pyproj_doctor.text import apply_edits
from tests.truth import langservers, tools
from tests.truth.pyright_lsp import PyrightServer
from tests.truth.pyright_lsp import available as pyright_available

TEST = "from app.core import f\n\n\ndef test_it():\n    assert f() == 1\n"
SETUPTOOLS = '[build-system]\nrequires = ["setuptools>=64"]\nbuild-backend = "setuptools.build_meta"\n'
APP = '[project]\nname = "app"\nversion = "0.1.0"\nrequires-python = ">=3.10"\n\n' + SETUPTOOLS
COMPAT = '\n[tool.uv]\nconfig-settings = { editable_mode = "compat" }\n'  # for every build
COMPAT_APP = '\n[tool.uv]\nconfig-settings-package = { app = { editable_mode = "compat" } }\n'  # for `app`

# A uv workspace whose member `packages/app` has setuptools' flat layout; the root's tests import it.
FLAT_MEMBER = {
    "pyproject.toml": '[project]\nname = "root"\nversion = "0.1.0"\nrequires-python = ">=3.10"\n'
    'dependencies = ["app"]\n\n[dependency-groups]\ndev = ["pytest>=8"]\n\n'
    "[tool.uv.sources]\napp = { workspace = true }\n\n"
    '[tool.uv.workspace]\nmembers = ["packages/*"]\n',
    "packages/app/pyproject.toml": APP + '\n[tool.setuptools]\npackages = ["app"]\n',
    "packages/app/app/__init__.py": "",
    "packages/app/app/core.py": "def f():\n    return 1\n",
    "tests/test_core.py": TEST,
}
# `package-dir = {"app" = "lib/app"}`: compat would put the project folder, not `lib`, on the path.
MAPPING = {
    "pyproject.toml": APP.replace(
        'requires-python = ">=3.10"\n', 'requires-python = ">=3.10"\ndependencies = []\n'
    )
    + '\n[dependency-groups]\ndev = ["pytest>=8"]\n\n'
    '[tool.setuptools]\npackage-dir = {"app" = "lib/app"}\npackages = ["app"]\n',
    "lib/app/__init__.py": "",
    "lib/app/core.py": "def f():\n    return 1\n",
    "tests/test_core.py": TEST,
}


PIP_ROOT = '[project]\nname = "root"\nversion = "0.1.0"\n'


def _need_tools() -> None:
    if os.environ.get("PYPROJ_DOCTOR_TRUTH", "") in ("", "0"):
        pytest.skip("the truth harness runs with PYPROJ_DOCTOR_TRUTH=1")
    if not shutil.which("uv") or not pyright_available():
        pytest.skip("needs uv and npm pyright (`npm ci`)")


def write(folder: Path, files: dict[str, str]) -> None:
    for rel, content in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)


def sync(folder: Path) -> None:
    proc = tools.uv(["sync", "-q"], folder)
    assert proc.returncode == 0, proc.stderr


def pip_install(folder: Path, *extra: str) -> None:
    python = str(folder / ".venv" / "bin" / "python")
    command = [python, "-m", "pip", "install", "-q", "-e", "packages/app", *extra]
    proc = subprocess.run(
        command, cwd=folder, env=tools.clean_env(), capture_output=True, text=True, timeout=600
    )
    assert proc.returncode == 0, proc.stderr


def pd301_findings(folder: Path) -> list[dict[str, Any]]:
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "NO_COLOR")}
    proc = subprocess.run(
        [sys.executable, "-m", "pyproj_doctor", "check", "--select", "PD301", "--format", "json", "."],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return [f for f in json.loads(proc.stdout or "[]") if f["code"] == "PD301"]


def pd301(folder: Path) -> list[str]:
    return [str(f["message"]) for f in pd301_findings(folder)]


def apply_alternative(folder: Path) -> None:
    """Apply the PD301 finding's alternative fix (compat) the way an editor applies the code action."""
    [finding] = pd301_findings(folder)
    [alternative] = finding["alternatives"]
    for change in alternative["changes"]:
        path = folder / change["path"]
        edits = [TextEdit(e["start"], e["end"], e["newText"]) for e in change["edits"]]
        path.write_text(apply_edits(path.read_text(), edits))


def unresolved(folders: list[Path]) -> dict[Path, set[str]]:
    """What one pyright language server cannot resolve in each folder's test, with its `.venv`."""
    server = PyrightServer({f: str(f / ".venv" / "bin" / "python") for f in folders})
    try:
        server.start()
        diagnostics = server.diagnose([f / "tests" / "test_core.py" for f in folders])
    finally:
        server.close()
    return {
        folder: {
            m.group(1).split(".")[0]
            for d in diagnostics[folder / "tests" / "test_core.py"]
            if (m := re.search(r'Import "([\w.]+)" could not be resolved', d.get("message", "")))
        }
        for folder in folders
    }


# The editor signal of each other language server, and how it sees the folder's test.
OTHER_SERVERS: dict[str, tuple[dict[str, str], Callable[[Path, list[Path], str], set[str]]]] = {
    "ty": ({".vscode/extensions.json": '{"recommendations": ["astral-sh.ty"]}'}, langservers.ty_unresolved),
    "Pyrefly": (
        {".vscode/extensions.json": '{"recommendations": ["meta.pyrefly"]}'},
        langservers.pyrefly_unresolved,
    ),
    "Jedi": ({".vscode/settings.json": '{"python.languageServer": "Jedi"}'}, langservers.jedi_unresolved),
}


def other_servers(folder: Path) -> dict[str, tuple[list[str], set[str]]]:
    """Per server: PD301's messages with that server as the editor's, and what the real server
    (with the folder's `.venv` as its interpreter) cannot resolve in the test."""
    found = {}
    for server, (files, unresolved_by) in OTHER_SERVERS.items():
        write(folder, files)
        try:
            names = unresolved_by(
                folder, [folder / "tests" / "test_core.py"], str(folder / ".venv" / "bin" / "python")
            )
            found[server] = (pd301(folder), names)
        finally:
            shutil.rmtree(folder / ".vscode")
    return found


def pytest_passes(folder: Path) -> bool:
    proc = subprocess.run(
        [str(folder / ".venv" / "bin" / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=folder,
        env=tools.clean_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    return proc.returncode == 0


@dataclass
class Case:
    folder: Path
    install: Callable[[Path], None]  # the project's install as its workflow makes it
    alternative: Callable[[Path], None]  # compat, applied where the note says (or anyway)
    uses_uv: bool = True
    before: dict[str, Any] = field(default_factory=dict)
    after: dict[str, Any] = field(default_factory=dict)


def _pip_setup(folder: Path) -> None:
    subprocess.run([sys.executable, "-m", "venv", str(folder / ".venv")], check=True, env=tools.clean_env())
    pip_install(folder)


def _add_compat(folder: Path) -> None:
    with (folder / "pyproject.toml").open("a") as out:
        out.write(COMPAT)


def _compat_then_sync(folder: Path) -> None:
    _add_compat(folder)
    sync(folder)


@pytest.fixture(scope="module")
def cases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Case]:
    """Each shape installed, measured (engine, pyright, pytest), given the alternative, measured
    again; one pyright server per round, the installs side by side."""
    _need_tools()
    base = tmp_path_factory.mktemp("import-hook")
    found = {
        "flat-member-uv": Case(base / "flat", sync, sync),
        "mapping-uv": Case(base / "mapping", sync, _compat_then_sync),
        "flat-member-pip": Case(
            base / "pip",
            _pip_setup,
            lambda f: pip_install(f, "--config-settings", "editable_mode=compat"),
            False,
        ),
    }
    write(found["flat-member-uv"].folder, FLAT_MEMBER)
    write(found["mapping-uv"].folder, MAPPING)
    write(found["flat-member-pip"].folder, {**FLAT_MEMBER, "pyproject.toml": PIP_ROOT})
    items = list(found.values())

    def measure(side: str) -> None:
        with ThreadPoolExecutor(3) as pool:
            messages = list(pool.map(lambda c: pd301(c.folder), items))
            tests = list(pool.map(lambda c: pytest_passes(c.folder) if c.uses_uv else None, items))
        names = unresolved([c.folder for c in items])
        for case, message, passed in zip(items, messages, tests, strict=True):
            getattr(case, side).update(pd301=message, unresolved=names[case.folder], pytest=passed)

    with ThreadPoolExecutor(3) as pool:
        list(pool.map(lambda c: c.install(c.folder), items))
    measure("before")
    flat = found["flat-member-uv"]
    flat.before["servers"] = other_servers(flat.folder)
    # The finding's alternative fix, as the editor applies it: written, not yet synced.
    before = (flat.folder / "pyproject.toml").read_text()
    apply_alternative(flat.folder)
    assert (flat.folder / "pyproject.toml").read_text() == before + COMPAT_APP
    flat.before["stale"] = pd301(flat.folder)
    with ThreadPoolExecutor(3) as pool:
        list(pool.map(lambda c: c.alternative(c.folder), items))
    measure("after")
    flat.after["servers"] = other_servers(flat.folder)
    return found


HOOK = "`.venv` installs `app` editable through an import hook"


def test_compat_named_for_a_flat_member_resolves_after_uv_sync(cases: dict[str, Case]) -> None:
    case = cases["flat-member-uv"]
    assert case.before["unresolved"] == {"app"} and case.before["pytest"]
    [message] = case.before["pd301"]
    assert HOOK in message
    assert (
        'Instead of extraPaths, `[tool.uv] config-settings-package = { app = { editable_mode = "compat" } }` in pyproject.toml '
        "and then `uv sync` make setuptools write a path `.pth` for `packages/app`." in message
    )
    # Written where the note says (the workspace root: a member's own config-settings are ignored).
    [stale] = case.before["stale"]
    assert 'pyproject.toml sets `editable_mode = "compat"`, but this install predates it' in stale
    assert "Instead of extraPaths" not in stale
    after = {k: v for k, v in case.after.items() if k != "servers"}
    assert after == {"pd301": [], "unresolved": set(), "pytest": True}
    # Pyright's pass over the path `.pth` compat writes holds for ty and Pyrefly too.
    assert case.after["servers"] == {"ty": ([], set()), "Pyrefly": ([], set()), "Jedi": ([], set())}


@pytest.mark.parametrize(
    ("server", "key"),
    [("ty", "`tool.ty.environment.extra-paths`"), ("Pyrefly", "`tool.pyrefly.search-path`")],
)
def test_ty_and_pyrefly_get_the_note_they_cannot_follow_the_hook_either(
    cases: dict[str, Case], server: str, key: str
) -> None:
    [message], unresolved_names = cases["flat-member-uv"].before["servers"][server]
    assert unresolved_names == {"app"}
    assert (
        f"{HOOK} (`__editable__.app-0.1.0.pth` runs `import ...`): Python follows it, but {server}" in message
    )
    assert f"Instead of {key}, `[tool.uv] config-settings" in message


def test_jedi_follows_the_hook_and_pd301_stays_silent(cases: dict[str, Case]) -> None:
    # Jedi asks the selected interpreter's own finders, setuptools' among them.
    assert cases["flat-member-uv"].before["servers"]["Jedi"] == ([], set())


def test_compat_not_named_where_it_would_not_help(cases: dict[str, Case]) -> None:
    case = cases["mapping-uv"]
    assert case.before["unresolved"] == {"app"} and case.before["pytest"]
    [message] = case.before["pd301"]
    assert HOOK in message
    assert (
        '`editable_mode = "compat"` would not help: it puts `.` (the project folder) on the path, and '
        "`lib` holds the package." in message
    )
    assert "Instead of extraPaths" not in message
    # Doing it anyway: pyright still cannot resolve `app`, and pytest no longer imports it either.
    assert case.after["unresolved"] == {"app"} and case.after["pytest"] is False


def test_compat_named_for_pip_resolves_after_the_named_install(cases: dict[str, Case]) -> None:
    case = cases["flat-member-pip"]
    assert case.before["unresolved"] == {"app"}
    [message] = case.before["pd301"]
    assert HOOK in message
    assert (
        "Instead of extraPaths, `pip install -e packages/app --config-settings editable_mode=compat` makes "
        "setuptools write a path `.pth` for `packages/app`." in message
    )
    assert case.after["pd301"] == [] and case.after["unresolved"] == set()
