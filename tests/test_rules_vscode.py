"""PD301–PD307: Pylance search paths, Test Explorer settings, interpreter, workspace files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import ClassVar

import pytest

from pyproj_doctor import engine
from pyproj_doctor.engine import Options
from pyproj_doctor.findings import Applicability, Severity
from pyproj_doctor.workspace.runs import positional_args
from tests.helpers import SEED_PYPROJECT, apply_fix, check, make_venv, only, seed, text_at, write

SETTINGS = ".vscode/settings.json"


def settings(root: Path) -> dict[str, object]:
    from pyproj_doctor.formats import jsonc

    return jsonc.parse((root / SETTINGS).read_text()).value()  # type: ignore[no-any-return]


class TestPD301:
    def test_top_level_src_resolves_through_auto_search(self, tmp_path: Path) -> None:
        seed(tmp_path)
        assert not only(check(tmp_path), "PD301")
        seed(tmp_path, **{SETTINGS: '{"python.analysis.autoSearchPaths": false}'})
        [item] = only(check(tmp_path), "PD301")
        assert item.severity == Severity.WARNING
        apply_fix(tmp_path, item)
        assert settings(tmp_path)["python.analysis.extraPaths"] == ["./src"]
        assert not only(check(tmp_path), "PD301")

    def test_nested_src_is_a_warning_on_existing_settings(self, tmp_path: Path) -> None:
        files = {
            SETTINGS: '{\n    // team settings\n    "editor.rulers": [100]\n}\n',
            "packages/a/pyproject.toml": "[project]\nname = 'a'\n",
            "packages/a/src/a_pkg/__init__.py": "",
        }
        write(tmp_path / "unused", files)
        assert not only(check(tmp_path / "unused"), "PD301")  # nothing imports it: no search path needed
        write(tmp_path, {**files, "packages/a/tests/test_a.py": "import a_pkg\n"})
        [item] = only(check(tmp_path), "PD301")
        assert item.severity == Severity.WARNING
        assert item.path == SETTINGS and text_at(tmp_path, item) == "{"
        apply_fix(tmp_path, item)
        assert (tmp_path / SETTINGS).read_text() == (
            '{\n    // team settings\n    "editor.rulers": [100],\n'
            '    "python.analysis.extraPaths": ["./packages/a/src"]\n}\n'
        )
        assert not only(check(tmp_path), "PD301")

    def test_dotenv_pythonpath_is_information(self, tmp_path: Path) -> None:
        # The Python extension passes `.env` PYTHONPATH to Pylance (`_envPYTHONPATH`), which adds it
        # to extraPaths; the pyright CLI (checked with npm pyright 1.1.414) does not read `.env`.
        files = {
            "pyproject.toml": "[project]\nname = 'app'\n",
            "lib/app/__init__.py": "",
            "tests/test_app.py": "from app import f\n",
            ".env": "PYTHONPATH=lib\n",
        }
        write(tmp_path, files)
        [item] = only(check(tmp_path), "PD301")
        assert item.severity == Severity.INFORMATION and "`.env`" in item.message
        apply_fix(tmp_path, item)
        assert settings(tmp_path)["python.analysis.extraPaths"] == ["./lib"]
        assert not only(check(tmp_path), "PD301")
        # `.env` naming another folder (lib known from pytest's pythonpath): unresolved in Pylance too.
        other = tmp_path / "other"
        pytest_lib = "[project]\nname = 'app'\n[tool.pytest.ini_options]\npythonpath = ['lib']\n"
        write(other, {**files, "pyproject.toml": pytest_lib, ".env": "PYTHONPATH=tools\n", "tools/x.py": ""})
        [item] = only(check(other), "PD301")
        assert item.severity == Severity.WARNING and "`.env`" not in item.message
        # A pyright config with its own extraPaths replaces settings and `.env` alike: a warning.
        config = tmp_path / "config"
        write(config, {**files, "pyrightconfig.json": '{"extraPaths": ["tools"]}', "tools/x.py": ""})
        [item] = only(check(config), "PD301")
        assert item.severity == Severity.WARNING and item.path == "pyrightconfig.json"

    def test_existing_extra_paths_key_is_the_location(self, tmp_path: Path) -> None:
        write(
            tmp_path,
            {
                SETTINGS: '{"python.analysis.extraPaths": ["./lib"]}',
                "lib/x.py": "",
                "app/pyproject.toml": "[project]\nname='a'\n",
                "app/src/app_pkg/__init__.py": "",
                "app/tests/test_app.py": "from app_pkg import thing\n",
            },
        )
        [item] = only(check(tmp_path), "PD301")
        assert text_at(tmp_path, item) == '"python.analysis.extraPaths"'
        apply_fix(tmp_path, item)
        assert (tmp_path / SETTINGS).read_text() == '{"python.analysis.extraPaths": ["./lib", "./app/src"]}'

    def test_pyright_config_is_the_fix_target(self, tmp_path: Path) -> None:
        seed(
            tmp_path,
            **{
                "src/__init__.py": "",  # switches the automatic src off
                "pyrightconfig.json": '{\n  "typeCheckingMode": "basic"\n}\n',
                SETTINGS: "{}",
            },
        )
        [item] = only(check(tmp_path), "PD301")
        assert item.path == "pyrightconfig.json"
        apply_fix(tmp_path, item)
        assert json.loads((tmp_path / "pyrightconfig.json").read_text())["extraPaths"] == ["src"]
        assert (tmp_path / SETTINGS).read_text() == "{}"

    def test_settings_extra_paths_count_when_the_pyright_config_sets_none(self, tmp_path: Path) -> None:
        # pyright: a config replaces settings.json's extraPaths only when it sets extraPaths itself.
        files = {
            "pyrightconfig.json": '{"typeCheckingMode": "basic"}',
            SETTINGS: '{"python.analysis.extraPaths": ["./lib/src"]}',
            "lib/pyproject.toml": "[project]\nname = 'lib'\n",
            "lib/src/pkg/__init__.py": "",
            "lib/tests/test_pkg.py": "import pkg\n",
        }
        write(tmp_path, files)
        assert not only(check(tmp_path), "PD301")
        assert not [f for f in only(check(tmp_path), "PD303") if "extraPaths" in f.message]

    def test_tool_pyright_table_is_the_fix_target(self, tmp_path: Path) -> None:
        write(
            tmp_path,
            {
                "pyproject.toml": "[project]\nname = 'x'\n\n[tool.pyright]\ntypeCheckingMode = 'strict'\n",
                "lib/src/pkg/__init__.py": "",
                "lib/pyproject.toml": "[project]\nname = 'lib'\n",
                "lib/tests/test_pkg.py": "import pkg\n",
            },
        )
        [item] = only(check(tmp_path), "PD301")
        assert text_at(tmp_path, item) == "[tool.pyright]"
        apply_fix(tmp_path, item)
        assert (
            "typeCheckingMode = 'strict'\nextraPaths = [\"lib/src\"]\n"
            in (tmp_path / "pyproject.toml").read_text()
        )

    def test_silent_when_covered(self, tmp_path: Path) -> None:
        cases = {
            "extra": {SETTINGS: '{"python.analysis.extraPaths": ["${workspaceFolder}/packages/a/src"]}'},
            "glob": {SETTINGS: '{"python.analysis.extraPaths": ["packages/*/src"]}'},
            "pyright": {"pyrightconfig.json": '{"extraPaths": ["packages/a/src"]}'},
            # An environment holding the tests; its extraPaths resolve against the config's folder.
            "envs": {
                "pyrightconfig.json": '{"executionEnvironments": '
                '[{"root": "packages/a", "extraPaths": ["packages/a/src"]}]}'
            },
            # Pylance's experimental project search paths add the projects' src roots.
            "projects": {SETTINGS: '{"python.analysis.addExtraPathsForPythonProjects": true}'},
        }
        layout = {
            "packages/a/pyproject.toml": "[project]\nname='a'\n",
            "packages/a/src/a_pkg/__init__.py": "",
            "packages/a/tests/test_a.py": "import a_pkg\n",
        }
        for name, extra in cases.items():
            root = tmp_path / name
            write(root, {**layout, **extra})
            assert not only(check(root), "PD301"), name

    def test_silent_for_editable_path_pth_but_not_import_hook(self, tmp_path: Path) -> None:
        layout = {
            "packages/a/pyproject.toml": "[project]\nname='a'\n",
            "packages/a/src/a_pkg/__init__.py": "",
            "packages/a/tests/test_a.py": "import a_pkg\n",
        }
        write(tmp_path / "pth", layout)
        make_venv(tmp_path / "pth", pth={"_a.pth": str(tmp_path / "pth/packages/a/src") + "\n"})
        assert not only(check(tmp_path / "pth"), "PD301")
        write(tmp_path / "hook", layout)
        make_venv(
            tmp_path / "hook",
            pth={
                "__editable__.a-0.1.pth": "import __editable___a_0_1_finder; __editable___a_0_1_finder.install()\n"
            },
        )
        assert only(check(tmp_path / "hook"), "PD301")

    def test_silent_for_flat_layout_and_local_imports(self, tmp_path: Path) -> None:
        write(
            tmp_path,
            {
                "pyproject.toml": "[project]\nname='x'\n",
                "pkg/__init__.py": "",
                "tests/test_a.py": "import pkg\n",
            },
        )
        assert not only(check(tmp_path), "PD301")
        # pyright's local-import rule: a package beside the tests' parent folder resolves.
        nested = tmp_path / "nested"
        write(
            nested,
            {
                "proj/pyproject.toml": "[project]\nname='x'\n",
                "proj/pkg/__init__.py": "",
                "proj/tests/test_a.py": "import pkg\n",
            },
        )
        assert not only(check(nested), "PD301")

    def test_python_root_pytest_knows_and_pylance_does_not(self, tmp_path: Path) -> None:
        write(
            tmp_path,
            {
                "pyproject.toml": "[project]\nname='x'\n[tool.pytest.ini_options]\npythonpath = [\"python\"]\n",
                "python/pkg/__init__.py": "",
                "tests/test_a.py": "import pkg\n",
                "src/engine/lib.rs": "",
                "src/engine/sub/mod.rs": "",
            },
        )
        report = check(tmp_path)
        [item] = only(report, "PD301")
        assert "`python`" in item.message and "engine" not in item.message
        assert not only(report, "PD201")

    def test_uninstalled_workspace_member_is_a_hint_without_environment(self, tmp_path: Path) -> None:
        # Nothing to configure: `uv sync` resolves it; PD201's information names the command.
        write(
            tmp_path,
            {
                "pyproject.toml": '[project]\nname = "root"\nversion = "0"\n[tool.uv.workspace]\nmembers = ["packages/*"]\n',
                "uv.lock": "",
                "packages/a/pyproject.toml": '[project]\nname = "a"\nversion = "0"\n'
                '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n',
                "packages/a/src/a_pkg/__init__.py": "",
                "packages/a/tests/test_a.py": "import a_pkg\n",
            },
        )
        report = check(tmp_path)
        assert [(f.code, f.severity) for f in report.findings if f.code in ("PD201", "PD301")] == [
            ("PD201", Severity.INFORMATION),
            ("PD301", Severity.HINT),
        ]
        assert all("uv sync" in f.message for f in report.findings if f.code in ("PD201", "PD301"))


HOOK_PTH = "import __editable___app_0_1_0_finder; __editable___app_0_1_0_finder.install()\n"
SETUPTOOLS = '[build-system]\nrequires = ["setuptools>=64"]\nbuild-backend = "setuptools.build_meta"\n'


class TestPD301ImportHook:
    """The note on an editable install Pylance cannot follow; tests/truth/test_import_hook.py runs
    the named alternative through a real `uv sync` and pyright."""

    def member(
        self, root: Path, member_extra: str = "", root_extra: str = "", backend: str = SETUPTOOLS
    ) -> None:
        write(
            root,
            {
                "pyproject.toml": "[project]\nname = 'root'\nversion = '0.1.0'\n" + root_extra,
                "packages/app/pyproject.toml": "[project]\nname = 'app'\nversion = '0.1.0'\n\n"
                + backend
                + member_extra,
                "packages/app/app/__init__.py": "",
                "tests/test_a.py": "import app\n",
            },
        )

    def venv(self, root: Path, pth: str = HOOK_PTH) -> None:
        make_venv(root, pth={"__editable__.app-0.1.0.pth": pth}, editable=("app", root / "packages/app"))

    UV = "\n[tool.uv.workspace]\nmembers = ['packages/*']\n"

    def test_uv_names_compat_in_the_workspace_root(self, tmp_path: Path) -> None:
        self.member(tmp_path, root_extra=self.UV)
        self.venv(tmp_path)
        [item] = only(check(tmp_path), "PD301")
        assert item.message.endswith(
            " `.venv` installs `app` editable through an import hook (`__editable__.app-0.1.0.pth` runs "
            "`import ...`): Python follows it, but Pylance (like pyright) follows only path lines in "
            '`.pth` files. Instead of extraPaths, `[tool.uv] config-settings-package = { app = { editable_mode = "compat" } }` in '
            "pyproject.toml and then `uv sync` make setuptools write a path `.pth` for `packages/app`."
        )
        # The extraPaths fix stays, and resolves it.
        apply_fix(tmp_path, item)
        assert settings(tmp_path)["python.analysis.extraPaths"] == ["./packages/app"]
        assert not only(check(tmp_path), "PD301")

    def test_uv_offers_compat_as_an_unsafe_alternative_fix(self, tmp_path: Path) -> None:
        self.member(tmp_path, root_extra=self.UV)
        self.venv(tmp_path)
        [item] = only(check(tmp_path), "PD301")
        [alternative] = item.alternatives
        assert alternative.applicability is Applicability.UNSAFE
        assert alternative.description == (
            'Set editable_mode = "compat" for `app` in [tool.uv] config-settings-package of pyproject.toml, then run `uv sync` '
            "(a path `.pth` for `packages/app`)"
        )
        before = (tmp_path / "pyproject.toml").read_text()
        # `--fix` (even unsafe) applies the rule's fix only: the alternative is a person's choice.
        result = engine.fix_all(str(tmp_path), Options(), unsafe=True)
        assert "pyproject.toml" not in {f.path for f in result.files}
        apply_fix(tmp_path, item, alternative=0)
        assert (tmp_path / "pyproject.toml").read_text() == (
            before + '\n[tool.uv]\nconfig-settings-package = { app = { editable_mode = "compat" } }\n'
        )
        # Written, not yet synced: the note now names `uv sync`, and nothing more is offered.
        [stale] = only(check(tmp_path), "PD301")
        assert "but this install predates it" in stale.message and not stale.alternatives

    @pytest.mark.parametrize(
        ("uv", "after"),
        [
            # An existing [tool.uv] table gets the key; an existing per-package table gets the
            # package, or the package's own entry the setting (as the file spells its name).
            (
                "[tool.uv]\npackage = false  # kept\n",
                'package = false  # kept\nconfig-settings-package = { app = { editable_mode = "compat" } }\n',
            ),
            (
                '[tool.uv]\nconfig-settings-package = { other = { x = "1" } }\n',
                'config-settings-package = { other = { x = "1" }, app = { editable_mode = "compat" } }\n',
            ),
            (
                '[tool.uv.config-settings-package]\nApp = { build_ext = "x" }\n',
                '[tool.uv.config-settings-package]\nApp = { build_ext = "x", editable_mode = "compat" }\n',
            ),
            (
                '[tool.uv.config-settings-package.app]\nbuild_ext = "x"\n',
                '[tool.uv.config-settings-package.app]\nbuild_ext = "x"\neditable_mode = "compat"\n',
            ),
        ],
    )
    def test_compat_alternative_keeps_the_uv_settings_it_finds(
        self, tmp_path: Path, uv: str, after: str
    ) -> None:
        self.member(tmp_path, root_extra=self.UV + "\n" + uv)
        self.venv(tmp_path)
        [item] = only(check(tmp_path), "PD301")
        apply_fix(tmp_path, item, alternative=0)
        assert (tmp_path / "pyproject.toml").read_text().endswith(after)
        [stale] = only(check(tmp_path), "PD301")
        assert "but this install predates it" in stale.message

    def test_pip_names_the_config_settings_flag(self, tmp_path: Path) -> None:
        self.member(tmp_path)
        self.venv(tmp_path)
        [item] = only(check(tmp_path), "PD301")
        assert item.message.endswith(
            " Instead of extraPaths, `pip install -e packages/app --config-settings editable_mode=compat` "
            "makes setuptools write a path `.pth` for `packages/app`."
        )
        assert not item.alternatives  # a command to run, not a file to edit

    def test_compat_already_set_names_the_reinstall(self, tmp_path: Path) -> None:
        compat = '\n[tool.uv]\nconfig-settings = { editable_mode = "compat" }\n'
        self.member(tmp_path, root_extra=self.UV + compat)
        self.venv(tmp_path)
        [item] = only(check(tmp_path), "PD301")
        assert item.message.endswith(
            ' pyproject.toml sets `editable_mode = "compat"`, but this install predates it: `uv sync` '
            "reinstalls it with a path `.pth` for `packages/app`."
        )
        assert not item.alternatives
        # Reinstalled: the path `.pth` resolves it, nothing to say.
        self.venv(tmp_path, pth=str(tmp_path / "packages/app") + "\n")
        assert not only(check(tmp_path), "PD301")

    def test_mapping_says_compat_would_not_help(self, tmp_path: Path) -> None:
        mapping = '\n[tool.setuptools]\npackage-dir = {"app" = "lib/app"}\n'
        write(tmp_path, {"packages/app/lib/app/__init__.py": ""})
        self.member(tmp_path, member_extra=mapping, root_extra=self.UV)
        (tmp_path / "packages/app/app/__init__.py").unlink()
        (tmp_path / "packages/app/app").rmdir()
        self.venv(tmp_path)
        [item] = only(check(tmp_path), "PD301")
        assert item.message.endswith(
            ' `editable_mode = "compat"` would not help: it puts `packages/app` (the project folder) on '
            "the path, and `packages/app/lib` holds the package."
        )
        assert "Instead of" not in item.message and not item.alternatives

    def test_other_backends_and_setup_py_get_no_compat(self, tmp_path: Path) -> None:
        scikit = (
            '[build-system]\nrequires = ["scikit-build-core"]\nbuild-backend = "scikit_build_core.build"\n'
        )
        self.member(tmp_path / "scikit", root_extra=self.UV, backend=scikit)
        self.member(tmp_path / "setup_py", root_extra=self.UV)
        write(tmp_path / "setup_py", {"packages/app/setup.py": "from setuptools import setup\nsetup()\n"})
        for name in ("scikit", "setup_py"):
            self.venv(tmp_path / name)
            [item] = only(check(tmp_path / name), "PD301")
            assert item.message.endswith("(like pyright) follows only path lines in `.pth` files."), name

    def test_before_any_install_compat_is_a_path_pth_only_where_it_reaches_the_root(
        self, tmp_path: Path
    ) -> None:
        compat = '\n[tool.uv]\nconfig-settings = { editable_mode = "compat" }\n'
        self.member(tmp_path / "flat", root_extra=self.UV + compat)
        [item] = only(check(tmp_path / "flat"), "PD301")
        assert (
            item.severity == Severity.HINT
            and "after `uv sync --all-packages` the install's `.pth` path lines" in item.message
        )
        mapping = '\n[tool.setuptools]\npackage-dir = {"app" = "lib/app"}\n'
        self.member(tmp_path / "mapped", member_extra=mapping, root_extra=self.UV + compat)
        write(tmp_path / "mapped", {"packages/app/lib/app/__init__.py": ""})
        (tmp_path / "mapped/packages/app/app/__init__.py").unlink()
        (tmp_path / "mapped/packages/app/app").rmdir()
        [item] = only(check(tmp_path / "mapped"), "PD301")
        assert item.severity == Severity.WARNING and ".pth` path lines" not in item.message

    def test_silent_look_alikes(self, tmp_path: Path) -> None:
        # A path `.pth` (hatchling, uv_build, setuptools src layout, compat): Pylance follows it.
        self.member(tmp_path / "path", root_extra=self.UV)
        self.venv(tmp_path / "path", pth=str(tmp_path / "path/packages/app") + "\n")
        assert not only(check(tmp_path / "path"), "PD301")
        # The import hook of a package the tests resolve anyway (beside them): no finding, no note.
        write(
            tmp_path / "beside",
            {"pyproject.toml": "[project]\nname='app'\n" + SETUPTOOLS, "app/__init__.py": ""},
        )
        write(tmp_path / "beside", {"tests/test_a.py": "import app\n"})
        make_venv(
            tmp_path / "beside",
            pth={"__editable__.app-0.1.0.pth": HOOK_PTH},
            editable=("app", tmp_path / "beside"),
        )
        assert not only(check(tmp_path / "beside"), "PD301")


FINDER = "__editable___app_0_1_0_finder.py"


class TestPD301ImportHookEveryServer:
    """The same import-hook note for each language server that, like pyright, follows only path
    lines in `.pth` files (ty 0.0.107, Pyrefly 1.4.1, basedpyright and pyright's execution
    environments, each checked against a real `uv sync`), and silence for Jedi, which asks the
    interpreter's own finders and so follows the hook (jedi-language-server, checked likewise)."""

    hook = TestPD301ImportHook()
    NOTE = (
        " `.venv` installs `app` editable through an import hook (`__editable__.app-0.1.0.pth` runs "
        "`import ...`): Python follows it, but {server} (like pyright) follows only path lines in "
        '`.pth` files. Instead of {key}, `[tool.uv] config-settings-package = {{ app = {{ editable_mode = "compat" }} }}` in '
        "pyproject.toml and then `uv sync` make setuptools write a path `.pth` for `packages/app`."
    )

    def installed(self, root: Path, files: dict[str, str], pth: str = HOOK_PTH) -> None:
        """The uv workspace with its setuptools flat-layout member installed as `uv sync` leaves it:
        the hook's `.pth` and setuptools' finder module, whose MAPPING names the package folder."""
        self.hook.member(root, root_extra=TestPD301ImportHook.UV)
        write(root, files)
        self.hook.venv(root, pth=pth)
        [site] = (root / ".venv/lib").glob("python*/site-packages")
        mapping = {"app": str(root / "packages/app/app")}
        (site / FINDER).write_text(
            f"import sys\n\nMAPPING: dict[str, str] = {mapping!r}\nNAMESPACES = {{}}\n"
        )

    @pytest.mark.parametrize(
        ("files", "server", "key"),
        [
            (
                {".vscode/extensions.json": '{"recommendations": ["astral-sh.ty"]}'},
                "ty",
                "`tool.ty.environment.extra-paths`",
            ),
            (
                {"ty.toml": "# ty's own\n", SETTINGS: '{"ty.diagnosticMode": "workspace"}'},
                "ty",
                "`environment.extra-paths`",
            ),
            (
                {".vscode/extensions.json": '{"recommendations": ["meta.pyrefly"]}'},
                "Pyrefly",
                "`tool.pyrefly.search-path`",
            ),
            (
                {".vscode/extensions.json": '{"recommendations": ["detachhead.basedpyright"]}'},
                "basedpyright",
                "extraPaths",
            ),
            ({}, "Pylance", "extraPaths"),
        ],
    )
    def test_note_for_each_server_that_follows_path_lines_only(
        self, tmp_path: Path, files: dict[str, str], server: str, key: str
    ) -> None:
        self.installed(tmp_path, files)
        [item] = only(check(tmp_path), "PD301")
        assert f"not on {server}'s import search path" in item.message
        assert self.NOTE.format(server=server, key=key) in item.message
        # The fix stays the server's own key, and resolves it.
        apply_fix(tmp_path, item)
        assert not only(check(tmp_path), "PD301")

    def test_note_in_an_execution_environment(self, tmp_path: Path) -> None:
        config = '{"executionEnvironments": [{"root": "tests", "extraPaths": ["tools"]}]}\n'
        self.installed(tmp_path, {"pyrightconfig.json": config, "tools/x.py": ""})
        [item] = only(check(tmp_path), "PD301")
        assert "execution environment `tests`" in item.message
        assert item.message.endswith(self.NOTE.format(server="Pylance", key="extraPaths"))
        apply_fix(tmp_path, item)
        assert json.loads((tmp_path / "pyrightconfig.json").read_text())["executionEnvironments"][0][
            "extraPaths"
        ] == ["tools", "packages/app"]
        assert not only(check(tmp_path), "PD301")

    def test_look_alikes_stay_silent_or_say_nothing_of_the_hook(self, tmp_path: Path) -> None:
        ty = {".vscode/extensions.json": '{"recommendations": ["astral-sh.ty"]}'}
        # A path `.pth` (compat mode, hatchling, uv_build): ty follows it.
        self.installed(tmp_path / "path", ty, pth=str(tmp_path / "path/packages/app") + "\n")
        assert not only(check(tmp_path / "path"), "PD301")
        # compat written but the install predates it: the note names the reinstall, not the setting.
        compat = '\n[tool.uv]\nconfig-settings = { editable_mode = "compat" }\n'
        self.installed(tmp_path / "stale", ty)
        with (tmp_path / "stale/pyproject.toml").open("a") as out:
            out.write(compat)
        [item] = only(check(tmp_path / "stale"), "PD301")
        assert "this install predates it: `uv sync` reinstalls it" in item.message
        assert "Instead of" not in item.message
        # Not installed at all: no note (nothing runs an import hook).
        self.hook.member(tmp_path / "none", root_extra=TestPD301ImportHook.UV)
        write(tmp_path / "none", ty)
        [item] = only(check(tmp_path / "none"), "PD301")
        assert "import hook" not in item.message

    def test_jedi_follows_the_hook(self, tmp_path: Path) -> None:
        jedi = {SETTINGS: '{"python.languageServer": "Jedi"}'}
        self.installed(tmp_path / "hook", jedi)
        assert not only(check(tmp_path / "hook"), "PD301")
        # The same `.pth` without setuptools' finder module beside it imports nothing: unresolved.
        self.installed(tmp_path / "broken", jedi)
        [site] = (tmp_path / "broken/.venv/lib").glob("python*/site-packages")
        (site / FINDER).unlink()
        [item] = only(check(tmp_path / "broken"), "PD301")
        assert "not on Jedi's import search path" in item.message and "import hook" not in item.message
        # A finder mapping the name to a folder that is gone (the project moved since the
        # install): the interpreter's finder finds nothing there either.
        self.installed(tmp_path / "moved", jedi)
        [site] = (tmp_path / "moved/.venv/lib").glob("python*/site-packages")
        gone = {"app": str(tmp_path / "old-place/packages/app/app")}
        (site / FINDER).write_text(f"MAPPING: dict[str, str] = {gone!r}\n")
        [item] = only(check(tmp_path / "moved"), "PD301")
        assert "not on Jedi's import search path" in item.message


class TestPD302:
    def test_absolute_inside_workspace_becomes_relative(self, tmp_path: Path) -> None:
        seed(tmp_path, **{SETTINGS: json.dumps({"python.analysis.extraPaths": [str(tmp_path / "src")]})})
        [item] = only(check(tmp_path), "PD302")
        assert text_at(tmp_path, item) == json.dumps(str(tmp_path / "src"))
        apply_fix(tmp_path, item)
        assert settings(tmp_path)["python.analysis.extraPaths"] == ["./src"]

    def test_missing_and_outside_paths(self, tmp_path: Path) -> None:
        seed(tmp_path, **{SETTINGS: '{"python.analysis.extraPaths": ["./src", "./gone", "/nowhere/at/all"]}'})
        items = only(check(tmp_path), "PD302")
        assert [text_at(tmp_path, i) for i in items] == ['"./gone"', '"/nowhere/at/all"']
        assert all(i.fix is None for i in items)

    def test_string_instead_of_list(self, tmp_path: Path) -> None:
        seed(tmp_path, **{SETTINGS: '{"python.analysis.extraPaths": "./src"}'})
        [item] = only(check(tmp_path), "PD302")
        apply_fix(tmp_path, item)
        assert settings(tmp_path)["python.analysis.extraPaths"] == ["./src"]

    def test_silent_for_workspace_folder_variable(self, tmp_path: Path) -> None:
        seed(tmp_path, **{SETTINGS: '{"python.analysis.extraPaths": ["${workspaceFolder}/src", "src"]}'})
        assert not only(check(tmp_path), "PD302")


class TestPD301PyrightConfigModel:
    """Execution environments, a config's own extraPaths and stubPath, as pyright 1.1.414 resolves
    them (each case also a truth shape checked against the real language server)."""

    LIB: ClassVar[dict[str, str]] = {
        "pyproject.toml": "[project]\nname = 'app'\n[tool.pytest.ini_options]\npythonpath = ['lib']\n",
        "lib/app/__init__.py": "",
        "lib/app/core.py": "def f(): return 1\n",
        "tests/test_core.py": "from app.core import f\n",
    }

    def test_execution_environment_with_its_own_extra_paths(self, tmp_path: Path) -> None:
        config = '{"executionEnvironments": [{"root": "tests", "extraPaths": ["lib"]}]}'
        write(tmp_path, {**self.LIB, "pyrightconfig.json": config})
        assert not only(check(tmp_path), "PD301")
        # An environment for other files leaves the tests to the default list.
        other = tmp_path / "other"
        config = '{"executionEnvironments": [{"root": "scripts", "extraPaths": ["lib"]}]}'
        write(other, {**self.LIB, "pyrightconfig.json": config, "scripts/run.py": ""})
        [item] = only(check(other), "PD301")
        assert item.severity == Severity.WARNING
        write(other, {SETTINGS: '{"python.analysis.extraPaths": ["./lib"]}'})
        assert not only(check(other), "PD301")

    def test_environment_inheriting_nothing_gets_the_top_level_list(self, tmp_path: Path) -> None:
        write(tmp_path, {**self.LIB, "pyrightconfig.json": '{"executionEnvironments": [{"root": "tests"}]}'})
        [item] = only(check(tmp_path), "PD301")
        assert item.path == "pyrightconfig.json"
        apply_fix(tmp_path, item)
        assert json.loads((tmp_path / "pyrightconfig.json").read_text())["extraPaths"] == ["lib"]
        assert not only(check(tmp_path), "PD301")

    def test_environment_own_list_is_extended(self, tmp_path: Path) -> None:
        config = '{\n  "executionEnvironments": [{"root": "tests", "extraPaths": ["tools"]}]\n}\n'
        write(
            tmp_path,
            {
                **self.LIB,
                "pyrightconfig.json": config,
                "tools/x.py": "",
                SETTINGS: '{"python.analysis.extraPaths": ["./lib"]}',  # replaced by the env's own list
            },
        )
        [item] = only(check(tmp_path), "PD301")
        assert "execution environment `tests`" in item.message
        assert text_at(tmp_path, item) == '["tools"]'
        apply_fix(tmp_path, item)
        env = json.loads((tmp_path / "pyrightconfig.json").read_text())["executionEnvironments"][0]
        assert env["extraPaths"] == ["tools", "lib"]
        assert not only(check(tmp_path), "PD301")

    def test_environment_own_list_in_pyproject_is_extended(self, tmp_path: Path) -> None:
        envs = (
            '\n[tool.pyright]\ntypeCheckingMode = "basic"  # keep\n\n'
            '[[tool.pyright.executionEnvironments]]\nroot = "scripts"\nextraPaths = ["tools"]\n\n'
            '[[tool.pyright.executionEnvironments]]\nroot = "tests"\nextraPaths = [\n    "tools",  # helpers\n]\n'
            "reportPrivateUsage = false\n"
        )
        write(tmp_path, {**self.LIB, "tools/x.py": ""})
        write(tmp_path, {"pyproject.toml": self.LIB["pyproject.toml"] + envs})
        before = (tmp_path / "pyproject.toml").read_text()
        [item] = only(check(tmp_path), "PD301")
        assert "execution environment `tests`" in item.message
        assert text_at(tmp_path, item) == '[\n    "tools",  # helpers\n]'
        apply_fix(tmp_path, item)
        after = (tmp_path / "pyproject.toml").read_text()
        # Only the `tests` environment's list changes, in its own style; comments stay.
        assert after == before.replace('    "tools",  # helpers\n', '    "tools",  # helpers\n    "lib",\n')
        assert not only(check(tmp_path), "PD301")
        # An inline array of tables is extended in place too.
        inline = tmp_path / "inline"
        config = '\n[tool.pyright]\nexecutionEnvironments = [{ root = "tests", extraPaths = ["tools"] }]\n'
        write(inline, {**self.LIB, "tools/x.py": ""})
        write(inline, {"pyproject.toml": self.LIB["pyproject.toml"] + config})
        [item] = only(check(inline), "PD301")
        apply_fix(inline, item)
        assert 'extraPaths = ["tools", "lib"] }]' in (inline / "pyproject.toml").read_text()
        assert not only(check(inline), "PD301")

    # A uv workspace whose tests live in a pyright environment with its own list (pydantic-ai,
    # python-sdk): `uv sync` installs the members editable, and an environment still searches
    # site-packages and its `.pth` path lines. Truth shapes: pyright-execenv-uv-members-*.
    UV_ENV: ClassVar[dict[str, str]] = {
        "pyproject.toml": "[project]\nname = 'root'\nversion = '0.1.0'\ndependencies = ['alpha']\n\n"
        "[tool.uv.workspace]\nmembers = ['packages/*']\n\n[tool.uv.sources]\nalpha = { workspace = true }\n\n"
        "[tool.pyright]\ntypeCheckingMode = 'basic'\n\n"
        "[[tool.pyright.executionEnvironments]]\nroot = 'tests'\nextraPaths = ['tools']\n",
        "packages/alpha/pyproject.toml": "[project]\nname = 'alpha'\nversion = '0.1.0'\n\n"
        "[build-system]\nrequires = ['hatchling']\nbuild-backend = 'hatchling.build'\n",
        "packages/alpha/src/alpha/__init__.py": "",
        "tools/helper.py": "",
        "tests/test_root.py": "import alpha\nimport helper\n",
    }

    def test_environment_list_and_installed_workspace_members(self, tmp_path: Path) -> None:
        # Fresh clone: `uv sync` will install `alpha` with a path `.pth`; nothing to configure.
        write(tmp_path, self.UV_ENV)
        found = only(check(tmp_path), "PD301")
        assert found and {f.severity for f in found} == {Severity.HINT}
        assert any("execution environment `tests`" in f.message and "`uv sync`" in f.message for f in found)
        # Synced: the member's path line is in site-packages, which the environment searches.
        synced = tmp_path / "synced"
        write(synced, self.UV_ENV)
        make_venv(synced, pth={"_alpha.pth": str(synced / "packages/alpha/src") + "\n"})
        assert not only(check(synced), "PD301")
        # An environment that does not hold the install: the import really fails.
        unsynced = tmp_path / "unsynced"
        write(unsynced, self.UV_ENV)
        make_venv(unsynced)
        [item] = only(check(unsynced), "PD301")
        assert item.severity == Severity.WARNING and "execution environment `tests`" in item.message

    def test_environment_list_misses_a_root_nothing_installs(self, tmp_path: Path) -> None:
        # `lib` is on pytest's pythonpath only: no install puts it in site-packages.
        files = dict(self.UV_ENV)
        files["pyproject.toml"] += "\n[tool.pytest.ini_options]\npythonpath = ['lib']\n"
        files["lib/extras/__init__.py"] = ""
        files["tests/test_root.py"] = "import alpha\nimport extras\n"
        write(tmp_path, files)
        make_venv(tmp_path, pth={"_alpha.pth": str(tmp_path / "packages/alpha/src") + "\n"})
        [item] = only(check(tmp_path), "PD301")
        assert item.severity == Severity.WARNING
        assert item.message.startswith("`lib` (with `extras`)")
        # Fresh: the members resolve once installed, `lib` never does: still a warning.
        fresh = tmp_path / "fresh"
        write(fresh, files)
        warned = [f for f in only(check(fresh), "PD301") if f.severity == Severity.WARNING]
        assert len(warned) == 1 and "`lib`" in warned[0].message

    def test_config_extra_paths_replace_the_automatic_src(self, tmp_path: Path) -> None:
        seed(tmp_path)
        assert not only(check(tmp_path), "PD301")  # auto search finds src/
        write(tmp_path, {"pyrightconfig.json": '{"extraPaths": ["tools"]}', "tools/x.py": ""})
        [item] = only(check(tmp_path), "PD301")
        apply_fix(tmp_path, item)
        assert json.loads((tmp_path / "pyrightconfig.json").read_text())["extraPaths"] == ["tools", "src"]
        # A config without extraPaths keeps the settings' list and the automatic src.
        plain = tmp_path / "plain"
        seed(plain, **{"pyrightconfig.json": '{"typeCheckingMode": "basic"}'})
        assert not only(check(plain), "PD301")

    def test_stubs_alone_do_not_resolve_the_source(self, tmp_path: Path) -> None:
        # pyright: 'Import "app.core" could not be resolved from source' when only typings/ has it.
        stubs = {"typings/app/__init__.pyi": "", "typings/app/core.pyi": "def f() -> int: ...\n"}
        write(tmp_path, {**self.LIB, **stubs})
        [item] = only(check(tmp_path), "PD301")
        assert "stubs for `app` in `typings`" in item.message
        assert "reportMissingModuleSource" in item.message
        write(tmp_path, {SETTINGS: '{"python.analysis.extraPaths": ["./lib"]}'})
        assert not only(check(tmp_path), "PD301")  # stubs and source: silent
        # Stubs for another name say nothing about this one.
        other = tmp_path / "other"
        write(other, {**self.LIB, "typings/requests/__init__.pyi": ""})
        [item] = only(check(other), "PD301")
        assert "stubs" not in item.message
        # In an execution environment with its own list the same note is given.
        env = tmp_path / "env"
        config = '{"executionEnvironments": [{"root": "tests", "extraPaths": ["tools"]}]}'
        write(env, {**self.LIB, **stubs, "tools/x.py": "", "pyrightconfig.json": config})
        [item] = only(check(env), "PD301")
        assert "execution environment `tests`" in item.message and "stubs for `app`" in item.message


class TestPD303:
    def test_moves_extra_paths_into_pyright_config(self, tmp_path: Path) -> None:
        # Only a config that sets extraPaths itself replaces settings.json's list (pyright's fallback).
        seed(
            tmp_path,
            **{
                SETTINGS: '{\n    "python.analysis.extraPaths": ["./src"],\n    "editor.rulers": [100]\n}\n',
                "pyrightconfig.json": '{\n    "typeCheckingMode": "basic", // ours\n    "extraPaths": []\n}\n',
            },
        )
        [item] = only(check(tmp_path), "PD303")
        assert text_at(tmp_path, item) == '"python.analysis.extraPaths"'
        apply_fix(tmp_path, item)
        assert (tmp_path / SETTINGS).read_text() == '{\n    "editor.rulers": [100]\n}\n'
        assert (tmp_path / "pyrightconfig.json").read_text() == (
            '{\n    "typeCheckingMode": "basic", // ours\n    "extraPaths": ["src"]\n}\n'
        )
        assert not only(check(tmp_path), "PD303") and not only(check(tmp_path), "PD301")

    def test_setting_the_config_already_covers_is_information(self, tmp_path: Path) -> None:
        # What PD301's fix leaves: settings.json's entry copied into the config that wins.
        seed(
            tmp_path,
            **{
                SETTINGS: '{"python.analysis.extraPaths": ["./lib"]}',
                "pyrightconfig.json": '{"extraPaths": ["tools", "lib"]}',
                "tools/x.py": "",
                "lib/x.py": "",
            },
        )
        [item] = only(check(tmp_path), "PD303")
        assert item.severity == Severity.INFORMATION and "no effect" in item.message
        assert item.fix is not None and item.fix.applicability.value == "unsafe"
        # One entry the config lacks is really lost: a warning.
        write(tmp_path, {"pyrightconfig.json": '{"extraPaths": ["tools"]}'})
        [item] = only(check(tmp_path), "PD303")
        assert item.severity == Severity.WARNING

    def test_extra_paths_kept_when_the_config_sets_none(self, tmp_path: Path) -> None:
        seed(
            tmp_path,
            **{
                SETTINGS: '{"python.analysis.extraPaths": ["./src"]}',
                "pyrightconfig.json": '{"typeCheckingMode": "basic"}',
            },
        )
        assert not only(check(tmp_path), "PD303")

    def test_other_keys_are_reported_without_fix(self, tmp_path: Path) -> None:
        seed(
            tmp_path,
            **{
                SETTINGS: '{"python.analysis.typeCheckingMode": "strict"}',
                "pyproject.toml": "[project]\nname='x'\n[tool.pyright]\n",
            },
        )
        [item] = only(check(tmp_path), "PD303")
        assert item.fix is None

    def test_silent_without_pyright_config(self, tmp_path: Path) -> None:
        seed(tmp_path, **{SETTINGS: '{"python.analysis.extraPaths": ["./src"]}'})
        assert not only(check(tmp_path), "PD303")


class TestPD304:
    def test_seed_without_settings(self, tmp_path: Path) -> None:
        seed(tmp_path)
        [item] = only(check(tmp_path), "PD304")
        assert item.path == "pyproject.toml"
        apply_fix(tmp_path, item)
        assert settings(tmp_path) == {
            "python.testing.pytestEnabled": True,
            "python.testing.unittestEnabled": False,
            "python.testing.pytestArgs": ["tests"],
        }

    def test_team_advice_only_where_the_team_shares_vscode(self, tmp_path: Path) -> None:
        seed(tmp_path)  # no .vscode in the tree: a convenience for whoever opens it
        [item] = only(check(tmp_path), "PD304")
        assert item.severity.label == "hint" and "no `.vscode` is shared here" in item.message
        write(tmp_path, {".vscode/extensions.json": '{"recommendations": []}\n'})
        [item] = only(check(tmp_path), "PD304")  # a committed .vscode: the team's setting
        assert item.severity.label == "information" and "shared" not in item.message
        write(tmp_path, {".gitignore": ".vscode/\n"})
        [item] = only(check(tmp_path), "PD304")  # gitignored: personal again
        assert item.severity.label == "hint" and "gitignored" in item.message

    def test_reported_at_the_folders_own_project_not_a_nested_one(self, tmp_path: Path) -> None:
        # Tests only in nested projects: the folder's setting is reported at the folder's own
        # pyproject.toml (the nested `examples/demo` sorts first); without one, at the first
        # project whose tests it concerns.
        member = '[project]\nname = "{0}"\nversion = "0.1.0"\n'
        write(
            tmp_path,
            {
                "pyproject.toml": '[project]\nname = "root"\nversion = "0.1.0"\n\n'
                '[tool.uv.workspace]\nmembers = ["packages/*"]\n',
                "packages/alpha/pyproject.toml": member.format("alpha"),
                "packages/alpha/tests/test_alpha.py": "def test_a():\n    pass\n",
                "examples/demo/pyproject.toml": member.format("demo"),
                "examples/demo/tests/test_demo.py": "def test_d():\n    pass\n",
            },
        )
        [item] = only(check(tmp_path), "PD304")
        assert (item.path, text_at(tmp_path, item)) == ("pyproject.toml", "[project]")
        (tmp_path / "pyproject.toml").unlink()
        [item] = only(check(tmp_path), "PD304")
        assert (item.path, text_at(tmp_path, item)) == ("examples/demo/pyproject.toml", "[project]")

    def test_disabled_value_is_located_and_testpaths_gives_empty_args(self, tmp_path: Path) -> None:
        seed(
            tmp_path,
            **{
                SETTINGS: '{\n  "python.testing.pytestEnabled": false\n}',
                "pytest.ini": "[pytest]\ntestpaths = tests\npythonpath = src\n",
            },
        )
        [item] = only(check(tmp_path), "PD304")
        assert text_at(tmp_path, item) == "false"
        apply_fix(tmp_path, item)
        assert (tmp_path / SETTINGS).read_text() == (
            '{\n  "python.testing.pytestEnabled": true,\n  "python.testing.unittestEnabled": false,\n'
            '  "python.testing.pytestArgs": []\n}'
        )

    def test_unittest_enabled_for_pytest_suite(self, tmp_path: Path) -> None:
        seed(
            tmp_path,
            **{SETTINGS: '{"python.testing.pytestEnabled": true, "python.testing.unittestEnabled": true}'},
        )
        [item] = only(check(tmp_path), "PD304")
        assert text_at(tmp_path, item) == "true" and item.range.start.character > 40
        apply_fix(tmp_path, item)
        assert settings(tmp_path)["python.testing.unittestEnabled"] is False

    def test_silent_for_unittest_suite_or_enabled(self, tmp_path: Path) -> None:
        write(
            tmp_path / "ut",
            {"tests/test_a.py": "import unittest\n\n\nclass TestA(unittest.TestCase):\n    pass\n"},
        )
        assert not only(check(tmp_path / "ut"), "PD304")
        seed(tmp_path / "ok", **{SETTINGS: '{"python.testing.pytestEnabled": true}'})
        assert not only(check(tmp_path / "ok"), "PD304")

    def test_workspace_file_setting_counts(self, tmp_path: Path) -> None:
        seed(
            tmp_path,
            **{
                "app.code-workspace": '{"folders": [{"path": "."}], "settings": {"python.testing.pytestEnabled": true}}'
            },
        )
        assert not only(check(tmp_path), "PD304")


class TestPD305:
    def test_missing_folder_is_replaced_by_tests(self, tmp_path: Path) -> None:
        seed(
            tmp_path,
            **{
                SETTINGS: '{"python.testing.pytestEnabled": true, "python.testing.pytestArgs": ["-q", "test"]}'
            },
        )
        [item] = only(check(tmp_path), "PD305")
        assert text_at(tmp_path, item) == '"test"'
        apply_fix(tmp_path, item)
        assert settings(tmp_path)["python.testing.pytestArgs"] == ["-q", "tests"]

    def test_args_missing_the_tests_folder(self, tmp_path: Path) -> None:
        seed(
            tmp_path,
            **{SETTINGS: '{"python.testing.pytestEnabled": true, "python.testing.pytestArgs": ["src"]}'},
        )
        [item] = only(check(tmp_path), "PD305")
        assert text_at(tmp_path, item) == '["src"]'
        apply_fix(tmp_path, item)
        assert settings(tmp_path)["python.testing.pytestArgs"] == ["src", "tests"]

    def test_silent_for_options_values_and_node_ids(self, tmp_path: Path) -> None:
        seed(
            tmp_path,
            **{
                SETTINGS: '{"python.testing.pytestArgs": ["-k", "slow", "--rootdir", "src", "tests/test_main.py::test_main"]}'
            },
        )
        assert not only(check(tmp_path), "PD305")

    @pytest.mark.parametrize(
        "args",
        [
            ["--pyargs", "my_app", "my_app.tests"],  # every argument, not only the one after it
            ["my_app.tests", "--pyargs"],  # wherever the flag stands
        ],
    )
    def test_silent_for_module_names_with_pyargs(self, tmp_path: Path, args: list[str]) -> None:
        # Real pytest collects src/my_app/tests with these (pythonpath puts src on sys.path).
        seed(
            tmp_path,
            **{
                "pyproject.toml": SEED_PYPROJECT + '\n[tool.pytest.ini_options]\npythonpath = ["src"]\n',
                "src/my_app/tests/__init__.py": "",
                "src/my_app/tests/test_a.py": "def test_a():\n    pass\n",
                SETTINGS: json.dumps({"python.testing.pytestArgs": args}),
            },
        )
        assert not only(check(tmp_path), "PD305")
        assert [a for _, a in positional_args(args)] == [a for a in args if a != "--pyargs"]
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTEST_ADDOPTS")}
        real = subprocess.run(
            [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *args],
            cwd=tmp_path,
            env=dict(env, PYTEST_DISABLE_PLUGIN_AUTOLOAD="1"),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert real.returncode == 0 and "test_a.py::test_a" in real.stdout, real.stdout + real.stderr

    def test_silent_with_pyargs_in_addopts(self, tmp_path: Path) -> None:
        seed(
            tmp_path,
            **{
                "pyproject.toml": SEED_PYPROJECT + '\n[tool.pytest.ini_options]\naddopts = ["--pyargs"]\n',
                SETTINGS: '{"python.testing.pytestArgs": ["my_app"]}',
            },
        )
        assert not only(check(tmp_path), "PD305")
        # Without the flag, the same argument is a path that does not exist.
        seed(tmp_path, **{"pyproject.toml": SEED_PYPROJECT})
        [item] = only(check(tmp_path), "PD305")
        assert text_at(tmp_path, item) == '"my_app"'


class TestPD306:
    def test_missing_interpreter_points_at_venv(self, tmp_path: Path) -> None:
        seed(
            tmp_path, **{SETTINGS: '{"python.defaultInterpreterPath": "${workspaceFolder}/venv/bin/python"}'}
        )
        make_venv(tmp_path)
        [item] = only(check(tmp_path), "PD306")
        assert text_at(tmp_path, item) == '"${workspaceFolder}/venv/bin/python"'
        apply_fix(tmp_path, item)
        assert settings(tmp_path)["python.defaultInterpreterPath"] == "${workspaceFolder}/.venv/bin/python"

    def test_other_interpreter_while_venv_exists(self, tmp_path: Path) -> None:
        other = make_venv(tmp_path, rel="elsewhere")
        (other / "bin" / "python").write_text("")
        seed(
            tmp_path,
            **{SETTINGS: json.dumps({"python.defaultInterpreterPath": str(other / "bin" / "python")})},
        )
        make_venv(tmp_path)
        assert only(check(tmp_path), "PD306")

    def test_silent_for_venv_interpreter_or_bare_command(self, tmp_path: Path) -> None:
        seed(
            tmp_path, **{SETTINGS: '{"python.defaultInterpreterPath": "${workspaceFolder}/.venv/bin/python"}'}
        )
        venv = make_venv(tmp_path)
        (venv / "bin" / "python").write_text("")
        assert not only(check(tmp_path), "PD306")
        seed(tmp_path / "bare", **{SETTINGS: '{"python.defaultInterpreterPath": "python3"}'})
        assert not only(check(tmp_path / "bare"), "PD306")


class TestPD307:
    def test_workspace_value_overridden_by_folder(self, tmp_path: Path) -> None:
        seed(
            tmp_path,
            **{
                "app.code-workspace": '{\n  "folders": [{"path": "."}],\n  "settings": {"python.testing.pytestArgs": ["tests/unit"]}\n}',
                SETTINGS: '{"python.testing.pytestEnabled": true, "python.testing.pytestArgs": ["tests"]}',
            },
        )
        [item] = only(check(tmp_path), "PD307")
        assert item.path == "app.code-workspace"
        assert text_at(tmp_path, item) == '"python.testing.pytestArgs"'
        assert item.related[0].path == SETTINGS

    def test_silent_when_equal_or_folder_not_listed(self, tmp_path: Path) -> None:
        seed(
            tmp_path,
            **{
                "app.code-workspace": '{"folders": [{"path": "."}], "settings": {"python.testing.pytestEnabled": true}}',
                SETTINGS: '{"python.testing.pytestEnabled": true}',
                "other.code-workspace": '{"folders": [{"path": "tests"}], "settings": {"python.testing.pytestEnabled": false}}',
            },
        )
        assert not only(check(tmp_path), "PD307")
