"""PD207 and PD308: a folder holding several pytest projects, each with its own configuration."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pyproj_doctor.formats import jsonc
from tests.helpers import apply_fix, check, cli, only, real_pytest, text_at, write

TEST = "def test_it():\n    assert True\n"


def root_and_nested(
    root_config: str = "", nested_config: str = '[tool.pytest.ini_options]\nmarkers = ["slow"]\n'
) -> dict[str, str]:
    """A root project and a nested one, each with `tests/test_util.py` (no `__init__.py`)."""
    return {
        "pyproject.toml": '[project]\nname = "root"\nversion = "0"\n'
        + (f"\n{root_config}" if root_config else ""),
        "tests/test_util.py": TEST,
        "sub/pyproject.toml": '[project]\nname = "sub"\nversion = "0"\n'
        + (f"\n{nested_config}" if nested_config else ""),
        "sub/tests/test_util.py": TEST,
    }


class TestPD207:
    def test_fires_at_the_project_header_and_the_fix_makes_root_pytest_pass(self, tmp_path: Path) -> None:
        write(tmp_path, root_and_nested())
        before = real_pytest(tmp_path)
        assert before.returncode != 0 and "import file mismatch" in before.stdout
        [item] = only(check(tmp_path), "PD207")
        assert item.severity.label == "error"
        assert item.path == "pyproject.toml" and text_at(tmp_path, item) == "[project]"
        assert "sub/tests/test_util.py" in item.message and "`tests/test_util.py`" in item.message
        assert "import file mismatch" in item.message
        assert [r.path for r in item.related] == ["sub/pyproject.toml", "tests/test_util.py"]
        assert item.fix is not None and "--ignore=sub" in item.fix.description
        apply_fix(tmp_path, item)
        assert (
            (tmp_path / "pyproject.toml")
            .read_text()
            .endswith('\n[tool.pytest.ini_options]\naddopts = "--ignore=sub"\n')
        )
        assert real_pytest(tmp_path).returncode == 0
        assert real_pytest(tmp_path / "sub").returncode == 0  # the nested suite still runs on its own
        assert not only(check(tmp_path), "PD207")

    def test_appends_to_an_addopts_string_and_points_at_it(self, tmp_path: Path) -> None:
        write(tmp_path, root_and_nested('[tool.pytest.ini_options]\naddopts = "-ra"  # keep\n'))
        [item] = only(check(tmp_path), "PD207")
        assert text_at(tmp_path, item) == "addopts"
        apply_fix(tmp_path, item)
        assert 'addopts = "-ra --ignore=sub"  # keep\n' in (tmp_path / "pyproject.toml").read_text()
        assert real_pytest(tmp_path).returncode == 0

    def test_appends_to_an_addopts_list(self, tmp_path: Path) -> None:
        write(tmp_path, root_and_nested('[tool.pytest]\naddopts = ["-ra"]\n'))
        [item] = only(check(tmp_path), "PD207")
        apply_fix(tmp_path, item)
        assert 'addopts = ["-ra", "--ignore=sub"]\n' in (tmp_path / "pyproject.toml").read_text()
        assert not only(check(tmp_path), "PD207")

    def test_ini_configuration_gets_the_option(self, tmp_path: Path) -> None:
        write(tmp_path, {**root_and_nested(), "pytest.ini": "[pytest]\nminversion = 7\n"})
        [item] = only(check(tmp_path), "PD207")
        assert item.path == "pytest.ini" and text_at(tmp_path, item) == "[pytest]"
        apply_fix(tmp_path, item)
        assert (tmp_path / "pytest.ini").read_text() == "[pytest]\nminversion = 7\naddopts = --ignore=sub\n"
        assert real_pytest(tmp_path).returncode == 0

    def test_a_deeper_nested_project_is_ignored_by_its_path(self, tmp_path: Path) -> None:
        files = root_and_nested()
        files = {k.replace("sub/", "packages/sub/"): v for k, v in files.items()}
        write(tmp_path, files)
        [item] = only(check(tmp_path), "PD207")
        apply_fix(tmp_path, item)
        assert 'addopts = "--ignore=packages/sub"' in (tmp_path / "pyproject.toml").read_text()
        assert real_pytest(tmp_path).returncode == 0

    @pytest.mark.parametrize(
        "extra",
        [
            pytest.param({"pytest.ini": "[pytest]\naddopts = --ignore=sub\n"}, id="already-ignored"),
            pytest.param({"pytest.ini": "[pytest]\nnorecursedirs = sub\n"}, id="norecursedirs"),
            pytest.param({"pytest.ini": "[pytest]\ntestpaths = tests\n"}, id="testpaths"),
            pytest.param({"pytest.ini": "[pytest]\naddopts = --import-mode=importlib\n"}, id="importlib"),
            pytest.param({"sub/tests/__init__.py": ""}, id="package-names-differ"),
            pytest.param({"sub/tests/test_util.py": "", "sub/tests/test_other.py": TEST}, id="no-clash"),
        ],
    )
    def test_silent_where_root_pytest_does_not_clash(self, tmp_path: Path, extra: dict[str, str]) -> None:
        files = {**root_and_nested(), **extra}
        if extra.get("sub/tests/test_util.py") == "":
            del files["sub/tests/test_util.py"]
        write(tmp_path, files)
        assert only(check(tmp_path), "PD207") == []

    @pytest.mark.parametrize(
        "root_config",
        [
            pytest.param('[tool.uv.workspace]\nmembers = ["sub"]\n', id="uv-workspace-member"),
            pytest.param(
                '[tool.pytest.ini_options]\ntestpaths = ["tests", "sub/tests"]\n', id="named-in-testpaths"
            ),
            pytest.param(
                '[tool.pytest.ini_options]\ntestpaths = ["tests", "s*"]\n', id="named-by-a-testpaths-glob"
            ),
            pytest.param('[tool.pytest.ini_options]\npythonpath = ["sub/src"]\n', id="named-in-pythonpath"),
        ],
    )
    def test_silent_for_a_project_the_root_run_is_meant_to_include(
        self, tmp_path: Path, root_config: str
    ) -> None:
        # Ignoring it would drop its tests from the run that is meant to hold them (PD205's business).
        write(tmp_path, {**root_and_nested(root_config), "sub/src/sub_pkg/__init__.py": ""})
        assert only(check(tmp_path), "PD207") == []

    def test_silent_for_a_nested_project_without_its_own_configuration(self, tmp_path: Path) -> None:
        # Run from the root, with the root's configuration: a clash there is PD205's business.
        write(tmp_path, root_and_nested(nested_config=""))
        assert only(check(tmp_path), "PD207") == []

    def test_silent_for_test_data(self, tmp_path: Path) -> None:
        files = {k.replace("sub/", "tests/data/sub/"): v for k, v in root_and_nested().items()}
        write(tmp_path, files)
        assert only(check(tmp_path), "PD207") == []


class TestPD308:
    def test_fires_at_the_nested_project_and_lists_it(self, tmp_path: Path) -> None:
        write(tmp_path, {**root_and_nested(), ".vscode/settings.json": "{\n    // team settings\n}\n"})
        [item] = only(check(tmp_path), "PD308")
        assert item.severity.label == "information"
        assert item.path == "sub/pyproject.toml" and text_at(tmp_path, item) == "[project]"
        assert "python-envs.pythonProjects" in item.message and "useEnvironmentsExtension" in item.message
        apply_fix(tmp_path, item)
        text = (tmp_path / ".vscode/settings.json").read_text()
        assert "// team settings" in text
        assert jsonc.parse(text).value() == {
            "python-envs.pythonProjects": [
                {
                    "path": "sub",
                    "envManager": "ms-python.python:venv",
                    "packageManager": "ms-python.python:pip",
                }
            ]
        }
        assert not only(check(tmp_path), "PD308")

    def test_each_missing_project_is_added_to_the_existing_list(self, tmp_path: Path) -> None:
        files = root_and_nested()
        files.update(
            {k.replace("sub/", "other/"): v for k, v in root_and_nested().items() if k.startswith("sub/")}
        )
        listed = (
            '{"python-envs.pythonProjects": [{"path": "./sub", "envManager": "x", "packageManager": "y"}]}\n'
        )
        write(tmp_path, {**files, ".vscode/settings.json": listed})
        [item] = only(check(tmp_path), "PD308")
        assert item.path == "other/pyproject.toml"
        apply_fix(tmp_path, item)
        value = jsonc.parse((tmp_path / ".vscode/settings.json").read_text()).value()
        assert [e["path"] for e in value["python-envs.pythonProjects"]] == ["./sub", "other"]
        assert not only(check(tmp_path), "PD308")

    @pytest.mark.parametrize(
        "files",
        [
            pytest.param(root_and_nested(nested_config=""), id="no-own-configuration"),
            pytest.param(
                {
                    "pyproject.toml": '[project]\nname = "a"\n[tool.pytest.ini_options]\n',
                    "tests/test_a.py": TEST,
                },
                id="single-project",
            ),
            pytest.param(
                {
                    **root_and_nested(),
                    ".vscode/settings.json": '{"python.testing.pytestArgs": ["sub/tests"]}',
                },
                id="explorer-reads-its-configuration",
            ),
            pytest.param(
                {
                    **root_and_nested(),
                    ".vscode/settings.json": '{"python.testing.cwd": "${workspaceFolder}"}',
                },
                id="testing-cwd-set",
            ),
            pytest.param(
                {k.replace("sub/", "tests/data/sub/"): v for k, v in root_and_nested().items()},
                id="test-data",
            ),
            pytest.param(
                {**root_and_nested(), "pytest.ini": "[pytest]\ntestpaths = tests\n"}, id="outside-testpaths"
            ),
            pytest.param(
                {k: v for k, v in root_and_nested().items() if k != "sub/tests/test_util.py"}, id="no-tests"
            ),
        ],
    )
    def test_silent(self, tmp_path: Path, files: dict[str, str]) -> None:
        write(tmp_path, files)
        assert only(check(tmp_path), "PD308") == []

    def test_a_hint_where_the_team_shares_no_vscode_settings(self, tmp_path: Path) -> None:
        write(tmp_path, root_and_nested())
        [item] = only(check(tmp_path), "PD308")
        assert item.severity.label == "hint" and "a setting for you, not the team" in item.message
        write(tmp_path, {".gitignore": ".vscode/\n", ".vscode/settings.json": "{}"})
        [item] = only(check(tmp_path), "PD308")
        assert item.severity.label == "hint" and "gitignored" in item.message

    def test_a_project_the_explorer_leaves_out_is_reported_too(self, tmp_path: Path) -> None:
        write(tmp_path, {**root_and_nested(), "pytest.ini": "[pytest]\naddopts = --ignore=sub\n"})
        [item] = only(check(tmp_path), "PD308")
        assert "does not collect its tests" in item.message

    def test_configure_writes_the_whole_setup(self, tmp_path: Path) -> None:
        write(tmp_path, root_and_nested())
        result = cli("configure", str(tmp_path))
        assert result.returncode in (0, 1), result.stderr
        assert 'addopts = "--ignore=sub"' in (tmp_path / "pyproject.toml").read_text()
        value = jsonc.parse((tmp_path / ".vscode/settings.json").read_text()).value()
        assert [e["path"] for e in value["python-envs.pythonProjects"]] == ["sub"]
        # The Test Explorer's arguments leave the nested suite out too: an argument is never ignored.
        assert value["python.testing.pytestArgs"] == ["tests"]
        assert real_pytest(tmp_path).returncode == 0
        assert not {"PD207", "PD308"} & {f.code for f in check(tmp_path).findings}


class TestExtraPathsGlob:
    """Pylance 2026.7+ (and npm pyright 1.1.414) expand `extraPaths` globs such as `packages/*/src`."""

    def files(self, extra_paths: list[str]) -> dict[str, str]:
        return {
            "pyproject.toml": '[project]\nname = "mono"\nversion = "0"\n',
            "packages/alpha/src/alpha/__init__.py": "",
            "packages/beta/src/beta/__init__.py": "",
            "tests/test_a.py": "import alpha\nimport beta\n",
            ".vscode/settings.json": json.dumps({"python.analysis.extraPaths": extra_paths}),
        }

    def test_a_glob_that_matches_is_a_search_path(self, tmp_path: Path) -> None:
        write(tmp_path, self.files(["packages/*/src"]))
        report = check(tmp_path)
        assert only(report, "PD302") == [] and only(report, "PD301") == []

    def test_a_glob_that_matches_nothing_is_reported(self, tmp_path: Path) -> None:
        write(tmp_path, self.files(["libs/*/src"]))
        [item] = only(check(tmp_path), "PD302")
        assert text_at(tmp_path, item) == '"libs/*/src"'
        assert "matches no folder" in item.message
