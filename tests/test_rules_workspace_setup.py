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
    def test_fires_at_the_folders_project_and_lists_it(self, tmp_path: Path) -> None:
        write(tmp_path, {**root_and_nested(), ".vscode/settings.json": "{\n    // team settings\n}\n"})
        [item] = only(check(tmp_path), "PD308")
        assert item.severity.label == "information"
        assert item.path == "pyproject.toml" and text_at(tmp_path, item) == "[project]"
        assert item.message.startswith("`sub` has its own pytest configuration (sub/pyproject.toml")
        assert "python-envs.pythonProjects" in item.message and "useEnvironmentsExtension" in item.message
        [related] = item.related
        assert related.path == "sub/pyproject.toml" and not related.site
        assert item.fix is not None
        assert item.fix.description == "List `sub` in python-envs.pythonProjects in .vscode/settings.json"
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
        # At the list that is incomplete, naming the one project it lacks.
        assert item.path == ".vscode/settings.json"
        assert text_at(tmp_path, item) == '"python-envs.pythonProjects"'
        assert item.message.startswith("`other` has its own") and [r.path for r in item.related] == [
            "other/pyproject.toml"
        ]
        apply_fix(tmp_path, item)
        value = jsonc.parse((tmp_path / ".vscode/settings.json").read_text()).value()
        assert [e["path"] for e in value["python-envs.pythonProjects"]] == ["./sub", "other"]
        assert not only(check(tmp_path), "PD308")

    def test_one_finding_per_folder_names_every_missing_project_and_lists_them_all(
        self, tmp_path: Path
    ) -> None:
        files = root_and_nested(root_config='[tool.pytest.ini_options]\naddopts = "--ignore=tools/c"\n')
        nested = {k: v for k, v in files.items() if k.startswith("sub/")}
        del files["sub/pyproject.toml"], files["sub/tests/test_util.py"]
        for name in ("packages/a", "packages/b", "tools/c"):
            files.update({k.replace("sub/", f"{name}/"): v for k, v in nested.items()})
        settings = '{\n    // shared\n    "python.testing.pytestEnabled": true,\n}\n'
        write(tmp_path, {**files, ".vscode/settings.json": settings})
        [item] = only(check(tmp_path), "PD308")
        assert item.path == "pyproject.toml" and text_at(tmp_path, item) == "[project]"
        assert item.message.startswith(
            "3 projects in this folder have their own pytest configuration but are not listed in "
            "`python-envs.pythonProjects` (`packages/a`, `packages/b`, `tools/c`)"
        )
        assert "collects the tests of 2 reading pyproject.toml" in item.message
        assert "does not collect those of 1, so they are missing from the Test Explorer" in item.message
        assert [(r.path, r.site) for r in item.related] == [
            ("packages/a/pyproject.toml", False),
            ("packages/b/pyproject.toml", False),
            ("tools/c/pyproject.toml", False),
        ]
        assert "not collected" in item.related[2].message
        assert item.fix is not None
        assert (
            item.fix.description
            == "List the 3 projects in python-envs.pythonProjects in .vscode/settings.json"
        )
        apply_fix(tmp_path, item)
        text = (tmp_path / ".vscode/settings.json").read_text()
        assert text.startswith('{\n    // shared\n    "python.testing.pytestEnabled": true,\n')
        value = jsonc.parse(text).value()
        assert [e["path"] for e in value["python-envs.pythonProjects"]] == [
            "packages/a",
            "packages/b",
            "tools/c",
        ]
        assert not only(check(tmp_path), "PD308")

    def test_a_folder_without_its_own_project_reports_at_the_first_missing_one(self, tmp_path: Path) -> None:
        nested = {k: v for k, v in root_and_nested().items() if k.startswith("sub/")}
        files = {k.replace("sub/", f"{name}/"): v for name in ("b", "a") for k, v in nested.items()}
        write(tmp_path, {**files, ".vscode/settings.json": "{}\n"})
        [item] = only(check(tmp_path), "PD308")
        assert item.path == "a/pyproject.toml" and text_at(tmp_path, item) == "[project]"
        assert [r.path for r in item.related] == ["a/pyproject.toml", "b/pyproject.toml"]
        assert "collects all their tests with no configuration" in item.message

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
    """Pylance after 2026.2.108 (and npm pyright 1.1.414) expand `extraPaths` globs such as `packages/*/src`."""

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


MEMBER_LIST = ["./packages/alpha/src", "./packages/beta/src", "./packages/gamma/src"]


class TestExtraPathsFixGlob:
    """PD301's fix writes `./packages/*/src` only for a Pylance the editor reported as expanding
    globs, and only when the glob names exactly the folders the list would; otherwise the list."""

    MEMBERS = ("alpha", "beta", "gamma")

    def files(
        self, imported: tuple[str, ...] = MEMBERS, extra: dict[str, str] | None = None
    ) -> dict[str, str]:
        files = {"pyproject.toml": '[project]\nname = "mono"\nversion = "0"\n'}
        for name in self.MEMBERS:
            files[f"packages/{name}/pyproject.toml"] = f'[project]\nname = "{name}"\nversion = "0"\n'
            files[f"packages/{name}/src/{name}/__init__.py"] = ""
        files["tests/test_a.py"] = "".join(f"import {name}\n" for name in imported)
        return {**files, **(extra or {})}

    def added(self, tmp_path: Path, version: str | None) -> list[str]:
        [item] = only(check(tmp_path, pylance_version=version), "PD301")
        apply_fix(tmp_path, item)
        value = jsonc.parse((tmp_path / ".vscode/settings.json").read_text()).value()
        extra_paths: list[str] = value["python.analysis.extraPaths"]
        return extra_paths

    @pytest.mark.parametrize(
        ("version", "expected"),
        [
            pytest.param(None, MEMBER_LIST, id="not-reported"),
            pytest.param("2026.2.108", MEMBER_LIST, id="before-globs"),
            pytest.param("2026.2.109", ["./packages/*/src"], id="first-with-globs"),
            pytest.param("2026.4.1", ["./packages/*/src"], id="later"),
        ],
    )
    def test_the_reported_version_decides(
        self, tmp_path: Path, version: str | None, expected: list[str]
    ) -> None:
        write(tmp_path, self.files())
        assert self.added(tmp_path, version) == expected
        # What was written resolves every import, as Pylance reads it (the glob expanded).
        assert only(check(tmp_path, pylance_version=version), "PD301") == []
        assert only(check(tmp_path), "PD302") == []

    def test_the_fix_says_it_writes_a_glob(self, tmp_path: Path) -> None:
        write(tmp_path, self.files())
        [item] = only(check(tmp_path, pylance_version="2026.3.0"), "PD301")
        assert item.fix is not None and item.fix.description == (
            "Add './packages/*/src' to python.analysis.extraPaths in .vscode/settings.json "
            "(a glob Pylance 2026.3.0 expands to those folders)"
        )

    def test_the_list_when_the_glob_would_add_a_folder_the_list_does_not_name(self, tmp_path: Path) -> None:
        # `gamma` is not imported by the tests: `packages/*/src` would put its root on the path too.
        write(tmp_path, self.files(imported=("alpha", "beta")))
        assert self.added(tmp_path, "2026.4.1") == ["./packages/alpha/src", "./packages/beta/src"]

    def test_a_folder_already_listed_may_be_matched_again(self, tmp_path: Path) -> None:
        # Pylance keeps the literal entry where it is and drops the glob's copy of it.
        settings = '{\n    // team\n    "python.analysis.extraPaths": ["./packages/gamma/src"]\n}\n'
        write(tmp_path, self.files(extra={".vscode/settings.json": settings}))
        (tmp_path / "tests/test_a.py").write_text("import alpha\nimport beta\nimport gamma\n")
        assert self.added(tmp_path, "2026.4.1") == ["./packages/gamma/src", "./packages/*/src"]
        assert "// team" in (tmp_path / ".vscode/settings.json").read_text()

    @pytest.mark.parametrize(
        "extra",
        [
            pytest.param({"packages/.old/src/old.py": ""}, id="hidden-folder-matches"),
            pytest.param({"packages/node_modules/src/x.py": ""}, id="skipped-folder-matches"),
        ],
    )
    def test_the_list_when_the_scan_cannot_rule_out_another_match(
        self, tmp_path: Path, extra: dict[str, str]
    ) -> None:
        write(tmp_path, self.files(extra=extra))
        assert self.added(tmp_path, "2026.4.1") == MEMBER_LIST

    def test_a_single_root_stays_literal(self, tmp_path: Path) -> None:
        write(tmp_path, self.files(imported=("alpha",)))
        assert self.added(tmp_path, "2026.4.1") == ["./packages/alpha/src"]

    def test_a_pyright_config_keeps_the_list(self, tmp_path: Path) -> None:
        # pyrightconfig.json is read by CI's pyright too, whose version nobody reported.
        write(tmp_path, self.files(extra={"pyrightconfig.json": '{"extraPaths": []}\n'}))
        [item] = only(check(tmp_path, pylance_version="2026.4.1"), "PD301")
        apply_fix(tmp_path, item)
        written = json.loads((tmp_path / "pyrightconfig.json").read_text())["extraPaths"]
        assert written == ["packages/alpha/src", "packages/beta/src", "packages/gamma/src"]

    def test_the_command_line_writes_a_glob_only_when_told(self, tmp_path: Path) -> None:
        write(tmp_path / "told", self.files())
        write(tmp_path / "untold", self.files())
        result = cli(
            "check", "--fix", "--select", "PD301", "--pylance-version", "2026.4.1", str(tmp_path / "told")
        )
        assert result.returncode == 0, result.stdout + result.stderr
        cli("check", "--fix", "--select", "PD301", str(tmp_path / "untold"))
        told = json.loads((tmp_path / "told/.vscode/settings.json").read_text())
        untold = json.loads((tmp_path / "untold/.vscode/settings.json").read_text())
        assert told == {"python.analysis.extraPaths": ["./packages/*/src"]}
        assert untold == {"python.analysis.extraPaths": MEMBER_LIST}

    def test_a_version_that_is_not_one_is_a_usage_error(self, tmp_path: Path) -> None:
        write(tmp_path, self.files())
        result = cli("check", "--pylance-version", "latest", str(tmp_path))
        assert result.returncode == 2
        assert "--pylance-version: 'latest' is not a version such as 2026.3.1" in result.stderr
        assert "Traceback" not in result.stderr
