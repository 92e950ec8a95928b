"""Realistic workspaces of several sizes for the benchmarks.

- small: a uv app (src layout, one test);
- medium: one project with about 5,000 files (packages, tests, docs, data);
- realrepo: the shape of a real library: src layout, 232 test modules holding about 12.8 MB
  of ordinary pytest code (docstrings, parametrize tables, f-strings, classes, imports at
  the top, under ``if TYPE_CHECKING`` and inside functions), conftests and test data;
- monorepo: a uv workspace of N members (default 200), each with src/<pkg>, tests and some
  with their own .vscode, plus a large node_modules and a .venv with thousands of files that
  a good tool skips at no cost. About 100,000 files in all with the defaults.

- sized: the monorepo's shape scaled to a number of files (the scale curve).

Run: uv run python benchmarks/generate.py DEST [--size small|medium|realrepo|monorepo] [--members N]
     [--files N]
"""

from __future__ import annotations

import argparse
import random
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


_TEST_HEAD = '''"""Tests for {pkg}.{sub}: behaviour, edge cases and regressions."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from {pkg} import {sub}
from {pkg}.{sub} import core as {sub}_core
from {pkg}.errors import ReadError

if TYPE_CHECKING:
    from collections.abc import Iterator

DATA = Path(__file__).parent / "data"
'''

_TEST_BLOCKS = (
    '''

@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("alpha {n}", "ALPHA {n}"),
        ("beta # not a comment {n}", "BETA # NOT A COMMENT {n}"),
        ('quote " inside {n}', 'QUOTE " INSIDE {n}'),
        ("import os  # inside a string {n}", "IMPORT OS  # INSIDE A STRING {n}"),
    ],
)
def test_transform_{n}(source: str, expected: str) -> None:
    """Each input is transformed the same way, whatever characters it holds."""
    result = {sub}_core.transform(source)
    assert result == expected, f"{{source!r}} gave {{result!r}}, not {{expected!r}}"
''',
    '''

class TestReader{n}:
    """The reader keeps positions exact for case {n}."""

    @pytest.fixture
    def sample(self, tmp_path: Path) -> Path:
        path = tmp_path / "sample_{n}.txt"
        path.write_text("line one\\nline two\\n", encoding="utf-8")
        return path

    def test_reads_lines(self, sample: Path) -> None:
        lines = {sub}.read_lines(sample)
        assert [line.number for line in lines] == [1, 2]

    def test_reports_missing_file(self, tmp_path: Path) -> None:
        with pytest.raises(ReadError, match=r"no such file: .*missing_{n}"):
            {sub}.read_lines(tmp_path / "missing_{n}")

    def test_uses_json_helpers(self) -> None:
        from {pkg}.util import dumps  # imported here: only this test needs it

        assert json.loads(dumps({{"key": {n}}})) == {{"key": {n}}}
''',
    '''

EXPECTED_{n} = """\\
[section]
key = value {n}
other = "quoted"  # a comment
"""


def test_round_trip_{n}(tmp_path: Path) -> None:
    target = tmp_path / "config_{n}.ini"
    target.write_text(EXPECTED_{n}, encoding="utf-8")
    parsed = {sub}_core.parse(target.read_text(encoding="utf-8"))
    assert parsed["section"]["key"] == "value {n}"
    assert {sub}_core.render(parsed) == EXPECTED_{n}
    assert re.search(r"other = \\"quoted\\"", EXPECTED_{n})
    assert os.fspath(target).endswith(f"config_{{{n}}}.ini".replace("{{", "").replace("}}", ""))
''',
)


def realrepo(root: Path, modules: int = 232, test_bytes: int = 12_800_000, seed: int = 1) -> int:
    """A library in src layout whose 232 test modules hold ``test_bytes`` of ordinary pytest code."""
    rng = random.Random(seed)
    pkg = "realpkg"
    _write(
        root / "pyproject.toml",
        PYPROJECT.format(name=pkg)
        + '\n[dependency-groups]\ndev = ["pytest>=8"]\n\n[tool.pytest.ini_options]\n'
        'pythonpath = ["src"]\ntestpaths = ["tests"]\n',
    )
    count = 1
    subs = [f"part{i}" for i in range(24)]
    _write(root / "src" / pkg / "__init__.py", '"""A library."""\n')
    _write(root / "src" / pkg / "errors.py", "class ReadError(Exception):\n    pass\n")
    _write(root / "src" / pkg / "util.py", "import json\n\ndumps = json.dumps\n")
    count += 3
    for sub in subs:
        _write(root / "src" / pkg / sub / "__init__.py", "from .core import transform\n")
        for name in ("core", "reader", "writer", "model", "cli"):
            _write(root / "src" / pkg / sub / f"{name}.py", f'"""{sub}.{name}."""\n\nVALUE = 1\n' * 40)
        count += 6
    # Sizes vary like a real suite: many small modules, a few very large ones.
    weights = [rng.lognormvariate(0, 1) for _ in range(modules)]
    total = sum(weights)
    for index in range(modules):
        sub = subs[index % len(subs)]
        folder = root / "tests" / sub
        parts = [_TEST_HEAD.format(pkg=pkg, sub=sub)]
        size = len(parts[0])
        goal = int(test_bytes * weights[index] / total)
        n = 0
        while size < goal:
            block = _TEST_BLOCKS[rng.randrange(len(_TEST_BLOCKS))].format(pkg=pkg, sub=sub, n=n)
            parts.append(block)
            size += len(block)
            n += 1
        _write(folder / f"test_{sub}_{index}.py", "".join(parts))
        count += 1
    for sub in subs:
        conftest = "import pytest\n\n\n@pytest.fixture\ndef value():\n    return 1\n"
        _write(root / "tests" / sub / "conftest.py", conftest)
        _write(root / "tests" / sub / "data" / "sample.json", '{"key": 1}\n')
        count += 2
    _write(root / "tests" / "conftest.py", "")
    return count + 1


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
    count = monorepo_members(root, members, files_per_member)
    count += skipped_trees(root, node_files=20000, venv_files=15000)
    return count


def monorepo_members(root: Path, members: int, files_per_member: int = 300) -> int:
    """The uv workspace root and its members, without the trees a tool should skip."""
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
    return count


def sized(root: Path, files: int) -> int:
    """The monorepo's shape scaled to about ``files`` files (for the scale curve).

    Two thirds are uv workspace members of 300 files each (at least one), the rest the
    ``node_modules`` and ``.venv`` a good tool skips, in the monorepo's proportions.
    """
    members = max(1, round(files * 0.65 / 300))
    rest = max(0, files - members * 300 - 1)
    node_files = rest * 4 // 7
    count = monorepo_members(root, members)
    return count + skipped_trees(root, node_files=node_files, venv_files=rest - node_files)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("dest", type=Path)
    parser.add_argument("--size", choices=("small", "medium", "realrepo", "monorepo"), default="monorepo")
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--files", type=int, help="the monorepo's shape scaled to about this many files")
    args = parser.parse_args()
    args.dest.mkdir(parents=True, exist_ok=True)
    if args.files:
        count = sized(args.dest, args.files)
    elif args.size == "small":
        count = small(args.dest)
    elif args.size == "medium":
        count = medium(args.dest)
    elif args.size == "realrepo":
        count = realrepo(args.dest)
    else:
        count = monorepo(args.dest, args.members)
    print(f"{args.dest}: {count} files")


if __name__ == "__main__":
    main()
