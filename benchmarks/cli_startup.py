"""How much `pyproj-doctor check` costs on a small project, next to starting Python at all.

Run: uv run python benchmarks/cli_startup.py [--runs N]

All commands are timed in the same run, interleaved, with the same interpreter;
the table reports medians and ratios to bare ``python -c pass`` (absolute numbers vary
between machines). The floor is bare Python: our own import cost counts against us.
Target: ``check`` on a small app ≤ 3× the floor.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SMALL_APP = {
    "pyproject.toml": (
        '[project]\nname = "my-app"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = []\n\n'
        '[dependency-groups]\ndev = ["pytest>=9.0.3"]\n'
    ),
    ".python-version": "3.11\n",
    "src/my_app/__init__.py": "def main() -> str:\n    return 'hi'\n",
    "tests/test_main.py": "from my_app import main\n\n\ndef test_main():\n    assert main() == 'hi'\n",
}


def make_small_app(root: Path) -> Path:
    for rel, text in SMALL_APP.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


# Users run with cached bytecode; a shell that forbids writing it would time the compiler instead.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, env=ENV)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    python = sys.executable
    with tempfile.TemporaryDirectory() as folder:
        app = make_small_app(Path(folder))
        commands = {
            "python -c pass (floor)": [python, "-c", "pass"],
            "import pyproj_doctor CLI + engine": [
                python,
                "-c",
                "import pyproj_doctor.cli, pyproj_doctor.engine",
            ],
            "pyproj-doctor check (small app)": [python, "-m", "pyproj_doctor", "check", str(app)],
            "pyproj-doctor check --format json": [
                python,
                "-m",
                "pyproj_doctor",
                "check",
                "--format",
                "json",
                str(app),
            ],
        }
        samples: dict[str, list[float]] = {name: [] for name in commands}
        for command in commands.values():
            timed(command)  # warm-up: bytecode and file system caches
        for _ in range(args.runs):
            for name, command in commands.items():
                samples[name].append(timed(command))
    medians = {name: statistics.median(values) for name, values in samples.items()}
    floor = medians["python -c pass (floor)"]
    imports = medians["import pyproj_doctor CLI + engine"]
    width = max(len(n) for n in medians)
    print(f"{'command':<{width}}  {'median ms':>9}  {'× floor':>8}")
    for name, value in medians.items():
        print(f"{name:<{width}}  {value * 1000:9.1f}  {value / floor:8.2f}")
    check = medians["pyproj-doctor check (small app)"]
    verdict = "met" if check <= 3 * floor else "missed"
    print(
        f"\ncheck costs {check / floor:.2f}× bare `python -c pass` (target ≤ 3×: {verdict}); "
        f"importing our modules adds {(imports - floor) * 1000:.0f} ms "
        f"({args.runs} interleaved runs each)."
    )


if __name__ == "__main__":
    main()
