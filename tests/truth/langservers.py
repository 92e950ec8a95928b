"""The other language servers, run for real: basedpyright's language server (PyPI `basedpyright`,
`basedpyright-langserver --stdio`) answering `workspace/configuration` as its VS Code extension
would, and the `ty` and `pyrefly` command lines, which read the config files our fixes write.

Each returns the top-level names of the imports it could not resolve in the given files.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

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
    jedi = importlib.util.find_spec("jedi_language_server") is not None
    return BASEDPYRIGHT.exists() and TY.exists() and PYREFLY.exists() and jedi


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


def _unresolved(server: PyrightServer, files: list[Path]) -> set[str]:
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


def basedpyright_unresolved(folder: Path, files: list[Path]) -> set[str]:
    return _unresolved(BasedpyrightServer(folder), files)


def pylance_unresolved(folder: Path, files: list[Path]) -> set[str]:
    """npm pyright's language server with Pylance's defaults and the folder's settings.json."""
    return _unresolved(PyrightServer({folder: sys.executable}), files)


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "CONDA_PREFIX")}
    env["NO_COLOR"] = "1"
    return env


def _cli_unresolved(command: list[str], folder: Path, pattern: str) -> set[str]:
    """Run a checker's command line in the folder; the top-level names ``pattern`` captures."""
    proc = subprocess.run(command, cwd=folder, env=_env(), capture_output=True, text=True, timeout=120)
    return {name.split(".")[0] for name in re.findall(pattern, proc.stdout + proc.stderr)}


def ty_unresolved(folder: Path, files: list[Path], python: str = sys.executable) -> set[str]:
    """`ty check` in the folder (it finds ty.toml / `[tool.ty]` from there)."""
    command = [str(TY), "check", "--python", python, "--output-format", "concise", *map(str, files)]
    return _cli_unresolved(command, folder, r"Cannot resolve imported module `([\w.]+)`")


def pyrefly_unresolved(folder: Path, files: list[Path], python: str = sys.executable) -> set[str]:
    """`pyrefly check` in the folder (it finds pyrefly.toml / `[tool.pyrefly]` from there)."""
    command = [str(PYREFLY), "check", "--python-interpreter-path", python, *map(str, files)]
    return _cli_unresolved(command, folder, r"Cannot find module `([\w.]+)`")


class JediServer(PyrightServer):
    """jedi-language-server started as the Python extension starts it for
    `python.languageServer: "Jedi"` (vscode-python `activation/jedi/analysisOptions.ts`): the
    folder and `python.autoComplete.extraPaths` (joined to the folder) as `workspace.extraPaths`."""

    def __init__(self, folder: Path, python: str = sys.executable) -> None:
        command = [sys.executable, "-c", "from jedi_language_server.cli import cli; cli()"]
        super().__init__({folder: python}, command=command)
        self.folder = folder.resolve()
        self.python = python  # the selected interpreter, whose finders Jedi asks

    def start(self) -> None:
        listed = folder_settings(self.folder).get("python.autoComplete.extraPaths")
        extra = [str(self.folder)] + [
            p if os.path.isabs(p) else os.path.join(self.folder, p)
            for p in (listed if isinstance(listed, list) else [])
            if isinstance(p, str)
        ]
        self.request(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": self.folder.as_uri(),
                "workspaceFolders": [{"uri": self.folder.as_uri(), "name": self.folder.name}],
                "capabilities": {},
                "initializationOptions": {
                    "workspace": {"extraPaths": list(dict.fromkeys(extra)), "environmentPath": self.python}
                },
            },
        )
        self.notify("initialized", {})

    def definition(self, path: Path, line: int, character: int) -> list[Path]:
        uri = path.resolve().as_uri()
        self.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": path.read_text()}},
        )
        found = self.request(
            "textDocument/definition",
            {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}},
        )
        items = found if isinstance(found, list) else [found] if found else []
        return [Path(unquote(urlparse(i.get("uri") or i.get("targetUri")).path)) for i in items]


def jedi_unresolved(folder: Path, files: list[Path], python: str = sys.executable) -> set[str]:
    """The first-party names whose `from X... import` go-to-definition Jedi cannot follow into the
    folder (Jedi reports no unresolved imports; an empty definition is its way of not finding it)."""
    server = JediServer(folder, python)
    missing: set[str] = set()
    try:
        server.start()
        for path in files:
            for number, line in enumerate(path.read_text().splitlines()):
                m = re.match(r"(?:from|import)\s+([\w.]+)", line)
                if not m:
                    continue
                targets = server.definition(path, number, m.start(1) + len(m.group(1)))
                if not any(folder.resolve() in t.resolve().parents for t in targets):
                    missing.add(m.group(1).split(".")[0])
    finally:
        server.close()
    return missing
