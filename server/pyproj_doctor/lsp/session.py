"""What the server knows between messages: folders, document versions, checks and reports.

Each check runs in a worker thread of its own, so a check that never ends holds up
only its own folder: requests stay answerable and other folders get their turn. A
newer edit cancels the running check of its folder (it stops between rules, and its
result is dropped if it returns at all) and starts the next one without waiting for it.
Each report remembers the document versions and the disk epoch it was computed from;
code actions reuse it while those still hold.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from lsprotocol import types as lsp
from pygls.uris import to_fs_path

from pyproj_doctor import engine, gcpause
from pyproj_doctor.lsp import trace
from pyproj_doctor.lsp.contract import CHECKED_NOTIFICATION
from pyproj_doctor.lsp.convert import Translated, diagnostics, disabled_actions
from pyproj_doctor.lsp.settings import FolderSettings

if TYPE_CHECKING:
    from pyproj_doctor.lsp.server import DoctorServer

# An edit to an idle folder is checked at once (the user sees its effect without waiting
# for a pause). Edits that arrive while a check runs or waits are debounced by about as long
# as a check takes, within these bounds: a small project answers almost at once, a large one
# is not re-checked on every keystroke.
MIN_DEBOUNCE_SECONDS = 0.02
MAX_DEBOUNCE_SECONDS = 0.15
# How long a request waits for the report of the current document versions.
REPORT_WAIT_SECONDS = 10.0
# Cancelled checks that never return each hold a thread; past this many, a folder's next
# check waits for one of them to end.
MAX_CHECKS_IN_FLIGHT = 4

T = TypeVar("T")


def in_thread(func: Callable[[], T]) -> asyncio.Future[T]:
    """Run ``func`` in a daemon thread of its own: a call that never returns blocks nothing."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def settle(value: Any, error: BaseException | None) -> None:
        if future.done():
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(value)

    def run() -> None:
        try:
            value = func()
        except BaseException as error:  # handed to the awaiting coroutine
            loop.call_soon_threadsafe(settle, None, error)
        else:
            loop.call_soon_threadsafe(settle, value, None)

    threading.Thread(target=run, name="pyproj-doctor", daemon=True).start()
    return future


def path_of(uri: str) -> str | None:
    """The normalized file system path of a ``file:`` URI (``a/../b`` is ``b``)."""
    try:
        path = to_fs_path(uri)
    except Exception:
        return None
    return os.path.normpath(path) if path else None


@dataclass
class Checked:
    """A report and what it was computed from."""

    report: engine.Report
    versions: dict[str, int]  # open documents (relative path → version) the check read
    epoch: int  # the folder's disk epoch at the start of the check
    by_uri: dict[str, list[lsp.Diagnostic]]


@dataclass
class Folder:
    path: str
    uri: str
    settings: FolderSettings = field(default_factory=FolderSettings)
    # Bumped whenever a file may have come, gone or changed on disk.
    epoch: int = 0
    checked: Checked | None = None
    broken: bool = False  # the last check could not run (its configuration is unusable)
    published: dict[str, list[lsp.Diagnostic]] = field(default_factory=dict)
    # Paths of the documents the user changed (opened, typed in, closed) since the last
    # publication: theirs go out first, as that is where the user looks.
    edited: set[str] = field(default_factory=set)
    last_duration: float = MAX_DEBOUNCE_SECONDS
    last_input: float = 0.0  # time.monotonic() of the last scheduled input
    # Scheduling: a pending timer, the running check's cancel flag, and whether input
    # arrived that the running (or no) check has seen.
    timer: asyncio.TimerHandle | None = None
    running: threading.Event | None = None
    in_flight: int = 0  # checks whose thread has not returned, cancelled ones included
    task: asyncio.Future[None] | None = None
    dirty: bool = False
    settled: asyncio.Event = field(default_factory=asyncio.Event)

    def contains(self, path: str) -> bool:
        return path == self.path or path.startswith(self.path.rstrip(os.sep) + os.sep)

    def rel(self, path: str) -> str | None:
        if path == self.path or not self.contains(path):
            return None
        return os.path.relpath(path, self.path).replace(os.sep, "/")

    checker: engine.Checker = field(init=False)
    # The last reports translated to diagnostics: (report, how it was translated, by URI).
    translated: list[tuple[engine.Report, tuple[str, bool], dict[str, list[lsp.Diagnostic]]]] = field(
        default_factory=list
    )
    # Each finding of the last translation with its diagnostics (see convert.diagnostics).
    diagnostics: Translated = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.checker = engine.Checker(self.path)

    def disk_changed(self) -> None:
        self.epoch += 1
        self.checker.disk_changed()


class Session:
    def __init__(self, server: DoctorServer) -> None:
        self.server = server
        self.folders: dict[str, Folder] = {}

    # ------------------------------------------------------------ folders and documents
    def add_folders(self, folders: Sequence[lsp.WorkspaceFolder]) -> None:
        for item in folders:
            path = path_of(item.uri)
            if path and item.uri not in self.folders:
                self.folders[item.uri] = Folder(path, item.uri)

    def remove_folder(self, uri: str) -> None:
        folder = self.folders.pop(uri, None)
        if folder is None:
            return
        if folder.timer is not None:
            folder.timer.cancel()
        if folder.running is not None:
            folder.running.set()
        self.publish(folder, {})

    def folder_of(self, uri: str) -> Folder | None:
        """The innermost folder holding ``uri``."""
        path = path_of(uri)
        if path is None:
            return None
        best = None
        for folder in self.folders.values():
            if folder.contains(path) and (best is None or len(folder.path) > len(best.path)):
                best = folder
        return best

    def rel_of(self, folder: Folder, uri: str) -> str | None:
        path = path_of(uri)
        return folder.rel(path) if path is not None else None

    def buffers(self, folder: Folder) -> tuple[dict[str, str], dict[str, int]]:
        """Unsaved editor texts under ``folder`` and their versions."""
        texts: dict[str, str] = {}
        versions: dict[str, int] = {}
        for uri, document in list(self.server.workspace.text_documents.items()):
            rel = self.rel_of(folder, uri)
            if rel is None:
                continue
            texts[rel] = document.source
            versions[rel] = document.version if document.version is not None else -1
        return texts, versions

    def version_of(self, uri: str) -> int | None:
        document = self.server.workspace.text_documents.get(uri)
        return document.version if document is not None else None

    def current(self, folder: Folder) -> Checked | None:
        """The folder's report, if it was computed from what the editor and disk hold now."""
        checked = folder.checked
        if checked is None or checked.epoch != folder.epoch:
            return None
        _, versions = self.buffers(folder)
        return checked if checked.versions == versions else None

    async def report(self, folder: Folder) -> Checked | None:
        """The report for the current versions, waiting for the check under way if needed."""
        deadline = time.monotonic() + REPORT_WAIT_SECONDS
        while True:
            checked = self.current(folder)
            if checked is not None or not folder.settings.enabled:
                return checked
            if folder.broken and folder.timer is None and folder.running is None:
                return None  # its configuration is unusable until it changes
            if folder.timer is None and folder.running is None:
                self.schedule(folder, delay=0)
            folder.settled.clear()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            try:
                await asyncio.wait_for(folder.settled.wait(), remaining)
            except asyncio.TimeoutError:
                return None

    # ------------------------------------------------------------ checking
    def schedule(self, folder: Folder, delay: float | None = None) -> None:
        """Check ``folder`` after ``delay`` (the debounce), cancelling a check that is now stale.

        Without a ``delay``, an edit to an idle folder (no check running or waiting, no input
        within the debounce) starts its check at once; later edits of a burst are debounced.
        """
        now = time.monotonic()
        if delay is None:
            debounce = min(MAX_DEBOUNCE_SECONDS, max(MIN_DEBOUNCE_SECONDS, folder.last_duration))
            idle = folder.running is None and folder.timer is None and now - folder.last_input >= debounce
            delay = 0 if idle else debounce
        folder.last_input = now
        folder.dirty = True
        if folder.running is not None:
            folder.running.set()  # newer input: the running check's result would be stale
        if folder.timer is not None:
            folder.timer.cancel()
        loop = asyncio.get_running_loop()
        folder.timer = loop.call_later(delay, self._start, folder)

    def _start(self, folder: Folder) -> None:
        trace.mark("timer fires")
        folder.timer = None
        if folder.uri not in self.folders or not folder.dirty:
            return
        if folder.running is not None and not folder.running.is_set():
            return  # the current check saw the latest input; when it ends it looks again
        if folder.in_flight >= MAX_CHECKS_IN_FLIGHT:
            return  # checks that ignore cancelling: the next starts when one of them ends
        # A cancelled check may be stuck (a read or a regex that never ends): start the
        # next one now instead of waiting for it; its result will be dropped.
        folder.dirty = False
        cancel = threading.Event()
        folder.running = cancel
        folder.in_flight += 1
        folder.task = asyncio.ensure_future(self._check(folder, cancel))

    async def _check(self, folder: Folder, cancel: threading.Event) -> None:
        try:
            # Garbage collection waits until the diagnostics are out (see gcpause.py).
            with gcpause.paused():
                await self._check_once(folder, cancel)
        finally:
            folder.in_flight -= 1
            if folder.running is cancel:
                folder.running = None
        if folder.timer is not None:
            return  # input is still arriving: the timer starts the next check
        if folder.dirty:
            self._start(folder)
        elif folder.running is None:
            folder.settled.set()

    async def _check_once(self, folder: Folder, cancel: threading.Event) -> None:
        if not folder.settings.enabled:
            folder.checked = None
            self.publish(folder, {})
            return
        texts, versions = self.buffers(folder)
        epoch, options = folder.epoch, folder.settings.options
        encoding = self.server.encoding()
        shows_disabled = disabled_actions(self.server.client_capabilities)

        def work() -> tuple[engine.Report, dict[str, list[lsp.Diagnostic]]]:
            trace.mark("check begins")
            report = folder.checker.check(options, texts, True, cancel.is_set)
            trace.mark("check ends")
            # The checker hands back the same report for inputs it has seen (an undo): so is
            # its translation.
            how = (encoding, shows_disabled)
            for seen, seen_how, by_uri in folder.translated:
                if seen is report and seen_how == how:
                    return report, by_uri
            by_uri = diagnostics(
                folder.path,
                report.findings,
                report.snapshot.text,
                encoding,
                shows_disabled,
                folder.diagnostics,
            )
            folder.translated = [*folder.translated[-3:], (report, how, by_uri)]
            trace.mark("translated")
            return report, by_uri

        started = time.perf_counter()
        trace.mark("thread starts")
        try:
            report, by_uri = await in_thread(work)
            trace.mark("loop resumes")
        except engine.Cancelled:
            return
        except engine.ConfigError as error:
            if cancel.is_set():
                return  # newer input arrived meanwhile: its check reports
            folder.checked = None
            folder.broken = True
            message = f"pyproj-doctor: {error.path}: {error.message}"
            self.server.log(message, lsp.MessageType.Error)
            self.server.window_show_message(
                lsp.ShowMessageParams(type=lsp.MessageType.Error, message=message)
            )
            self.publish(folder, {})
            return
        except Exception:
            if cancel.is_set():
                return  # newer input arrived meanwhile: its check reports
            folder.broken = True
            self.server.log(
                f"pyproj-doctor failed on {folder.path}:\n{traceback.format_exc()}", lsp.MessageType.Error
            )
            return
        if cancel.is_set() or folder.uri not in self.folders:
            return  # newer input arrived meanwhile: its check publishes
        folder.last_duration = time.perf_counter() - started
        folder.broken = False
        folder.checked = Checked(report, versions, epoch, by_uri)
        for problem in report.problems:
            self.server.log(f"{problem.path}: {problem.message}", lsp.MessageType.Warning)
        self.publish(folder, by_uri)

    def publish(self, folder: Folder, by_uri: dict[str, list[lsp.Diagnostic]]) -> None:
        """Send only what changed (documents whose diagnostics differ, and cleared ones), those of
        the documents just edited first: each is one message the client handles in turn."""
        changed = [u for u in folder.published if u not in by_uri]
        changed += [u for u, items in by_uri.items() if folder.published.get(u) != items]
        edited, folder.edited = folder.edited, set()
        changed.sort(key=lambda u: path_of(u) not in edited)  # stable: otherwise the report's order
        for uri in changed:
            items = by_uri.get(uri)
            if items is None:
                del folder.published[uri]
            else:
                folder.published[uri] = items
            self.server.text_document_publish_diagnostics(
                lsp.PublishDiagnosticsParams(uri=uri, diagnostics=items or [])
            )
            trace.mark("sent", uri, len(items or []))
        # A check that changed nothing publishes nothing: say it finished all the same.
        self.server.protocol.notify(CHECKED_NOTIFICATION, {"uri": folder.uri})
        trace.mark("published")

    async def check_all(self) -> None:
        folders = list(self.folders.values())
        token = await self.server.begin_progress(f"Checking {len(folders)} folder(s)")
        try:
            for folder in folders:
                self.schedule(folder, delay=0)
            await asyncio.gather(*(self.report(f) for f in folders))
        finally:
            if token is not None:
                self.server.work_done_progress.end(token, lsp.WorkDoneProgressEnd(message="Done"))
