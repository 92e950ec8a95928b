"""Errors that used to pass silently: each one now has a located message and exit status 2."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import cli, seed, write
from tests.unprivileged import User, user

__all__ = ["user"]

HUGE = "[project]\nname = 'my-app'\n" + "# padding\n" * 600_000


@pytest.fixture
def shared(tmp_path: Path) -> Iterator[Path]:
    """A workspace an unprivileged user can enter (pytest's tmp_path is private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="pd-shared-"))
    folder.chmod(0o777)
    try:
        yield folder
    finally:
        for path in folder.rglob("*"):
            if path.is_dir() and not path.is_symlink():
                path.chmod(0o777)
        shutil.rmtree(folder, ignore_errors=True)


def _open_up(root: Path) -> None:
    for path in [root, *root.rglob("*")]:
        path.chmod(0o777 if path.is_dir() else 0o666)


def test_configure_with_an_oversized_pyproject_is_an_error(tmp_path: Path) -> None:
    seed(tmp_path, **{"pyproject.toml": HUGE})
    result = cli("configure", str(tmp_path))
    assert result.returncode == 2
    assert f"{tmp_path}/pyproject.toml: error: is too large to check" in result.stderr


def test_check_with_an_oversized_pyproject_reports_no_guesses(tmp_path: Path) -> None:
    seed(tmp_path, **{"pyproject.toml": HUGE})
    result = cli("check", str(tmp_path))
    assert result.returncode == 2
    assert "is too large to check" in result.stderr
    # Without its content, "pytest is not declared" (PD206) or "no pythonpath" (PD201) would be false.
    assert "PD206" not in result.stdout and "PD201" not in result.stdout
    assert "All checks passed." not in result.stdout


def test_configure_with_oversized_settings_is_an_error(tmp_path: Path) -> None:
    seed(tmp_path, **{".vscode/settings.json": "{" + " " * (5 * 1024 * 1024) + "}"})
    before = (tmp_path / ".vscode/settings.json").stat().st_size
    result = cli("configure", str(tmp_path))
    assert result.returncode == 2
    assert ".vscode/settings.json: error: is too large to check" in result.stderr
    assert (tmp_path / ".vscode/settings.json").stat().st_size == before


def test_pyproject_that_is_a_folder_is_reported(tmp_path: Path) -> None:
    seed(tmp_path)
    write(tmp_path, {"sub/pyproject.toml/x": "", "sub/test_a.py": "import pytest\n"})
    result = cli("check", str(tmp_path))
    assert result.returncode == 2
    assert f"{tmp_path}/sub/pyproject.toml: error: is a folder, not a file" in result.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_pyproject_that_is_a_pipe_is_reported(tmp_path: Path) -> None:
    seed(tmp_path)
    (tmp_path / "pyproject.toml").unlink()
    os.mkfifo(tmp_path / "pyproject.toml")
    result = cli("check", str(tmp_path))
    assert result.returncode == 2
    assert f"{tmp_path}/pyproject.toml: error: is not a regular file" in result.stderr


def test_unreadable_pyproject_for_configure_and_check(user: User, shared: Path) -> None:
    seed(shared)
    _open_up(shared)
    (shared / "pyproject.toml").chmod(0)
    result = user.run("configure", ".", cwd=shared)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "pyproject.toml: error: cannot be read: Permission denied" in result.stderr
    result = user.run("check", ".", cwd=shared)
    assert result.returncode == 2
    assert "PD206" not in result.stdout


def test_unreadable_vscode_and_tests_folders_are_reported(user: User, shared: Path) -> None:
    seed(shared, **{".vscode/settings.json": "{}\n"})
    _open_up(shared)
    (shared / ".vscode").chmod(0)
    (shared / "tests").chmod(0)
    result = user.run("check", ".", cwd=shared)
    assert result.returncode == 2, result.stdout + result.stderr
    assert ".vscode: error: cannot be read: Permission denied" in result.stderr
    assert "tests: error: cannot be read: Permission denied; its files are not checked" in result.stderr


def test_failed_writes_are_not_reported_as_written(user: User, shared: Path) -> None:
    seed(shared)
    _open_up(shared)
    (shared / "pyproject.toml").chmod(0o444)
    result = user.run("check", "--fix", cwd=shared)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "pyproject.toml: error: is read-only" in result.stderr
    assert "fixed " not in result.stderr and "created " not in result.stderr
    assert "All checks passed." not in result.stdout
    result = user.run("configure", ".", cwd=shared)
    assert result.returncode == 2
    assert "is read-only" in result.stderr


def test_a_folder_the_user_cannot_write_is_reported_not_claimed(user: User, shared: Path) -> None:
    seed(shared)
    _open_up(shared)
    before = (shared / "pyproject.toml").read_bytes()
    shared.chmod(0o555)  # the user may read the folder, not create or rename files in it
    try:
        for args in (["check", "--fix"], ["configure", "."]):
            result = user.run(*args, cwd=shared)
            assert result.returncode == 2, result.stdout + result.stderr
            assert ".vscode/settings.json: error: its folder is not writable: not changed" in result.stderr
            assert "fixed " not in result.stderr and "created " not in result.stderr
            assert "All checks passed." not in result.stdout
    finally:
        shared.chmod(0o777)
    assert (shared / "pyproject.toml").read_bytes() == before
    assert not (shared / ".vscode").exists()
