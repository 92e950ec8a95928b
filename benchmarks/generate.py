"""Realistic workspaces of several sizes for the benchmarks.

- small: a uv app (src layout, one test);
- medium: one project with about 5,000 files (packages, tests, docs, data);
- monorepo: a uv workspace of N members (default 200), each with src/<pkg>, tests and some
  with their own .vscode, plus a large node_modules and a .venv with thousands of files that
  a good tool skips at no cost. About 100,000 files in all with the defaults.

Run: uv run python benchmarks/generate.py DEST [--size small|medium|monorepo] [--members N]
"""

from __future__ import annotations

import argparse
from pathlib import Path

PYPROJECT = '[project]\nname = "{name}"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = []\n'


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def small(root: Path) -> int:
    _write(
        root / "pyproject.toml", PYPROJECT.format(name="my-app") + '\n[dependency-groups]\ndev = ["pytest"]\n'
    )
    _write(root / "src/my_app/__init__.py", "def main():\n    return 1\n")
    _write(root / "tests/test_main.py", "from my_app import main\n\n\ndef test_main():\n    assert main()\n")
    return 3


def medium(root: Path, files: int = 5000) -> int:
    _write(
        root / "pyproject.toml",
        PYPROJECT.format(name="big-app") + '\n[dependency-groups]\ndev = ["pytest"]\n',
    )
    count = 1
    packages = files // 50
    for p in range(packages):
        base = root / "src" / "big_app" / f"sub{p}"
        _write(base / "__init__.py", "")
        for m in range(30):
            _write(base / f"mod{m}.py", f"VALUE = {m}\n")
        for t in range(10):
            _write(
                root / "tests" / f"sub{p}" / f"test_sub{p}_{t}.py",
                f"import big_app.sub{p}.mod{t}\n\n\ndef test_x():\n    pass\n",
            )
        for d in range(9):
            _write(root / "docs" / f"sub{p}" / f"page{d}.md", "# page\n")
        count += 50
    _write(root / "src/big_app/__init__.py", "")
    return count


def skipped_trees(root: Path, node_files: int, venv_files: int) -> int:
    for n in range(node_files):
        _write(root / "node_modules" / f"pkg{n // 50}" / "lib" / f"file{n}.js", "module.exports = 1;\n")
    venv = root / ".venv"
    _write(venv / "pyvenv.cfg", "home = /usr/bin\nversion_info = 3.11.7\n")
    site = venv / "lib" / "python3.11" / "site-packages"
    for n in range(venv_files):
        _write(site / f"dist{n // 100}" / f"module{n}.py", "X = 1\n")
    return node_files + venv_files + 1


def monorepo(root: Path, members: int = 200, files_per_member: int = 300) -> int:
    _write(
        root / "pyproject.toml",
        '[tool.uv.workspace]\nmembers = ["packages/*"]\n\n[dependency-groups]\ndev = ["pytest"]\n\n'
        "[tool.pytest.ini_options]\n"
        f"pythonpath = [{', '.join(repr(f'packages/member{n}/src') for n in range(members))}]\n",
    )
    count = 1
    for n in range(members):
        pkg = root / "packages" / f"member{n}"
        _write(pkg / "pyproject.toml", PYPROJECT.format(name=f"member{n}"))
        _write(pkg / "src" / f"pkg{n}" / "__init__.py", "")
        modules = files_per_member - 12
        for m in range(modules):
            _write(pkg / "src" / f"pkg{n}" / f"sub{m // 20}" / f"mod{m}.py", f"X = {m}\n")
        for m in range(modules // 20 + 1):
            _write(pkg / "src" / f"pkg{n}" / f"sub{m}" / "__init__.py", "")
        for t in range(8):
            _write(
                pkg / "tests" / f"test_member{n}_{t}.py",
                f"import pkg{n}\n\n\ndef test_x():\n    assert pkg{n}\n",
            )
        if n % 10 == 0:
            _write(pkg / ".vscode" / "settings.json", '{\n    "python.analysis.extraPaths": ["./src"]\n}\n')
        count += files_per_member
    count += skipped_trees(root, node_files=20000, venv_files=15000)
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("dest", type=Path)
    parser.add_argument("--size", choices=("small", "medium", "monorepo"), default="monorepo")
    parser.add_argument("--members", type=int, default=200)
    args = parser.parse_args()
    args.dest.mkdir(parents=True, exist_ok=True)
    if args.size == "small":
        count = small(args.dest)
    elif args.size == "medium":
        count = medium(args.dest)
    else:
        count = monorepo(args.dest, args.members)
    print(f"{args.dest}: {count} files")


if __name__ == "__main__":
    main()
