"""The language server process: protocol rules, the stdio transport and the server object.

No rule lives here, nor in the rest of ``lsp/``: ``session`` schedules engine runs,
``handlers`` answer the client, ``convert`` and ``edits`` translate the engine's plain
data. Fixes reach the disk only through the client (``workspace/applyEdit`` or a code
action the user picks), so they can be undone, and the server never runs code from the
workspace.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import sys
import threading
import uuid
from typing import Any, BinaryIO

from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcInvalidParams, JsonRpcInvalidRequest
from pygls.io_ import StdoutWriter
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.json_rpc import RPCRequest

from pyproj_doctor import __version__
from pyproj_doctor.lsp import trace
from pyproj_doctor.lsp.session import Session

# A message larger than this is refused: no real request comes near it, and reading a
# claimed 10^14 bytes would end in MemoryError.
MAX_MESSAGE_BYTES = 64 * 1024 * 1024
MAX_HEADER_BYTES = 8 * 1024
CONTENT_LENGTH = re.compile(rb"content-length:\s*(\d+)\s*", re.IGNORECASE)

log = logging.getLogger(__name__)


class DoctorProtocol(LanguageServerProtocol):
    """pygls' protocol with the spec's rules for shutdown, exit and cancellation."""

    def handle_message(self, message: Any) -> None:
        method = getattr(message, "method", "")
        if self._shutdown and method != lsp.EXIT:
            if isinstance(message, RPCRequest):
                error = JsonRpcInvalidRequest(f"{method}: the server is shutting down")
                self._send_response(message.id, None, error.to_response_error())
            return  # notifications after shutdown are dropped, as the spec says
        if method == lsp.EXIT:
            # The spec: 0 after shutdown, else 1. Leave at once, whatever a worker is doing.
            sys.stderr.flush()
            os._exit(0 if self._shutdown else 1)
        super().handle_message(message)

    def _handle_cancel_notification(self, msg_id: Any) -> None:
        # Clients cancel requests that were already answered all the time; that is normal.
        future = self._request_futures.pop(msg_id, None)
        if future is not None:
            future.cancel()


class DoctorServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("pyproj-doctor", __version__, protocol_cls=DoctorProtocol)
        self.session = Session(self)
        self.initialization_options: Any = None
        self.watching = False  # whether the client sends file events for our globs

    def log(self, message: str, kind: lsp.MessageType = lsp.MessageType.Log) -> None:
        self.window_log_message(lsp.LogMessageParams(type=kind, message=message))

    def encoding(self) -> str:
        return str(self.workspace.position_encoding or lsp.PositionEncodingKind.Utf16)

    def warm_up(self) -> None:
        """Build the code that reads and writes the messages of a keystroke, while the server is idle.

        pygls' converter (cattrs) builds it for each message type on first use, about 5 ms each:
        the user's first keystroke would wait for its didChange and publishDiagnostics.
        """
        position = {"line": 0, "character": 0}
        span = {"start": position, "end": position}
        uri = "file:///pyproj-doctor-warm-up"
        document = {"uri": uri, "version": 0}
        context = {"diagnostics": [], "only": [lsp.CodeActionKind.QuickFix]}
        for message in (
            {
                "method": lsp.TEXT_DOCUMENT_DID_CHANGE,
                "params": {"textDocument": document, "contentChanges": [{"range": span, "text": ""}]},
            },
            {
                "id": 0,
                "method": lsp.TEXT_DOCUMENT_CODE_ACTION,
                "params": {"textDocument": document, "range": span, "context": context},
            },
        ):
            self.protocol.structure_message({"jsonrpc": "2.0", **message})
        range_ = lsp.Range(start=lsp.Position(line=0, character=0), end=lsp.Position(line=0, character=0))
        diagnostic = lsp.Diagnostic(
            range=range_,
            message="",
            severity=lsp.DiagnosticSeverity.Error,
            code="warm-up",  # any string: the same serialization as a finding's code
            source="pyproj-doctor",
            related_information=[
                lsp.DiagnosticRelatedInformation(location=lsp.Location(uri=uri, range=range_), message="")
            ],
            data={"fixable": False},
        )
        published = lsp.PublishDiagnosticsNotification(
            params=lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[diagnostic])
        )
        json.dumps(published, default=self.protocol._serialize_message)

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

    # ------------------------------------------------------------ transport
    def serve_stdio(self, stdin: BinaryIO, stdout: BinaryIO) -> None:
        """Read messages until ``exit`` or the end of input; both leave the process."""
        self.protocol.set_writer(StdoutWriter(stdout))
        asyncio.run(self._read_loop(stdin))

    async def _read_loop(self, stdin: BinaryIO) -> None:
        loop = asyncio.get_running_loop()
        lines: asyncio.Queue[bytes | None] = asyncio.Queue()

        def reader() -> None:  # a daemon thread: a blocked read must not keep the process alive
            try:
                for message in read_messages(stdin):
                    loop.call_soon_threadsafe(lines.put_nowait, message)
            finally:
                loop.call_soon_threadsafe(lines.put_nowait, None)

        threading.Thread(target=reader, name="pyproj-doctor-stdin", daemon=True).start()
        while (body := await lines.get()) is not None:
            self._dispatch(body)
        # The client is gone. Leave now: waiting for handlers or worker threads (one may be
        # stuck in a check) would keep an orphan process alive.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0 if self.protocol._shutdown else 1)

    def _dispatch(self, body: bytes) -> None:
        trace.mark("message", len(body))
        try:
            data = json.loads(body)
        except ValueError as error:
            log.error("pyproj-doctor: a message is not JSON: %s", error)
            return
        try:
            message = self.protocol.structure_message(data) if isinstance(data, dict) else data
        except JsonRpcInvalidParams as error:
            if isinstance(data, dict) and "id" in data and "method" in data:
                self.protocol._send_response(data["id"], None, error.to_response_error())
            return
        try:
            self.protocol.handle_message(message)
        except Exception:
            log.exception("pyproj-doctor: could not handle a message")


def read_messages(stdin: BinaryIO) -> Any:
    """The bodies of base-protocol messages; oversized ones are skipped without being held."""
    while True:
        length: int | None = None
        while True:
            line = stdin.readline(MAX_HEADER_BYTES)
            if not line:
                return
            if line in (b"\r\n", b"\n"):
                break
            match = CONTENT_LENGTH.fullmatch(line)
            if match:
                length = int(match.group(1))
        if length is None:
            log.error("pyproj-doctor: a message without Content-Length was ignored")
            continue
        if length > MAX_MESSAGE_BYTES:
            log.error(
                "pyproj-doctor: refused a message of %d bytes (the limit is %d)", length, MAX_MESSAGE_BYTES
            )
            while length > 0:
                chunk = stdin.read(min(length, 1 << 20))
                if not chunk:
                    return
                length -= len(chunk)
            continue
        body = stdin.read(length)
        if len(body) < length:
            return
        yield body


def create_server() -> DoctorServer:
    from pyproj_doctor.lsp import handlers

    server = DoctorServer()
    handlers.register(server)
    return server


def serve() -> None:
    logging.basicConfig(level=logging.WARNING)
    # The engine imports it only for a requires-python beyond plain comparisons; the server
    # imports it while it starts, so no check (timed from `initialized`) pays for it.
    import packaging.specifiers  # noqa: F401

    create_server().serve_stdio(sys.stdin.buffer, sys.stdout.buffer)
