"""`pyproj-doctor explain PATH:LINE`: one import under plain pytest, the Test Explorer, Pylance and uv.

The CLI runs as a subprocess on real workspaces in tmp_path."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.helpers import cli, make_venv, seed, write

BUILD = '\n[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n'


def explain(root: Path, target: str) -> list[dict[str, Any]]:
    proc = cli("explain", target, "--format", "json", cwd=root)
    assert proc.returncode == 0, proc.stderr
    data: list[dict[str, Any]] = json.loads(proc.stdout)
    return data


def verdicts(item: dict[str, Any]) -> dict[str, str]:
    return {v["runner"]: v["verdict"] for v in item["verdicts"]}


def test_src_layout_without_config_fails_in_pytest_and_resolves_in_pylance(tmp_path: Path) -> None:
    seed(tmp_path)
    [item] = explain(tmp_path, "tests/test_main.py:1")
    assert item["name"] == "my_app" and item["origin"] == "src/my_app"
    assert verdicts(item) == {
        "pytest": "fails",
        "explorer": "fails",
        "pyright": "resolves",
        "uv": "not applicable",
    }
    pyright = item["verdicts"][2]
    assert pyright["where"] == "src/my_app" and "autoSearchPaths" in pyright["reason"]
    assert item["divergence"]["runner"] == "pyright"
    assert "pythonpath" in item["divergence"]["setting"]


def test_pythonpath_makes_every_runner_agree_and_names_the_entry(tmp_path: Path) -> None:
    seed(
        tmp_path,
        **{
            "pyproject.toml": '[project]\nname = "my-app"\n\n[tool.pytest.ini_options]\npythonpath = ["src"]\n'
        },
    )
    [item] = explain(tmp_path, "tests/test_main.py:1")
    assert set(verdicts(item).values()) == {"resolves", "not applicable"}
    assert item["divergence"] is None
    plain = item["verdicts"][0]
    assert plain["where"] == "src/my_app" and plain["setting"] == "`pythonpath` in pyproject.toml"
    text = cli("explain", "tests/test_main.py:1", cwd=tmp_path)
    assert text.returncode == 0
    assert "every runner agrees" in text.stdout
    assert "plain pytest    | resolves" in text.stdout


def test_flat_layout_resolves_everywhere_without_settings(tmp_path: Path) -> None:
    """The look-alike that must stay quiet: a package beside the tests folder at the root."""
    write(
        tmp_path,
        {
            "pyproject.toml": '[project]\nname = "app"\nversion = "0"\n',
            "app/__init__.py": "",
            "tests/__init__.py": "",
            "tests/test_app.py": "import app\n",
        },
    )
    [item] = explain(tmp_path, "tests/test_app.py:1")
    assert verdicts(item)["pytest"] == "resolves"
    assert verdicts(item)["explorer"] == "resolves"
    assert verdicts(item)["pyright"] == "resolves"
    assert item["divergence"] is None


def test_env_file_pythonpath_reaches_the_test_explorer_only(tmp_path: Path) -> None:
    seed(tmp_path, **{".env": "PYTHONPATH=src\n", ".vscode/settings.json": "{}\n"})
    [item] = explain(tmp_path, "tests/test_main.py:1")
    assert verdicts(item)["pytest"] == "fails"
    assert verdicts(item)["explorer"] == "resolves"
    assert item["verdicts"][1]["setting"] == "PYTHONPATH in .env"
    assert item["divergence"]["runner"] == "explorer"


def test_uv_run_syncs_the_project_before_running(tmp_path: Path) -> None:
    seed(tmp_path, **{"pyproject.toml": '[project]\nname = "my-app"\nversion = "0"\n' + BUILD, "uv.lock": ""})
    [item] = explain(tmp_path, "tests/test_main.py:1")
    assert verdicts(item)["pytest"] == "fails"
    assert verdicts(item)["uv"] == "resolves"
    assert "`uv run` syncs first" in item["verdicts"][3]["reason"]


def test_editable_pth_is_named_as_the_provider(tmp_path: Path) -> None:
    seed(tmp_path)
    make_venv(tmp_path, pth={"_my_app.pth": f"{tmp_path / 'src'}\n"}, editable=("my-app", tmp_path))
    [item] = explain(tmp_path, "tests/test_main.py:1")
    assert verdicts(item)["pytest"] == "resolves"
    assert ".pth" in item["verdicts"][0]["reason"]


def test_a_source_module_and_several_names_on_one_line(tmp_path: Path) -> None:
    seed(tmp_path, **{"src/my_app/cli.py": "import os, my_app.sub\n", "src/my_app/sub.py": ""})
    items = explain(tmp_path, "src/my_app/cli.py:1")
    assert [i["name"] for i in items] == ["os", "my_app"]
    assert verdicts(items[1])["pyright"] == "resolves"


def test_bad_requests_are_located_errors_with_exit_2(tmp_path: Path) -> None:
    seed(tmp_path, **{"src/my_app/rel.py": "from . import x\n"})
    cases = {
        "tests/test_main.py:2": "tests/test_main.py:2: not an import",
        "tests/test_main.py:99": "tests/test_main.py:99: the file has",
        "src/my_app/rel.py:1": "a relative import",
        "tests/missing.py:1": "tests/missing.py: no such file",
        "tests/test_main.py": "expected PATH:LINE",
        "tests/test_main.py:0": "expected PATH:LINE",
        "tests:1": "tests: not a file",
    }
    for target, message in cases.items():
        proc = cli("explain", target, cwd=tmp_path)
        assert proc.returncode == 2, (target, proc.stdout)
        assert message in proc.stderr, (target, proc.stderr)
        assert "Traceback" not in proc.stderr


def test_the_workspace_is_found_from_the_file(tmp_path: Path) -> None:
    """Run from elsewhere with an absolute path; a uv workspace member finds its root."""
    write(
        tmp_path,
        {
            "pyproject.toml": '[project]\nname = "root"\nversion = "0"\n[tool.uv.workspace]\nmembers = ["packages/*"]\n',
            "packages/lib/pyproject.toml": '[project]\nname = "lib"\nversion = "0"\n' + BUILD,
            "packages/lib/src/lib/__init__.py": "",
            "packages/lib/tests/test_lib.py": "import lib\n",
        },
    )
    elsewhere = tmp_path.parent
    [item] = explain(elsewhere, str(tmp_path / "packages/lib/tests/test_lib.py") + ":1")
    assert item["path"] == "packages/lib/tests/test_lib.py"
    assert item["project"] == "packages/lib"
    assert item["origin"] == "packages/lib/src/lib"


def test_uv_run_in_a_member_installs_it_and_its_member_dependencies_only(tmp_path: Path) -> None:
    """As real uv 0.9 does: `uv run` in packages/a installs a and b (a depends on it), not c."""
    member = '[project]\nname = "{name}"\nversion = "0"\ndependencies = [{deps}]\n' + BUILD
    write(
        tmp_path,
        {
            "pyproject.toml": '[project]\nname = "root"\nversion = "0"\ndependencies = ["a"]\n'
            '[tool.uv.workspace]\nmembers = ["packages/*"]\n[tool.uv.sources]\na = { workspace = true }\n',
            "uv.lock": "",
            "packages/a/pyproject.toml": member.format(name="a", deps='"b"')
            + "[tool.uv.sources]\nb = { workspace = true }\n",
            "packages/a/src/a/__init__.py": "",
            "packages/a/tests/test_a.py": "import a\nimport b\nimport c\n",
            "packages/b/pyproject.toml": member.format(name="b", deps=""),
            "packages/b/src/b/__init__.py": "",
            "packages/c/pyproject.toml": member.format(name="c", deps=""),
            "packages/c/src/c/__init__.py": "",
        },
    )
    uv = {}
    for line, name in ((1, "a"), (2, "b"), (3, "c")):
        [item] = explain(tmp_path, f"packages/a/tests/test_a.py:{line}")
        assert verdicts(item)["pytest"] == "fails", name
        uv[name] = item["verdicts"][3]
    assert uv["a"]["verdict"] == "resolves" and uv["b"]["verdict"] == "resolves"
    assert uv["c"]["verdict"] == "fails"
    assert "`uv sync --all-packages` does" in uv["c"]["reason"]
