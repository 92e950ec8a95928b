"""A corpus of realistic project shapes, each with the findings it must and must not get."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from pyproj_doctor.findings import Severity
from tests.helpers import check, make_venv, write

TEST = "def test_it():\n    assert True\n"
VSCODE_OK = json.dumps(
    {
        "python.testing.pytestEnabled": True,
        "python.testing.unittestEnabled": False,
        "python.testing.pytestArgs": [],
    }
)
EXTENSIONS_OK = '{"recommendations": ["ms-python.python", "tamasfe.even-better-toml", "charliermarsh.ruff"]}'
UV_APP = '[project]\nname = "app"\nversion = "0.1.0"\nrequires-python = ">=3.11"\n\n[dependency-groups]\ndev = ["pytest>=8"]\n'


@dataclass
class Shape:
    name: str
    files: dict[str, str]
    must: set[str] = field(default_factory=set)
    must_not: set[str] = field(default_factory=set)
    clean: bool = False  # nothing at warning or above
    venv: dict[str, object] | None = None


SHAPES = [
    Shape(
        "flat layout, configured",
        {
            "pyproject.toml": UV_APP
            + '\n[tool.pytest.ini_options]\ntestpaths = ["tests"]\npythonpath = ["."]\n',
            "app/__init__.py": "",
            "app/core.py": "",
            "tests/test_core.py": "import app.core\n" + TEST,
            ".vscode/settings.json": VSCODE_OK,
        },
        must_not={"PD101", "PD201", "PD301"},
        clean=True,
    ),
    Shape(
        # Plain `pytest` (a console script) does not put the root on sys.path: tests/ is all it adds.
        "flat layout, plain pytest cannot import it",
        {
            "pyproject.toml": UV_APP + '\n[tool.pytest.ini_options]\ntestpaths = ["tests"]\n',
            "app/__init__.py": "",
            "app/core.py": "",
            "tests/test_core.py": "import app.core\n" + TEST,
            ".vscode/settings.json": VSCODE_OK,
        },
        must={"PD201"},
        must_not={"PD101", "PD301"},
    ),
    Shape(
        "uv app in src layout, nothing configured",
        {"pyproject.toml": UV_APP, "src/app/__init__.py": "", "tests/test_app.py": "import app\n" + TEST},
        must={"PD201", "PD304", "PD401"},
        must_not={"PD101", "PD102", "PD206"},
    ),
    Shape(
        "src layout, fully configured",
        {
            "pyproject.toml": UV_APP
            + '\n[tool.pytest.ini_options]\npythonpath = ["src"]\ntestpaths = ["tests"]\n',
            "src/app/__init__.py": "",
            "tests/test_app.py": "import app\n" + TEST,
            ".vscode/settings.json": json.dumps(
                {**json.loads(VSCODE_OK), "python.analysis.extraPaths": ["./src"]}
            ),
            ".vscode/extensions.json": EXTENSIONS_OK,
        },
        must_not={"PD201", "PD301", "PD304", "PD401"},
        clean=True,
    ),
    Shape(
        "hatchling editable install (.pth path line)",
        {
            "pyproject.toml": UV_APP
            + '\n[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n',
            "lib/src/app/__init__.py": "",
            "tests/test_app.py": "import app\n" + TEST,
            "lib/pyproject.toml": '[project]\nname = "lib"\n',
        },
        must_not={"PD301"},
        venv={"pth": {"_lib.pth": "{root}/lib/src\n"}},
    ),
    Shape(
        "setuptools import-hook editable: pytest fine, Pylance blind",
        {
            "pyproject.toml": '[project]\nname = "app"\n[dependency-groups]\ndev = ["pytest"]\n'
            # A mapped package gets setuptools' import hook; `{"" = "lib"}` would get a path `.pth`.
            '[tool.setuptools]\npackage-dir = {"app" = "lib/app"}\n'
            '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n',
            "lib/app/__init__.py": "",
            "tests/test_app.py": "import app\n" + TEST,
        },
        must={"PD301"},
        must_not={"PD201"},
        venv={
            "editable": "app",
            "pth": {
                "__editable__.app-0.1.pth": "import __editable___app_0_1_finder; __editable___app_0_1_finder.install()\n"
            },
        },
    ),
    Shape(
        "setuptools namespace packages on purpose",
        {
            "pyproject.toml": '[project]\nname = "acme-x"\n[tool.setuptools.packages.find]\nwhere = ["src"]\nnamespaces = true\n',
            "src/acme/x/core.py": "",
            "src/acme/util.py": "",
        },
        must_not={"PD101"},
    ),
    Shape(
        "accidental namespace subpackage",
        {"pyproject.toml": UV_APP, "src/app/__init__.py": "", "src/app/io/readers.py": ""},
        must={"PD101"},
    ),
    Shape(
        "src/__init__.py",
        {"pyproject.toml": UV_APP, "src/__init__.py": "", "src/app/__init__.py": ""},
        must={"PD102"},
    ),
    Shape(
        "uv workspace with root pythonpath",
        {
            "pyproject.toml": '[tool.uv.workspace]\nmembers = ["packages/*"]\n[dependency-groups]\ndev = ["pytest"]\n'
            '[tool.pytest.ini_options]\npythonpath = ["packages/a/src", "packages/b/src"]\n',
            "packages/a/pyproject.toml": '[project]\nname = "a"\n',
            "packages/a/src/a/__init__.py": "",
            "packages/a/tests/test_a.py": "import a\n" + TEST,
            "packages/b/pyproject.toml": '[project]\nname = "b"\n',
            "packages/b/src/b/__init__.py": "",
            "packages/b/tests/test_b.py": "import b\n" + TEST,
        },
        must={"PD301"},
        must_not={"PD201", "PD206", "PD205"},
    ),
    Shape(
        "uv workspace members opened as their own folders",
        {
            "pyproject.toml": '[tool.uv.workspace]\nmembers = ["packages/*"]\n[dependency-groups]\ndev = ["pytest"]\n',
            "packages/a/pyproject.toml": '[project]\nname = "a"\n[tool.pytest.ini_options]\npythonpath = ["src"]\n',
            "packages/a/src/a/__init__.py": "",
            "packages/a/tests/test_a.py": "import a\n" + TEST,
            "packages/a/.vscode/settings.json": json.dumps(
                {**json.loads(VSCODE_OK), "python.analysis.extraPaths": ["./src"]}
            ),
        },
        must_not={"PD201", "PD301"},
    ),
    Shape(
        "hatch packages from lib/",
        {
            "pyproject.toml": '[project]\nname = "app"\n[dependency-groups]\ndev = ["pytest"]\n'
            '[tool.hatch.build.targets.wheel]\npackages = ["lib/app"]\n',
            "lib/app/__init__.py": "",
            "tests/test_app.py": "import app\n" + TEST,
        },
        must={"PD201", "PD301"},
    ),
    Shape(
        "poetry project with a dev group",
        {
            "pyproject.toml": '[tool.poetry]\nname = "app"\npackages = [{ include = "app", from = "src" }]\n'
            '[tool.poetry.group.dev.dependencies]\npytest = "^8"\n'
            '[tool.pytest.ini_options]\npythonpath = ["src"]\n',
            "src/app/__init__.py": "",
            "tests/test_app.py": "import app\n" + TEST,
        },
        must_not={"PD206", "PD201", "PD101"},
    ),
    Shape(
        "pdm project",
        {
            "pyproject.toml": '[project]\nname = "app"\n[tool.pdm.build]\npackage-dir = "src"\n'
            '[tool.pdm.dev-dependencies]\ntest = ["pytest>=8"]\n[tool.pytest.ini_options]\npythonpath = "src"\n',
            "src/app/__init__.py": "",
            "tests/test_app.py": "from app import x\n" + TEST,
        },
        must_not={"PD206", "PD201"},
    ),
    Shape(
        "flit single module",
        {
            "pyproject.toml": '[project]\nname = "tool"\n[project.optional-dependencies]\ntest = ["pytest"]\n'
            '[build-system]\nrequires = ["flit_core"]\nbuild-backend = "flit_core.buildapi"\n',
            "tool.py": "",
            "test_tool.py": "import tool\n" + TEST,
        },
        must_not={"PD101", "PD201", "PD206", "PD301"},
    ),
    Shape(
        "Django-style project",
        {
            "requirements.txt": "Django>=5\npytest-django\npytest\n",
            "manage.py": "",
            "mysite/__init__.py": "",
            "mysite/settings.py": "",
            "polls/__init__.py": "",
            "polls/models.py": "",
            "polls/migrations/__init__.py": "",
            "polls/tests/test_models.py": "from polls.models import *\n" + TEST,
            "scripts/seed.py": "",
            "pytest.ini": "[pytest]\nDJANGO_SETTINGS_MODULE = mysite.settings\n",
        },
        must_not={"PD101", "PD201", "PD206", "PD301"},
    ),
    Shape(
        "settings.json extraPaths under a pyrightconfig.json",
        {
            "pyproject.toml": UV_APP,
            "src/app/__init__.py": "",
            "pyrightconfig.json": '{"extraPaths": ["src"]}',
            ".vscode/settings.json": '{"python.analysis.extraPaths": ["./src"]}',
        },
        must={"PD303"},
        must_not={"PD301"},
    ),
    Shape(
        "[tool.pyright] covers a nested source root",
        {
            "pyproject.toml": UV_APP + '\n[tool.pyright]\nextraPaths = ["services/api/src"]\n',
            "services/api/pyproject.toml": '[project]\nname = "api"\n',
            "services/api/src/api/__init__.py": "",
        },
        must_not={"PD301", "PD303"},
    ),
    Shape(
        "multi-root workspace file agreeing with folders",
        {
            "dev.code-workspace": json.dumps(
                {
                    "folders": [{"path": "backend"}, {"path": "tools"}],
                    "settings": {"python.testing.pytestEnabled": True},
                }
            ),
            "backend/pyproject.toml": UV_APP,
            "backend/app/__init__.py": "",
            "backend/tests/test_app.py": "import app\n" + TEST,
            "backend/.vscode/settings.json": VSCODE_OK,
            "tools/pyproject.toml": '[project]\nname = "tools"\n',
            "tools/tools/__init__.py": "",
        },
        must_not={"PD307", "PD902", "PD304"},
    ),
    Shape(
        "multi-root workspace file overridden by a folder",
        {
            "dev.code-workspace": json.dumps(
                {"folders": [{"path": "backend"}], "settings": {"python.testing.pytestArgs": ["tests/unit"]}}
            ),
            "backend/pyproject.toml": UV_APP,
            "backend/app/__init__.py": "",
            "backend/tests/test_app.py": "import app\n" + TEST,
            "backend/.vscode/settings.json": VSCODE_OK,
        },
        must={"PD307"},
    ),
    Shape(
        "pytest.ini hiding pyproject settings",
        {
            "pyproject.toml": UV_APP + '\n[tool.pytest.ini_options]\npythonpath = ["src"]\n',
            "pytest.ini": "[pytest]\naddopts = -q\n",
            "src/app/__init__.py": "",
            "tests/test_app.py": "import app\n" + TEST,
        },
        must={"PD203", "PD201"},
    ),
    Shape(
        "pytest 9 native and ini tables together",
        {
            "pyproject.toml": UV_APP
            + '\n[tool.pytest]\nminversion = "9.0"\n[tool.pytest.ini_options]\naddopts = "-q"\n'
        },
        must={"PD204"},
    ),
    Shape(
        "test modules with the same name",
        {
            "pyproject.toml": UV_APP,
            "tests/unit/test_models.py": TEST,
            "tests/integration/test_models.py": TEST,
        },
        must={"PD205"},
    ),
    Shape(
        "unittest suite without pytest",
        {
            "pyproject.toml": '[project]\nname = "legacy"\n',
            "legacy/__init__.py": "",
            "tests/test_legacy.py": "import unittest\n\n\nclass TestLegacy(unittest.TestCase):\n    def test_x(self):\n        pass\n",
        },
        must_not={"PD206", "PD304", "PD201"},
    ),
    Shape(
        "pyproject.toml that does not parse",
        {"pyproject.toml": '[project\nname = "x"\n', "app/__init__.py": ""},
        must={"PD901"},
    ),
    Shape(
        "settings.json with comments and trailing commas",
        {
            "pyproject.toml": UV_APP,
            "app/__init__.py": "",
            ".vscode/settings.json": '{\n  // ours\n  "editor.rulers": [100,],\n  /* more */\n}\n',
        },
        must_not={"PD902"},
    ),
    Shape(
        ".python-version outside requires-python",
        {"pyproject.toml": UV_APP, ".python-version": "3.10\n", "app/__init__.py": ""},
        must={"PD501"},
    ),
    Shape(
        "maturin project with python/ source",
        {
            "pyproject.toml": '[project]\nname = "fast"\n[dependency-groups]\ndev = ["pytest"]\n'
            '[tool.maturin]\npython-source = "python"\n'
            '[build-system]\nrequires = ["maturin"]\nbuild-backend = "maturin"\n',
            "python/fast/__init__.py": "",
            "tests/test_fast.py": "import fast\n" + TEST,
        },
        must={"PD201", "PD301"},
    ),
    Shape(
        "tests inside the package with a conftest that sets sys.path",
        {
            "pyproject.toml": UV_APP,
            "src/app/__init__.py": "",
            "src/app/tests/__init__.py": "",
            "src/app/tests/conftest.py": "import sys, pathlib\nsys.path.insert(0, str(pathlib.Path(__file__).parents[2]))\n",
            "src/app/tests/test_core.py": "import app\n" + TEST,
        },
        must_not={"PD201", "PD101"},
    ),
]


@pytest.mark.parametrize("shape", SHAPES, ids=[s.name for s in SHAPES])
def test_project_shape(shape: Shape, tmp_path: Path) -> None:
    write(tmp_path, shape.files)
    if shape.venv is not None:
        pth = {k: str(v).replace("{root}", str(tmp_path)) for k, v in dict(shape.venv.get("pth", {})).items()}  # type: ignore[call-overload]
        editable = shape.venv.get("editable")
        make_venv(tmp_path, pth=pth, editable=(str(editable), tmp_path) if editable else None)
    report = check(tmp_path)
    found = {f.code for f in report.findings}
    assert shape.must <= found, (shape.name, sorted(found))
    assert not (shape.must_not & found), (
        shape.name,
        [(f.code, f.path, f.message) for f in report.findings if f.code in shape.must_not],
    )
    if shape.clean:
        serious = [(f.code, f.message) for f in report.findings if f.severity >= Severity.WARNING]
        assert not serious, serious
    assert not report.problems


def test_corpus_is_large_enough() -> None:
    assert len(SHAPES) >= 25
