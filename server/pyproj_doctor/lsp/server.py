"""The language server: schedules engine runs and translates their results. No rule lives here.

Every check runs the engine in a worker thread on the files of one workspace
folder plus the editor's unsaved buffers. Fixes reach the disk only through the
client (``workspace/applyEdit`` or a code action the user picks), so they can be
undone, and the server never runs code from the workspace.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
import traceback
import uuid
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from pyproj_doctor import __version__, engine
from pyproj_doctor.findings import Fix, Range, Severity, TextEdit
from pyproj_doctor.lsp.convert import Positions, diagnostics, text_edit, uri_of
from pyproj_doctor.rules import BY_CODE, known
from pyproj_doctor.text import BOM, minimal_edit
from pyproj_doctor.workspace.walk import FileIndex

CONFIGURE_COMMAND = "pyprojDoctor.configureProject"
FIX_ALL_KIND = "source.fixAll.pyprojDoctor"
SETTINGS_SECTION = "pyprojDoctor"
# Typing is debounced by about as long as a check takes, within these bounds: a small
# project answers almost at once, a large one is not re-checked on every keystroke.
MIN_DEBOUNCE_SECONDS = 0.02
MAX_DEBOUNCE_SECONDS = 0.15
CONFIGURE_ANNOTATION = "pyproj-doctor.configure"
WATCHED_GLOBS = (
    "**/__init__.py",
    "**/pyproject.toml",
    "**/.vscode/*.json",
    "**/pytest.ini",
    "**/.pytest.ini",
    "**/pytest.toml",
    "**/.pytest.toml",
    "**/tox.ini",
    "**/setup.cfg",
    "**/setup.py",
    "**/*.code-workspace",
    "**/pyrightconfig.json",
    "**/.python-version",
    "**/.gitignore",
    "**/conftest.py",
    "**/test_*.py",
    "**/*_test.py",
    "**/requirements*.txt",
    "**/.venv/pyvenv.cfg",
    "**/.venv/**/*.pth",
)
# New or deleted modules change layout findings (PD101, PD205); their edits do not matter.
CREATED_OR_DELETED = ("**/*.py",)

log = logging.getLogger(__name__)
T = TypeVar("T")


class Unsupported(Exception):
    """The client cannot apply this kind of edit (for example, creating files)."""


@dataclass
class Folder:
    """A workspace folder and what was last published for it."""

    path: str
    uri: str
    options: engine.Options = field(default_factory=engine.Options)
    enabled: bool = True
    published: set[str] = field(default_factory=set)
    generation: int = 0
    last_duration: float = MAX_DEBOUNCE_SECONDS
    pending: asyncio.Task[None] | None = None
    report: engine.Report | None = None
    index: FileIndex | None = None  # the tree as last scanned; dropped when files come or go


@dataclass
class Planned:
    """Edits to one file, against the text the client has (``before`` None: a new file)."""

    rel: str
    edits: tuple[TextEdit, ...]
    before: str | None


class DoctorServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("pyproj-doctor", __version__)
        self.folders: dict[str, Folder] = {}
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pyproj-doctor")

    # ------------------------------------------------------------ plumbing
    def log(self, message: str, kind: lsp.MessageType = lsp.MessageType.Log) -> None:
        self.window_log_message(lsp.LogMessageParams(type=kind, message=message))

    def encoding(self) -> str:
        return str(self.workspace.position_encoding or lsp.PositionEncodingKind.Utf16)

    async def run(self, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, lambda: func(*args, **kwargs))

    def folder_of(self, uri: str) -> Folder | None:
        path = to_fs_path(uri)
        if path is None:
            return None
        best = None
        for folder in self.folders.values():
            inside = path == folder.path or path.startswith(folder.path + os.sep)
            if inside and (best is None or len(folder.path) > len(best.path)):
                best = folder
        return best

    def rel_of(self, folder: Folder, uri: str) -> str | None:
        path = to_fs_path(uri)
        if path is None or not path.startswith(folder.path + os.sep):
            return None
        return os.path.relpath(path, folder.path).replace(os.sep, "/")

    def buffers(self, folder: Folder) -> tuple[dict[str, str], dict[str, int]]:
        """Unsaved editor texts under ``folder`` and their versions."""
        texts: dict[str, str] = {}
        versions: dict[str, int] = {}
        for uri, document in list(self.workspace.text_documents.items()):
            rel = self.rel_of(folder, uri)
            if rel is None:
                continue
            texts[rel] = document.source
            if document.version is not None:
                versions[rel] = document.version
        return texts, versions

    # ------------------------------------------------------------ folders
    def set_folders(self, folders: Sequence[lsp.WorkspaceFolder]) -> None:
        for item in folders:
            path = to_fs_path(item.uri)
            if path and item.uri not in self.folders:
                self.folders[item.uri] = Folder(os.path.normpath(path), item.uri)

    async def load_settings(self) -> None:
        """``pyprojDoctor.*`` per folder, from workspace/configuration (or initializationOptions)."""
        folders = list(self.folders.values())
        values: Sequence[Any] = []
        caps = self.client_capabilities.workspace
        if caps is not None and caps.configuration:
            try:
                values = await self.workspace_configuration_async(
                    lsp.ConfigurationParams(
                        items=[
                            lsp.ConfigurationItem(scope_uri=f.uri, section=SETTINGS_SECTION) for f in folders
                        ]
                    )
                )
            except Exception as error:  # a client may answer with an error: keep defaults
                self.log(f"workspace/configuration failed: {error}", lsp.MessageType.Warning)
        else:
            init = getattr(self, "initialization_options", None)
            values = [init.get(SETTINGS_SECTION, init) if isinstance(init, dict) else None] * len(folders)
        for folder, value in zip(folders, values or [None] * len(folders)):
            folder.enabled, folder.options = parse_settings(value, self)

    # ------------------------------------------------------------ checking
    def schedule(self, folder: Folder, delay: float | None = None) -> None:
        if delay is None:
            delay = min(MAX_DEBOUNCE_SECONDS, max(MIN_DEBOUNCE_SECONDS, folder.last_duration))
        if folder.pending is not None and not folder.pending.done():
            folder.pending.cancel()
        folder.pending = asyncio.ensure_future(self._delayed_check(folder, delay))

    async def _delayed_check(self, folder: Folder, delay: float) -> None:
        try:
            if delay:
                await asyncio.sleep(delay)
            await self.check(folder)
        except asyncio.CancelledError:
            pass

    async def check(self, folder: Folder) -> engine.Report | None:
        folder.generation += 1
        generation = folder.generation
        if not folder.enabled:
            self.publish(folder, {})
            return None
        texts, _ = self.buffers(folder)
        try:
            started = time.perf_counter()
            report = await self.run(engine.check, folder.path, folder.options, texts, True, folder.index)
            folder.last_duration = time.perf_counter() - started
        except engine.ConfigError as error:
            folder.report = None
            message = f"pyproj-doctor: {error.path}: {error.message}"
            self.log(message, lsp.MessageType.Error)
            self.window_show_message(lsp.ShowMessageParams(type=lsp.MessageType.Error, message=message))
            self.publish(folder, {})
            return None
        except Exception:
            self.log(
                f"pyproj-doctor failed on {folder.path}:\n{traceback.format_exc()}", lsp.MessageType.Error
            )
            return None
        if generation != folder.generation:
            return report  # a newer check is on its way: do not publish stale results
        folder.report = report
        folder.index = report.index
        for problem in report.problems:
            self.log(f"{problem.path}: {problem.message}", lsp.MessageType.Warning)
        snapshot = report.snapshot
        assert snapshot is not None
        self.publish(folder, diagnostics(folder.path, report.findings, snapshot.text, self.encoding()))
        return report

    def publish(self, folder: Folder, by_uri: dict[str, list[lsp.Diagnostic]]) -> None:
        for uri in folder.published - set(by_uri):
            self.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
        for uri, items in by_uri.items():
            self.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=items))
        folder.published = set(by_uri)

    async def check_all(self) -> None:
        folders = list(self.folders.values())
        token = await self.begin_progress(f"Checking {len(folders)} folder(s)")
        try:
            await asyncio.gather(*(self.check(f) for f in folders))
        finally:
            if token is not None:
                self.work_done_progress.end(token, lsp.WorkDoneProgressEnd(message="Done"))

    async def begin_progress(self, message: str) -> str | None:
        window = self.client_capabilities.window
        if window is None or not window.work_done_progress:
            return None
        token = f"pyproj-doctor-{uuid.uuid4()}"
        try:
            await self.window_work_done_progress_create_async(lsp.WorkDoneProgressCreateParams(token=token))
        except Exception:
            return None
        self.work_done_progress.begin(
            token, lsp.WorkDoneProgressBegin(title="pyproj-doctor", message=message)
        )
        return token

    # ------------------------------------------------------------ edits
    def workspace_edit(
        self, folder: Folder, planned: Sequence[Planned], annotated: bool = False
    ) -> lsp.WorkspaceEdit:
        caps = self.client_capabilities.workspace
        edit_caps = caps.workspace_edit if caps is not None else None
        document_changes = bool(edit_caps and edit_caps.document_changes)
        can_create = bool(
            edit_caps
            and edit_caps.resource_operations
            and lsp.ResourceOperationKind.Create in edit_caps.resource_operations
        )
        annotations = annotated and bool(edit_caps and edit_caps.change_annotation_support is not None)
        annotation = CONFIGURE_ANNOTATION if annotations else None
        if any(p.before is None for p in planned) and not (document_changes and can_create):
            raise Unsupported("this editor cannot create files through the language server")
        encoding = self.encoding()
        if not document_changes:
            changes: dict[str, list[lsp.TextEdit]] = {}
            for p in planned:
                positions = Positions(p.before, encoding)
                changes[uri_of(folder.path, p.rel)] = [
                    lsp.TextEdit(range=positions.offsets(e.start, e.end), new_text=e.new_text)
                    for e in p.edits
                ]
            return lsp.WorkspaceEdit(changes=changes)
        items: list[lsp.TextDocumentEdit | lsp.CreateFile | lsp.RenameFile | lsp.DeleteFile] = []
        for p in planned:
            uri = uri_of(folder.path, p.rel)
            version = None
            if p.before is None:
                items.append(
                    lsp.CreateFile(
                        uri=uri,
                        options=lsp.CreateFileOptions(overwrite=False, ignore_if_exists=True),
                        annotation_id=annotation,
                    )
                )
            else:
                document = self.workspace.text_documents.get(uri)
                version = document.version if document is not None else None
            positions = Positions(p.before or "", encoding)
            items.append(
                lsp.TextDocumentEdit(
                    text_document=lsp.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version),
                    edits=[text_edit(positions, e, annotation) for e in p.edits],
                )
            )
        result = lsp.WorkspaceEdit(document_changes=items)
        if annotation is not None:
            result.change_annotations = {
                annotation: lsp.ChangeAnnotation(
                    label="Configure Python Project",
                    needs_confirmation=True,
                    description="pyproj-doctor's recommended setup for imports and test discovery",
                )
            }
        return result

    def planned_for_fix(self, report: engine.Report, fix: Fix) -> list[Planned]:
        snapshot = report.snapshot
        assert snapshot is not None
        return [
            Planned(change.path, change.edits, None if change.create else snapshot.text(change.path) or "")
            for change in fix.changes
        ]

    def planned_for_result(self, result: engine.FixResult) -> list[Planned]:
        planned = []
        for rel, after in sorted(result.after.items()):
            before = result.before.get(rel)
            body_after = after[1:] if after.startswith(BOM) else after
            if before is None:
                planned.append(Planned(rel, (TextEdit(0, 0, body_after),), None))
                continue
            body_before = before[1:] if before.startswith(BOM) else before
            edit = minimal_edit(body_before, body_after)
            if edit is not None:
                planned.append(Planned(rel, (edit,), body_before))
        return planned


def parse_settings(value: Any, server: DoctorServer | None = None) -> tuple[bool, engine.Options]:
    """``pyprojDoctor.*`` settings from the editor; unknown or bad values are logged and skipped."""
    if not isinstance(value, dict):
        return True, engine.Options()

    def codes(key: str) -> tuple[str, ...]:
        raw = value.get(key) or []
        if not isinstance(raw, list):
            return ()
        good = []
        for code in raw:
            code = str(code).strip().upper()
            if known(code):
                good.append(code)
            elif server is not None:
                server.log(f"pyprojDoctor.{key}: unknown rule or prefix {code!r}", lsp.MessageType.Warning)
        return tuple(good)

    overrides: dict[str, Severity] = {}
    raw_overrides = value.get("severityOverrides") or {}
    if isinstance(raw_overrides, dict):
        for code, name in raw_overrides.items():
            try:
                if code in BY_CODE:
                    overrides[code] = Severity.parse(str(name))
            except ValueError:
                if server is not None:
                    server.log(f"pyprojDoctor.severityOverrides.{code}: {name!r} is not a severity")
    extra = value.get("extraRecommendations") or []
    options = engine.Options(
        select=codes("select"),
        ignore=codes("ignore"),
        extra_recommendations=tuple(str(e) for e in extra) if isinstance(extra, list) else (),
        severity_overrides=overrides,
    )
    return value.get("enable", True) is not False, options


def overlaps(a: Range, b: Range) -> bool:
    return not (a.end < b.start or b.end < a.start)


def create_server() -> DoctorServer:
    server = DoctorServer()

    def guarded(handler: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        async def wrapper(ls: DoctorServer, params: Any) -> Any:
            try:
                return await handler(ls, params)
            except asyncio.CancelledError:
                raise
            except engine.ConfigError as error:
                ls.log(f"pyproj-doctor: {error.path}: {error.message}", lsp.MessageType.Error)
                return None
            except Exception:
                ls.log(
                    f"pyproj-doctor: {handler.__name__} failed:\n{traceback.format_exc()}",
                    lsp.MessageType.Error,
                )
                return None

        wrapper.__name__ = handler.__name__
        return wrapper

    @server.feature(lsp.INITIALIZE)
    def initialize(ls: DoctorServer, params: lsp.InitializeParams) -> None:
        folders = list(params.workspace_folders or [])
        if not folders and params.root_uri:
            folders = [lsp.WorkspaceFolder(uri=params.root_uri, name="root")]
        ls.set_folders(folders)
        ls.initialization_options = params.initialization_options  # type: ignore[attr-defined]

    @server.feature(lsp.INITIALIZED)
    @guarded
    async def initialized(ls: DoctorServer, params: lsp.InitializedParams) -> None:
        await ls.load_settings()
        await register_watchers(ls)
        await ls.check_all()

    async def register_watchers(ls: DoctorServer) -> None:
        caps = ls.client_capabilities.workspace
        watched = caps.did_change_watched_files if caps is not None else None
        if watched is None or not watched.dynamic_registration:
            return
        created_or_deleted = lsp.WatchKind.Create | lsp.WatchKind.Delete
        options = lsp.DidChangeWatchedFilesRegistrationOptions(
            watchers=[lsp.FileSystemWatcher(glob_pattern=glob) for glob in WATCHED_GLOBS]
            + [lsp.FileSystemWatcher(glob_pattern=g, kind=created_or_deleted) for g in CREATED_OR_DELETED]
        )
        try:
            await ls.client_register_capability_async(
                lsp.RegistrationParams(
                    registrations=[
                        lsp.Registration(
                            id="pyproj-doctor-watchers",
                            method=lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                            register_options=options,
                        )
                    ]
                )
            )
        except Exception as error:  # the client will then send no file events: say so, carry on
            ls.log(f"could not register file watchers: {error}", lsp.MessageType.Warning)

    def touched(ls: DoctorServer, uri: str) -> None:
        folder = ls.folder_of(uri)
        if folder is not None:
            ls.schedule(folder)

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: DoctorServer, params: lsp.DidOpenTextDocumentParams) -> None:
        touched(ls, params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: DoctorServer, params: lsp.DidChangeTextDocumentParams) -> None:
        touched(ls, params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: DoctorServer, params: lsp.DidSaveTextDocumentParams) -> None:
        touched(ls, params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: DoctorServer, params: lsp.DidCloseTextDocumentParams) -> None:
        touched(ls, params.text_document.uri)  # the disk version counts again

    @server.feature(lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched(ls: DoctorServer, params: lsp.DidChangeWatchedFilesParams) -> None:
        folders = {f.uri: f for f in (ls.folder_of(c.uri) for c in params.changes) if f is not None}
        for folder in folders.values():
            folder.index = None  # a file came, went or changed on disk: list the tree again
            ls.schedule(folder, delay=0.05)

    @server.feature(lsp.WORKSPACE_DID_CHANGE_CONFIGURATION)
    @guarded
    async def did_change_configuration(ls: DoctorServer, params: lsp.DidChangeConfigurationParams) -> None:
        await ls.load_settings()
        for folder in ls.folders.values():
            ls.schedule(folder, delay=0)

    @server.feature(lsp.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    @guarded
    async def did_change_folders(ls: DoctorServer, params: lsp.DidChangeWorkspaceFoldersParams) -> None:
        for removed in params.event.removed:
            folder = ls.folders.pop(removed.uri, None)
            if folder is not None:
                ls.publish(folder, {})
        ls.set_folders(params.event.added)
        await ls.load_settings()
        for folder in ls.folders.values():
            ls.schedule(folder, delay=0)

    @server.feature(
        lsp.TEXT_DOCUMENT_CODE_ACTION,
        lsp.CodeActionOptions(
            code_action_kinds=[lsp.CodeActionKind.QuickFix, FIX_ALL_KIND], resolve_provider=False
        ),
    )
    @guarded
    async def code_action(ls: DoctorServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction] | None:
        uri = params.text_document.uri
        folder = ls.folder_of(uri)
        rel = ls.rel_of(folder, uri) if folder is not None else None
        if folder is None or rel is None or not folder.enabled or folder.report is None:
            return None  # disabled, outside the folders, or its configuration is unusable
        only = list(params.context.only or [])
        texts, _ = ls.buffers(folder)
        actions: list[lsp.CodeAction] = []
        wants_quickfix = not only or any(k.startswith(lsp.CodeActionKind.QuickFix) for k in only)
        wants_fix_all = any(FIX_ALL_KIND.startswith(k) for k in only)
        if wants_quickfix:
            report = await ls.run(engine.check, folder.path, folder.options, texts, True, folder.index)
            actions.extend(quick_fixes(ls, folder, report, rel, params))
        if wants_fix_all:
            result = await ls.run(
                engine.fix_all,
                folder.path,
                folder.options,
                buffers=texts,
                only_path=rel,
                file_wins=True,
                index=folder.index,
            )
            planned = ls.planned_for_result(result)
            if planned:
                try:
                    edit = ls.workspace_edit(folder, planned)
                except Unsupported as error:
                    ls.log(str(error), lsp.MessageType.Warning)
                else:
                    actions.append(
                        lsp.CodeAction(title="pyproj-doctor: fix all", kind=FIX_ALL_KIND, edit=edit)
                    )
        return actions

    def quick_fixes(
        ls: DoctorServer, folder: Folder, report: engine.Report, rel: str, params: lsp.CodeActionParams
    ) -> list[lsp.CodeAction]:
        snapshot = report.snapshot
        assert snapshot is not None
        positions = Positions(snapshot.text(rel), ls.encoding())
        wanted = Range(positions.to_engine(params.range.start), positions.to_engine(params.range.end))
        context = {
            (d.code, d.range.start.line) for d in params.context.diagnostics if d.source == "pyproj-doctor"
        }
        # Only this document's diagnostics are needed to attach to the actions.
        here = [f for f in report.findings if f.path == rel or any(r.path == rel for r in f.related)]
        by_uri = diagnostics(folder.path, here, snapshot.text, ls.encoding())
        own = by_uri.get(uri_of(folder.path, rel), [])
        actions = []
        for item in report.findings:
            if item.fix is None:
                continue
            anchors = [item.range] if item.path == rel else []
            if item.code == "PD201":
                anchors += [r.range for r in item.related if r.path == rel]
            hit = [a for a in anchors if overlaps(a, wanted) or (item.code, a.start.line) in context]
            if not hit:
                continue
            try:
                edit = ls.workspace_edit(folder, ls.planned_for_fix(report, item.fix))
            except Unsupported as error:
                ls.log(f"{item.code}: {error}", lsp.MessageType.Warning)
                continue
            matching = [
                d for d in own if d.code == item.code and d.range.start.line in {a.start.line for a in hit}
            ]
            actions.append(
                lsp.CodeAction(
                    title=f"{item.fix.description} ({item.code})",
                    kind=lsp.CodeActionKind.QuickFix,
                    diagnostics=matching or None,
                    edit=edit,
                    is_preferred=True,
                )
            )
        return actions

    @server.command(CONFIGURE_COMMAND)
    async def configure_command(ls: DoctorServer, *args: Any) -> dict[str, Any] | None:
        try:
            return await configure_project(ls, list(args))
        except Exception:
            ls.log(f"pyproj-doctor: configure failed:\n{traceback.format_exc()}", lsp.MessageType.Error)
            return None

    async def configure_project(ls: DoctorServer, arguments: list[Any]) -> dict[str, Any]:
        folder = pick_folder(ls, arguments)
        if folder is None:
            ls.window_show_message(
                lsp.ShowMessageParams(
                    type=lsp.MessageType.Error, message="pyproj-doctor: no workspace folder to configure"
                )
            )
            return {"applied": False, "files": [], "fixes": [], "error": "no folder"}
        texts, _ = ls.buffers(folder)
        result = await ls.run(
            engine.fix_all, folder.path, folder.options, buffers=texts, file_wins=True, index=folder.index
        )
        planned = ls.planned_for_result(result)
        fixes = [f"{f.code}: {f.fix.description}" for f in result.applied if f.fix is not None]
        left = [f"{f.code}: {f.message}" for f in result.report.findings if f.severity >= Severity.WARNING]
        if not planned:
            ls.window_show_message(
                lsp.ShowMessageParams(
                    type=lsp.MessageType.Info,
                    message="pyproj-doctor: the project already has the recommended setup.",
                )
            )
            return {"applied": False, "files": [], "fixes": [], "remaining": left}
        try:
            edit = ls.workspace_edit(folder, planned, annotated=True)
        except Unsupported as error:
            ls.window_show_message(
                lsp.ShowMessageParams(type=lsp.MessageType.Error, message=f"pyproj-doctor: {error}")
            )
            return {"applied": False, "files": [], "fixes": fixes, "error": str(error)}
        response = await ls.workspace_apply_edit_async(
            lsp.ApplyWorkspaceEditParams(edit=edit, label="Configure Python Project")
        )
        ls.schedule(folder, delay=0)
        return {
            "applied": bool(response.applied),
            "files": [p.rel for p in planned],
            "fixes": fixes,
            "remaining": left,
            "failureReason": response.failure_reason,
        }

    def pick_folder(ls: DoctorServer, arguments: Any) -> Folder | None:
        uri = None
        if isinstance(arguments, list) and arguments:
            first = arguments[0]
            uri = first.get("uri") if isinstance(first, dict) else first
        if isinstance(uri, str):
            return ls.folders.get(uri) or ls.folder_of(uri)
        return next(iter(ls.folders.values()), None)

    @server.feature(lsp.SHUTDOWN)
    def shutdown(ls: DoctorServer, params: None) -> None:
        ls.executor.shutdown(wait=False, cancel_futures=True)

    return server


def serve() -> None:
    logging.basicConfig(level=logging.WARNING)
    create_server().start_io()
