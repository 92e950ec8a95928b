"""Hostile inputs for the readers: pipes, devices, pathological patterns, bad lines.

Every test here hung, crashed or read without bound before the readers were bounded.
The subprocess runs carry a timeout so a regression fails instead of hanging CI.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import time
from pathlib import Path

import pytest

from pyproj_doctor.text import FileTooLarge, NotRegular, read_bytes
from pyproj_doctor.workspace.walk import GitIgnore, scan
from tests.helpers import cli, make_venv, seed, write

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")


@needs_fifo
def test_read_bytes_refuses_pipes_devices_and_folders(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(NotRegular):
        read_bytes(str(fifo))
    (tmp_path / "zero").symlink_to("/dev/zero")
    with pytest.raises(NotRegular):
        read_bytes(str(tmp_path / "zero"))
    with pytest.raises(NotRegular):
        read_bytes(str(tmp_path))
    big = tmp_path / "big"
    big.write_bytes(b"x" * 100)
    with pytest.raises(FileTooLarge):
        read_bytes(str(big), limit=10)
    assert read_bytes(str(big), limit=10, truncate=True) == b"x" * 10


@needs_fifo
def test_pipes_and_dev_zero_in_the_workspace_do_not_hang_a_check(tmp_path: Path) -> None:
    seed(tmp_path)
    os.mkfifo(tmp_path / ".gitignore")
    os.mkfifo(tmp_path / "tests" / ".gitignore")
    venv = make_venv(tmp_path, editable=("my-app", tmp_path))
    site = next(venv.glob("lib/python*/site-packages"))
    os.mkfifo(site / "__editable__.my_app-0.1.0.pth")
    (site / "zero.pth").symlink_to("/dev/zero")
    info = next(site.glob("*.dist-info"))
    (info / "direct_url.json").unlink()
    os.mkfifo(info / "direct_url.json")
    other = site / "other-1.0.dist-info"
    other.mkdir()
    (other / "direct_url.json").symlink_to("/dev/zero")
    result = subprocess.run(
        [*cli_command(), "check", str(tmp_path), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr


@needs_fifo
def test_pipe_as_config_is_a_located_problem(tmp_path: Path) -> None:
    seed(tmp_path)
    (tmp_path / ".vscode").mkdir()
    os.mkfifo(tmp_path / ".vscode" / "settings.json")
    result = subprocess.run(
        [*cli_command(), "check", str(tmp_path)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert f"{tmp_path}/.vscode/settings.json: error: is not a regular file" in result.stderr


def cli_command() -> list[str]:
    import sys

    return [sys.executable, "-m", "pyproj_doctor"]


# ---------------------------------------------------------------- .gitignore


@pytest.mark.parametrize(
    "line", ["[z-a]", "[]", "foo[]bar", "[!]", "[a-\\]", "[[:nope:]]", "x\\", "\x00\xff[\x01", "[" * 50]
)
def test_bad_gitignore_lines_never_match_and_never_raise(tmp_path: Path, line: str) -> None:
    ignore = GitIgnore(".", [line])
    for rel in ("z", "a", "foo", "foobar", "foo]bar", "]", "!", "x", "x\\", "-", "\\"):
        assert ignore.ignored(rel, is_dir=False) is None, (line, rel)
    write(tmp_path, {".gitignore": line + "\nkeep.tmp\n", "pkg/__init__.py": "", "keep.tmp": ""})
    assert scan(str(tmp_path)).dirs["."].files == [".gitignore"]


def test_random_bytes_in_gitignore_never_raise(tmp_path: Path) -> None:
    rng = random.Random(7)
    for _ in range(200):
        data = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 40)))
        lines = data.decode("utf-8", errors="replace").splitlines()
        ignore = GitIgnore(".", lines)
        ignore.ignored("a/b/c.py", is_dir=False)
        ignore.ignored("a/b", is_dir=True)


def test_pathological_gitignore_patterns_are_fast(tmp_path: Path) -> None:
    long_name = "a" * 250
    deep = "/".join(["d"] * 60)
    patterns = ["*" * 14 + "z", "**/" * 12 + "z", "*a*a*a*a*a*a*a*a*a*b", "a/**/**/**/**/**/**/**/b/**/c"]
    ignore = GitIgnore(".", patterns)
    started = time.perf_counter()
    for _ in range(20):
        assert ignore.ignored(long_name, is_dir=False) is None
        assert ignore.ignored(f"{deep}/{long_name}", is_dir=False) is None
        assert ignore.ignored(deep, is_dir=True) is None
    assert time.perf_counter() - started < 2.0


# Differential test against git itself: the same verdict for random patterns and paths.
_ALPHABET = "ab*?[]!-/\\."


def _random_pattern(rng: random.Random) -> str:
    pattern = "".join(rng.choice(_ALPHABET) for _ in range(rng.randrange(1, 8)))
    return pattern if not pattern.startswith(("#", "!")) else "x" + pattern


@pytest.mark.skipif(
    subprocess.run(["git", "--version"], capture_output=True).returncode != 0, reason="no git"
)
def test_same_verdicts_as_git_check_ignore(tmp_path: Path) -> None:
    rng = random.Random(11)
    patterns = [_random_pattern(rng) for _ in range(120)] + ["a*b", "**/a", "a/**", "[!a]b", "[a-b]?", "\\*a"]
    paths = sorted(
        {
            "/".join(
                "".join(rng.choice("ab*?[].-!") for _ in range(rng.randrange(1, 4)))
                for _ in range(rng.randrange(1, 4))
            )
            for _ in range(150)
        }
    )
    paths = [p for p in paths if all(part not in (".", "..") for part in p.split("/"))]
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    for pattern in patterns:
        (tmp_path / ".gitignore").write_text(pattern + "\n")
        result = subprocess.run(
            ["git", "-C", str(tmp_path), "check-ignore", "--no-index", "-v", "-n", "--stdin"],
            input="\n".join(paths) + "\n",
            capture_output=True,
            text=True,
            timeout=30,
        )
        ignore = GitIgnore(".", [pattern])
        for line in result.stdout.splitlines():
            source, _, path = line.partition("\t")
            expected = not source.startswith("::") and not source.split(":", 2)[2].startswith("!")
            ours = _verdict(ignore, path)
            assert ours == expected, (pattern, path)


def _verdict(ignore: GitIgnore, path: str) -> bool:
    """Whether git would exclude ``path`` (a file), parents included."""
    parts = path.split("/")
    for depth in range(1, len(parts)):
        if ignore.ignored("/".join(parts[:depth]), is_dir=True):
            return True
    return bool(ignore.ignored(path, is_dir=False))


# ---------------------------------------------------------------- INI and globs


def test_quadratic_ini_line_is_fast() -> None:
    from pyproj_doctor.formats import ini

    text = "[pytest]\n" + "a" + " " * 200_000 + "b\n" + "k" + " " * 100_000 + "\n"
    started = time.perf_counter()
    ini.parse(text)
    assert time.perf_counter() - started < 1.0


def test_testpaths_glob_stays_inside_the_folder(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    write(outside, {"x_secret/test_a.py": ""})
    project = tmp_path / "project"
    pyproject = (
        '[project]\nname = "p"\n[tool.pytest.ini_options]\n'
        'testpaths = ["../outside/x*", "/*/*/*/*/*/*/*/*/x*", "tes*", "nothing*/**"]\n'
    )
    seed(project, **{"pyproject.toml": pyproject})
    started = time.perf_counter()
    result = cli("check", str(project), "--format", "json")
    assert time.perf_counter() - started < 30
    assert "Traceback" not in result.stderr
    missing = [item["message"] for item in json.loads(result.stdout) if item["code"] == "PD202"]
    # Globs that leave the folder are not resolved at all; inside, they are matched on the tree.
    assert len(missing) == 1 and "'nothing*/**' matches no folder" in missing[0], missing


def test_extra_paths_glob_stays_inside_the_folder(tmp_path: Path) -> None:
    seed(
        tmp_path,
        **{
            ".vscode/settings.json": '{"python.analysis.extraPaths": ["/*/*/*/*/*/*/*/*/x*", "../*/*/*/*/*", "s*"]}',
            "tests/test_deep.py": "import nothing_here\n",
        },
    )
    started = time.perf_counter()
    result = cli("check", str(tmp_path), "--format", "json")
    assert time.perf_counter() - started < 30
    assert result.returncode in (0, 1), result.stderr
