"""The scale curve: check time against repository size, for us and sp-repo-review, as a PNG.

Run: uv run python benchmarks/scale.py [--sizes 1000,10000,100000,300000] [--runs N] [--out docs/scale.png]

Each size is the monorepo shape of ``benchmarks/generate.py`` scaled to that many files
(uv workspace members, plus the ``node_modules`` and ``.venv`` a good tool skips). For each:
``pyproj-doctor check`` as a fresh process with a cold cache (none on disk) and a warm one
(a run before it left one), ``sp-repo-review`` on the same tree, and ``python -c pass``,
all measured in this run, interleaved; medians. Prints the table and draws the curve
(matplotlib, from the ``bench`` dependency group). Large sizes take a while to generate on
a small machine: pass fewer with ``--sizes``.
"""

from __future__ import annotations

import argparse
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

ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
BIN = Path(sys.executable).parent
CACHE = ".pyproj-doctor_cache"
SERIES = ("pyproj-doctor, cold cache", "pyproj-doctor, warm cache", "sp-repo-review", "python -c pass")


def timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        command, cwd=cwd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False
    )
    return time.perf_counter() - start


def files_in(root: Path) -> int:
    return sum(len(names) for _, _, names in os.walk(root))


def measure(root: Path, runs: int) -> dict[str, float]:
    ours = [sys.executable, "-m", "pyproj_doctor", "check", "--format", "json", "."]
    commands = {
        "sp-repo-review": [str(BIN / "sp-repo-review"), "--format", "json", "."],
        "python -c pass": [sys.executable, "-c", "pass"],
    }
    samples: dict[str, list[float]] = {name: [] for name in SERIES}
    for command in (ours, *commands.values()):
        timed(command, root)  # warm-up: bytecode and the file system's caches
    for _ in range(runs):
        shutil.rmtree(root / CACHE, ignore_errors=True)
        samples["pyproj-doctor, cold cache"].append(timed(ours, root))
        samples["pyproj-doctor, warm cache"].append(timed(ours, root))
        for name, command in commands.items():
            samples[name].append(timed(command, root))
    return {name: statistics.median(values) for name, values in samples.items()}


def draw(results: list[tuple[int, dict[str, float]]], out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(7, 4.5), dpi=120)
    sizes = [count for count, _ in results]
    for name, style in zip(SERIES, ("o-", "s-", "^-", "x--")):
        axes.plot(sizes, [row[name] for _, row in results], style, label=name)
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xlabel("files in the repository")
    axes.set_ylabel("wall time, seconds (median)")
    axes.set_title("pyproj-doctor check against repository size")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend()
    figure.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(out)
    plt.close(figure)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,10000,100000,300000", help="comma-separated file counts")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).resolve().parent.parent / "docs" / "scale.png"
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    results: list[tuple[int, dict[str, float]]] = []
    print(f"{'files':>8} " + " ".join(f"{name:>26}" for name in SERIES) + f" {'ours ÷ sp-repo-review':>22}")
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            root = Path(folder) / f"files{size}"
            root.mkdir()
            generate.sized(root, size)
            count = files_in(root)
            row = measure(root, args.runs)
            results.append((count, row))
            ratio = row["pyproj-doctor, cold cache"] / row["sp-repo-review"]
            cells = " ".join(f"{row[name] * 1000:23.1f} ms" for name in SERIES)
            print(f"{count:>8} {cells} {ratio:22.2f}", flush=True)
            shutil.rmtree(root)
    draw(results, args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
