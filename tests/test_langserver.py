"""Which language server a folder runs (workspace/langserver.py), and PD301 writing its keys."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pyproj_doctor.workspace.langserver import LanguageServers, detect, pyright_config
from pyproj_doctor.workspace.snapshot import Snapshot
from pyproj_doctor.workspace.workspace import Workspace
from tests.helpers import apply_fix, check, only, text_at, write

SETTINGS = ".vscode/settings.json"
EXTENSIONS = ".vscode/extensions.json"


def servers(root: Path) -> LanguageServers:
    ws = Workspace(Snapshot(str(root)))
    [folder] = [f for f in ws.folders if f.dir == "."]
    return detect(ws, folder)


def recommend(*ids: str, unwanted: tuple[str, ...] = ()) -> str:
    return json.dumps({"recommendations": list(ids), "unwantedRecommendations": list(unwanted)})


@pytest.mark.parametrize(
    ("files", "editor"),
    [
        ({}, "Pylance"),
        ({SETTINGS: '{"python.languageServer": "Default"}'}, "Pylance"),
        ({SETTINGS: '{"python.languageServer": "Jedi"}'}, "Jedi"),
        ({EXTENSIONS: recommend("ms-python.python", "detachhead.basedpyright")}, "basedpyright"),
        ({EXTENSIONS: recommend("Meta.Pyrefly")}, "Pyrefly"),
        ({EXTENSIONS: recommend("astral-sh.ty")}, "ty"),
        ({SETTINGS: '{"basedpyright.analysis.typeCheckingMode": "basic"}'}, "basedpyright"),
        ({SETTINGS: '{"python.pyrefly.displayTypeErrors": "force-on"}'}, "Pyrefly"),
        # Pylance named outright wins over another server's settings: both run (PD405's business).
        ({SETTINGS: '{"python.languageServer": "Pylance", "ty.diagnosticMode": "workspace"}'}, "Pylance"),
        # "None" switches the Python extension's server off: the other one is the editor's.
        ({SETTINGS: '{"python.languageServer": "None"}', EXTENSIONS: recommend("astral-sh.ty")}, "ty"),
        # Two others turned on: ambiguous, Pylance's keys stay the default.
        ({EXTENSIONS: recommend("astral-sh.ty", "meta.pyrefly")}, "Pylance"),
        # Recommended and unwanted at once is no signal.
        ({EXTENSIONS: recommend("astral-sh.ty", unwanted=("astral-sh.ty",))}, "Pylance"),
        # A tool's config or dev dependency is command-line use, not the editor's server.
        (
            {"ty.toml": "[environment]\n", "pyrefly.toml": "", "pyproject.toml": "[tool.basedpyright]\n"},
            "Pylance",
        ),
        # A mention in a comment or a string elsewhere is nothing.
        (
            {SETTINGS: '{\n  // "basedpyright.analysis.extraPaths": []\n  "x": "detachhead.basedpyright"\n}'},
            "Pylance",
        ),
    ],
)
def test_editor_server(tmp_path: Path, files: dict[str, str], editor: str) -> None:
    write(tmp_path, files)
    assert servers(tmp_path).editor == editor


def test_signals_carry_the_exact_range(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            EXTENSIONS: '{\n  "recommendations": [\n    "ms-python.python",\n    "detachhead.basedpyright"\n  ]\n}\n',
            SETTINGS: '{\n  "python.languageServer": "Pylance",\n  "ty.diagnosticMode": "workspace"\n}\n',
        },
    )
    found = servers(tmp_path)
    text = (tmp_path / EXTENSIONS).read_text()
    [based, ty] = found.others
    assert (based.server, text[based.span[0] : based.span[1]]) == (
        "basedpyright",
        '"detachhead.basedpyright"',
    )
    settings = (tmp_path / SETTINGS).read_text()
    assert (ty.server, settings[ty.span[0] : ty.span[1]]) == ("ty", '"ty.diagnosticMode"')
    assert found.python_ls is not None
    assert settings[found.python_ls.span[0] : found.python_ls.span[1]] == '"python.languageServer": "Pylance"'


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"pyproject.toml": "[tool.pyright]\n"}, ("pyproject.toml", "pyright")),
        ({"pyproject.toml": "[tool.basedpyright]\n"}, ("pyproject.toml", "basedpyright")),
        # basedpyright refuses a pyproject with both tables ("cannot have both ... sections").
        ({"pyproject.toml": "[tool.basedpyright]\n[tool.pyright]\n"}, None),
        (
            {"pyproject.toml": "[tool.basedpyright]\n", "pyrightconfig.json": "{}"},
            ("pyrightconfig.json", "pyright"),
        ),
    ],
)
def test_basedpyright_config(tmp_path: Path, files: dict[str, str], expected: tuple[str, str] | None) -> None:
    write(tmp_path, files)
    ws = Workspace(Snapshot(str(tmp_path)))
    config = pyright_config(ws, ws.folders[0], "basedpyright")
    assert (None if config is None else (config.path, config.section)) == expected


LIB = {
    "pyproject.toml": '[project]\nname = "a"\n\n[tool.pytest.ini_options]\npythonpath = ["lib"]\n',
    "lib/libpkg/__init__.py": "",
    "tests/test_a.py": "import libpkg\n",
}


def test_pd301_writes_basedpyright_settings(tmp_path: Path) -> None:
    write(tmp_path, {**LIB, EXTENSIONS: recommend("detachhead.basedpyright"), SETTINGS: "{\n}\n"})
    [item] = only(check(tmp_path), "PD301")
    assert "not on basedpyright's import search path" in item.message
    assert item.fix is not None and item.fix.description.endswith("(for basedpyright)")
    apply_fix(tmp_path, item)
    assert json.loads((tmp_path / SETTINGS).read_text()) == {"basedpyright.analysis.extraPaths": ["./lib"]}
    assert not only(check(tmp_path), "PD301")


def test_pd301_basedpyright_ignores_python_analysis(tmp_path: Path) -> None:
    # basedpyright's extension always contributes `basedpyright.analysis`: `python.analysis` is unread.
    files = {**LIB, SETTINGS: '{"python.analysis.extraPaths": ["./lib"]}'}
    write(tmp_path, files)
    assert not only(check(tmp_path), "PD301")
    write(tmp_path, {EXTENSIONS: recommend("detachhead.basedpyright")})
    [item] = only(check(tmp_path), "PD301")
    assert "basedpyright.analysis.extraPaths" in item.message


def test_pd301_basedpyright_tool_table(tmp_path: Path) -> None:
    pyproject = LIB["pyproject.toml"] + '\n[tool.basedpyright]\nextraPaths = ["other"]  # kept\n'
    write(
        tmp_path,
        {
            **LIB,
            "pyproject.toml": pyproject,
            "other/.keep": "",
            EXTENSIONS: recommend("detachhead.basedpyright"),
        },
    )
    [item] = only(check(tmp_path), "PD301")
    assert item.path == "pyproject.toml" and text_at(tmp_path, item) == "extraPaths"
    apply_fix(tmp_path, item)
    assert (
        '[tool.basedpyright]\nextraPaths = ["other", "lib"]  # kept\n'
        in (tmp_path / "pyproject.toml").read_text()
    )
    assert not only(check(tmp_path), "PD301")


def test_pd301_pylance_ignores_tool_basedpyright(tmp_path: Path) -> None:
    pyproject = LIB["pyproject.toml"] + '\n[tool.basedpyright]\nextraPaths = ["lib"]\n'
    write(tmp_path, {**LIB, "pyproject.toml": pyproject})
    [item] = only(check(tmp_path), "PD301")
    assert "Pylance's import search path" in item.message
    assert item.fix is not None and [c.path for c in item.fix.changes] == [SETTINGS]


PD404_CASES = [
    # Pylance named outright and basedpyright recommended: reported at the recommendation.
    (
        {
            SETTINGS: '{\n  "python.languageServer": "Pylance"\n}\n',
            EXTENSIONS: recommend("ms-python.python", "detachhead.basedpyright"),
        },
        [(EXTENSIONS, '"detachhead.basedpyright"')],
    ),
    # ty's settings beside Jedi: reported at the setting's key.
    (
        {SETTINGS: '{\n  "python.languageServer": "Jedi",\n  "ty.diagnosticMode": "workspace"\n}\n'},
        [(SETTINGS, '"ty.diagnosticMode"')],
    ),
    # The Python extension's server off, ty recommended and basedpyright configured in settings.
    (
        {
            SETTINGS: '{"python.languageServer": "None", "basedpyright.analysis.extraPaths": []}',
            EXTENSIONS: recommend("astral-sh.ty"),
        },
        [(SETTINGS, '"basedpyright.analysis.extraPaths"')],
    ),
]
PD404_SILENT = [
    # Not named: whether the bundled Pylance also runs is not written down here.
    {EXTENSIONS: recommend("ms-python.python", "detachhead.basedpyright")},
    {SETTINGS: '{"python.languageServer": "None"}', EXTENSIONS: recommend("astral-sh.ty")},
    # Two recommended type checkers are PD403's.
    {EXTENSIONS: recommend("astral-sh.ty", "meta.pyrefly")},
    # A mention in a comment, a config for the command line, a refused recommendation.
    {
        SETTINGS: '{\n  "python.languageServer": "Pylance"\n  // "basedpyright.analysis.extraPaths": []\n}\n',
        "pyproject.toml": '[project]\nname = "a"\n\n[tool.ty.rules]\n',
        EXTENSIONS: recommend("astral-sh.ty", unwanted=("astral-sh.ty",)),
    },
]


@pytest.mark.parametrize(("files", "where"), PD404_CASES)
def test_pd404_second_server(tmp_path: Path, files: dict[str, str], where: list[tuple[str, str]]) -> None:
    write(tmp_path, files)
    found = only(check(tmp_path), "PD404")
    assert [(f.path, text_at(tmp_path, f)) for f in found] == where
    assert all(f.fix is None and f.related for f in found)


@pytest.mark.parametrize("files", PD404_SILENT)
def test_pd404_silent(tmp_path: Path, files: dict[str, str]) -> None:
    write(tmp_path, files)
    assert not only(check(tmp_path), "PD404")


def test_pd301_ty_writes_ty_toml_when_it_exists(tmp_path: Path) -> None:
    write(tmp_path, {**LIB, "ty.toml": "# ty's own\n", EXTENSIONS: recommend("astral-sh.ty")})
    [item] = only(check(tmp_path), "PD301")
    assert "not on ty's import search path" in item.message
    assert (item.path, text_at(tmp_path, item)) == (EXTENSIONS, '"astral-sh.ty"')
    apply_fix(tmp_path, item)
    assert (tmp_path / "ty.toml").read_text() == '# ty\'s own\n\n[environment]\nextra-paths = ["lib"]\n'
    assert not only(check(tmp_path), "PD301")


def test_pd301_ty_roots_it_adds_itself(tmp_path: Path) -> None:
    # ty adds `python` (not a package) to its roots; `environment.root` replaces them.
    files = {
        "pyproject.toml": '[project]\nname = "a"\n\n[tool.pytest.ini_options]\npythonpath = ["python"]\n',
        "python/libpkg/__init__.py": "",
        "tests/test_a.py": "import libpkg\n",
        EXTENSIONS: recommend("astral-sh.ty"),
    }
    write(tmp_path, files)
    assert not only(check(tmp_path), "PD301")
    pyproject = files["pyproject.toml"] + '\n[tool.ty.environment]\nroot = ["."]\n'
    write(tmp_path, {"pyproject.toml": pyproject})
    [item] = only(check(tmp_path), "PD301")
    assert text_at(tmp_path, item) == "[tool.ty.environment]"


def test_pd301_pyrefly_new_file_and_legacy_key(tmp_path: Path) -> None:
    files = {k: v for k, v in LIB.items() if k != "pyproject.toml"}
    files["pytest.ini"] = "[pytest]\npythonpath = lib\n"
    write(tmp_path, {**files, SETTINGS: '{"python.pyrefly.displayTypeErrors": "force-on"}'})
    [item] = only(check(tmp_path), "PD301")
    assert "Pyrefly" in item.message and "show type errors" in item.message
    apply_fix(tmp_path, item)
    assert (tmp_path / "pyrefly.toml").read_text() == 'search-path = ["lib"]\n'
    assert not only(check(tmp_path), "PD301")
    (tmp_path / "pyrefly.toml").write_text('search_path = [\n  "tests",\n]\n')
    [item] = only(check(tmp_path), "PD301")
    assert text_at(tmp_path, item) == "search_path"
    apply_fix(tmp_path, item)
    assert (tmp_path / "pyrefly.toml").read_text() == 'search_path = [\n  "tests",\n  "lib",\n]\n'


def test_pd301_jedi_writes_autocomplete_extra_paths(tmp_path: Path) -> None:
    write(tmp_path, {**LIB, SETTINGS: '{\n  "python.languageServer": "Jedi"\n}\n'})
    [item] = only(check(tmp_path), "PD301")
    assert "not on Jedi's import search path" in item.message
    assert text_at(tmp_path, item) == '"python.languageServer": "Jedi"'
    apply_fix(tmp_path, item)
    assert json.loads((tmp_path / SETTINGS).read_text())["python.autoComplete.extraPaths"] == ["./lib"]
    assert not only(check(tmp_path), "PD301")


def test_pd301_jedi_has_no_automatic_src(tmp_path: Path) -> None:
    # Pylance adds `src` (autoSearchPaths); Jedi does not (checked with jedi-language-server 0.47).
    files = {
        "pyproject.toml": '[project]\nname = "a"\n',
        "src/libpkg/__init__.py": "",
        "tests/test_a.py": "import libpkg\n",
    }
    write(tmp_path, files)
    assert not only(check(tmp_path), "PD301")
    write(tmp_path, {SETTINGS: '{"python.languageServer": "Jedi"}'})
    [item] = only(check(tmp_path), "PD301")
    assert "`src`" in item.message


def test_pd301_silent_without_any_language_server(tmp_path: Path) -> None:
    write(tmp_path, {**LIB, SETTINGS: '{"python.languageServer": "None"}'})
    assert not only(check(tmp_path), "PD301")
