"""A test editor around pytest-lsp's client: it applies WorkspaceEdits to disk and waits for diagnostics."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pygls.uris import from_fs_path, to_fs_path
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from pyproj_doctor.lsp.contract import CHECKED_NOTIFICATION
from tests.stuck_server import MARKER, stick

SERVER = ClientServerConfig(server_command=[sys.executable, "-m", "pyproj_doctor", "lsp"])
# The same server, whose checks of a folder made with ``Stuck`` hang until released.
STUCK_COMMAND = [sys.executable, str(Path(__file__).with_name("stuck_server.py"))]
STUCK_SERVER = ClientServerConfig(server_command=STUCK_COMMAND)


class Stuck:
    """A folder whose checks hang (in the server started with STUCK_COMMAND) until released."""

    def __init__(self, folder: Path, control: Path) -> None:
        self.folder = folder
        self.control = control
        stick(str(folder), str(control))

    def started(self) -> int:
        return len(list(self.control.glob("started-*")))

    def finished(self) -> int:
        return len(list(self.control.glob("finished-*")))

    def unstick(self) -> None:
        """Checks that start from now on run normally; those already waiting still wait."""
        (self.folder / MARKER).unlink()

    def release(self) -> None:
        (self.control / "release").touch()


def uri(path: Path) -> str:
    value = from_fs_path(str(path))
    assert value is not None
    return str(value)


def utf16_offset(text: str, position: lsp.Position) -> int:
    lines = text.split("\n")
    offset = sum(len(line) + 1 for line in lines[: position.line])
    line = lines[position.line] if position.line < len(lines) else ""
    units = 0
    for index, ch in enumerate(line):
        if units >= position.character:
            return offset + index
        units += 2 if ord(ch) > 0xFFFF else 1
    return offset + len(line)


def apply_text_edits(text: str, edits: list[Any]) -> str:
    spans = sorted(
        ((utf16_offset(text, e.range.start), utf16_offset(text, e.range.end), e.new_text) for e in edits),
        reverse=True,
    )
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text


def apply_workspace_edit(edit: lsp.WorkspaceEdit) -> list[str]:
    """Write a WorkspaceEdit to disk the way VS Code does; returns the touched paths.

    Like VS Code, a ``CreateFile`` of a file that exists, without ``overwrite`` or
    ``ignoreIfExists``, refuses the whole edit (FileExistsError) before anything is written.
    """
    for change in edit.document_changes or []:
        if isinstance(change, lsp.CreateFile):
            options = change.options or lsp.CreateFileOptions()
            path = Path(str(to_fs_path(change.uri)))
            if path.exists() and not (options.overwrite or options.ignore_if_exists):
                raise FileExistsError(str(path))
    touched: list[str] = []
    for change in edit.document_changes or []:
        if isinstance(change, lsp.CreateFile):
            path = Path(str(to_fs_path(change.uri)))
            path.parent.mkdir(parents=True, exist_ok=True)
            if not path.exists() or (change.options and change.options.overwrite):
                path.write_bytes(b"")
            touched.append(str(path))
        elif isinstance(change, lsp.TextDocumentEdit):
            path = Path(str(to_fs_path(change.text_document.uri)))
            raw = path.read_bytes().decode("utf-8")
            bom = raw.startswith("\ufeff")
            body = apply_text_edits(raw[1:] if bom else raw, list(change.edits))
            path.write_bytes((("\ufeff" if bom else "") + body).encode("utf-8"))
            touched.append(str(path))
    for target, edits in (edit.changes or {}).items():
        path = Path(str(to_fs_path(target)))
        path.write_text(apply_text_edits(path.read_text(), list(edits)))
        touched.append(str(path))
    return touched


class Recording(dict[str, Sequence[lsp.Diagnostic]]):
    """The client's diagnostics by URI, also noting every publishDiagnostics in order."""

    def __init__(
        self, initial: dict[str, Sequence[lsp.Diagnostic]], log: list[lsp.PublishDiagnosticsParams]
    ) -> None:
        super().__init__(initial)
        self.log = log

    def __setitem__(self, key: str, value: Sequence[lsp.Diagnostic]) -> None:
        self.log.append(lsp.PublishDiagnosticsParams(uri=key, diagnostics=list(value)))
        super().__setitem__(key, value)


class Editor:
    """What a test needs from an editor: folders, documents, applied edits, settings."""

    def __init__(self, client: LanguageClient) -> None:
        self.client = client
        self.applied: list[lsp.ApplyWorkspaceEditParams] = []
        self.versions: dict[str, int] = {}
        self.published: list[lsp.PublishDiagnosticsParams] = []  # every notification, in order
        client.diagnostics = Recording(client.diagnostics, self.published)

        @client.feature(lsp.WORKSPACE_APPLY_EDIT)
        def on_apply_edit(params: lsp.ApplyWorkspaceEditParams) -> lsp.ApplyWorkspaceEditResult:
            self.applied.append(params)
            try:
                apply_workspace_edit(params.edit)
            except FileExistsError as error:
                return lsp.ApplyWorkspaceEditResult(applied=False, failure_reason=f"{error} exists")
            return lsp.ApplyWorkspaceEditResult(applied=True)

        self.checked: list[str] = []  # folder URIs, one per finished check

        @client.feature(CHECKED_NOTIFICATION)
        def on_checked(params: Any) -> None:
            self.checked.append(params.uri)

        self.registrations: list[lsp.Registration] = []

        @client.feature(lsp.CLIENT_REGISTER_CAPABILITY)
        def on_register(params: lsp.RegistrationParams) -> None:
            self.registrations.extend(params.registrations)

    async def start(
        self,
        *folders: Path,
        settings: dict[str, Any] | None = None,
        editor: str = "visual-studio-code",
        capabilities: lsp.ClientCapabilities | None = None,
        initialization_options: Any = None,
    ) -> None:
        if settings is not None:
            self.client.set_configuration({"pyprojDoctor": settings})
        await self.client.initialize_session(
            lsp.InitializeParams(
                capabilities=capabilities or client_capabilities(editor),
                workspace_folders=[lsp.WorkspaceFolder(uri=uri(f), name=f.name) for f in folders],
                root_uri=uri(folders[0]),
                initialization_options=initialization_options,
            )
        )

    def diagnostics(self, path: Path) -> list[lsp.Diagnostic]:
        return list(self.client.diagnostics.get(uri(path), []))

    def codes(self, path: Path) -> list[str]:
        return sorted(str(d.code) for d in self.diagnostics(path))

    async def until(self, condition: Callable[[], bool], timeout: float = 20.0) -> None:
        deadline = asyncio.get_running_loop().time() + timeout
        while not condition():
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"timed out; diagnostics: {dict(self.client.diagnostics)}")
            await asyncio.sleep(0.02)

    def open(self, path: Path, text: str | None = None, language: str = "toml") -> None:
        self.versions[uri(path)] = 1
        self.client.text_document_did_open(
            lsp.DidOpenTextDocumentParams(
                text_document=lsp.TextDocumentItem(
                    uri=uri(path),
                    language_id=language,
                    version=1,
                    text=path.read_text() if text is None else text,
                )
            )
        )

    def save(self, path: Path) -> None:
        self.client.text_document_did_save(
            lsp.DidSaveTextDocumentParams(text_document=lsp.TextDocumentIdentifier(uri=uri(path)))
        )

    def change(self, path: Path, text: str) -> None:
        key = uri(path)
        self.versions[key] = self.versions.get(key, 1) + 1
        self.client.text_document_did_change(
            lsp.DidChangeTextDocumentParams(
                text_document=lsp.VersionedTextDocumentIdentifier(uri=key, version=self.versions[key]),
                content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )

    def files_changed(self, *paths: Path, kind: lsp.FileChangeType = lsp.FileChangeType.Created) -> None:
        self.client.workspace_did_change_watched_files(
            lsp.DidChangeWatchedFilesParams(changes=[lsp.FileEvent(uri=uri(p), type=kind) for p in paths])
        )

    async def code_actions(
        self, path: Path, diagnostic: lsp.Diagnostic | None = None, only: list[str] | None = None
    ) -> list[lsp.CodeAction]:
        range_ = (
            diagnostic.range if diagnostic else lsp.Range(start=lsp.Position(0, 0), end=lsp.Position(0, 0))
        )
        result = await self.client.text_document_code_action_async(
            lsp.CodeActionParams(
                text_document=lsp.TextDocumentIdentifier(uri=uri(path)),
                range=range_,
                context=lsp.CodeActionContext(diagnostics=[diagnostic] if diagnostic else [], only=only),
            )
        )
        return [a for a in result or [] if isinstance(a, lsp.CodeAction)]


async def _end_session(lsp_client: LanguageClient) -> None:
    server = getattr(lsp_client, "_server", None)
    if server is not None and server.returncode is not None:
        return  # the test ended the session itself
    try:
        # Bounded, so a failing test reports instead of waiting on the server forever.
        await asyncio.wait_for(lsp_client.shutdown_session(), timeout=15)
    finally:
        if server is not None and server.returncode is None:
            server.kill()


@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: LanguageClient) -> AsyncIterator[None]:
    yield
    await _end_session(lsp_client)


@pytest_lsp.fixture(config=STUCK_SERVER)
async def stuck_client(lsp_client: LanguageClient) -> AsyncIterator[None]:
    yield
    await _end_session(lsp_client)


@pytest.fixture
def editor(client: LanguageClient) -> Editor:
    return Editor(client)


@pytest.fixture
def stuck_editor(stuck_client: LanguageClient) -> Editor:
    return Editor(stuck_client)
