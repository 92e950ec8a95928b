"""The cache of test-module imports kept between runs (``.pyproj-doctor_cache``), through the CLI."""

from __future__ import annotations

import json
import os
import shutil
import stat
import tempfile
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import cli, seed
from tests.lsp_support import Editor, client, editor, uri
from tests.unprivileged import IS_ROOT, User, user

CACHE = ".pyproj-doctor_cache"
OLD = 1_600_000_000  # an mtime long past: the cache does not keep entries for files changed just now

__all__ = ["client", "editor", "user"]


def age(root: Path) -> None:
    """Make every file look written long ago, as in a real checkout."""
    for folder, _, names in os.walk(root):
        for name in names:
            os.utime(os.path.join(folder, name), (OLD, OLD))


def project(root: Path) -> Path:
    seed(
        root,
        **{
            "tests/test_more.py": "import os\n\ndef test_x():\n    from my_app import main\n    assert main\n",
            "tests/unit/test_deep.py": "import json\nfrom my_app import main\n",
        },
    )
    age(root)
    return root


def cache_file(root: Path) -> Path:
    [path] = [p for p in (root / CACHE).glob("*.json")]
    return path


def findings(root: Path, *args: str) -> list[dict[str, Any]]:
    result = cli("check", "--format", "json", *args, cwd=root)
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr
    data = json.loads(result.stdout)
    assert isinstance(data, list)
    return data


def test_a_warm_run_gives_the_same_findings(tmp_path: Path) -> None:
    root = project(tmp_path)
    cold = findings(root)
    assert any(f["code"] == "PD201" for f in cold)  # the imports of the test modules matter here
    entries = json.loads(cache_file(root).read_text())["modules"]
    assert sorted(entries) == ["tests/test_main.py", "tests/test_more.py", "tests/unit/test_deep.py"]
    assert (root / CACHE / ".gitignore").read_text().splitlines()[-1] == "*"
    before = cache_file(root).stat().st_mtime_ns
    assert findings(root) == cold
    assert cache_file(root).stat().st_mtime_ns == before  # nothing new: not written again


async def test_the_language_server_reads_the_cache_and_never_writes_it(
    editor: Editor, tmp_path: Path
) -> None:
    # The same proof through the server's first check: the doctored entry is believed.
    root = project(tmp_path)
    findings(root)
    path = cache_file(root)
    data = json.loads(path.read_text())
    data["modules"]["tests/test_main.py"][2][2] = []  # "test_main.py imports nothing"
    path.write_text(json.dumps(data))
    before = path.stat().st_mtime_ns
    await editor.start(root)
    await editor.until(lambda: "PD201" in editor.codes(root / "pyproject.toml"))
    [pd201] = [d for d in editor.diagnostics(root / "pyproject.toml") if d.code == "PD201"]
    related = [r.location.uri for r in pd201.related_information or []]
    assert (
        uri(root / "tests/test_main.py") not in related and uri(root / "tests/unit/test_deep.py") in related
    )
    assert path.stat().st_mtime_ns == before


def test_a_warm_run_uses_the_cache_instead_of_the_modules(tmp_path: Path) -> None:
    # Proof the cache is read: an entry whose stamp still matches is believed.
    root = project(tmp_path)
    findings(root)
    path = cache_file(root)
    data = json.loads(path.read_text())
    data["modules"]["tests/test_main.py"][2][2] = []  # "test_main.py imports nothing"
    path.write_text(json.dumps(data))
    related = [r["path"] for f in findings(root) if f["code"] == "PD201" for r in f["related"]]
    assert "tests/test_main.py" not in related and "tests/unit/test_deep.py" in related


def test_a_changed_module_is_read_again(tmp_path: Path) -> None:
    root = project(tmp_path)
    cold = findings(root)
    assert any(f["code"] == "PD201" for f in cold)
    # Same size, other mtime: the import of the missing package is gone.
    for rel in ("tests/test_main.py", "tests/test_more.py", "tests/unit/test_deep.py"):
        path = root / rel
        text = path.read_text().replace("my_app", "zz_any").replace("main", "name")
        path.write_text(text)
        os.utime(path, (OLD + 10, OLD + 10))
    assert not any(f["code"] == "PD201" for f in findings(root))
    # Same mtime, other size.
    path = root / "tests/test_main.py"
    path.write_text("from my_app import main\n")
    os.utime(path, (OLD + 10, OLD + 10))
    assert any(f["code"] == "PD201" for f in findings(root))


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\x00\xff not json",
        b"[1, 2, 3]",
        b'{"format": 1, "key": "other-version", "modules": {}}',
        b"[" * 100_000,
    ],
)
def test_a_corrupt_or_foreign_cache_is_ignored(tmp_path: Path, content: bytes) -> None:
    root = project(tmp_path)
    cold = findings(root, "--no-cache")
    findings(root)
    path = cache_file(root)
    path.write_bytes(content)
    assert findings(root) == cold
    assert json.loads(cache_file(root).read_text())["modules"]  # rewritten whole


def test_a_cache_with_wrong_types_is_ignored_entry_by_entry(tmp_path: Path) -> None:
    root = project(tmp_path)
    cold = findings(root)
    path = cache_file(root)
    data = json.loads(path.read_text())
    stamp = data["modules"]["tests/test_main.py"][:2]
    data["modules"]["tests/test_main.py"] = [*stamp, ["tests/test_main.py", "yes", [["my_app", "0", 5, 11]]]]
    data["modules"]["tests/test_more.py"] = "nonsense"
    path.write_text(json.dumps(data))
    assert findings(root) == cold


def test_no_cache_neither_reads_nor_writes(tmp_path: Path) -> None:
    root = project(tmp_path)
    findings(root, "--no-cache")
    assert not (root / CACHE).exists()
    cold = findings(root)
    path = cache_file(root)
    data = json.loads(path.read_text())
    data["modules"]["tests/test_main.py"][2][2] = []
    data["modules"]["tests/test_more.py"][2][2] = []
    data["modules"]["tests/unit/test_deep.py"][2][2] = []
    path.write_text(json.dumps(data))
    written = path.read_bytes()
    assert findings(root, "--no-cache") == cold  # not read: the edited entries would hide PD201
    assert path.read_bytes() == written  # not written


def test_the_project_can_turn_the_cache_off(tmp_path: Path) -> None:
    root = project(tmp_path)
    with (root / "pyproject.toml").open("a") as handle:
        handle.write("\n[tool.pyproj-doctor]\ncache = false\n")
    findings(root)
    assert not (root / CACHE).exists()
    (root / "pyproject.toml").write_text((root / "pyproject.toml").read_text().replace("false", '"no"'))
    result = cli("check", cwd=root)
    assert result.returncode == 2 and "cache must be true or false" in result.stderr


def test_fix_and_diff_runs_do_not_write_it(tmp_path: Path) -> None:
    root = project(tmp_path)
    cli("check", "--diff", cwd=root)
    assert not (root / CACHE).exists()
    cli("check", "--fix", cwd=root)
    assert not (root / CACHE).exists()


def test_a_read_only_project_is_still_checked(user: User) -> None:
    # Folders nobody may write to but root, checked as another user (root ignores permissions).
    folder = Path(tempfile.mkdtemp(prefix="pd-readonly-"))
    try:
        folder.chmod(0o755)
        root = project(folder / "app")
        cold = findings(root, "--no-cache")
        for path in [root, *root.rglob("*")]:
            path.chmod((0o755 if IS_ROOT else 0o555) if path.is_dir() else 0o444)
        for args in (("check", "--format", "json", "."), ("check", "--format", "json", "--no-cache", ".")):
            result = user.run(*args, cwd=root)
            assert "Traceback" not in result.stderr and result.returncode == 1, result.stderr
            assert json.loads(result.stdout) == cold
        assert not (root / CACHE).exists()
    finally:
        for path in [folder, *folder.rglob("*")]:
            if path.is_dir() and not path.is_symlink():
                path.chmod(0o755)
        shutil.rmtree(folder, ignore_errors=True)


def test_a_read_only_cache_folder_is_still_read(tmp_path: Path) -> None:
    root = project(tmp_path)
    cold = findings(root)
    (root / CACHE).chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        assert findings(root) == cold
    finally:
        (root / CACHE).chmod(stat.S_IRWXU)


def test_a_cache_folder_that_is_a_link_is_not_used(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    root = project(tmp_path / "app")
    (root / CACHE).symlink_to(elsewhere, target_is_directory=True)
    cold = findings(root)
    assert list(elsewhere.iterdir()) == []  # nothing written outside the project
    assert findings(root) == cold


def test_the_cache_folder_is_not_checked(tmp_path: Path) -> None:
    root = project(tmp_path)
    findings(root)
    # A test-like module planted in the cache folder is never collected or reported.
    (root / CACHE / "test_planted.py").write_text("from my_app import main\n")
    (root / CACHE / "pyproject.toml").write_text("not toml [")
    assert all(CACHE not in str(f["path"]) for f in findings(root))


def test_a_cache_that_cannot_be_made_is_left_alone(tmp_path: Path) -> None:
    # Also what a read-only folder gives when run as root (who ignores permissions).
    root = project(tmp_path)
    (root / CACHE).write_text("not a folder")
    cold = findings(root, "--no-cache")
    assert findings(root) == cold
    assert (root / CACHE).read_text() == "not a folder"
