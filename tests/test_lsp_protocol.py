"""The language server's protocol contract, spoken as raw JSON-RPC over stdio.

These cover what a well-behaved client library would never send or would hide:
``exit`` without ``shutdown``, requests after ``shutdown``, an absurd Content-Length,
a cancel for a request already answered, and ``exit`` (with or without ``shutdown``)
while a check is stuck (in the server of ``stuck_server.py``).
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import seed
from tests.lsp_support import STUCK_COMMAND, Stuck, uri


class RawClient:
    """A language client reduced to bytes on the server's stdin and stdout."""

    def __init__(
        self, command: list[str] | None = None, cwd: Path | None = None, env: dict[str, str] | None = None
    ) -> None:
        self.process = subprocess.Popen(
            command or [sys.executable, "-m", "pyproj_doctor", "lsp"],
            cwd=cwd,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self.messages: list[dict[str, Any]] = []
        self.lock = threading.Condition()
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        stdout = self.process.stdout
        assert stdout is not None
        while True:
            length = None
            while True:
                line = stdout.readline()
                if not line:
                    return
                if line == b"\r\n":
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            assert length is not None
            message = json.loads(stdout.read(length))
            with self.lock:
                self.messages.append(message)
                self.lock.notify_all()

    def send_raw(self, data: bytes) -> None:
        stdin = self.process.stdin
        assert stdin is not None
        stdin.write(data)
        stdin.flush()

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        self.send_raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def request(self, method: str, params: Any = None) -> int:
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params})
        return self.next_id

    def notify(self, method: str, params: Any = None) -> None:
        self.send({"method": method, "params": params})

    def answer(self, msg_id: int, timeout: float = 20) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        with self.lock:
            while True:
                for message in self.messages:
                    if message.get("id") == msg_id and "method" not in message:
                        return message
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no answer to {msg_id}; got {self.messages}")
                self.lock.wait(left)

    def initialize(self, *folders: Path) -> None:
        self.answer(
            self.request(
                "initialize",
                {
                    "processId": None,
                    "rootUri": None,
                    "capabilities": {},
                    "workspaceFolders": [{"uri": uri(f), "name": f.name} for f in folders],
                },
            )
        )
        self.notify("initialized", {})

    def wait(self, timeout: float = 10) -> tuple[int, str]:
        try:
            code = self.process.wait(timeout)
        finally:
            if self.process.poll() is None:
                self.process.kill()
        stderr = self.process.stderr
        assert stderr is not None
        return code, stderr.read().decode("utf-8", "replace")


@pytest.fixture
def raw() -> Any:
    client = RawClient()
    yield client
    if client.process.poll() is None:
        client.process.kill()
        client.process.wait()


def test_exit_without_shutdown_exits_1(raw: RawClient, tmp_path: Path) -> None:
    raw.initialize(seed(tmp_path))
    raw.notify("exit")
    code, _ = raw.wait()
    assert code == 1


def test_requests_after_shutdown_are_invalid_and_exit_is_0(raw: RawClient, tmp_path: Path) -> None:
    app = seed(tmp_path)
    raw.initialize(app)
    assert raw.answer(raw.request("shutdown"))["result"] is None
    late = raw.answer(
        raw.request(
            "textDocument/codeAction",
            {
                "textDocument": {"uri": uri(app / "pyproject.toml")},
                "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
                "context": {"diagnostics": []},
            },
        )
    )
    assert late["error"]["code"] == -32600  # InvalidRequest
    raw.notify("exit")
    code, _ = raw.wait()
    assert code == 0


def test_oversized_content_length_is_refused_not_a_crash(raw: RawClient, tmp_path: Path) -> None:
    raw.initialize(seed(tmp_path))
    raw.send_raw(b"Content-Length: 100000000000000\r\n\r\n{}")
    stdin = raw.process.stdin
    assert stdin is not None
    stdin.close()  # the promised body never comes
    code, stderr = raw.wait()
    assert "MemoryError" not in stderr and "Traceback" not in stderr
    assert "refused a message of 100000000000000 bytes" in stderr
    assert code == 1  # the client went away without shutdown


def test_cancelling_an_answered_request_logs_nothing(raw: RawClient, tmp_path: Path) -> None:
    app = seed(tmp_path)
    raw.initialize(app)
    params = {
        "textDocument": {"uri": uri(app / "pyproject.toml")},
        "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
        "context": {"diagnostics": []},
    }
    for _ in range(3):
        msg_id = raw.request("textDocument/codeAction", params)
        assert "result" in raw.answer(msg_id)
        raw.notify("$/cancelRequest", {"id": msg_id})
    raw.answer(raw.request("shutdown"))
    raw.notify("exit")
    code, stderr = raw.wait()
    assert code == 0
    assert "Cancel notification" not in stderr and "WARNING" not in stderr, stderr


@pytest.mark.parametrize("shutdown", [True, False], ids=["after-shutdown", "without-shutdown"])
def test_exit_ends_the_process_while_a_check_is_stuck(tmp_path: Path, shutdown: bool) -> None:
    raw = RawClient(STUCK_COMMAND)
    try:
        stuck = Stuck(seed(tmp_path / "stuck"), tmp_path / "control")
        healthy = seed(tmp_path / "healthy")
        raw.initialize(stuck.folder, healthy)
        # The other folder gets its turn while the first one's check hangs.
        deadline = time.monotonic() + 20
        target = uri(healthy / "pyproject.toml")
        while not any(m.get("params", {}).get("uri") == target for m in list(raw.messages)):
            assert time.monotonic() < deadline, raw.messages
            time.sleep(0.05)
        assert stuck.started() == 1
        if shutdown:
            assert raw.answer(raw.request("shutdown"))["result"] is None
        started = time.monotonic()
        raw.notify("exit")
        code, _ = raw.wait(timeout=10)
        assert time.monotonic() - started < 5
        assert code == (0 if shutdown else 1)
        assert stuck.finished() == 0  # it was still stuck when the process ended
    finally:
        if raw.process.poll() is None:
            raw.process.kill()
            raw.process.wait()
