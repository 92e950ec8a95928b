"""Language server latency and memory, next to a bare pygls server measured in the same run.

Run: uv run python benchmarks/lsp_latency.py [--runs N] [--edits N] [--members N]

Workspaces: a small uv app and the monorepo of ``benchmarks/generate.py`` (a uv workspace
of N members, about 100,000 files with the defaults). For each, over ``--runs`` server
processes:

- start-up to the ``initialize`` answer;
- ``initialized`` to the first publishDiagnostics of the folder;
- didChange → publishDiagnostics of the edited document (debounce included): typing one
  more character that breaks a member's pyproject.toml (a text never checked before), then
  the undo (a state the server has checked before), ``--edits`` times, each timed apart;
- a code action on that document right after its diagnostics arrived (answered from the
  report of the current document versions);
- the server's peak resident memory (VmHWM).

The bare server is pygls with handlers that answer at once (publish an empty list on
didChange, return no code actions): the floor of the transport and the client library.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from lsprotocol import types as lsp
from pygls.uris import from_fs_path
from pytest_lsp import client_capabilities
from pytest_lsp.client import LanguageClient, make_test_lsp_client

from pyproj_doctor.lsp.contract import CHECKED_NOTIFICATION

sys.path.insert(0, str(Path(__file__).resolve().parent))
import generate

BARE_SERVER = """
from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
server = LanguageServer("bare", "0")

@server.feature(lsp.INITIALIZED)
def initialized(ls, params):
    for folder in ls.workspace.folders.values():
        ls.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(uri=folder.uri + "/pyproject.toml", diagnostics=[])
        )

@server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls, params):
    ls.text_document_publish_diagnostics(
        lsp.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[])
    )

@server.feature(lsp.TEXT_DOCUMENT_CODE_ACTION)
def code_action(ls, params):
    return []

server.start_io()
"""
TARGETS = {  # issue 12, on the monorepo
    "initialized → first diagnostics": 0.300,
    "didChange → diagnostics, p50": 0.050,
    "code action, p50": 0.020,
    "peak memory (MB)": 100,
}


def uri(path: Path) -> str:
    return str(from_fs_path(str(path)))


def peak_rss_mb(client: LanguageClient) -> float:
    server = getattr(client, "_server", None)
    pid = getattr(server, "pid", None)
    if pid is None:
        return float("nan")
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def session(command: list[str], root: Path, edited: Path, edits: int) -> dict[str, list[float]]:
    client = make_test_lsp_client()
    client.feature(lsp.CLIENT_REGISTER_CAPABILITY)(lambda params: None)  # accept the file watchers
    client.feature(CHECKED_NOTIFICATION)(lambda params: None)  # the status summary: not measured here
    arrived: dict[str, asyncio.Event] = {}
    published = client.diagnostics

    class Watch(dict[str, Any]):
        def __setitem__(self, key: str, value: Any) -> None:
            super().__setitem__(key, value)
            arrived.setdefault(key, asyncio.Event()).set()

    client.diagnostics = Watch(published)
    doc = uri(edited)
    start = time.perf_counter()
    await client.start_io(*command)
    params = lsp.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"),
        workspace_folders=[lsp.WorkspaceFolder(uri=uri(root), name="root")],
    )
    client.capabilities = params.capabilities
    await client.initialize_async(params)
    answered = time.perf_counter()
    client.initialized(lsp.InitializedParams())
    await client.wait_for_notification(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    first = time.perf_counter()
    text = edited.read_text()
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(
            text_document=lsp.TextDocumentItem(uri=doc, language_id="toml", version=1, text=text)
        )
    )
    await asyncio.sleep(1.0)  # let the open settle
    out: dict[str, list[float]] = {
        "start-up → initialize answer": [answered - start],
        "initialized → first diagnostics": [first - answered],
        "didChange → diagnostics, p50": [],
        "undo → diagnostics, p50": [],
        "code action, p50": [],
    }
    for n in range(edits * 2):
        # One more character that breaks the file (never the same text twice), then the undo.
        new_text = text + "x" * (n // 2 + 1) if n % 2 == 0 else text
        event = arrived[doc] = asyncio.Event()
        changed = time.perf_counter()
        client.text_document_did_change(
            lsp.DidChangeTextDocumentParams(
                text_document=lsp.VersionedTextDocumentIdentifier(uri=doc, version=n + 2),
                content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=new_text)],
            )
        )
        await asyncio.wait_for(event.wait(), 600)
        key = "didChange → diagnostics, p50" if n % 2 == 0 else "undo → diagnostics, p50"
        out[key].append(time.perf_counter() - changed)
        asked = time.perf_counter()
        await client.text_document_code_action_async(
            lsp.CodeActionParams(
                text_document=lsp.TextDocumentIdentifier(uri=doc),
                range=lsp.Range(start=lsp.Position(0, 0), end=lsp.Position(0, 9)),
                context=lsp.CodeActionContext(diagnostics=[]),
            )
        )
        out["code action, p50"].append(time.perf_counter() - asked)
        await asyncio.sleep(0.3)  # a pause between keystrokes, as when a person types
    out["peak memory (MB)"] = [peak_rss_mb(client)]
    await client.shutdown_session()
    await client.stop()
    return out


def table(name: str, ours: dict[str, list[float]], bare: dict[str, list[float]], targets: bool) -> None:
    print(f"{name}")
    print(f"  {'':<34} {'ours':>10} {'bare pygls':>11} {'ratio':>7} {'target':>8}")
    for key, values in ours.items():
        median = statistics.median(values)
        floor = statistics.median(bare[key]) if key in bare else float("nan")
        memory = key.startswith("peak memory")
        scale, unit = (1, "MB") if memory else (1000, "ms")
        target = TARGETS.get(key) if targets else None
        target_text = f"{target * scale:.0f} {unit}" if target is not None else ""
        verdict = "" if target is None else ("  ok" if median <= target else "  MISSED")
        print(
            f"  {key:<34} {median * scale:7.1f} {unit} {floor * scale:8.1f} {unit} "
            f"{median / floor:6.2f}× {target_text:>8}{verdict}"
        )
    print()


async def compare(
    root: Path, edited: Path, runs: int, edits: int, bare_script: Path
) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Our server and the bare one, alternately, ``runs`` processes each, on one workspace."""
    ours: dict[str, list[float]] = {}
    bare: dict[str, list[float]] = {}
    for _ in range(runs):
        for command, into in (
            ([sys.executable, "-m", "pyproj_doctor", "lsp"], ours),
            ([sys.executable, str(bare_script)], bare),
        ):
            for key, values in (await session(command, root, edited, edits)).items():
                into.setdefault(key, []).extend(values)
    return ours, bare


def monorepo_document(root: Path, members: int) -> Path:
    """The document the benchmark edits in a ``generate.monorepo`` tree (member 7, or the last
    member of a smaller tree)."""
    return root / "packages" / f"member{min(7, members - 1)}" / "pyproject.toml"


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3, help="server processes per workspace")
    parser.add_argument("--edits", type=int, default=10, help="edit + undo pairs per process")
    parser.add_argument("--members", type=int, default=200)
    args = parser.parse_args()
    if args.members < 1:
        parser.error("--members must be at least 1")
    with tempfile.TemporaryDirectory(prefix="pyproj-doctor-lsp-bench-") as folder:
        base = Path(folder)
        script = base / "bare_server.py"
        script.write_text(BARE_SERVER)
        small = base / "small"
        small.mkdir()
        generate.small(small)
        mono = base / "monorepo"
        mono.mkdir()
        files = generate.monorepo(mono, args.members)
        cases = {
            "small app": (small, small / "pyproject.toml"),
            f"monorepo ({args.members} members, {files} files)": (
                mono,
                monorepo_document(mono, args.members),
            ),
        }
        for name, (root, edited) in cases.items():
            ours, bare = await compare(root, edited, args.runs, args.edits, script)
            table(name, ours, bare, targets=name.startswith("monorepo"))


if __name__ == "__main__":
    asyncio.run(main())
