"""The other language servers, run for real: basedpyright's language server (PyPI `basedpyright`,
`basedpyright-langserver --stdio`) answering `workspace/configuration` as its VS Code extension
would, and the `ty` and `pyrefly` command lines, which read the config files our fixes write.

Each returns the top-level names of the imports it could not resolve in the given files.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.truth.pyright_lsp import PyrightServer, folder_settings

BIN = Path(sys.executable).parent
BASEDPYRIGHT = BIN / "basedpyright-langserver"
TY = BIN / "ty"
PYREFLY = BIN / "pyrefly"

# The basedpyright extension contributes these (its package.json), so VS Code always answers
# a `basedpyright` section with an `analysis` object: `python.analysis` is then never read.
BASED_DEFAULTS: dict[str, Any] = {
    "autoSearchPaths": True,
    "extraPaths": [],
    "diagnosticMode": "openFilesOnly",
    "typeCheckingMode": "standard",
    "useLibraryCodeForTypes": True,
}


def available() -> bool:
    return BASEDPYRIGHT.exists() and TY.exists() and PYREFLY.exists()


class BasedpyrightServer(PyrightServer):
    """One `basedpyright-langserver --stdio` for one folder, with the folder's settings.json."""

    def __init__(self, folder: Path) -> None:
        super().__init__({folder: sys.executable}, command=[str(BASEDPYRIGHT), "--stdio"])

    def _section(self, uri: str | None, section: str | None) -> Any:
        folder = self._folder_for(uri)
        settings = folder_settings(folder) if folder else {}
        analysis = dict(BASED_DEFAULTS)
        nested = settings.get("basedpyright.analysis")
        analysis.update(nested if isinstance(nested, dict) else {})
        prefix = "basedpyright.analysis."
        analysis.update({k[len(prefix) :]: v for k, v in settings.items() if k.startswith(prefix)})
        if section == "python":
            return {"pythonPath": self.folders[folder] if folder else None}
        if section == "basedpyright":
            return {"analysis": analysis, "disableLanguageServices": False, "disableOrganizeImports": False}
        if section == "basedpyright.analysis":
            return analysis
        return None


_UNRESOLVED = re.compile(r'Import "([\w.]+)" could not be resolved')


def basedpyright_unresolved(folder: Path, files: list[Path]) -> set[str]:
    server = BasedpyrightServer(folder)
    try:
        server.start()
        diagnostics = server.diagnose(files)
    finally:
        server.close()
    return {
        m.group(1).split(".")[0]
        for items in diagnostics.values()
        for d in items
        if (m := _UNRESOLVED.search(d.get("message", "")))
    }


def pylance_unresolved(folder: Path, files: list[Path]) -> set[str]:
    """npm pyright's language server with Pylance's defaults and the folder's settings.json."""
    server = PyrightServer({folder: sys.executable})
    try:
        server.start()
        diagnostics = server.diagnose(files)
    finally:
        server.close()
    return {
        m.group(1).split(".")[0]
        for items in diagnostics.values()
        for d in items
        if (m := _UNRESOLVED.search(d.get("message", "")))
    }


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "CONDA_PREFIX")}
    env["NO_COLOR"] = "1"
    return env


def ty_unresolved(folder: Path, files: list[Path]) -> set[str]:
    """`ty check` in the folder (it finds ty.toml / `[tool.ty]` from there)."""
    proc = subprocess.run(
        [str(TY), "check", "--python", sys.executable, "--output-format", "concise", *map(str, files)],
        cwd=folder,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    found = re.findall(r"Cannot resolve imported module `([\w.]+)`", proc.stdout + proc.stderr)
    return {name.split(".")[0] for name in found}


def pyrefly_unresolved(folder: Path, files: list[Path]) -> set[str]:
    """`pyrefly check` in the folder (it finds pyrefly.toml / `[tool.pyrefly]` from there)."""
    proc = subprocess.run(
        [str(PYREFLY), "check", "--python-interpreter-path", sys.executable, *map(str, files)],
        cwd=folder,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    found = re.findall(r"Cannot find module `([\w.]+)`", proc.stdout + proc.stderr)
    return {name.split(".")[0] for name in found}
