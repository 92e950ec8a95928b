"""The run model's predictions, each checked against a real pytest run of the same tree."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pyproj_doctor import engine
from pyproj_doctor.workspace.imports import failures
from pyproj_doctor.workspace.install import workflow_install
from pyproj_doctor.workspace.runs import (
    collects,
    explorer_run,
    imports_ok,
    inserted_by,
    plain_pytest,
    resolve,
    sys_path,
)
from pyproj_doctor.workspace.snapshot import Snapshot
from pyproj_doctor.workspace.workspace import Workspace
from tests.helpers import apply_fix, write

PYTEST_SCRIPT = os.path.join(os.path.dirname(sys.executable), "pytest")
TEST = "from {name} import X\n\n\ndef test_x():\n    assert X\n"
APP_TEST = TEST.format(name="app")


def real_run(root: Path, kind: str, cwd: str = ".", args: tuple[str, ...] = ()) -> bool:
    """Whether real pytest collects without an import error (plain script or the Test Explorer's form)."""
    base = [PYTEST_SCRIPT] if kind == "pytest" else [sys.executable, "-m", "pytest"]
    extra = [*args, f"--rootdir={root / cwd}"] if kind == "explorer" else []
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTEST_ADDOPTS")}
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # only pytest itself: faster, same imports
    done = subprocess.run(
        [*base, "--collect-only", "-q", "-p", "no:cacheprovider", *extra],
        cwd=root / cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = done.stdout + done.stderr
    if "ModuleNotFoundError" in output or "ImportError" in output:
        return False
    assert done.returncode in (0, 5), output
    return True


def predicted(root: Path, kind: str, project_dir: str, name: str) -> bool:
    ws = Workspace(Snapshot(str(root)))
    project = next(p for p in ws.projects if p.dir == project_dir)
    if kind == "pytest":
        run = plain_pytest(ws, project)
    else:
        folder = next(f for f in ws.folders if f.dir == ".")
        run = explorer_run(ws, folder, None)
    [source] = [r.packages[name] for p in ws.projects for r in p.source_roots if name in r.packages]
    return imports_ok(resolve(sys_path(ws, run, inserted_by(ws, run, [project])), name), str(root / source))


PYPROJECT = '[project]\nname = "app"\nversion = "0"\n'
SHAPES: dict[str, dict[str, str]] = {
    "flat": {"pyproject.toml": PYPROJECT, "app/__init__.py": "X = 1\n", "tests/test_a.py": APP_TEST},
    "flat-root-conftest": {
        "pyproject.toml": PYPROJECT,
        "conftest.py": "",
        "app/__init__.py": "X = 1\n",
        "tests/test_a.py": APP_TEST,
    },
    "flat-tests-package": {
        "pyproject.toml": PYPROJECT,
        "app/__init__.py": "X = 1\n",
        "tests/__init__.py": "",
        "tests/test_a.py": APP_TEST,
    },
    "src": {"pyproject.toml": PYPROJECT, "src/app/__init__.py": "X = 1\n", "tests/test_a.py": APP_TEST},
    "src-pythonpath": {
        "pyproject.toml": PYPROJECT + '[tool.pytest.ini_options]\npythonpath = ["src"]\n',
        "src/app/__init__.py": "X = 1\n",
        "tests/test_a.py": APP_TEST,
    },
    "src-pythonpath-shadowed": {
        "pyproject.toml": PYPROJECT + '[tool.pytest.ini_options]\npythonpath = ["src"]\n',
        "pytest.ini": "[pytest]\n",
        "src/app/__init__.py": "X = 1\n",
        "tests/test_a.py": APP_TEST,
    },
    "env-file": {
        "pyproject.toml": PYPROJECT,
        ".env": "PYTHONPATH=lib\n",
        "lib/app/__init__.py": "X = 1\n",
        "tests/test_a.py": APP_TEST,
    },
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
@pytest.mark.parametrize("kind", ["pytest", "explorer"])
def test_prediction_matches_real_pytest(tmp_path: Path, shape: str, kind: str) -> None:
    write(tmp_path, SHAPES[shape])
    if shape == "env-file":
        if kind == "pytest":
            pytest.skip("plain pytest does not read .env")
        # The Test Explorer merges the .env variables into pytest's environment.
        ws = Workspace(Snapshot(str(tmp_path)))
        run = explorer_run(ws, ws.folders[0], None)
        assert run.env_paths == [str(tmp_path / "lib")]
        return
    expected = real_run(tmp_path, kind)
    assert predicted(tmp_path, kind, ".", "app") is expected


def test_env_file_pythonpath_reaches_the_explorer_only(tmp_path: Path) -> None:
    """`.env` names a source root: the engine predicts a failure of plain pytest alone, as real pytest does."""
    write(tmp_path, SHAPES["env-file"])
    assert real_run(tmp_path, "pytest") is False
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_ADDOPTS"}
    env.update(PYTHONPATH=str(tmp_path / "lib"), PYTEST_DISABLE_PLUGIN_AUTOLOAD="1")
    explorer = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert explorer.returncode == 0, explorer.stdout + explorer.stderr
    ws = Workspace(Snapshot(str(tmp_path)))
    assert {f.run.kind for f in failures(ws, ws.projects[0])} == {"pytest"}


def test_uv_workspace_root_invocation_ignores_member_pythonpath(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "pyproject.toml": '[project]\nname = "root"\nversion = "0"\n'
            '[tool.uv.workspace]\nmembers = ["packages/*"]\n',
            ".vscode/settings.json": '{"python.testing.pytestArgs": ["packages"]}',
            "packages/core/pyproject.toml": '[project]\nname = "core"\nversion = "0"\n'
            '[tool.pytest.ini_options]\npythonpath = ["src"]\n',
            "packages/core/src/core/__init__.py": "X = 1\n",
            "packages/core/tests/test_core.py": TEST.format(name="core"),
        },
    )
    assert real_run(tmp_path / "packages/core", "pytest") is True
    assert predicted(tmp_path, "pytest", "packages/core", "core") is True
    assert real_run(tmp_path, "explorer", args=("packages",)) is False
    assert predicted(tmp_path, "explorer", "packages/core", "core") is False


def test_collection_boundaries(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "pyproject.toml": PYPROJECT + "[tool.pytest.ini_options]\n"
            'testpaths = ["tests"]\nnorecursedirs = ["fixtures"]\naddopts = "--ignore=tests/skip"\n',
            "tests/test_a.py": "",
            "tests/fixtures/test_b.py": "",
            "tests/skip/test_c.py": "",
            "examples/test_d.py": "",
        },
    )
    ws = Workspace(Snapshot(str(tmp_path)))
    run = plain_pytest(ws, ws.projects[0])
    got = {
        p: collects(ws, run, p)
        for p in ("tests/test_a.py", "tests/fixtures/test_b.py", "tests/skip/test_c.py", "examples/test_d.py")
    }
    assert got == {
        "tests/test_a.py": True,
        "tests/fixtures/test_b.py": False,
        "tests/skip/test_c.py": False,
        "examples/test_d.py": False,
    }


def test_an_argument_is_collected_even_below_an_ignored_folder(tmp_path: Path) -> None:
    """pytest checks `--ignore` on what it walks into, never on a path it is given: the Test
    Explorer's `pytestArgs` naming `sub/tests` collects it though `addopts` ignores `sub`."""
    write(
        tmp_path,
        {
            "pyproject.toml": PYPROJECT + '[tool.pytest.ini_options]\naddopts = "--ignore=sub"\n',
            "tests/test_a.py": "def test_a():\n    pass\n",
            "sub/tests/test_b.py": "def test_b():\n    pass\n",
        },
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_ADDOPTS"}
    real = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--collect-only",
            "-q",
            "-p",
            "no:cacheprovider",
            "sub/tests",
            "tests",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "sub/tests/test_b.py::test_b" in real.stdout, real.stdout + real.stderr
    ws = Workspace(Snapshot(str(tmp_path)))
    run = explorer_run(ws, ws.folders[0], None)
    run.args = ["sub/tests", "tests"]
    assert collects(ws, run, "sub/tests/test_b.py") and collects(ws, run, "tests/test_a.py")
    assert not collects(ws, plain_pytest(ws, ws.projects[0]), "sub/tests/test_b.py")


def _install(root: Path, files: dict[str, str], project: str = ".") -> tuple[str, str, bool, bool] | None:
    write(root, files)
    ws = Workspace(Snapshot(str(root)))
    found = workflow_install(ws, next(p for p in ws.projects if p.dir == project))
    return None if found is None else (found.tool, found.command, found.pylance_visible, found.compiled)


def _tool(root: Path, files: dict[str, str], project: str = ".") -> str | None:
    found = _install(root, files, project)
    return found[0] if found is not None else None


UV_LIB = PYPROJECT + '[build-system]\nrequires = ["uv_build"]\nbuild-backend = "uv_build"\n'


def test_workflow_installs(tmp_path: Path) -> None:
    assert _install(tmp_path / "a", {"pyproject.toml": UV_LIB, "uv.lock": ""}) == (
        "uv",
        "uv sync",
        True,
        False,
    )
    # uv without a build system (an app made by `uv init`) does not install the project.
    assert _install(tmp_path / "b", {"pyproject.toml": PYPROJECT, "uv.lock": ""}) is None
    assert _install(tmp_path / "c", {"pyproject.toml": UV_LIB + "[tool.uv]\npackage = false\n"}) is None
    poetry = '[tool.poetry]\nname = "app"\n'
    assert _tool(tmp_path / "d", {"pyproject.toml": poetry}) == "poetry"
    assert _install(tmp_path / "e", {"pyproject.toml": poetry + "package-mode = false\n"}) is None
    assert (
        _tool(tmp_path / "f", {"pyproject.toml": PYPROJECT, "requirements-dev.txt": "pytest\n-e .\n"})
        == "pip"
    )
    tox = {"pyproject.toml": PYPROJECT, "tox.ini": "[testenv]\ncommands = pytest\n"}
    assert _tool(tmp_path / "g", tox) == "tox"
    skip = {"pyproject.toml": PYPROJECT, "tox.ini": "[testenv]\nskip_install = true\n"}
    assert _install(tmp_path / "h", skip) is None
    nox = {"pyproject.toml": PYPROJECT, "noxfile.py": 'def tests(session):\n    session.install("-e", ".")\n'}
    assert _tool(tmp_path / "i", nox) == "nox"
    maturin = PYPROJECT + '[build-system]\nrequires = ["maturin"]\nbuild-backend = "maturin"\n'
    assert _install(tmp_path / "j", {"pyproject.toml": maturin, "uv.lock": ""}) == (
        "uv",
        "uv sync",
        True,
        True,
    )
    setuptools_flat = PYPROJECT + '[build-system]\nbuild-backend = "setuptools.build_meta"\n'
    found = _install(
        tmp_path / "k", {"pyproject.toml": setuptools_flat, "uv.lock": "", "app/__init__.py": ""}
    )
    assert found == ("uv", "uv sync", False, False)  # an import hook Pylance cannot follow
    # Checked with a real `uv sync` (setuptools 84.2.1): `{"" = "lib"}` writes a path `.pth` holding
    # `<root>/lib`; `{"app" = "lib/app"}` writes `__editable___app_0_1_0_finder.py` (an import hook).
    lib_dir = setuptools_flat + '[tool.setuptools]\npackage-dir = {"" = "lib"}\n'
    files = {"pyproject.toml": lib_dir, "uv.lock": "", "lib/app/__init__.py": ""}
    assert _install(tmp_path / "k2", files) == ("uv", "uv sync", True, False)
    mapped = setuptools_flat + '[tool.setuptools]\npackage-dir = {"app" = "lib/app"}\n'
    files = {"pyproject.toml": mapped, "uv.lock": "", "lib/app/__init__.py": ""}
    assert _install(tmp_path / "k3", files) == ("uv", "uv sync", False, False)
    member = {
        "pyproject.toml": '[project]\nname = "root"\nversion = "0"\n[tool.uv.workspace]\nmembers = ["packages/*"]\n',
        "packages/core/pyproject.toml": UV_LIB,
    }
    assert _tool(tmp_path / "l", member, "packages/core") == "uv"
    ci = {"pyproject.toml": PYPROJECT, ".github/workflows/ci.yml": "    - run: pip install -e .[test]\n"}
    assert _tool(tmp_path / "m", ci) == "ci"


def test_uv_sync_names_the_members_it_installs(tmp_path: Path) -> None:
    """`uv sync` from a root with a [project] installs only what the root needs (truth shapes
    uv-workspace-member-not-a-dependency and uv-workspace-all-packages run the real uv)."""

    def member(name: str, deps: str = "") -> str:
        return UV_LIB.replace('name = "app"\n', f'name = "{name}"\ndependencies = [{deps}]\n')

    root = (
        '[project]\nname = "root"\nversion = "0"\ndependencies = ["alpha"]\n\n'
        '[dependency-groups]\ndev = ["pytest", {include-group = "lint"}]\nlint = ["Delta_Tools>=1"]\n'
        'extra = ["epsilon"]\n\n'
        '[tool.uv.workspace]\nmembers = ["packages/*"]\n'
    )
    files = {
        "pyproject.toml": root,
        "uv.lock": "",
        "packages/alpha/pyproject.toml": member("alpha", '"beta>=1"'),  # a dependency of the root
        "packages/beta/pyproject.toml": member("beta"),  # through alpha
        "packages/gamma/pyproject.toml": member("gamma"),  # nothing needs it
        "packages/delta/pyproject.toml": member("delta-tools"),  # through the default group's include
        "packages/epsilon/pyproject.toml": member("epsilon"),  # only in a group uv sync leaves out
    }
    commands = {
        name: _install(tmp_path / "w", files, f"packages/{name}")
        for name in ("alpha", "beta", "gamma", "delta", "epsilon")
    }
    assert {name: found[1] for name, found in commands.items() if found} == {
        "alpha": "uv sync",
        "beta": "uv sync",
        "gamma": "uv sync --all-packages",
        "delta": "uv sync",
        "epsilon": "uv sync --all-packages",
    }
    # `default-groups = "all"` brings epsilon in; a virtual root (no [project]) installs every member.
    everything = {**files, "pyproject.toml": root + '\n[tool.uv]\ndefault-groups = "all"\n'}
    assert _install(tmp_path / "all", everything, "packages/epsilon") == ("uv", "uv sync", True, False)
    virtual = {**files, "pyproject.toml": '[tool.uv.workspace]\nmembers = ["packages/*"]\n'}
    assert _install(tmp_path / "v", virtual, "packages/gamma") == ("uv", "uv sync", True, False)
    # Dependencies a build backend computes may name gamma (python-sdk): nothing is claimed.
    computed = {
        **files,
        "pyproject.toml": root.replace('version = "0"\n', 'version = "0"\ndynamic = ["dependencies"]\n'),
    }
    assert _install(tmp_path / "d", computed, "packages/gamma") == ("uv", "uv sync", True, False)


def test_workspace_fix_makes_the_root_invocation_work(tmp_path: Path) -> None:
    # Members without a build system: `uv sync` does not install them, so pythonpath must.
    write(
        tmp_path,
        {
            "pyproject.toml": '[project]\nname = "root"\nversion = "0"\n'
            '[tool.uv.workspace]\nmembers = ["packages/*"]\n',
            ".vscode/settings.json": '{"python.testing.pytestArgs": ["packages"]}',
            **{
                f"packages/{n}/{rel}": text
                for n in ("core", "extra")
                for rel, text in {
                    "pyproject.toml": f'[project]\nname = "{n}"\nversion = "0"\n'
                    '[tool.pytest.ini_options]\npythonpath = ["src"]\n',
                    f"src/{n}/__init__.py": "X = 1\n",
                    f"tests/test_{n}.py": TEST.format(name=n),
                }.items()
            },
        },
    )
    assert real_run(tmp_path, "explorer", args=("packages",)) is False
    report = engine.check(str(tmp_path))
    [item] = [f for f in report.findings if f.code == "PD201"]
    assert item.fix is not None and [c.path for c in item.fix.changes] == ["pyproject.toml"]
    apply_fix(tmp_path, item)
    assert (
        '[tool.pytest.ini_options]\npythonpath = ["packages/core/src", "packages/extra/src"]'
        in (tmp_path / "pyproject.toml").read_text()
    )
    assert real_run(tmp_path, "explorer", args=("packages",)) is True
    assert real_run(tmp_path / "packages/core", "pytest") is True
    assert not [f for f in engine.check(str(tmp_path)).findings if f.code == "PD201"]


def test_multi_project_folder_fix_makes_the_test_explorer_work(tmp_path: Path) -> None:
    for d, n in (("projA", "alpha"), ("projB", "beta")):
        write(
            tmp_path,
            {
                f"{d}/pyproject.toml": f'[project]\nname = "{n}"\nversion = "0"\n'
                '[tool.pytest.ini_options]\npythonpath = ["src"]\n',
                f"{d}/src/{n}/__init__.py": "X = 1\n",
                f"{d}/tests/test_{n}.py": TEST.format(name=n),
            },
        )
    assert real_run(tmp_path, "explorer") is False
    report = engine.check(str(tmp_path))
    [pd201] = [f for f in report.findings if f.code == "PD201"]
    [pd301] = [f for f in report.findings if f.code == "PD301"]  # one edit for both roots
    assert pd301.fix is not None and "'./projA/src', './projB/src'" in pd301.fix.description
    apply_fix(tmp_path, pd201)
    assert (tmp_path / "pytest.ini").read_text() == "[pytest]\npythonpath = projA/src projB/src\n"
    assert real_run(tmp_path, "explorer") is True
    assert real_run(tmp_path / "projA", "pytest") is True
