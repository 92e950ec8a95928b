"""The benchmark table: pyproj-doctor against the floor and its peers, all measured in this run.

Run: uv run python benchmarks/run.py [--runs N] [--members N] [--only small,medium,realrepo,monorepo]

For each generated workspace (small uv app, ~5,000-file project, the shape of a real library
with 232 test modules holding 12.8 MB of tests, ~100,000-file monorepo with
node_modules and a .venv): wall time and peak memory of `pyproj-doctor check` as a fresh
process without the cache (`--no-cache`), with a cold cache (none on disk: it is written)
and with a warm one (left by the run before), the same check again in one process with
warm caches (what the language server does on each keystroke), `python -c pass` (the
floor), Scientific Python's `sp-repo-review` on the same tree and `validate-pyproject` on
its pyproject.toml. Then the language server's time to first diagnostics and didChange
latency on the monorepo. Medians; ratios are ours / other, so below 1 means faster.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate
import lsp_latency

ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
TIME = shutil.which("time") or "/usr/bin/time"
CACHE = ".pyproj-doctor_cache"
OURS = [sys.executable, "-m", "pyproj_doctor", "check", "--format", "json", "."]
NO_CACHE = "pyproj-doctor check --no-cache"
COLD = "pyproj-doctor check, cold cache"
WARM = "pyproj-doctor check, warm cache"
PEER = "sp-repo-review"
BIN = Path(sys.executable).parent


def measure(command: list[str], cwd: Path) -> tuple[float, float]:
    """(wall seconds, peak RSS in MB) of one run, from GNU time."""
    start = time.perf_counter()
    completed = subprocess.run(
        [TIME, "-f", "%M", *command], cwd=cwd, env=ENV, capture_output=True, text=True, check=False
    )
    wall = time.perf_counter() - start
    return wall, int(completed.stderr.strip().splitlines()[-1]) / 1024


def in_process_warm(root: Path, runs: int) -> float:
    code = (
        "import sys, time\n"
        "from pyproj_doctor import engine\n"
        "report = engine.check(sys.argv[1])\n"
        "samples = []\n"
        f"for _ in range({runs}):\n"
        "    t = time.perf_counter(); engine.check(sys.argv[1], index=report.index)\n"
        "    samples.append(time.perf_counter() - t)\n"
        "samples.sort(); print(samples[len(samples) // 2])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(root)], env=ENV, capture_output=True, text=True, check=True
    )
    return float(out.stdout.strip())


def row(name: str, wall: float, rss: float | None, floor: float, peer: float | None) -> str:
    memory = f"{rss:7.1f}" if rss is not None else "      -"
    versus = f"{wall / peer:16.2f}" if peer is not None else "               -"
    return f"  {name:<40} {wall * 1000:9.1f} {memory} {wall / floor:9.2f} {versus}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument(
        "--only",
        default="small,medium,realrepo,monorepo",
        help="comma-separated workspaces to measure (the language server rows need the monorepo)",
    )
    args = parser.parse_args()
    only = set(args.only.split(","))
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        sizes = {}
        for key, name, make in (
            ("small", "small uv app", generate.small),
            ("medium", "5,000-file project", generate.medium),
            ("realrepo", "real repository (232 test modules, 12.8 MB)", generate.realrepo),
            (
                "monorepo",
                f"monorepo, {args.members} members",
                lambda root: generate.monorepo(root, args.members),
            ),
        ):
            if key not in only:
                continue
            root = base / name.split()[0].replace(",", "")
            root.mkdir()
            count = make(root)
            sizes[name] = (root, count)
        header = f"{'command':<40} {'median ms':>9} {'peak MB':>7} {'× floor':>9} {'÷ sp-repo-review':>16}"
        print(f"  {header}")
        for name, (root, count) in sizes.items():
            commands = {
                "python -c pass (floor)": [sys.executable, "-c", "pass"],
                NO_CACHE: [*OURS, "--no-cache"],
                COLD: OURS,  # the cache folder is removed before each of these runs
                WARM: OURS,  # right after the cold run, which left the cache
                PEER: [str(BIN / "sp-repo-review"), "--format", "json", "."],
                "validate-pyproject pyproject.toml": [str(BIN / "validate-pyproject"), "pyproject.toml"],
            }
            samples: dict[str, list[tuple[float, float]]] = {k: [] for k in commands}
            for command in commands.values():
                measure(command, root)  # warm-up: bytecode and file system caches
            for _ in range(args.runs):
                for key, command in commands.items():
                    if key == COLD:
                        shutil.rmtree(root / CACHE, ignore_errors=True)
                    samples[key].append(measure(command, root))
            medians = {
                k: (statistics.median(w for w, _ in v), max(m for _, m in v)) for k, v in samples.items()
            }
            floor = medians["python -c pass (floor)"][0]
            peer = medians[PEER][0]
            print(f"\n{name} ({count} files)")
            for key, (wall, rss) in medians.items():
                print(row(key, wall, rss, floor, peer if key.startswith("pyproj-doctor") else None))
            warm = in_process_warm(root, max(3, args.runs))
            print(row("pyproj-doctor check (warm, in process)", warm, None, floor, peer))
        if "monorepo" not in only:
            return
        monorepo_root = list(sizes.values())[-1][0]
        script = base / "bare_server.py"
        script.write_text(lsp_latency.BARE_SERVER)
        ours, bare = asyncio.run(
            lsp_latency.compare(
                monorepo_root,
                lsp_latency.monorepo_document(monorepo_root, args.members),
                args.runs,
                10,
                script,
            )
        )
        print()
        lsp_latency.table("language server on the monorepo (ours vs a bare pygls server)", ours, bare, True)


if __name__ == "__main__":
    main()
