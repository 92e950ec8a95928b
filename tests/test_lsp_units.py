"""The language server's pure parts, in process: settings, positions, folders, message framing."""

from __future__ import annotations

import asyncio
import io
import os
import subprocess
import sys
import time
from pathlib import Path

from lsprotocol import types as lsp
from pygls.io_ import StdoutWriter

from pyproj_doctor.findings import Position, Severity
from pyproj_doctor.lsp import settings
from pyproj_doctor.lsp.convert import Positions
from pyproj_doctor.lsp.server import MAX_MESSAGE_BYTES, DoctorServer, read_messages
from pyproj_doctor.lsp.session import MIN_DEBOUNCE_SECONDS, Folder, Session, path_of
from tests.lsp_support import uri


def test_settings_keep_good_values_and_report_bad_ones() -> None:
    warnings: list[str] = []
    parsed = settings.parse(
        {
            "enable": True,
            "select": ["pd2", "PD999", 7],
            "ignore": "PD4",
            "severityOverrides": {"PD304": "error", "PD301": "loud", "NOPE": "hint"},
            "extraRecommendations": ["charliermarsh.ruff"],
        },
        warnings.append,
    )
    assert parsed.enabled
    assert parsed.options.select == ("PD2",)
    assert parsed.options.ignore == ()
    assert parsed.options.severity_overrides == {"PD304": Severity.ERROR}
    assert parsed.options.extra_recommendations == ("charliermarsh.ruff",)
    assert len(warnings) == 5  # PD999, 7, ignore not a list, "loud", NOPE


def test_settings_take_the_reported_pylance_version_and_report_one_that_is_not() -> None:
    warnings: list[str] = []
    assert (
        settings.parse({"pylanceVersion": "2026.3.1"}, warnings.append).options.pylance_version == "2026.3.1"
    )
    assert settings.parse({"pylanceVersion": "nightly"}, warnings.append).options.pylance_version is None
    assert settings.parse({"pylanceVersion": 2026}, warnings.append).options.pylance_version is None
    assert settings.parse({}).options.pylance_version is None
    assert warnings == [
        "pylanceVersion: 'nightly' is not a version such as 2026.3.1",
        "pylanceVersion: 2026 is not a version such as 2026.3.1",
    ]


def test_settings_take_the_reported_test_explorer_mode() -> None:
    def mode(value: object, warnings: list[str] | None = None) -> bool | None:
        return settings.parse(
            value, (warnings if warnings is not None else []).append
        ).options.test_explorer_projects

    both = {"useEnvironmentsExtension": True, "environmentsExtension": True}
    assert mode(both) is True
    assert mode({**both, "environmentsExtension": False}) is False  # the setting alone does nothing
    assert mode({**both, "useEnvironmentsExtension": False}) is False
    assert mode({"useEnvironmentsExtension": True}) is None  # the extension not reported: not known
    assert mode({}) is None
    warnings: list[str] = []
    assert mode({**both, "environmentsExtension": "yes"}, warnings) is None
    assert warnings == ["environmentsExtension: expected true or false, not 'yes'"]


def test_settings_defaults_and_disable() -> None:
    assert settings.parse(None).enabled
    assert settings.parse({"enable": False}).enabled is False
    assert settings.parse({"enable": "yes"}).enabled  # only an explicit false disables


def test_positions_convert_to_and_from_utf16_and_utf8() -> None:
    text = 'a = "😀x"\n'
    utf16 = Positions(text, lsp.PositionEncodingKind.Utf16)
    assert utf16.position(Position(0, 6)).character == 7  # the emoji is two UTF-16 units
    assert utf16.to_engine(lsp.Position(line=0, character=7)) == Position(0, 6)
    utf8 = Positions(text, lsp.PositionEncodingKind.Utf8)
    assert utf8.position(Position(0, 6)).character == 9  # and four UTF-8 bytes
    assert utf8.to_engine(lsp.Position(line=0, character=9)) == Position(0, 6)
    # Past the end of a line or of the text, positions are clamped rather than raising.
    assert utf16.to_engine(lsp.Position(line=0, character=99)) == Position(0, len('a = "😀x"'))


def test_folders_match_whole_path_components(tmp_path: Path) -> None:
    folder = Folder(str(tmp_path / "app"), uri(tmp_path / "app"))
    assert folder.contains(str(tmp_path / "app" / "pyproject.toml"))
    assert not folder.contains(str(tmp_path / "app2" / "pyproject.toml"))
    assert folder.rel(str(tmp_path / "app" / "src" / "x.py")) == "src/x.py"
    assert folder.rel(str(tmp_path / "app")) is None
    outside = path_of(uri(tmp_path / "app") + "/../outside")
    assert outside == os.path.normpath(str(tmp_path / "outside"))
    assert outside is not None and not folder.contains(outside)


def frame(body: bytes, length: int | None = None) -> bytes:
    return b"Content-Length: %d\r\n\r\n" % (len(body) if length is None else length) + body


def test_framing_reads_messages_and_skips_oversized_ones() -> None:
    stream = io.BytesIO(
        frame(b'{"a": 1}')
        + b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n"
        + frame(b'{"b": 2}')
        + frame(b"y" * (MAX_MESSAGE_BYTES + 10))  # read in chunks and dropped
        + frame(b'{"c": 3}')
    )
    assert list(read_messages(stream)) == [b'{"a": 1}', b'{"b": 2}', b'{"c": 3}']


def test_framing_stops_at_a_truncated_body() -> None:
    assert list(read_messages(io.BytesIO(frame(b"{}") + frame(b'{"x"', length=100)))) == [b"{}"]


def test_an_edit_to_an_idle_folder_is_checked_at_once_and_a_burst_is_debounced(tmp_path: Path) -> None:
    async def scenario() -> tuple[float, float]:
        session = Session(DoctorServer())
        session.add_folders([lsp.WorkspaceFolder(uri=uri(tmp_path), name="w")])
        folder = next(iter(session.folders.values()))
        loop = asyncio.get_running_loop()
        session.schedule(folder)  # the first keystroke after a pause
        assert folder.timer is not None
        first = folder.timer.when() - loop.time()
        session.schedule(folder)  # the next one, while the first still waits to start
        assert folder.timer is not None
        second = folder.timer.when() - loop.time()
        folder.timer.cancel()
        return first, second

    first, second = asyncio.run(scenario())
    assert first <= 0.001
    assert second >= MIN_DEBOUNCE_SECONDS * 0.9


def test_the_trace_is_written_only_where_the_environment_names(tmp_path: Path) -> None:
    """PYPROJ_DOCTOR_TRACE names a file the server appends its steps to (wall clock, time, CPU,
    thread, step); without it nothing is written."""
    script = (
        "from pyproj_doctor.lsp import trace; trace.mark('check begins', 'x', 2); trace.mark('check ends')"
    )
    target = tmp_path / "trace.txt"
    env = {k: v for k, v in os.environ.items() if k != "PYPROJ_DOCTOR_TRACE"}
    subprocess.run([sys.executable, "-c", script], env=env, cwd=tmp_path, check=True, timeout=60)
    assert list(tmp_path.iterdir()) == []
    env["PYPROJ_DOCTOR_TRACE"] = str(target)
    subprocess.run([sys.executable, "-c", script], env=env, cwd=tmp_path, check=True, timeout=60)
    lines = [line.split() for line in target.read_text().splitlines()]
    assert [line[3:] for line in lines] == [
        ["MainThread", "check", "begins", "x", "2"],
        ["MainThread", "check", "ends"],
    ]
    wall = [float(line[1]) for line in lines]
    assert 0 <= wall[0] <= wall[1]
    # The first column is the wall clock in milliseconds, the one the client and the page read.
    before = time.time() * 1000
    epoch = [float(line[0]) for line in lines]
    assert before - 60_000 <= epoch[0] <= epoch[1] <= before


def test_the_warm_up_sends_nothing_and_opens_no_document() -> None:
    """The server runs its warm-up once the first check is done: it reads and writes sample
    messages in memory only, so the client sees nothing and no handler runs (the server is not
    even initialized here: a handler would find no workspace)."""
    server = DoctorServer()
    sent = io.BytesIO()
    server.protocol.set_writer(StdoutWriter(sent))
    server.warm_up()
    assert sent.getvalue() == b""
    assert server.session.folders == {}
    # What it prepared reads a real keystroke's message as before.
    change = server.protocol.structure_message(
        {
            "jsonrpc": "2.0",
            "method": lsp.TEXT_DOCUMENT_DID_CHANGE,
            "params": {
                "textDocument": {"uri": "file:///p/pyproject.toml", "version": 3},
                "contentChanges": [
                    {
                        "range": {"start": {"line": 5, "character": 0}, "end": {"line": 5, "character": 0}},
                        "text": "x",
                    }
                ],
            },
        }
    )
    assert isinstance(change, lsp.DidChangeTextDocumentNotification)
    assert change.params.text_document.version == 3
