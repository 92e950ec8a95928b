"""The Test Explorer's project mode (the Python Environments extension in use): each project of
``python-envs.pythonProjects`` is run on its own, from its folder, with its own configuration;
the project holding it ignores it. PD201, PD205 and explain column (b) follow the mode."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import check, cli, only, write

LISTED: dict[str, object] = {"python-envs.pythonProjects": [{"path": "packages/a"}]}


def member_with_own_pythonpath(root: Path, settings: dict[str, object] | None = None) -> Path:
    """A uv workspace whose member `packages/a` puts its `src` on sys.path in its own configuration:
    its own run imports `a`, a run from the workspace folder (no configuration there) cannot."""
    return write(
        root,
        {
            "pyproject.toml": '[project]\nname = "root"\nversion = "0"\n\n'
            '[tool.uv.workspace]\nmembers = ["packages/*"]\n',
            "packages/a/pyproject.toml": '[project]\nname = "a"\nversion = "0"\n\n'
            '[tool.pytest.ini_options]\npythonpath = ["src"]\n',
            "packages/a/src/a/__init__.py": "X = 1\n",
            "packages/a/tests/test_a.py": "from a import X\n\n\ndef test_x():\n    assert X == 1\n",
            ".vscode/settings.json": json.dumps(settings if settings is not None else LISTED),
        },
    )


def explorer_pytest(cwd: Path, *ignored: Path) -> subprocess.CompletedProcess[str]:
    """The Test Explorer's invocation of one project (without its `vscode_pytest` plugin)."""
    return subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"]
        + [f"--rootdir={cwd}"]
        + [f"--ignore={p}" for p in ignored],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def explorer_failures(root: Path, mode: bool | None) -> list[str]:
    return [
        f.message
        for f in only(check(root, test_explorer_projects=mode), "PD201")
        if "Test Explorer" in f.message
    ]


class TestPD201:
    def test_the_members_own_run_imports_it_and_the_folders_run_does_not(self, tmp_path: Path) -> None:
        root = member_with_own_pythonpath(tmp_path)
        # What the two modes run, with real pytest.
        assert explorer_pytest(root / "packages/a").returncode == 0
        assert explorer_pytest(root).returncode != 0
        assert explorer_failures(root, True) == []
        [message] = explorer_failures(root, False)
        assert "the Test Explorer (`python -m pytest` in the workspace folder) cannot import it" in message

    def test_not_known_no_claim_for_a_listed_member(self, tmp_path: Path) -> None:
        root = member_with_own_pythonpath(tmp_path)
        assert explorer_failures(root, None) == []

    def test_not_known_the_folders_run_for_an_unlisted_member(self, tmp_path: Path) -> None:
        root = member_with_own_pythonpath(tmp_path, {})
        assert len(explorer_failures(root, None)) == 1
        # In project mode an unlisted member is collected by the folder's project run: still failing.
        [message] = explorer_failures(root, True)
        assert "the Test Explorer's run of the workspace folder's project" in message

    def test_the_repository_turning_it_off_decides(self, tmp_path: Path) -> None:
        root = member_with_own_pythonpath(tmp_path, {**LISTED, "python.useEnvironmentsExtension": False})
        assert len(explorer_failures(root, None)) == 1

    def test_the_repository_turning_it_on_is_not_enough(self, tmp_path: Path) -> None:
        # The Python Environments extension must be installed too: the repository cannot show that.
        root = member_with_own_pythonpath(tmp_path, {**LISTED, "python.useEnvironmentsExtension": True})
        assert explorer_failures(root, None) == []

    def test_a_listed_entry_naming_another_workspace_folder_is_not_this_folders(self, tmp_path: Path) -> None:
        settings: dict[str, object] = {
            "python-envs.pythonProjects": [{"path": "packages/a", "workspace": "other"}]
        }
        root = member_with_own_pythonpath(tmp_path, settings)
        write(root, {"other/.vscode/settings.json": "{}"})
        assert len(explorer_failures(root, True)) == 1

    def test_the_command_line_flag(self, tmp_path: Path) -> None:
        root = member_with_own_pythonpath(tmp_path)
        on = cli(
            "check", "--format", "json", "--select", "PD201", "--test-explorer-projects", "on", str(root)
        )
        off = cli(
            "check", "--format", "json", "--select", "PD201", "--test-explorer-projects", "off", str(root)
        )
        assert on.returncode == 0, on.stdout + on.stderr
        assert off.returncode == 1, off.stderr
        assert "Test Explorer" in off.stdout
        bad = cli("check", "--test-explorer-projects", "maybe", str(root))
        assert bad.returncode == 2 and "--test-explorer-projects" in bad.stderr


def clashing_members(root: Path, settings: dict[str, object]) -> Path:
    """Two members, each with `tests/test_util.py` (no `__init__.py`): one session of both clashes."""
    return write(
        root,
        {
            "pyproject.toml": '[project]\nname = "root"\nversion = "0"\n\n'
            '[tool.uv.workspace]\nmembers = ["packages/*"]\n',
            "packages/a/pyproject.toml": '[project]\nname = "a"\nversion = "0"\n',
            "packages/a/tests/test_util.py": "def test_a():\n    pass\n",
            "packages/b/pyproject.toml": '[project]\nname = "b"\nversion = "0"\n',
            "packages/b/tests/test_util.py": "def test_b():\n    pass\n",
            ".vscode/settings.json": json.dumps(settings),
        },
    )


BOTH: dict[str, object] = {"python-envs.pythonProjects": [{"path": "packages/a"}, {"path": "packages/b"}]}


class TestPD205Across:
    def test_listed_members_are_not_one_session_in_project_mode(self, tmp_path: Path) -> None:
        root = clashing_members(tmp_path, BOTH)
        assert explorer_pytest(root / "packages/a").returncode == 0
        assert explorer_pytest(root / "packages/b").returncode == 0
        assert explorer_pytest(root).returncode != 0  # the folder's one session: import file mismatch
        assert only(check(root, test_explorer_projects=True), "PD205") == []
        assert len(only(check(root, test_explorer_projects=False), "PD205")) == 1
        assert only(check(root, test_explorer_projects=None), "PD205") == []

    def test_the_folders_project_run_ignores_the_listed_members(self, tmp_path: Path) -> None:
        root = clashing_members(tmp_path, {"python-envs.pythonProjects": [{"path": "packages/a"}]})
        # The folder's own run (ignoring `packages/a`) holds `packages/b` alone: no clash.
        assert explorer_pytest(root, root / "packages/a").returncode == 0
        assert only(check(root, test_explorer_projects=True), "PD205") == []

    def test_unlisted_members_still_share_the_folders_session(self, tmp_path: Path) -> None:
        root = clashing_members(tmp_path, {})
        for mode in (True, False, None):
            [item] = only(check(root, test_explorer_projects=mode), "PD205")
            assert "one session" in item.message


class TestExplain:
    @pytest.mark.parametrize(
        ("flag", "title", "verdict"),
        [
            ("on", "Test Explorer (project `packages/a`)", "resolves"),
            ("off", "Test Explorer", "fails"),
            (None, "Test Explorer", "unknown"),
        ],
    )
    def test_column_b_is_the_run_of_the_mode(
        self, tmp_path: Path, flag: str | None, title: str, verdict: str
    ) -> None:
        root = member_with_own_pythonpath(tmp_path)
        write(root, {".git/HEAD": "ref: refs/heads/main\n"})
        extra = ["--test-explorer-projects", flag] if flag else []
        done = cli("explain", "--format", "json", *extra, str(root / "packages/a/tests/test_a.py") + ":1")
        assert done.returncode in (0, 1), done.stderr
        [item] = json.loads(done.stdout)
        column = next(v for v in item["verdicts"] if v["runner"] == "explorer")
        assert (column["title"], column["verdict"]) == (title, verdict)


class TestPD308:
    @pytest.mark.parametrize(
        ("mode", "label", "condition"),
        [
            (True, "the Test Explorer's run of the workspace folder's project", None),
            (False, "the Test Explorer (`python -m pytest` in the workspace folder)", "it is not, here"),
            (None, "the Test Explorer (`python -m pytest` in the workspace folder)", "when the Python"),
        ],
    )
    def test_says_whether_a_listing_changes_the_runs(
        self, tmp_path: Path, mode: bool | None, label: str, condition: str | None
    ) -> None:
        # A member with its own configuration, not listed: the folder's run reads none.
        root = member_with_own_pythonpath(tmp_path, {"python.testing.pytestEnabled": True})
        [item] = only(check(root, test_explorer_projects=mode), "PD308")
        assert label in item.message
        assert ("useEnvironmentsExtension" in item.message) == (condition is not None)
        assert condition is None or condition in item.message
        assert item.fix is not None


class TestPD602:
    @pytest.mark.parametrize(("mode", "fires"), [(True, False), (None, False), (False, True)])
    def test_a_listed_projects_own_pythonpath_reaches_its_run(
        self, tmp_path: Path, mode: bool | None, fires: bool
    ) -> None:
        # The terminal gets `packages/a/src`; so does the member's own run (its `pythonpath`), which
        # the Test Explorer does in project mode, and may do when the mode is not known.
        terminal = {"terminal.integrated.env.linux": {"PYTHONPATH": "${workspaceFolder}/packages/a/src"}}
        root = member_with_own_pythonpath(tmp_path, {**LISTED, **terminal})
        assert bool(only(check(root, test_explorer_projects=mode), "PD602")) == fires
