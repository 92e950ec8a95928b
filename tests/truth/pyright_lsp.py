"""A minimal LSP client for the real pyright language server (npm `pyright`, `pyright-langserver --stdio`).

It plays the part of VS Code + Pylance: one server for many workspace folders, answering
`workspace/configuration` from each folder's `.vscode/settings.json` on top of Pylance's defaults,
and pulling diagnostics (`textDocument/diagnostic`) for every Python file, so the answer is the
server's verdict once analysis of that file is complete (no waiting for pushes).
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from pyproj_doctor.formats import jsonc

ROOT = Path(__file__).resolve().parent.parent.parent
LANGSERVER = ROOT / "node_modules" / ".bin" / "pyright-langserver"

# Pylance's defaults for the settings pyright reads (pylance-release package.json). pyright itself
# reads a `python.analysis` object without `autoSearchPaths` as false, so every key is sent.
PYLANCE_DEFAULTS: dict[str, Any] = {
    "autoSearchPaths": True,
    "extraPaths": [],
    "typeCheckingMode": "off",
    "diagnosticMode": "openFilesOnly",
    "useLibraryCodeForTypes": True,
    "stubPath": "typings",
    "include": [],
    "exclude": [],
    "ignore": [],
    "diagnosticSeverityOverrides": {},
    "logLevel": "Error",
}
# Under Pylance's default "off" mode a name resolved to the wrong (namespace) package shows only as
# an "unknown import symbol" that is hidden; the harness wants to see it, so it reports it as a warning.
SEE_SYMBOLS = {"reportAttributeAccessIssue": "warning"}


def available() -> bool:
    return LANGSERVER.exists()


def folder_settings(folder: Path) -> dict[str, Any]:
    path = folder / ".vscode" / "settings.json"
    if not path.is_file():
        return {}
    try:
        value = jsonc.parse(path.read_text(encoding="utf-8-sig")).value()
    except Exception:  # a damaged file: VS Code would still read what it can; the harness reads nothing
        return {}
    return value if isinstance(value, dict) else {}


def analysis_settings(settings: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(PYLANCE_DEFAULTS)
    raw = settings.get("python.analysis")
    nested: dict[str, Any] = raw if isinstance(raw, dict) else {}
    for key, value in {
        **nested,
        **{k[len("python.analysis.") :]: v for k, v in settings.items() if k.startswith("python.analysis.")},
    }.items():
        merged[key] = value
    overrides = merged.get("diagnosticSeverityOverrides")
    merged["diagnosticSeverityOverrides"] = {
        **SEE_SYMBOLS,
        **(overrides if isinstance(overrides, dict) else {}),
    }
    return merged


def _path_of(uri: str) -> Path:
    return Path(unquote(urlparse(uri).path))


class PyrightServer:
    """One `pyright-langserver --stdio` process serving several workspace folders."""

    def __init__(self, folders: Mapping[Path, str], command: Sequence[str] | None = None) -> None:
        """`folders` maps each workspace folder to the interpreter Pylance would have selected for it;
        `command` starts another pyright-based server (basedpyright) instead of npm pyright."""
        self.folders = {f.resolve(): python for f, python in folders.items()}
        self.proc = subprocess.Popen(
            list(command) if command else [str(LANGSERVER), "--stdio"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=ROOT,
        )
        self._next = 0
        self._lock = threading.Lock()
        self._pending: dict[int, tuple[threading.Event, list[Any]]] = {}
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.log: list[str] = []
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.log.append(line.decode(errors="replace"))
            del self.log[:-50]

    # --- JSON-RPC plumbing -------------------------------------------------------------------
    def _send(self, message: dict[str, Any]) -> None:
        body = json.dumps(message).encode()
        assert self.proc.stdin is not None
        with self._lock:
            self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            self.proc.stdin.flush()

    def request(self, method: str, params: Any, timeout: float = 300) -> Any:
        with self._lock:
            self._next += 1
            ident = self._next
            event, box = threading.Event(), []  # type: ignore[var-annotated]
            self._pending[ident] = (event, box)
        self._send({"jsonrpc": "2.0", "id": ident, "method": method, "params": params})
        if not event.wait(timeout):
            raise TimeoutError(f"pyright did not answer {method}")
        reply = box[0]
        if "error" in reply:
            raise RuntimeError(f"pyright {method}: {reply['error']}\n{''.join(self.log)}")
        return reply.get("result")

    def notify(self, method: str, params: Any) -> None:
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def _read(self) -> None:
        stream = self.proc.stdout
        assert stream is not None
        while True:
            length = 0
            while True:
                line = stream.readline()
                if not line:
                    self._fail_all("pyright exited")
                    return
                if line in (b"\r\n", b"\n"):
                    break
                name, _, value = line.decode().partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            message = json.loads(stream.read(length))
            if "method" in message and "id" in message:
                self._send({"jsonrpc": "2.0", "id": message["id"], "result": self._answer(message)})
            elif "id" in message and message["id"] in self._pending:
                event, box = self._pending.pop(message["id"])
                box.append(message)
                event.set()

    def _fail_all(self, reason: str) -> None:
        with self._lock:
            pending, self._pending = self._pending, {}
        for event, box in pending.values():
            box.append({"error": reason})
            event.set()

    def _answer(self, message: dict[str, Any]) -> Any:
        if message["method"] != "workspace/configuration":
            return None
        return [
            self._section(item.get("scopeUri"), item.get("section")) for item in message["params"]["items"]
        ]

    def _folder_for(self, uri: str | None) -> Path | None:
        if not uri:
            return None
        path = _path_of(uri)
        for folder in self.folders:
            if path == folder or folder in path.parents:
                return folder
        return None

    def _section(self, uri: str | None, section: str | None) -> Any:
        folder = self._folder_for(uri)
        settings = folder_settings(folder) if folder else {}
        analysis = analysis_settings(settings)
        python = {"pythonPath": self.folders[folder] if folder else None, "analysis": analysis}
        if section == "python":
            return python
        if section == "python.analysis":
            return analysis
        if section in ("pyright", "basedpyright"):
            return {"disableLanguageServices": False, "disableOrganizeImports": False}
        return None

    # --- the session ---------------------------------------------------------------------------
    def start(self) -> None:
        folders = [{"uri": f.as_uri(), "name": f.name} for f in self.folders]
        self.request(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": None,
                "workspaceFolders": folders,
                "capabilities": {
                    "workspace": {"configuration": True, "workspaceFolders": True},
                    "textDocument": {
                        "diagnostic": {"dynamicRegistration": False},
                        "publishDiagnostics": {},
                    },
                },
            },
        )
        self.notify("initialized", {})

    def diagnose(self, files: Sequence[Path]) -> dict[Path, list[dict[str, Any]]]:
        """Open every file, then pull its diagnostics."""
        for path in files:
            self.notify(
                "textDocument/didOpen",
                {
                    "textDocument": {
                        "uri": path.resolve().as_uri(),
                        "languageId": "python",
                        "version": 1,
                        "text": path.read_text(encoding="utf-8", errors="replace"),
                    }
                },
            )
        result: dict[Path, list[dict[str, Any]]] = {}
        for path in files:
            reply = self.request(
                "textDocument/diagnostic", {"textDocument": {"uri": path.resolve().as_uri()}}
            )
            result[path] = list((reply or {}).get("items", []))
        return result

    def close(self) -> None:
        try:
            self.request("shutdown", None, timeout=20)
            self.notify("exit", None)
            self.proc.wait(timeout=20)
        except Exception:
            self.proc.kill()
            self.proc.wait()
