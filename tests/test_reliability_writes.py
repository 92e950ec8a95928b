"""What ``--fix`` and ``configure`` may write, and what they must leave alone.

Real CLI runs in subprocesses on real folders; the races are provoked for real
(two runs at once, a save between planning and writing, kill -9 mid-run).
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pyproj_doctor import engine
from pyproj_doctor.fixes import apply
from pyproj_doctor.formats import toml
from tests.helpers import ROOT, cli, seed, write

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")


def _popen(*args: str, cwd: Path) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "server"))
    return subprocess.Popen(
        [sys.executable, "-m", "pyproj_doctor", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _assert_parses(root: Path) -> None:
    """Every configuration file the fixes touch is valid, with no table or object twice."""
    text = (root / "pyproject.toml").read_text()
    assert toml.parse(text).error is None, text
    assert text.count("[tool.pytest.ini_options]") <= 1, text
    for name in ("settings.json", "extensions.json"):
        path = root / ".vscode" / name
        if path.exists():
            json.loads(path.read_text())  # what the fixes write has no comments


# ------------------------------------------------------------------ races


def _texts(result: engine.FixResult) -> tuple[dict[str, str | None], dict[str, str]]:
    before = {f.path: f.before.raw if f.before is not None else None for f in result.files}
    return before, {f.path: f.after.raw for f in result.files}


def test_a_save_between_planning_and_writing_is_never_overwritten(tmp_path: Path) -> None:
    seed(tmp_path)
    before, after = _texts(engine.fix_all(str(tmp_path)))
    assert "pyproject.toml" in after
    mine = (tmp_path / "pyproject.toml").read_text() + "\n# saved by the user meanwhile\n"
    (tmp_path / "pyproject.toml").write_text(mine)
    plans, refused = apply.plan(str(tmp_path), before, after)
    assert refused == []
    outcome = apply.write(plans)
    assert outcome.changed == ["pyproject.toml"]
    assert (tmp_path / "pyproject.toml").read_text() == mine
    assert "pyproject.toml" not in outcome.written


def test_a_file_created_meanwhile_is_not_replaced(tmp_path: Path) -> None:
    seed(tmp_path)
    before, after = _texts(engine.fix_all(str(tmp_path)))
    assert before.get(".vscode/settings.json", "missing") is None
    plans, _ = apply.plan(str(tmp_path), before, after)
    write(tmp_path, {".vscode/settings.json": '{"mine": 1}\n'})
    outcome = apply.write(plans)
    assert ".vscode/settings.json" in outcome.changed
    assert (tmp_path / ".vscode/settings.json").read_text() == '{"mine": 1}\n'


def test_fix_recomputes_when_a_file_changed_and_never_writes_twice(tmp_path: Path) -> None:
    # The CLI retries from the new content: the user's line and the fix both end up in the file.
    seed(tmp_path)
    runs = [_popen("check", "--fix", cwd=tmp_path) for _ in range(3)]
    for run in runs:
        run.communicate(timeout=120)
    _assert_parses(tmp_path)
    assert 'pythonpath = ["src"]' in (tmp_path / "pyproject.toml").read_text()


@pytest.mark.parametrize("round_", range(3))
def test_concurrent_fix_runs_never_corrupt_files(tmp_path: Path, round_: int) -> None:
    seed(tmp_path)
    first = _popen("check", "--fix", cwd=tmp_path)
    second = _popen("configure", ".", cwd=tmp_path)
    for run in (first, second):
        _, err = run.communicate(timeout=120)
        assert "Traceback" not in err
    _assert_parses(tmp_path)
    assert cli("check", "--fix", cwd=tmp_path).returncode in (0, 1)
    assert not list(tmp_path.rglob(".pyproj-doctor-*"))


def test_kill_9_during_fix_leaves_old_or_new_files_and_no_temp_files(tmp_path: Path) -> None:
    original = None
    for attempt in range(4):
        root = tmp_path / str(attempt)
        seed(root)
        original = (root / "pyproject.toml").read_bytes()
        run = _popen("check", "--fix", cwd=root)
        time.sleep(0.15 + 0.05 * attempt)
        run.send_signal(signal.SIGKILL)
        run.communicate(timeout=60)
        text = (root / "pyproject.toml").read_bytes()
        assert text == original or b'pythonpath = ["src"]' in text
        _assert_parses(root)
        for temp in root.rglob(".pyproj-doctor-*"):
            os.utime(temp, (0, 0))  # whatever a killed run left is stale
        # The next run finishes the job and removes what the killed one left behind.
        assert cli("check", "--fix", cwd=root).returncode in (0, 1)
        assert not list(root.rglob(".pyproj-doctor-*"))
        _assert_parses(root)
    assert original is not None


def test_stale_temp_files_of_dead_runs_are_removed(tmp_path: Path) -> None:
    seed(tmp_path)
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    stale = tmp_path / f".pyproj-doctor-{dead.stdout.strip()}-00aa.tmp"
    stale.write_text("half")
    old = tmp_path / ".pyproj-doctor-abcd1234"
    old.write_text("half")
    os.utime(old, (0, 0))
    mine = tmp_path / ".pyproj-doctor-notes.txt"  # not one of ours: left alone
    mine.write_text("keep")
    assert cli("check", "--fix", cwd=tmp_path).returncode == 0
    assert not stale.exists() and not old.exists() and mine.exists()


# ------------------------------------------------------------ what is not replaced


@needs_fifo
def test_named_pipe_settings_is_never_replaced(tmp_path: Path) -> None:
    seed(tmp_path)
    (tmp_path / ".vscode").mkdir()
    os.mkfifo(tmp_path / ".vscode/settings.json")
    before = (tmp_path / "pyproject.toml").read_bytes()
    result = subprocess.run(
        [sys.executable, "-m", "pyproj_doctor", "check", "--fix"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2, result.stderr
    assert stat.S_ISFIFO(os.lstat(tmp_path / ".vscode/settings.json").st_mode)
    assert ".vscode/settings.json: error: is not a regular file" in result.stderr
    assert "created .vscode/settings.json" not in result.stderr
    assert (tmp_path / "pyproject.toml").read_bytes() != before or "pyproject.toml" in result.stderr


def test_symlink_inside_the_workspace_is_written_through(tmp_path: Path) -> None:
    seed(
        tmp_path, **{"config/pyproject.toml": "", "shared/settings.json": '{\n  "editor.rulers": [100]\n}\n'}
    )
    (tmp_path / "config/pyproject.toml").unlink()
    real = tmp_path / "config/real-pyproject.toml"
    (tmp_path / "pyproject.toml").rename(real)
    (tmp_path / "pyproject.toml").symlink_to("config/real-pyproject.toml")
    (tmp_path / ".vscode").mkdir()
    (tmp_path / ".vscode/settings.json").symlink_to("../shared/settings.json")
    result = cli("check", "--fix", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "pyproject.toml").is_symlink()
    assert (tmp_path / ".vscode/settings.json").is_symlink()
    assert 'pythonpath = ["src"]' in real.read_text()
    assert "python.testing.pytestEnabled" in (tmp_path / "shared/settings.json").read_text()


def test_symlink_leading_outside_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside.toml"
    project = tmp_path / "project"
    seed(project)
    (project / "pyproject.toml").rename(outside)
    (project / "pyproject.toml").symlink_to(outside)
    before = outside.read_bytes()
    result = cli("check", "--fix", cwd=project)
    assert result.returncode == 2
    assert "pyproject.toml: error: not fixed: resolves outside the workspace" in result.stderr
    assert outside.read_bytes() == before


def test_read_only_file_is_refused_and_nothing_is_reported_as_fixed(tmp_path: Path) -> None:
    seed(tmp_path)
    target = tmp_path / "pyproject.toml"
    target.chmod(0o444)
    before = target.read_bytes()
    result = cli("check", "--fix", cwd=tmp_path)
    assert result.returncode == 2
    assert "pyproject.toml: error: is read-only" in result.stderr
    assert target.read_bytes() == before
    assert "fixed pyproject.toml" not in result.stderr and "created" not in result.stderr
    assert "All checks passed." not in result.stdout
    # Nothing else was written either: the fixes belong together.
    assert not (tmp_path / ".vscode").exists()


def test_hard_links_stay_one_file(tmp_path: Path) -> None:
    seed(tmp_path)
    other = tmp_path / "pyproject-link.toml"
    os.link(tmp_path / "pyproject.toml", other)
    assert cli("check", "--fix", cwd=tmp_path).returncode == 0
    assert os.path.samefile(tmp_path / "pyproject.toml", other)
    assert 'pythonpath = ["src"]' in other.read_text()


@pytest.mark.skipif(not IS_ROOT, reason="only root can give files to another user")
def test_root_keeps_owner_and_mode(tmp_path: Path) -> None:
    seed(tmp_path)
    target = tmp_path / "pyproject.toml"
    os.chown(target, 65534, 65534)
    target.chmod(0o640)
    assert cli("check", "--fix", cwd=tmp_path).returncode == 0
    info = target.stat()
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (65534, 65534, 0o640)
    assert 'pythonpath = ["src"]' in target.read_text()


def test_a_result_that_does_not_parse_is_refused(tmp_path: Path) -> None:
    seed(tmp_path)
    plans, refused = apply.plan(
        str(tmp_path),
        {"pyproject.toml": (tmp_path / "pyproject.toml").read_text(), ".vscode/settings.json": None},
        {"pyproject.toml": "[a]\n[a]\n", ".vscode/settings.json": "{}{}"},
    )
    assert plans == []
    assert [rel for rel, _ in refused] == [".vscode/settings.json", "pyproject.toml"]
    assert all("unparseable" in reason for _, reason in refused)


def test_lone_surrogate_text_is_refused_before_any_write(tmp_path: Path) -> None:
    seed(tmp_path)
    _, refused = apply.plan(
        str(tmp_path),
        {"pyproject.toml": (tmp_path / "pyproject.toml").read_text(), ".vscode/settings.json": None},
        {"pyproject.toml": "x = 1\n", ".vscode/settings.json": '{"a": "\ud800"}'},
    )
    assert [rel for rel, _ in refused] == [".vscode/settings.json"]
    assert "UTF-8" in refused[0][1]


def test_workspace_lock_serialises_runs(tmp_path: Path) -> None:
    code = (
        "import sys, time\n"
        "from pyproj_doctor.fixes.apply import workspace_lock\n"
        "with workspace_lock(sys.argv[1]):\n"
        "    print('locked', flush=True)\n"
        "    time.sleep(1.5)\n"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT / "server"))
    holder = subprocess.Popen(
        [sys.executable, "-c", code, str(tmp_path)], stdout=subprocess.PIPE, text=True, env=env
    )
    assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
    started = time.monotonic()
    with apply.workspace_lock(str(tmp_path)):
        waited = time.monotonic() - started
    holder.wait(timeout=30)
    assert waited > 0.5
    with pytest.raises(apply.LockTimeout):
        holder = subprocess.Popen(
            [sys.executable, "-c", code, str(tmp_path)], stdout=subprocess.PIPE, text=True, env=env
        )
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        try:
            with apply.workspace_lock(str(tmp_path), timeout=0.2):
                pass
        finally:
            holder.wait(timeout=30)
