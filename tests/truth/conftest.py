"""Session fixtures of the truth harness: each corpus is built and measured once per session."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.truth import explained, harness
from tests.truth.pyright_lsp import available as pyright_available


def _selected(session: pytest.Session, prefix: str) -> set[str]:
    ids: set[str] = set()
    for item in session.items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and item.nodeid.split("::")[0].endswith(prefix):
            ids.add(str(callspec.params.get("entry_id", "")))
    return ids


def _need_tools() -> None:
    if os.environ.get("PYPROJ_DOCTOR_TRUTH", "") in ("", "0"):
        # Real installs and a pyright server take minutes: scripts/test turns it on, bare pytest not.
        pytest.skip("the truth harness runs with PYPROJ_DOCTOR_TRUTH=1 (see tests/truth/DISAGREEMENTS.md)")
    if not shutil.which("uv"):
        pytest.skip("the truth harness needs uv on PATH")
    if not pyright_available():
        pytest.skip("the truth harness needs npm pyright (run `npm ci`)")


def _report(entries: list[harness.Entry], name: str) -> None:
    """With TRUTH_REPORT=folder, keep what every tool said (for DISAGREEMENTS.md)."""
    folder = os.environ.get("TRUTH_REPORT")
    if not folder:
        return
    data: dict[str, Any] = {}
    for entry in entries:
        item: dict[str, Any] = {}
        for label, side in (("before", entry.before), ("after", entry.after)):
            if side is None:
                continue
            item[label] = {
                "exit": side.exit,
                "findings": [
                    f"{f['code']} {f['severity']} {f.get('path', '')}: {f['message']}" for f in side.findings
                ],
                "tools": side.verdict.failures(),
                "setup_error": side.setup_error,
                "pytest_output": {
                    r.label + ":" + r.cwd.rsplit("/", 1)[-1]: r.output[-1500:]
                    for r in side.verdict.pytest
                    if not r.ok
                },
            }
            item[label]["uv_run"] = {
                r.cwd.rsplit("/", 1)[-1]: {
                    "exit": r.returncode,
                    "missing": sorted(r.missing),
                    "errors": r.errors,
                }
                for r in side.verdict.uv
            }
            terminal = side.verdict.terminal
            if terminal is not None:
                item[label]["terminal"] = {"exit": terminal.returncode, "missing": sorted(terminal.missing)}
            if label == "after":
                item[label]["fix_output"] = side.fix_output
        data[entry.id] = item
    Path(folder).mkdir(parents=True, exist_ok=True)
    (Path(folder) / f"{name}.json").write_text(json.dumps(data, indent=1))


@pytest.fixture(scope="session")
def shape_results(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, harness.Entry]]:
    _need_tools()
    from tests.truth.shapes import SHAPES

    wanted = _selected(request.session, "test_shapes.py")
    shapes = [s for s in SHAPES if s.id in wanted]
    base = tmp_path_factory.mktemp("truth-shapes")

    def write(shape: Any, folder: Path) -> None:
        for rel, content in shape.files.items():
            path = folder / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content)

    entries, runner = harness.prepare(shapes, base, write)
    by_id = {s.id: s for s in shapes}
    harness.measure([(e.before, by_id[e.id].projects) for e in entries], runner)
    harness.measure_uv([(e.before, by_id[e.id]) for e in entries], base / "uv-run")
    for entry in entries:
        explained.record(entry.before)  # the fix below changes the folder in place
    harness.fix(entries, shapes)
    harness.measure([(e.after, by_id[e.id].projects) for e in entries if e.after], runner)
    harness.measure_uv([(e.after, by_id[e.id]) for e in entries if e.after], base / "uv-run")
    for entry in entries:
        if entry.after is not None:
            explained.record(entry.after)
    _report(entries, "shapes")
    yield {e.id: e for e in entries}


REALWORLD = Path(__file__).parent / "realworld"


def realworld_names() -> list[str]:
    return sorted(p.stem for p in REALWORLD.glob("*.json") if p.name != "verdicts.json")


def write_skeleton(name: str, folder: Path) -> None:
    data = json.loads((REALWORLD / f"{name}.json").read_text())
    for rel, content in data["files"].items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
    for rel in data["empty"]:
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()


@pytest.fixture(scope="session")
def realworld_results(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, harness.Entry]]:
    _need_tools()

    class Repo:
        def __init__(self, name: str) -> None:
            self.id = name

    wanted = _selected(request.session, "test_realworld.py")
    repos = [Repo(n) for n in realworld_names() if n in wanted]
    base = tmp_path_factory.mktemp("truth-realworld")
    entries, runner = harness.prepare(repos, base, lambda repo, folder: write_skeleton(repo.id, folder))
    harness.measure([(e.before, (".",)) for e in entries], runner, large=True)
    harness.fix(entries, repos)
    harness.measure([(e.after, (".",)) for e in entries if e.after], runner, large=True)
    _report(entries, "realworld")
    yield {e.id: e for e in entries}
