"""PD502 against real environments: `uv sync`, then the folder moved or copied, then real pytest."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from pyproj_doctor.text import LineIndex
from tests.helpers import check, cli, only, text_at, write

PROJECT = {
    "pyproject.toml": (
        '[project]\nname = "app"\nversion = "0.1.0"\nrequires-python = ">=3.10"\ndependencies = []\n\n'
        '[dependency-groups]\ndev = ["pytest"]\n\n'
        '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n'
    ),
    "src/app/__init__.py": "X = 1\n",
    "tests/test_app.py": "from app import X\n\n\ndef test_x():\n    assert X\n",
}

pytestmark = pytest.mark.skipif(shutil.which("uv") is None, reason="needs uv")


def _env() -> dict[str, str]:
    drop = ("VIRTUAL_ENV", "PYTHONPATH", "PYTEST_ADDOPTS", "UV_PROJECT_ENVIRONMENT")
    return {k: v for k, v in os.environ.items() if k not in drop}


@pytest.fixture(scope="module")
def synced(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project installed by a real `uv sync` (kept as the pristine original)."""
    root = write(tmp_path_factory.mktemp("made") / "app", PROJECT)
    subprocess.run(["uv", "sync", "-q"], cwd=root, env=_env(), check=True, timeout=300)
    return root


def _explorer_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """The Test Explorer's run: the environment's python -m pytest."""
    return subprocess.run(
        [str(root / ".venv/bin/python"), "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--rootdir={root}"],
        cwd=root,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_moved_environment_is_an_error_at_the_folder_it_names(tmp_path: Path) -> None:
    made = write(tmp_path / "old", PROJECT)
    subprocess.run(["uv", "sync", "-q"], cwd=made, env=_env(), check=True, timeout=300)
    moved = tmp_path / "new"
    made.rename(moved)

    # What the real tools do: the scripts cannot start, the Test Explorer cannot import `app`.
    with pytest.raises(OSError):
        subprocess.run([str(moved / ".venv/bin/pytest"), "--version"], cwd=moved, env=_env(), timeout=60)
    run = _explorer_imports(moved)
    assert run.returncode != 0 and "No module named 'app'" in run.stdout + run.stderr

    [item] = only(check(moved), "PD502")
    assert item.severity.label == "error"
    assert item.path == ".venv/bin/activate"
    assert text_at(moved, item) == str(made / ".venv")
    assert "cannot start" in item.message and "cannot import it" in item.message
    assert "delete `.venv` and run `uv sync`" in item.message
    [related] = item.related
    assert related.path.startswith(".venv/lib/") and related.path.endswith(".pth")
    pth = (moved / related.path).read_text()
    index = LineIndex(pth)
    assert pth[index.offset(related.range.start) : index.offset(related.range.end)] == str(made / "src")
    result = cli("check", str(moved))
    assert result.returncode == 1 and "PD502" in result.stdout

    # Recreated as the message says: silent, and real pytest passes.
    shutil.rmtree(moved / ".venv")
    subprocess.run(["uv", "sync", "-q"], cwd=moved, env=_env(), check=True, timeout=300)
    assert not only(check(moved), "PD502")
    assert _explorer_imports(moved).returncode == 0


def test_a_copied_environment_imports_the_other_checkout(synced: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(synced, copy, symlinks=True)
    where = subprocess.run(
        [str(copy / ".venv/bin/python"), "-c", "import app; print(app.__file__)"],
        cwd=copy / "tests",
        env=_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert where.stdout.strip() == str(synced / "src/app/__init__.py")  # the other copy's module
    [item] = only(check(copy), "PD502")
    assert text_at(copy, item) == str(synced / ".venv")
    assert "run the environment in" in item.message and "import the other copy" in item.message


def test_look_alikes_stay_silent(synced: Path, tmp_path: Path) -> None:
    # The environment where it was made, and the same folder opened through a symbolic link.
    assert not only(check(synced), "PD502")
    link = tmp_path / "link"
    link.symlink_to(synced, target_is_directory=True)
    assert not only(check(link), "PD502")
    # A relocatable environment computes its folder instead of naming it.
    relocatable = write(tmp_path / "reloc", PROJECT)
    subprocess.run(
        ["uv", "venv", "-q", "--relocatable", str(relocatable / ".venv")],
        cwd=relocatable,
        env=_env(),
        check=True,
        timeout=120,
    )
    moved = tmp_path / "reloc-moved"
    relocatable.rename(moved)
    assert not only(check(moved), "PD502")
