"""PD201–PD206: pytest configuration, imports and collection."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import (
    SEED_PYPROJECT,
    apply_fix,
    check,
    cli,
    make_venv,
    only,
    real_pytest,
    seed,
    text_at,
    write,
)


class TestPD201:
    def test_fires_without_config_at_project_header(self, tmp_path: Path) -> None:
        seed(tmp_path)
        [item] = only(check(tmp_path), "PD201")
        assert item.severity.label == "error"
        assert item.path == "pyproject.toml"
        assert text_at(tmp_path, item) == "[project]"
        assert [r.path for r in item.related] == ["tests/test_main.py"]
        assert item.related[0].range.start.character == 5  # `my_app` in `from my_app import main`
        apply_fix(tmp_path, item)
        assert (
            (tmp_path / "pyproject.toml")
            .read_text()
            .endswith('\n[tool.pytest.ini_options]\npythonpath = ["src"]\n')
        )
        assert not only(check(tmp_path), "PD201")

    def test_a_pytest_toml_that_does_not_parse_gets_its_pd901_only(self, tmp_path: Path) -> None:
        """pytest stops on it; no pythonpath fix may be built into a file that does not parse."""
        seed(tmp_path, **{"pytest.toml": "[pytest\n"})
        report = check(tmp_path)
        assert [f.path for f in report.findings if f.code == "PD901"] == ["pytest.toml"]
        assert not only(report, "PD201")
        assert all(c.path != "pytest.toml" for f in report.findings if f.fix for c in f.fix.changes)

    def test_points_at_existing_pythonpath_and_appends(self, tmp_path: Path) -> None:
        seed(
            tmp_path,
            **{
                "pyproject.toml": SEED_PYPROJECT
                + '\n[tool.pytest.ini_options]\npythonpath = ["lib"]  # extra\n',
                "lib/x.py": "",
            },
        )
        [item] = only(check(tmp_path), "PD201")
        assert text_at(tmp_path, item) == "pythonpath"
        apply_fix(tmp_path, item)
        assert 'pythonpath = ["lib", "src"]  # extra\n' in (tmp_path / "pyproject.toml").read_text()
        assert not only(check(tmp_path), "PD201")

    def test_ini_string_value_and_native_table(self, tmp_path: Path) -> None:
        seed(
            tmp_path,
            **{
                "pyproject.toml": SEED_PYPROJECT + '\n[tool.pytest.ini_options]\npythonpath = "lib"\n',
                "lib/x.py": "",
            },
        )
        [item] = only(check(tmp_path), "PD201")
        apply_fix(tmp_path, item)
        assert 'pythonpath = "lib src"' in (tmp_path / "pyproject.toml").read_text()
        native = tmp_path / "native"
        seed(native, **{"pyproject.toml": SEED_PYPROJECT + '\n[tool.pytest]\nminversion = "9.0"\n'})
        [item] = only(check(native), "PD201")
        assert text_at(native, item) == "[tool.pytest]"
        apply_fix(native, item)
        assert (
            '[tool.pytest]\nminversion = "9.0"\npythonpath = ["src"]\n'
            in (native / "pyproject.toml").read_text()
        )

    def test_pytest_ini_wins_and_is_fixed(self, tmp_path: Path) -> None:
        seed(tmp_path, **{"pytest.ini": "[pytest]\naddopts = -q\n"})
        [item] = only(check(tmp_path), "PD201")
        assert item.path == "pytest.ini"
        assert text_at(tmp_path, item) == "[pytest]"
        apply_fix(tmp_path, item)
        assert (tmp_path / "pytest.ini").read_text() == "[pytest]\naddopts = -q\npythonpath = src\n"

    def test_pythonpath_next_to_pytest_ini_does_not_count(self, tmp_path: Path) -> None:
        # The FACTS case: a pytest.ini beside `pythonpath = "src"` makes pytest fail again.
        seed(
            tmp_path,
            **{
                "pyproject.toml": SEED_PYPROJECT + '\n[tool.pytest.ini_options]\npythonpath = ["src"]\n',
                "pytest.ini": "",
            },
        )
        report = check(tmp_path)
        [item] = only(report, "PD201")
        assert item.path == "pytest.ini"
        assert only(report, "PD203")

    def test_silent_when_configured(self, tmp_path: Path) -> None:
        seed(
            tmp_path,
            **{"pyproject.toml": SEED_PYPROJECT + '\n[tool.pytest.ini_options]\npythonpath = ["src"]\n'},
        )
        assert not only(check(tmp_path), "PD201")

    def test_silent_when_installed_editable(self, tmp_path: Path) -> None:
        seed(
            tmp_path,
            **{
                "pyproject.toml": SEED_PYPROJECT
                + '\n[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n'
            },
        )
        make_venv(tmp_path, editable=("my-app", tmp_path), pth={"_my_app.pth": str(tmp_path / "src") + "\n"})
        assert not only(check(tmp_path), "PD201")

    def test_fires_when_editable_install_is_another_project(self, tmp_path: Path) -> None:
        seed(tmp_path)
        make_venv(tmp_path, editable=("other", tmp_path / "elsewhere"))
        assert only(check(tmp_path), "PD201")

    def test_silent_when_tests_do_not_import_the_package(self, tmp_path: Path) -> None:
        seed(tmp_path, **{"tests/test_main.py": "import os\n\n\ndef test_x():\n    assert os\n"})
        assert not only(check(tmp_path), "PD201")

    def test_each_run_is_named_by_the_folder_it_starts_in(self, tmp_path: Path) -> None:
        # A nested project: plain `pytest` starts in its folder, the Test Explorer in the
        # workspace folder (not "the project folder", which would read as the nested one).
        write(
            tmp_path,
            {
                "pyproject.toml": "[project]\nname = 'root'\nversion = '0.1.0'\n",
                "examples/demo/pyproject.toml": "[project]\nname = 'demo'\nversion = '0.1.0'\n",
                "examples/demo/src/demo_app/__init__.py": "",
                "examples/demo/tests/test_demo.py": "import demo_app\n",
            },
        )
        messages = [item.message for item in only(check(tmp_path), "PD201")]
        assert len(messages) == 2
        assert any("plain `pytest` in `examples/demo` cannot import it" in m for m in messages)
        assert any(
            "the Test Explorer (`python -m pytest` in the workspace folder) cannot" in m for m in messages
        )

    def test_flat_layout_fails_under_plain_pytest_only(self, tmp_path: Path) -> None:
        # Verified in tests/test_runs.py: the console script does not put the root on sys.path.
        files = {
            "pyproject.toml": "[project]\nname='x'\n",
            "pkg/__init__.py": "",
            "tests/test_a.py": "import pkg\n",
        }
        write(tmp_path, files)
        [item] = only(check(tmp_path), "PD201")
        assert item.severity.label == "error"
        assert "plain `pytest` in the project folder cannot import it" in item.message
        assert "the Test Explorer" not in item.message
        apply_fix(tmp_path, item)
        assert 'pythonpath = ["."]' in (tmp_path / "pyproject.toml").read_text()
        assert not only(check(tmp_path), "PD201")
        # A root conftest.py puts the root on sys.path; so does tests/__init__.py (the basedir is the root).
        for extra in ({"conftest.py": ""}, {"tests/__init__.py": ""}):
            other = tmp_path / str(len(extra)) / next(iter(extra)).replace("/", "_")
            write(other, {**files, **extra})
            assert not only(check(other), "PD201")

    def test_silent_for_conftest_path_hacks(self, tmp_path: Path) -> None:
        hack = tmp_path / "hack"
        seed(hack, **{"tests/conftest.py": "import sys\nsys.path.insert(0, 'src')\n"})
        assert not only(check(hack), "PD201")

    def test_monorepo_member_uses_root_config_relative_to_it(self, tmp_path: Path) -> None:
        write(
            tmp_path,
            {
                "pyproject.toml": '[tool.uv.workspace]\nmembers = ["packages/*"]\n\n[tool.pytest.ini_options]\npythonpath = ["packages/a/src"]\n',
                "packages/a/pyproject.toml": "[project]\nname = 'a'\n",
                "packages/a/src/a_pkg/__init__.py": "",
                "packages/a/tests/test_a.py": "import a_pkg\n",
                "packages/b/pyproject.toml": "[project]\nname = 'b'\n",
                "packages/b/src/b_pkg/__init__.py": "",
                "packages/b/tests/test_b.py": "import b_pkg\n",
            },
        )
        [item] = only(check(tmp_path), "PD201")
        assert "packages/b/src" in item.message
        apply_fix(tmp_path, item)
        assert (
            'pythonpath = ["packages/a/src", "packages/b/src"]' in (tmp_path / "pyproject.toml").read_text()
        )


class TestPD202:
    def test_fires_on_each_missing_entry(self, tmp_path: Path) -> None:
        seed(
            tmp_path,
            **{
                "pyproject.toml": SEED_PYPROJECT
                + '\n[tool.pytest.ini_options]\npythonpath = ["src", "lib"]\ntestpaths = ["tests", "it*"]\n'
            },
        )
        items = only(check(tmp_path), "PD202")
        assert [text_at(tmp_path, i) for i in items] == ['"lib"', '"it*"']

    def test_ini_words_are_located(self, tmp_path: Path) -> None:
        seed(tmp_path, **{"setup.cfg": "[tool:pytest]\npythonpath = src\n    missing\n"})
        [item] = only(check(tmp_path), "PD202")
        assert text_at(tmp_path, item) == "missing"
        assert item.range.start.line == 2

    def test_silent_for_existing_and_glob_matches(self, tmp_path: Path) -> None:
        seed(
            tmp_path,
            **{
                "pyproject.toml": SEED_PYPROJECT
                + '\n[tool.pytest.ini_options]\npythonpath = "src"\ntestpaths = ["test*"]\n'
            },
        )
        assert not only(check(tmp_path), "PD202")


class TestPD201DotenvAndCompiled:
    def _lib(self, root: Path, **extra: str) -> None:
        seed(
            root,
            **{"lib/my_app/__init__.py": 'def main() -> str:\n    return "hi"\n', ".env": "PYTHONPATH=lib\n"},
        )
        (root / "src/my_app/__init__.py").unlink()
        (root / "src/my_app").rmdir()
        (root / "src").rmdir()
        write(root, extra)

    def test_dotenv_pythonpath_does_not_reach_plain_pytest(self, tmp_path: Path) -> None:
        # Real pytest 9: the Test Explorer (which loads .env) imports `my_app`, plain `pytest` cannot.
        self._lib(tmp_path)
        [item] = only(check(tmp_path), "PD201")
        assert item.severity.label == "error"
        assert "plain `pytest`" in item.message and "`.env`" in item.message
        assert "Test Explorer (`python -m pytest" not in item.message  # that run imports it
        apply_fix(tmp_path, item)
        assert 'pythonpath = ["lib"]' in (tmp_path / "pyproject.toml").read_text()
        assert not only(check(tmp_path), "PD201")

    def test_use_env_file_names_the_integrated_terminal(self, tmp_path: Path) -> None:
        # `python.terminal.useEnvFile` loads `.env` into VS Code's terminals too: only CI lacks it.
        self._lib(tmp_path, **{".vscode/settings.json": '{"python.terminal.useEnvFile": true}'})
        [item] = only(check(tmp_path), "PD201")
        assert "with `python.terminal.useEnvFile`, `pytest` typed in its integrated terminal" in item.message
        assert "CI's plain `pytest` never reads `.env`" in item.message

    def test_dotenv_lookalikes_stay_silent(self, tmp_path: Path) -> None:
        configured = SEED_PYPROJECT + '\n[tool.pytest.ini_options]\npythonpath = ["lib"]\n'
        self._lib(tmp_path, **{"pyproject.toml": configured})
        assert not only(check(tmp_path), "PD201")
        # PYTHONPATH naming a folder that holds nothing the tests import.
        other = tmp_path / "other"
        seed(other, **{".env": "PYTHONPATH=scripts\n", "scripts/tool.py": ""})
        assert [f.severity.label for f in only(check(other), "PD201")] == [
            "error"
        ]  # the src layout, as always
        assert "`.env`" not in only(check(other), "PD201")[0].message

    def test_compiled_project_without_environment_is_information(self, tmp_path: Path) -> None:
        maturin = (
            SEED_PYPROJECT
            + '\n[tool.maturin]\npython-source = "python"\n'
            + '\n[build-system]\nrequires = ["maturin>=1,<2"]\nbuild-backend = "maturin"\n'
        )
        files = {"pyproject.toml": maturin, "python/my_app/__init__.py": "", "Cargo.toml": "[package]\n"}
        seed(tmp_path, **files)
        (tmp_path / "src/my_app/__init__.py").unlink()
        [item] = only(check(tmp_path), "PD201")
        assert item.severity.label == "information" and item.fix is None
        assert "maturin develop" in item.message and "no environment" in item.message
        severe = [f.code for f in check(tmp_path).findings if f.severity.label in ("error", "warning")]
        assert severe == ["PD301"]  # the editor part (python/ not searched) is fixable and real
        # With an environment that lacks the build, the tests really fail: an error.
        make_venv(tmp_path, dists={"pytest": "9.0.3"})
        [item] = only(check(tmp_path), "PD201")
        assert item.severity.label == "error" and item.fix is None


class TestPD203:
    def test_pytest_ini_shadows_pyproject_table(self, tmp_path: Path) -> None:
        seed(
            tmp_path,
            **{
                "pyproject.toml": SEED_PYPROJECT + '\n[tool.pytest.ini_options]\naddopts = "-q"\n',
                "pytest.ini": "[pytest]\n",
            },
        )
        [item] = only(check(tmp_path), "PD203")
        assert item.path == "pyproject.toml"
        assert text_at(tmp_path, item) == "[tool.pytest.ini_options]"
        assert item.related[0].path == "pytest.ini"

    def test_table_the_winner_repeats_is_information(self, tmp_path: Path) -> None:
        # After PD201's fix wrote `pythonpath = src` into pytest.ini, the pyproject table loses nothing.
        seed(
            tmp_path,
            **{
                "pyproject.toml": SEED_PYPROJECT + '\n[tool.pytest.ini_options]\npythonpath = ["src"]\n',
                "pytest.ini": "[pytest]\naddopts = -ra\npythonpath = src\n",
            },
        )
        [item] = only(check(tmp_path), "PD203")
        assert item.severity.label == "information" and "nothing is lost" in item.message
        assert cli("check", str(tmp_path)).returncode == 0
        # A different value, or an option the winner lacks, is lost: a warning naming it.
        write(tmp_path, {"pytest.ini": "[pytest]\naddopts = -ra\npythonpath = lib\n", "lib/x.py": ""})
        [item] = only(check(tmp_path), "PD203")
        assert item.severity.label == "warning" and "`pythonpath`" in item.message

    def test_silent_when_only_one_config_or_tox_without_pytest_section(self, tmp_path: Path) -> None:
        seed(
            tmp_path,
            **{
                "pyproject.toml": SEED_PYPROJECT + '\n[tool.pytest.ini_options]\naddopts = "-q"\n',
                "tox.ini": "[tox]\nenvlist = py311\n",
            },
        )
        assert not only(check(tmp_path), "PD203")
        plain = tmp_path / "plain"
        seed(plain, **{"pytest.ini": "[pytest]\n"})
        assert not only(check(plain), "PD203")


class TestPD204:
    def test_both_tables(self, tmp_path: Path) -> None:
        seed(
            tmp_path,
            **{
                "pyproject.toml": SEED_PYPROJECT
                + '\n[tool.pytest]\nminversion = "9.0"\n\n[tool.pytest.ini_options]\naddopts = "-q"\n'
            },
        )
        [item] = only(check(tmp_path), "PD204")
        assert item.severity.label == "error"
        assert text_at(tmp_path, item) == "[tool.pytest]"

    def test_dotted_native_key(self, tmp_path: Path) -> None:
        seed(
            tmp_path,
            **{
                "pyproject.toml": SEED_PYPROJECT
                + '\n[tool]\npytest.minversion = "9.0"\npytest.ini_options.addopts = "-q"\n'
            },
        )
        [item] = only(check(tmp_path), "PD204")
        assert text_at(tmp_path, item) == "pytest.minversion"

    def test_silent_for_ini_options_alone(self, tmp_path: Path) -> None:
        seed(
            tmp_path,
            **{"pyproject.toml": SEED_PYPROJECT + '\n[tool.pytest.ini_options]\npythonpath = ["src"]\n'},
        )
        assert not only(check(tmp_path), "PD204")


class TestPD205:
    def test_same_basename_in_plain_folders(self, tmp_path: Path) -> None:
        seed(
            tmp_path,
            **{
                "tests/a/test_util.py": "def test_a(): pass\n",
                "tests/b/test_util.py": "def test_b(): pass\n",
            },
        )
        [item] = only(check(tmp_path), "PD205")
        assert item.path == "tests/b/test_util.py"
        assert item.related[0].path == "tests/a/test_util.py"
        apply_fix(tmp_path, item)
        assert (tmp_path / "tests/a/__init__.py").exists() and (tmp_path / "tests/b/__init__.py").exists()
        assert not only(check(tmp_path), "PD205")

    def test_fix_reaches_up_to_the_shared_folder(self, tmp_path: Path) -> None:
        # tests/a/b and tests/c/b: `__init__.py` in the leaf folders alone gives `b.test_x` twice.
        seed(tmp_path, **{"tests/a/b/test_x.py": "", "tests/c/b/test_x.py": ""})
        [item] = only(check(tmp_path), "PD205")
        assert item.fix is not None and item.fix.applicability.value == "unsafe"
        apply_fix(tmp_path, item)
        for folder in ("tests/a", "tests/a/b", "tests/c", "tests/c/b"):
            assert (tmp_path / folder / "__init__.py").exists(), folder
        assert not (tmp_path / "tests/__init__.py").exists()
        assert not only(check(tmp_path), "PD205")

    def test_silent_with_importlib_mode_or_packages(self, tmp_path: Path) -> None:
        seed(
            tmp_path,
            **{
                "pyproject.toml": SEED_PYPROJECT
                + '\n[tool.pytest.ini_options]\naddopts = "--import-mode=importlib"\n',
                "tests/a/test_util.py": "",
                "tests/b/test_util.py": "",
            },
        )
        assert not only(check(tmp_path), "PD205")
        packaged = tmp_path / "pk"
        seed(
            packaged,
            **{
                "tests/a/__init__.py": "",
                "tests/a/test_util.py": "",
                "tests/b/__init__.py": "",
                "tests/b/test_util.py": "",
            },
        )
        assert not only(check(packaged), "PD205")


def uv_workspace_of_two(root_pytest: str = "", b_test: str = "test_util.py") -> dict[str, str]:
    """A uv workspace root whose two members each hold tests; the root's pytest puts both members'
    source roots on sys.path, so the root run imports them (as after `uv sync --all-packages`)."""
    files = {
        "pyproject.toml": '[project]\nname = "root"\nversion = "0"\n\n[tool.uv.workspace]\nmembers = ["packages/*"]\n\n'
        '[tool.pytest.ini_options]\npythonpath = ["packages/a/src", "packages/b/src"]\n' + root_pytest,
    }
    for member, test in (("a", "test_util.py"), ("b", b_test)):
        files[f"packages/{member}/pyproject.toml"] = f'[project]\nname = "{member}"\nversion = "0"\n'
        files[f"packages/{member}/src/{member}/__init__.py"] = "X = 1\n"
        files[f"packages/{member}/tests/{test}"] = (
            f"from {member} import X\n\n\ndef test_x():\n    assert X == 1\n"
        )
    return files


class TestPD205AcrossProjects:
    def test_members_clash_in_the_root_run_and_the_test_explorer(self, tmp_path: Path) -> None:
        write(tmp_path, uv_workspace_of_two())
        for run in (real_pytest(tmp_path), real_pytest(tmp_path, "-m", "pytest")):
            assert run.returncode != 0 and "import file mismatch" in run.stdout, run.stdout
        [item] = only(check(tmp_path), "PD205")
        assert item.severity.label == "error" and item.fix is None
        assert item.path == "packages/b/tests/test_util.py"
        assert [r.path for r in item.related] == ["packages/a/tests/test_util.py"]
        assert "(of `packages/b`)" in item.message and "import file mismatch" in item.message
        assert "the Test Explorer" in item.message

    def test_silent_where_the_root_run_passes(self, tmp_path: Path) -> None:
        cases = {
            "importlib": uv_workspace_of_two(root_pytest='addopts = "--import-mode=importlib"\n'),
            "unique-names": uv_workspace_of_two(b_test="test_util_b.py"),
        }
        for name, files in cases.items():
            write(tmp_path / name, files)
            assert real_pytest(tmp_path / name).returncode == 0, name
            assert not only(check(tmp_path / name), "PD205"), name


class TestPD206:
    def test_fires_without_pytest_and_fixes_with_venv_version(self, tmp_path: Path) -> None:
        seed(
            tmp_path,
            **{
                "pyproject.toml": SEED_PYPROJECT.replace(
                    '\n[dependency-groups]\ndev = [\n    "pytest>=9.0.3",\n]\n', ""
                )
            },
        )
        make_venv(tmp_path, dists={"pytest": "9.0.3"})
        [item] = only(check(tmp_path), "PD206")
        assert text_at(tmp_path, item) == "[project]"
        apply_fix(tmp_path, item)
        assert (
            (tmp_path / "pyproject.toml")
            .read_text()
            .endswith('\n[dependency-groups]\ndev = ["pytest>=9.0.3"]\n')
        )
        assert not only(check(tmp_path), "PD206")

    def test_appends_to_existing_dev_group(self, tmp_path: Path) -> None:
        seed(tmp_path, **{"pyproject.toml": SEED_PYPROJECT.replace('"pytest>=9.0.3"', '"ruff"')})
        [item] = only(check(tmp_path), "PD206")
        assert text_at(tmp_path, item) == "[dependency-groups]"
        apply_fix(tmp_path, item)
        assert '    "ruff",\n    "pytest",\n]' in (tmp_path / "pyproject.toml").read_text()

    def test_silent_for_other_declarations(self, tmp_path: Path) -> None:
        variants = {
            "extras": '[project]\nname = "x"\n[project.optional-dependencies]\ntest = ["pytest>=8"]\n',
            "poetry": '[tool.poetry]\nname = "x"\n[tool.poetry.group.dev.dependencies]\npytest = "^8"\n',
            "uv": '[project]\nname = "x"\n[tool.uv]\ndev-dependencies = ["pytest"]\n',
            "hatch": '[project]\nname = "x"\n[tool.hatch.envs.test]\ndependencies = ["pytest-cov", "pytest"]\n',
        }
        for name, pyproject in variants.items():
            root = tmp_path / name
            write(root, {"pyproject.toml": pyproject, "tests/test_a.py": "def test_a(): pass\n"})
            assert not only(check(root), "PD206"), name
        reqs = tmp_path / "reqs"
        write(
            reqs,
            {
                "pyproject.toml": '[project]\nname = "x"\n',
                "requirements-dev.txt": "-r base.txt\npytest==8.3\n",
                "tests/test_a.py": "def test_a(): pass\n",
            },
        )
        assert not only(check(reqs), "PD206")

    def test_silent_for_unittest_suites_and_pytest_plugins_only(self, tmp_path: Path) -> None:
        write(
            tmp_path,
            {
                "pyproject.toml": '[project]\nname = "x"\n',
                "tests/test_a.py": "import unittest\n\n\nclass TestA(unittest.TestCase):\n    def test_a(self):\n        pass\n",
            },
        )
        assert not only(check(tmp_path), "PD206")
        plugin = tmp_path / "plugin"
        write(
            plugin,
            {
                "pyproject.toml": '[project]\nname = "x"\ndependencies = ["pytest-cov"]\n',
                "tests/test_a.py": "def test_a(): pass\n",
            },
        )
        assert only(check(plugin), "PD206")  # pytest-cov is not pytest

    def test_workspace_root_declaration_counts_for_members(self, tmp_path: Path) -> None:
        write(
            tmp_path,
            {
                "pyproject.toml": '[tool.uv.workspace]\nmembers = ["packages/*"]\n[dependency-groups]\ndev = ["pytest"]\n',
                "packages/a/pyproject.toml": '[project]\nname = "a"\n',
                "packages/a/tests/test_a.py": "def test_a(): pass\n",
            },
        )
        assert not only(check(tmp_path), "PD206")
