"""One handler per LSP message, at module level; ``register`` wires them to a server.

Handlers translate: they find the folder, ask the session for the report of the
current document versions, and turn findings and fixes into LSP types.
"""

from __future__ import annotations

import asyncio
import os
import threading
import traceback
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcInvalidParams

from pyproj_doctor import engine, explain
from pyproj_doctor.findings import Finding, Range, Severity
from pyproj_doctor.lsp import edits, settings, trace
from pyproj_doctor.lsp.contract import CREATED_OR_DELETED, EXPLAIN_COMMAND, WATCHED_GLOBS
from pyproj_doctor.lsp.convert import Positions, disabled_actions, sites, uri_of
from pyproj_doctor.lsp.server import DoctorServer
from pyproj_doctor.lsp.session import Checked, Folder, in_thread, path_of

CONFIGURE_COMMAND = "pyprojDoctor.configureProject"
FIX_ALL_KIND = "source.fixAll.pyprojDoctor"

Params = TypeVar("Params")
Result = TypeVar("Result")


def guarded(
    handler: Callable[[DoctorServer, Params], Awaitable[Result]],
) -> Callable[[DoctorServer, Params], Awaitable[Result | None]]:
    """Log a failing handler's traceback to the client instead of failing the request."""

    async def wrapper(ls: DoctorServer, params: Params) -> Result | None:
        try:
            return await handler(ls, params)
        except (asyncio.CancelledError, JsonRpcInvalidParams):
            raise
        except engine.ConfigError as error:
            ls.log(f"pyproj-doctor: {error.path}: {error.message}", lsp.MessageType.Error)
            return None
        except Exception:
            ls.log(
                f"pyproj-doctor: {handler.__name__} failed:\n{traceback.format_exc()}", lsp.MessageType.Error
            )
            return None

    wrapper.__name__ = handler.__name__
    return wrapper


# ---------------------------------------------------------------- lifecycle
def initialize(ls: DoctorServer, params: lsp.InitializeParams) -> None:
    folders = list(params.workspace_folders or [])
    if not folders and params.root_uri:
        folders = [lsp.WorkspaceFolder(uri=params.root_uri, name="root")]
    ls.session.add_folders(folders)
    ls.initialization_options = params.initialization_options


@guarded
async def initialized(ls: DoctorServer, params: lsp.InitializedParams) -> None:
    await load_settings(ls)
    await register_watchers(ls)
    await ls.session.check_all()
    ls.warm_up()  # idle now: the first keystroke does not wait for it


def shutdown(ls: DoctorServer, params: None) -> None:
    for folder in ls.session.folders.values():
        if folder.timer is not None:
            folder.timer.cancel()
            folder.timer = None
        if folder.running is not None:
            folder.running.set()


async def load_settings(ls: DoctorServer) -> None:
    """``pyprojDoctor.*`` per folder, from workspace/configuration (or initializationOptions)."""
    folders = list(ls.session.folders.values())
    values: Sequence[Any] = []
    caps = ls.client_capabilities.workspace
    if caps is not None and caps.configuration:
        try:
            values = await ls.workspace_configuration_async(
                lsp.ConfigurationParams(
                    items=[lsp.ConfigurationItem(scope_uri=f.uri, section=settings.SECTION) for f in folders]
                )
            )
        except Exception as error:  # a client may answer with an error: keep the defaults
            ls.log(f"workspace/configuration failed: {error}", lsp.MessageType.Warning)
    else:
        init = ls.initialization_options
        values = [init.get(settings.SECTION, init) if isinstance(init, dict) else None] * len(folders)

    def warn(message: str) -> None:
        ls.log(message, lsp.MessageType.Warning)

    # The client reports its Pylance at start (initialization options); a folder's answer to
    # workspace/configuration that names one (null: none installed) is newer: it changed since.
    reported = settings.pylance_version(ls.initialization_options, warn)
    projects = settings.test_explorer_projects(ls.initialization_options, warn)
    for folder, value in zip(folders, values or [None] * len(folders)):
        folder.settings = settings.parse(value, warn)
        if not (isinstance(value, dict) and settings.PYLANCE_VERSION in value):
            folder.settings.options.pylance_version = reported
        if not settings.reports_projects(value):
            folder.settings.options.test_explorer_projects = projects


async def register_watchers(ls: DoctorServer) -> None:
    caps = ls.client_capabilities.workspace
    watched = caps.did_change_watched_files if caps is not None else None
    if watched is None or not watched.dynamic_registration:
        return  # the client sends no file events: opens and saves re-list the tree instead
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
        return
    ls.watching = True


# ---------------------------------------------------------------- documents and files
def _touched(ls: DoctorServer, uri: str, disk: bool = False) -> None:
    folder = ls.session.folder_of(uri)
    if folder is None:
        return
    path = path_of(uri)
    if path is not None:
        folder.edited.add(path)
    if disk and not ls.watching:
        # Without file events, an open or a save is the moment to notice files that came
        # or went (a new test module, a deleted __init__.py): list the tree again.
        folder.disk_changed()
    ls.session.schedule(folder)


def did_open(ls: DoctorServer, params: lsp.DidOpenTextDocumentParams) -> None:
    _touched(ls, params.text_document.uri, disk=True)


def did_change(ls: DoctorServer, params: lsp.DidChangeTextDocumentParams) -> None:
    trace.mark("didChange handled")
    _touched(ls, params.text_document.uri)


def did_save(ls: DoctorServer, params: lsp.DidSaveTextDocumentParams) -> None:
    _touched(ls, params.text_document.uri, disk=True)


def did_close(ls: DoctorServer, params: lsp.DidCloseTextDocumentParams) -> None:
    _touched(ls, params.text_document.uri)  # the disk version counts again


def did_change_watched(ls: DoctorServer, params: lsp.DidChangeWatchedFilesParams) -> None:
    folders = {f.uri: f for f in (ls.session.folder_of(c.uri) for c in params.changes) if f is not None}
    for folder in folders.values():
        folder.disk_changed()
        ls.session.schedule(folder, delay=0.05)


@guarded
async def did_change_configuration(ls: DoctorServer, params: lsp.DidChangeConfigurationParams) -> None:
    await load_settings(ls)
    for folder in ls.session.folders.values():
        ls.session.schedule(folder, delay=0)


@guarded
async def did_change_folders(ls: DoctorServer, params: lsp.DidChangeWorkspaceFoldersParams) -> None:
    for removed in params.event.removed:
        ls.session.remove_folder(removed.uri)
    ls.session.add_folders(params.event.added)
    await load_settings(ls)
    for folder in ls.session.folders.values():
        ls.session.schedule(folder, delay=0)


# ---------------------------------------------------------------- code actions
def _overlaps(a: Range, b: Range) -> bool:
    return not (a.end < b.start or b.end < a.start)


def _appeared(folder: Folder, finding: Finding) -> bool:
    """Whether a file this finding's fix would create exists by now (the report is stale)."""
    if finding.fix is None:
        return False
    return any(
        change.create and os.path.lexists(os.path.join(folder.path, *change.path.split("/")))
        for change in finding.fix.changes
    )


@guarded
async def code_action(ls: DoctorServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction] | None:
    uri = params.text_document.uri
    folder = ls.session.folder_of(uri)
    rel = ls.session.rel_of(folder, uri) if folder is not None else None
    if folder is None or rel is None or not folder.settings.enabled:
        return None
    only = list(params.context.only or [])
    actions: list[lsp.CodeAction] = []
    if not only or any(k.startswith(lsp.CodeActionKind.QuickFix) for k in only):
        checked = await ls.session.report(folder)
        if checked is not None and any(_appeared(folder, f) for f in checked.report.findings):
            folder.disk_changed()  # a file event is still on its way: do not offer to create it again
            checked = await ls.session.report(folder)
        if checked is None:
            return None  # its configuration is unusable, or the check did not finish in time
        actions.extend(quick_fixes(ls, folder, checked, rel, params))
    if any(FIX_ALL_KIND.startswith(k) for k in only):
        action = await fix_all_action(ls, folder, rel)
        if action is not None:
            actions.append(action)
    return actions


def quick_fixes(
    ls: DoctorServer, folder: Folder, checked: Checked, rel: str, params: lsp.CodeActionParams
) -> list[lsp.CodeAction]:
    snapshot = checked.report.snapshot
    assert snapshot is not None
    encoding = ls.encoding()
    positions = Positions(snapshot.text(rel), encoding)
    wanted = Range(positions.to_engine(params.range.start), positions.to_engine(params.range.end))
    context = {
        (d.code, d.range.start.line) for d in params.context.diagnostics if d.source == "pyproj-doctor"
    }
    own = checked.by_uri.get(uri_of(folder.path, rel), [])
    support = edits.EditSupport.of(ls.client_capabilities)
    show_disabled = disabled_actions(ls.client_capabilities)
    actions = []
    for item in checked.report.findings:
        if item.fix is None and not item.alternatives and not (show_disabled and item.fix_unavailable):
            continue
        anchors = [item.range] if item.path == rel else []
        anchors += [r.range for r in sites(item) if r.path == rel]
        hit = [a for a in anchors if _overlaps(a, wanted) or (item.code, a.start.line) in context]
        if not hit:
            continue
        lines = {a.start.line for a in hit}
        matching = [d for d in own if d.code == item.code and d.range.start.line in lines]
        if item.fix is None and show_disabled and item.fix_unavailable:
            # Listed greyed out, with the reason the rule's fix could not be built here.
            actions.append(
                lsp.CodeAction(
                    title=f"No automatic fix here ({item.code})",
                    kind=lsp.CodeActionKind.QuickFix,
                    diagnostics=matching or None,
                    disabled=lsp.CodeActionDisabled(reason=item.fix_unavailable or ""),
                )
            )
        # The rule's fix first (preferred when safe), then the alternatives a person may choose.
        offered = ([(item.fix, "")] if item.fix is not None else []) + [
            (a, ", instead") for a in item.alternatives
        ]
        for fix, instead in offered:
            try:
                edit = edits.workspace_edit(
                    folder.path, edits.for_fix(snapshot, fix), support, encoding, ls.session.version_of
                )
            except edits.Unsupported as error:
                ls.log(f"{item.code}: {error}", lsp.MessageType.Warning)
                continue
            safe = fix.allowed(unsafe=False)
            actions.append(
                lsp.CodeAction(
                    title=f"{fix.description} ({item.code}{'' if safe else ', unsafe'}{instead})",
                    kind=lsp.CodeActionKind.QuickFix,
                    diagnostics=matching or None,
                    edit=edit,
                    is_preferred=safe and not instead,
                )
            )
    return actions


async def _fix_all(
    folder: Folder, texts: dict[str, str], only_path: str | None, cancel: threading.Event
) -> engine.FixResult:
    def work() -> engine.FixResult:
        return engine.fix_all(
            folder.path,
            folder.settings.options,
            buffers=texts,
            only_path=only_path,
            file_wins=True,
            index=folder.checker.index,
            cancelled=cancel.is_set,
        )

    try:
        return await in_thread(work)
    except asyncio.CancelledError:
        cancel.set()  # the client gave up on the request: stop the work at the next rule
        raise


def _workspace_edit(
    ls: DoctorServer, folder: Folder, planned: list[edits.Planned], annotated: bool = False
) -> lsp.WorkspaceEdit:
    """The planned file changes as one edit for this client (raises ``edits.Unsupported``)."""
    support = edits.EditSupport.of(ls.client_capabilities)
    return edits.workspace_edit(
        folder.path, planned, support, ls.encoding(), ls.session.version_of, annotated=annotated
    )


async def fix_all_action(ls: DoctorServer, folder: Folder, rel: str) -> lsp.CodeAction | None:
    texts, _ = ls.session.buffers(folder)
    result = await _fix_all(folder, texts, rel, threading.Event())
    planned = edits.for_result(result)
    if not planned:
        return None
    try:
        edit = _workspace_edit(ls, folder, planned)
    except edits.Unsupported as error:
        ls.log(str(error), lsp.MessageType.Warning)
        return None
    return lsp.CodeAction(title="pyproj-doctor: fix all", kind=FIX_ALL_KIND, edit=edit)


# ---------------------------------------------------------------- commands
def pick_folder(ls: DoctorServer, arguments: Sequence[Any]) -> Folder:
    """The folder ``configureProject`` was asked for: none (the first folder), a URI, or {"uri": …}."""
    if not arguments:
        folder = next(iter(ls.session.folders.values()), None)
        if folder is None:
            raise JsonRpcInvalidParams("pyproj-doctor: there is no workspace folder to configure")
        return folder
    if len(arguments) != 1:
        raise JsonRpcInvalidParams(f"{CONFIGURE_COMMAND} takes one argument: a folder URI or {{'uri': …}}")
    first = arguments[0]
    uri = first.get("uri") if isinstance(first, dict) else first
    if not isinstance(uri, str) or not uri.startswith("file:"):
        raise JsonRpcInvalidParams(
            f"{CONFIGURE_COMMAND}: expected a file: URI of a workspace folder, got {first!r}"
        )
    path = path_of(uri)
    folder = ls.session.folder_of(uri) if path is not None else None
    if folder is None:
        raise JsonRpcInvalidParams(f"{CONFIGURE_COMMAND}: {uri} is not inside a workspace folder")
    return folder


async def configure_command(ls: DoctorServer, *arguments: Any) -> dict[str, Any] | None:
    folder = pick_folder(ls, arguments)  # InvalidParams goes back to the caller as an error
    try:
        return await configure_project(ls, folder)
    except Exception:
        ls.log(f"pyproj-doctor: configure failed:\n{traceback.format_exc()}", lsp.MessageType.Error)
        return None


async def configure_project(ls: DoctorServer, folder: Folder) -> dict[str, Any]:
    texts, _ = ls.session.buffers(folder)
    result = await _fix_all(folder, texts, None, threading.Event())
    planned = edits.for_result(result)
    fixes = [f"{f.code}: {f.fix.description}" for f in result.applied if f.fix is not None]
    left = [f"{f.code}: {f.message}" for f in result.report.findings if f.severity >= Severity.WARNING]
    # Unsafe fixes are not part of the setup: they stay quick fixes, labelled, for the user to pick.
    unsafe = [
        f"{f.code}: {f.fix.description}"
        for f in result.report.findings
        if f.fix is not None and not f.fix.allowed(unsafe=False)
    ]
    if not planned:
        ls.window_show_message(
            lsp.ShowMessageParams(
                type=lsp.MessageType.Info,
                message="pyproj-doctor: the project already has the recommended setup.",
            )
        )
        return {"applied": False, "files": [], "fixes": [], "remaining": left, "unsafe": unsafe}
    try:
        edit = _workspace_edit(ls, folder, planned, annotated=True)
    except edits.Unsupported as error:
        ls.window_show_message(
            lsp.ShowMessageParams(type=lsp.MessageType.Error, message=f"pyproj-doctor: {error}")
        )
        return {"applied": False, "files": [], "fixes": fixes, "error": str(error)}
    response = await ls.workspace_apply_edit_async(
        lsp.ApplyWorkspaceEditParams(edit=edit, label="Configure Python Project")
    )
    folder.disk_changed()
    ls.session.schedule(folder, delay=0)
    return {
        "applied": bool(response.applied),
        "files": [p.rel for p in planned],
        "fixes": fixes,
        "remaining": left,
        "unsafe": unsafe,
        "failureReason": response.failure_reason,
    }


# ---------------------------------------------------------------- one import, every runner
async def _explained(ls: DoctorServer, uri: str, line: int) -> list[explain.Explanation] | str:
    """The explanations of the import on ``line`` (0-based) of a Python document, or why there are none."""
    folder = ls.session.folder_of(uri)
    rel = ls.session.rel_of(folder, uri) if folder is not None else None
    if folder is None or rel is None:
        return f"{uri} is not inside a workspace folder"
    texts, _ = ls.session.buffers(folder)
    index = folder.checker.index

    def work() -> list[explain.Explanation] | str:
        text = texts.get(rel)
        if text is None:
            try:
                with open(os.path.join(folder.path, *rel.split("/")), encoding="utf-8") as handle:
                    text = handle.read()
            except (OSError, UnicodeDecodeError) as error:
                return f"{rel}: cannot be read ({error})"
        if not explain.has_import(text, line + 1):
            return f"{rel}:{line + 1}: not an import"
        try:
            projects = folder.settings.options.test_explorer_projects
            return explain.explain_in(folder.path, rel, line + 1, texts, index, projects)
        except explain.ExplainError as error:
            return str(error)

    return await in_thread(work)


@guarded
async def hover(ls: DoctorServer, params: lsp.HoverParams) -> lsp.Hover | None:
    uri = params.text_document.uri
    folder = ls.session.folder_of(uri)
    if not uri.endswith(".py") or folder is None or not folder.settings.enabled:
        return None
    found = await _explained(ls, uri, params.position.line)
    if isinstance(found, str):
        return None  # most lines are not imports: no hover, no noise
    return lsp.Hover(contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=explain.markdown(found)))


async def explain_command(ls: DoctorServer, *arguments: Any) -> dict[str, Any]:
    """``[uri, line]`` or ``[{"uri": …, "line": …}]`` (0-based line): the table as markdown and JSON."""
    first = arguments[0] if len(arguments) == 1 and isinstance(arguments[0], dict) else None
    uri, line = (first.get("uri"), first.get("line")) if first is not None else [*arguments, None, None][:2]
    if len(arguments) not in (1, 2) or not isinstance(uri, str) or not uri.startswith("file:"):
        raise JsonRpcInvalidParams(
            f"{EXPLAIN_COMMAND} takes a file: URI and a 0-based line, got {list(arguments)!r}"
        )
    if not isinstance(line, int) or isinstance(line, bool) or line < 0:
        raise JsonRpcInvalidParams(f"{EXPLAIN_COMMAND}: the line must be a number from 0, got {line!r}")
    found = await _explained(ls, uri, line)
    if isinstance(found, str):
        return {"error": found, "markdown": f"pyproj-doctor: {found}", "explanations": []}
    return {"markdown": explain.markdown(found), "explanations": [item.to_json() for item in found]}


def register(server: DoctorServer) -> None:
    server.feature(lsp.INITIALIZE)(initialize)
    server.feature(lsp.INITIALIZED)(initialized)
    server.feature(lsp.SHUTDOWN)(shutdown)
    server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)(did_open)
    server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)(did_change)
    server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)(did_save)
    server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)(did_close)
    server.feature(lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)(did_change_watched)
    server.feature(lsp.WORKSPACE_DID_CHANGE_CONFIGURATION)(did_change_configuration)
    server.feature(lsp.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)(did_change_folders)
    server.feature(
        lsp.TEXT_DOCUMENT_CODE_ACTION,
        lsp.CodeActionOptions(
            code_action_kinds=[lsp.CodeActionKind.QuickFix, FIX_ALL_KIND], resolve_provider=False
        ),
    )(code_action)
    server.command(CONFIGURE_COMMAND)(configure_command)
    server.feature(lsp.TEXT_DOCUMENT_HOVER)(hover)
    server.command(EXPLAIN_COMMAND)(explain_command)
