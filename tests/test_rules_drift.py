"""PD601–PD604: where the terminal, the Test Explorer, its debugger and CI see different things."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pyproj_doctor.findings import Severity
from pyproj_doctor.formats import jsonc
from tests.helpers import SEED_PYPROJECT, apply_fix, check, make_venv, only, seed, text_at

SETTINGS = ".vscode/settings.json"
LAUNCH = ".vscode/launch.json"
ENABLED = {"python.testing.pytestEnabled": True, "python.testing.pytestArgs": ["tests"]}
COV_PYPROJECT = (
    SEED_PYPROJECT.replace('"pytest>=9.0.3",', '"pytest>=9.0.3",\n    "pytest-cov>=6",')
    + '\n[tool.pytest.ini_options]\naddopts = "-ra --cov=my_app --cov-report=term"\n'
)


def js(value: object) -> str:
    return json.dumps(value, indent=4) + "\n"


def launch(root: Path) -> Any:
    return jsonc.parse((root / LAUNCH).read_text()).value()


def debug_config(*configs: Mapping[str, object], version: str | None = "0.2.0") -> str:
    data: dict[str, object] = {"configurations": list(configs)}
    if version:
        data = {"version": version, **data}
    return js(data)


TEST_CONFIG: dict[str, object] = {
    "name": "Debug tests",
    "type": "debugpy",
    "request": "launch",
    "purpose": ["debug-test"],
}


class TestPD601:
    def test_cov_in_addopts_breaks_debugging_and_the_fix_adds_a_debug_config(self, tmp_path: Path) -> None:
        seed(tmp_path, **{"pyproject.toml": COV_PYPROJECT, SETTINGS: js(ENABLED)})
        [item] = only(check(tmp_path), "PD601")
        assert item.severity == Severity.WARNING
        assert item.path == "pyproject.toml" and text_at(tmp_path, item) == "--cov=my_app"
        assert "breakpoints in debugged tests are not hit" in item.message
        assert item.fix is not None and item.fix.applicability.value == "safe"
        apply_fix(tmp_path, item)
        data = launch(tmp_path)
        assert data["version"] == "0.2.0"
        [config] = data["configurations"]
        assert config["purpose"] == ["debug-test"] and config["env"] == {"PYTEST_ADDOPTS": "--no-cov"}
        assert not only(check(tmp_path), "PD601")

    def test_a_hint_when_the_test_explorer_is_not_enabled(self, tmp_path: Path) -> None:
        seed(tmp_path, **{"pyproject.toml": COV_PYPROJECT})
        [item] = only(check(tmp_path), "PD601")
        assert item.severity == Severity.HINT

    def test_cov_in_pytest_args_is_reported_on_the_item(self, tmp_path: Path) -> None:
        pyproject = SEED_PYPROJECT.replace('"pytest>=9.0.3",', '"pytest>=9.0.3", "pytest-cov"')
        settings = {**ENABLED, "python.testing.pytestArgs": ["tests", "--cov", "my_app"]}
        seed(tmp_path, **{"pyproject.toml": pyproject, SETTINGS: js(settings)})
        [item] = only(check(tmp_path), "PD601")
        assert item.path == SETTINGS and text_at(tmp_path, item) == '"--cov"'

    def test_existing_debug_config_gets_no_cov_added_to_its_addopts(self, tmp_path: Path) -> None:
        config: dict[str, object] = {**TEST_CONFIG, "env": {"PYTEST_ADDOPTS": "-x", "OTHER": "1"}}
        files = {"pyproject.toml": COV_PYPROJECT, SETTINGS: js(ENABLED), LAUNCH: debug_config(config)}
        seed(tmp_path, **files)
        [item] = only(check(tmp_path), "PD601")
        assert "'Debug tests'" in item.message
        apply_fix(tmp_path, item)
        [after] = launch(tmp_path)["configurations"]
        assert after["env"] == {"PYTEST_ADDOPTS": "-x --no-cov", "OTHER": "1"}
        assert not only(check(tmp_path), "PD601")

    def test_a_request_test_config_without_env_counts_as_the_debug_config(self, tmp_path: Path) -> None:
        config: dict[str, object] = {"name": "Old tests", "type": "python", "request": "test"}
        seed(tmp_path, **{"pyproject.toml": COV_PYPROJECT, LAUNCH: debug_config(config)})
        [item] = only(check(tmp_path), "PD601")
        apply_fix(tmp_path, item)
        [after] = launch(tmp_path)["configurations"]
        assert after == {**config, "env": {"PYTEST_ADDOPTS": "--no-cov"}}

    def test_no_cov_in_a_config_without_the_debug_purpose_is_named(self, tmp_path: Path) -> None:
        config: dict[str, object] = {"name": "Tests", "type": "debugpy", "request": "launch"}
        config["env"] = {"PYTEST_ADDOPTS": "--no-cov"}
        files = {"pyproject.toml": COV_PYPROJECT, SETTINGS: js(ENABLED), LAUNCH: debug_config(config)}
        seed(tmp_path, **files)
        [item] = only(check(tmp_path), "PD601")
        assert "lacks" in item.message and any(r.site for r in item.related)
        apply_fix(tmp_path, item)
        [after] = launch(tmp_path)["configurations"]
        assert after["purpose"] == ["debug-test"]
        assert not only(check(tmp_path), "PD601")

    def test_a_launch_json_the_extension_refuses_gets_no_fix(self, tmp_path: Path) -> None:
        files = {"pyproject.toml": COV_PYPROJECT, LAUNCH: debug_config(TEST_CONFIG, version=None)}
        seed(tmp_path, **files)
        [item] = only(check(tmp_path), "PD601")
        assert item.fix is None and item.fix_unavailable and "version" in item.fix_unavailable

    def test_silent_look_alikes(self, tmp_path: Path) -> None:
        no_cov_debug: dict[str, object] = {**TEST_CONFIG, "env": {"PYTEST_ADDOPTS": "--no-cov"}}
        cases = {
            # pytest-cov neither declared nor installed: `--cov` fails pytest outright (another rule's job).
            "undeclared": {"pyproject.toml": COV_PYPROJECT.replace('\n    "pytest-cov>=6",', "")},
            "report-only": {"pyproject.toml": COV_PYPROJECT.replace("--cov=my_app ", "")},
            "no-cov-in-args": {
                "pyproject.toml": COV_PYPROJECT,
                SETTINGS: js({**ENABLED, "python.testing.pytestArgs": ["tests", "--no-cov"]}),
            },
            "debug-config": {"pyproject.toml": COV_PYPROJECT, LAUNCH: debug_config(no_cov_debug)},
            "dotenv": {"pyproject.toml": COV_PYPROJECT, ".env": "PYTEST_ADDOPTS='--no-cov'\n"},
            "plugin-off": {"pyproject.toml": COV_PYPROJECT.replace("-ra ", "-p no:pytest_cov ")},
            "settings-launch": {
                "pyproject.toml": COV_PYPROJECT,
                SETTINGS: js({**ENABLED, "launch": {"configurations": [no_cov_debug]}}),
            },
        }
        for name, files in cases.items():
            seed(tmp_path / name, **files)
            assert not only(check(tmp_path / name), "PD601"), name

    def test_an_environment_without_pytest_cov_is_silent(self, tmp_path: Path) -> None:
        seed(tmp_path, **{"pyproject.toml": COV_PYPROJECT})
        make_venv(tmp_path, dists={"pytest": "9.0.3"})
        assert not only(check(tmp_path), "PD601")
        make_venv(tmp_path, dists={"pytest": "9.0.3", "pytest_cov": "7.0.0"})
        assert only(check(tmp_path), "PD601")


class TestPD602:
    def test_terminal_pythonpath_reaches_only_the_terminal(self, tmp_path: Path) -> None:
        settings = (
            '{\n  "terminal.integrated.env.linux": {"PYTHONPATH": "${workspaceFolder}/lib", "X": "1"}\n}\n'
        )
        seed(tmp_path, **{SETTINGS: settings, "lib/helpers/__init__.py": ""})
        [item] = only(check(tmp_path), "PD602")
        assert item.severity == Severity.INFORMATION and item.fix is None
        assert text_at(tmp_path, item) == '"PYTHONPATH": "${workspaceFolder}/lib"'
        assert "`lib`" in item.message and "only to VS Code's integrated terminal" in item.message

    def test_silent_when_pytest_pythonpath_lists_it_or_nothing_is_known(self, tmp_path: Path) -> None:
        env = {"terminal.integrated.env.osx": {"PYTHONPATH": "lib:${env:PYTHONPATH}"}}
        pythonpath = SEED_PYPROJECT + '\n[tool.pytest.ini_options]\npythonpath = ["lib"]\n'
        cases = {
            "covered": {"pyproject.toml": pythonpath, SETTINGS: js(env), "lib/x.py": ""},
            "missing-folder": {SETTINGS: js(env)},
            "variables-only": {
                SETTINGS: js({"terminal.integrated.env.linux": {"PYTHONPATH": "${env:HOME}/x"}})
            },
            "other-variable": {
                SETTINGS: js({"terminal.integrated.env.linux": {"LIB": "lib"}}),
                "lib/x.py": "",
            },
        }
        for name, files in cases.items():
            seed(tmp_path / name, **files)
            assert not only(check(tmp_path / name), "PD602"), name

    def test_silent_for_a_folder_the_env_file_gives_the_test_explorer(self, tmp_path: Path) -> None:
        env = {"terminal.integrated.env.linux": {"PYTHONPATH": "${workspaceFolder}/lib"}}
        seed(tmp_path, **{SETTINGS: js(env), ".env": "PYTHONPATH=lib\n", "lib/x.py": ""})
        assert not only(check(tmp_path), "PD602")

    def test_use_env_file_replaces_it_in_new_terminals(self, tmp_path: Path) -> None:
        settings = {
            "terminal.integrated.env.linux": {"PYTHONPATH": "src"},
            "python.terminal.useEnvFile": True,
        }
        files = {SETTINGS: js(settings), ".env": "PYTHONPATH=tools\n", "src/x.py": "", "tools/y.py": ""}
        seed(tmp_path, **files)
        [item] = only(check(tmp_path), "PD602")
        assert text_at(tmp_path, item) == '"PYTHONPATH": "src"'
        assert "never takes effect" in item.message and "PYTHONPATH from .env instead" in item.message
        # Without PYTHONPATH in the env file, the Python Environments extension leaves it alone.
        seed(tmp_path / "no-pythonpath", **{**files, ".env": "DEBUG=1\n"})
        [item] = only(check(tmp_path / "no-pythonpath"), "PD602")
        assert "only to VS Code's integrated terminal" in item.message


class TestPD603:
    def test_a_missing_entry_is_reported_on_its_text(self, tmp_path: Path) -> None:
        env = '# local\nexport PYTHONPATH="src:/home/alice/proj/lib"\nDEBUG=1\n'
        seed(tmp_path, **{".env": env})
        [item] = only(check(tmp_path), "PD603")
        assert item.path == ".env" and text_at(tmp_path, item) == "/home/alice/proj/lib"
        assert "exists only on the machine that wrote it" in item.message

    def test_the_configured_env_file_and_windows_separators(self, tmp_path: Path) -> None:
        settings = js({"python.envFile": "${workspaceFolder}/config/dev.env"})
        seed(
            tmp_path,
            **{SETTINGS: settings, "config/dev.env": "PYTHONPATH=src;libs\n", ".env": "PYTHONPATH=x\n"},
        )
        [item] = only(check(tmp_path), "PD603")
        assert item.path == "config/dev.env" and text_at(tmp_path, item) == "libs"

    def test_a_warning_while_imports_fail_information_once_they_resolve(self, tmp_path: Path) -> None:
        app = {"src/app/__init__.py": "", "tests/test_app.py": "import app\n", ".env": "PYTHONPATH=source\n"}
        seed(tmp_path / "failing", **app, **{"pyproject.toml": '[project]\nname = "app"\n'})
        [item] = only(check(tmp_path / "failing"), "PD603")
        assert item.severity == Severity.WARNING and "imports it was meant to serve fail" in item.message
        pytest_src = '[project]\nname = "app"\n\n[tool.pytest.ini_options]\npythonpath = ["src"]\n'
        seed(tmp_path / "resolved", **app, **{"pyproject.toml": pytest_src})
        [item] = only(check(tmp_path / "resolved"), "PD603")
        assert item.severity == Severity.INFORMATION and text_at(tmp_path / "resolved", item) == "source"
        assert "every test import resolves without it" in item.message

    def test_silent_look_alikes(self, tmp_path: Path) -> None:
        cases = {
            "exists": "PYTHONPATH=src\n",
            "variables": "PYTHONPATH=${PYTHONPATH}:$HOME/lib:~/x\n",
            "workspace-folder": "PYTHONPATH=${workspaceFolder}/src\n",
            "other-name": "MYPATH=nowhere\n",
            "comment": "# PYTHONPATH=nowhere\n",
        }
        for name, env in cases.items():
            seed(tmp_path / name, **{".env": env})
            assert not only(check(tmp_path / name), "PD603"), name


class TestPD604:
    def test_selecting_options_in_the_debug_config_are_a_warning(self, tmp_path: Path) -> None:
        config: dict[str, object] = {**TEST_CONFIG, "env": {"PYTEST_ADDOPTS": "-k smoke --no-cov"}}
        seed(tmp_path, **{LAUNCH: debug_config(config)})
        [item] = only(check(tmp_path), "PD604")
        assert item.severity == Severity.WARNING and item.path == LAUNCH
        assert text_at(tmp_path, item) == '"PYTEST_ADDOPTS": "-k smoke --no-cov"'
        assert "`-k smoke`" in item.message and "runs nothing" in item.message
        assert item.fix is not None and item.fix.applicability.value == "unsafe"
        apply_fix(tmp_path, item)
        [after] = launch(tmp_path)["configurations"]
        assert after["env"] == {"PYTEST_ADDOPTS": "--no-cov"}
        assert not only(check(tmp_path), "PD604")

    def test_import_options_are_information(self, tmp_path: Path) -> None:
        config: dict[str, object] = {**TEST_CONFIG, "env": {"PYTEST_ADDOPTS": "--import-mode=importlib"}}
        seed(tmp_path, **{LAUNCH: debug_config(config)})
        [item] = only(check(tmp_path), "PD604")
        assert item.severity == Severity.INFORMATION and "`--import-mode=importlib`" in item.message
        apply_fix(tmp_path, item)
        [after] = launch(tmp_path)["configurations"]
        assert "env" in after and after["env"] == {}

    def test_silent_look_alikes(self, tmp_path: Path) -> None:
        harmless: dict[str, object] = {
            **TEST_CONFIG,
            "env": {"PYTEST_ADDOPTS": "--no-cov -s -v --tb=short -p no:pytest_cov -x"},
        }
        own_run: dict[str, object] = {
            "name": "Smoke",
            "type": "debugpy",
            "request": "launch",
            "module": "pytest",
        }
        own_run["env"] = {"PYTEST_ADDOPTS": "-k smoke"}
        cases = {
            "harmless": debug_config(harmless),
            "not-the-debug-config": debug_config(own_run),
            "refused": debug_config({**TEST_CONFIG, "env": {"PYTEST_ADDOPTS": "-k smoke"}}, version=None),
        }
        for name, text in cases.items():
            seed(tmp_path / name, **{LAUNCH: text})
            assert not only(check(tmp_path / name), "PD604"), name
