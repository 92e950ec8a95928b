"""Language server latency, next to a bare pygls server measured in the same run.

Run: uv run python benchmarks/lsp_latency.py [--runs N] [--members N]

Measures, on a small uv app and on a generated monorepo (uv workspace members,
each with src/<pkg> and tests): start-up to the `initialize` answer, `initialized`
to the first publishDiagnostics, a didChange of unsaved text to its
diagnostics, and a code action request. Reports medians and ratios.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types as lsp
from pygls.uris import from_fs_path
from pytest_lsp import client_capabilities
from pytest_lsp.client import make_test_lsp_client

BARE_SERVER = """
from pygls.lsp.server import LanguageServer
LanguageServer("bare", "0").start_io()
"""
PYPROJECT = '[project]\nname = "{name}"\nversion = "0.1.0"\nrequires-python = ">=3.11"\n'


def small_app(root: Path) -> Path:
    files = {
        "pyproject.toml": PYPROJECT.format(name="my-app") + '\n[dependency-groups]\ndev = ["pytest"]\n',
        "src/my_app/__init__.py": "def main():\n    return 1\n",
        "tests/test_main.py": "from my_app import main\n\n\ndef test_main():\n    assert main()\n",
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def monorepo(root: Path, members: int) -> Path:
    root.mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        '[tool.uv.workspace]\nmembers = ["packages/*"]\n\n[dependency-groups]\ndev = ["pytest"]\n'
    )
    for n in range(members):
        pkg = root / "packages" / f"member{n}"
        (pkg / "src" / f"pkg{n}").mkdir(parents=True)
        (pkg / "tests").mkdir()
        (pkg / "pyproject.toml").write_text(PYPROJECT.format(name=f"member{n}"))
        for m in range(5):
            (pkg / "src" / f"pkg{n}" / f"mod{m}.py").write_text(f"X = {m}\n")
        (pkg / "src" / f"pkg{n}" / "__init__.py").write_text("")
        (pkg / "tests" / f"test_member{n}.py").write_text(
            f"import pkg{n}\n\n\ndef test_x():\n    assert pkg{n}\n"
        )
    return root


async def bare_startup(script: Path) -> float:
    client = make_test_lsp_client()
    start = time.perf_counter()
    await client.start_io(sys.executable, str(script))
    await client.initialize_session(lsp.InitializeParams(capabilities=lsp.ClientCapabilities()))
    elapsed = time.perf_counter() - start
    await client.shutdown_session()
    await client.stop()
    return elapsed


async def ours(root: Path) -> dict[str, float]:
    client = make_test_lsp_client()
    client.feature(lsp.CLIENT_REGISTER_CAPABILITY)(lambda params: None)  # accept the file watchers
    pyproject = root / "pyproject.toml"
    uri = str(from_fs_path(str(pyproject)))
    start = time.perf_counter()
    await client.start_io(sys.executable, "-m", "pyproj_doctor", "lsp")
    params = lsp.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"),
        workspace_folders=[lsp.WorkspaceFolder(uri=str(from_fs_path(str(root))), name="root")],
    )
    client.capabilities = params.capabilities
    await client.initialize_async(params)
    started = time.perf_counter()
    client.initialized(lsp.InitializedParams())
    await client.wait_for_notification(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    first = time.perf_counter()
    while uri not in client.diagnostics:
        await asyncio.sleep(0.005)
    text = pyproject.read_text()
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(
            text_document=lsp.TextDocumentItem(uri=uri, language_id="toml", version=1, text=text)
        )
    )
    await asyncio.sleep(0.5)  # let the open settle
    client.diagnostics.pop(uri, None)
    changed = time.perf_counter()
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text + "\n# edited\n")],
        )
    )
    while uri not in client.diagnostics:
        await asyncio.sleep(0.001)
    after_change = time.perf_counter()
    action_start = time.perf_counter()
    await client.text_document_code_action_async(
        lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri),
            range=lsp.Range(start=lsp.Position(0, 0), end=lsp.Position(0, 9)),
            context=lsp.CodeActionContext(diagnostics=[]),
        )
    )
    action = time.perf_counter() - action_start
    await client.shutdown_session()
    await client.stop()
    return {
        "start-up to initialize answer": started - start,
        "initialized to first diagnostics": first - started,
        "didChange to diagnostics (debounce included)": after_change - changed,
        "code action": action,
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--members", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        script = base / "bare_server.py"
        script.write_text(BARE_SERVER)
        small = small_app(base / "small")
        big = monorepo(base / "monorepo", args.members)
        bare: list[float] = []
        results: dict[str, dict[str, list[float]]] = {
            "small app": {},
            f"monorepo ({args.members} members)": {},
        }
        for _ in range(args.runs):
            bare.append(await bare_startup(script))
            for name, root in zip(results, (small, big)):
                for key, value in (await ours(root)).items():
                    results[name].setdefault(key, []).append(value)
    floor = statistics.median(bare)
    print(
        f"bare pygls server, start-up to initialize answer: {floor * 1000:.0f} ms (median of {args.runs})\n"
    )
    for name, metrics in results.items():
        print(name)
        for key, values in metrics.items():
            median = statistics.median(values)
            ratio = f"  ({median / floor:.2f}× bare pygls start-up)" if key.startswith("start-up") else ""
            print(f"  {key:<44} {median * 1000:8.1f} ms{ratio}")
        print()


if __name__ == "__main__":
    asyncio.run(main())
