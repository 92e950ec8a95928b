"""Reading test modules' imports: our scanner against ``ast.parse``, in the same run.

Run: uv run python benchmarks/imports_scan.py [FOLDER] [--rounds N]

Without FOLDER, the test modules of the real-repository shape (232 modules, 12.8 MB,
``generate.realrepo``). With FOLDER, every ``*.py`` below it that ``ast`` accepts
(for example a CPython ``Lib/test``). Each round times both over every module;
the table shows medians. Target: the scanner ≥ 20× faster than ``ast``.
"""

from __future__ import annotations

import argparse
import ast
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "server"))

import generate

from pyproj_doctor.workspace.projects import parse_test_module


def load(folder: Path) -> list[str]:
    texts = []
    for path in sorted(folder.rglob("*.py")):
        try:
            text = path.read_text(encoding="utf-8")
            ast.parse(text)
        except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
            continue
        texts.append(text)
    return texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", nargs="?", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        if args.folder is None:
            generate.realrepo(Path(temp))
            texts = load(Path(temp) / "tests")
        else:
            texts = load(args.folder)
    size = sum(len(t) for t in texts)
    scan_times, ast_times = [], []
    for _ in range(args.rounds):
        start = time.perf_counter()
        for text in texts:
            parse_test_module("test_x.py", text)  # what the engine does: imports, then test style
        scan_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        for text in texts:
            ast.parse(text)
        ast_times.append(time.perf_counter() - start)
    ours, theirs = statistics.median(scan_times), statistics.median(ast_times)
    print(f"{len(texts)} modules, {size / 1e6:.1f} MB of text, median of {args.rounds} rounds")
    print(f"  {'parse_test_module (scanner)':<30} {ours * 1000:9.1f} ms")
    print(f"  {'ast.parse':<30} {theirs * 1000:9.1f} ms")
    verdict = "met" if theirs / ours >= 20 else "missed"
    print(f"  scanner is {theirs / ours:.1f}× faster than ast (target ≥ 20×: {verdict})")


if __name__ == "__main__":
    main()
