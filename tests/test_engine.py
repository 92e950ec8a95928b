"""The engine in-process: option precedence, and fix runs that converge."""

from __future__ import annotations

from pathlib import Path

from pyproj_doctor import engine
from pyproj_doctor.findings import Severity
from pyproj_doctor.workspace.snapshot import Snapshot
from tests.helpers import SEED_PYPROJECT, codes, only, seed, write

TABLE = """
[tool.pyproj-doctor]
select = ["PD2", "PD4"]
ignore = ["PD206"]
fail-on = "error"
extra-recommendations = ["ms-toolsai.jupyter", "MS-Python.Python"]

[tool.pyproj-doctor.severity]
PD201 = "warning"
"""


def _options(tmp_path: Path, base: engine.Options, file_wins: bool = False) -> engine.Options:
    return engine.project_options(Snapshot(str(tmp_path)), base, file_wins)


def test_file_options_apply_when_the_caller_chose_nothing(tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": SEED_PYPROJECT + TABLE})
    options = _options(tmp_path, engine.Options())
    assert options.select == ("PD2", "PD4") and options.ignore == ("PD206",)
    assert options.fail_on is Severity.ERROR and options.threshold is Severity.ERROR
    assert options.severity_overrides == {"PD201": Severity.WARNING}
    assert options.extra_recommendations == ("ms-toolsai.jupyter", "ms-python.python")


def test_command_line_wins_over_the_file(tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": SEED_PYPROJECT + TABLE})
    base = engine.Options(select=("PD3",), fail_on=Severity.HINT, severity_overrides={"PD201": Severity.HINT})
    options = _options(tmp_path, base)
    # An explicit selection is the whole selection: the file's ignore list does not undo it.
    assert options.select == ("PD3",) and options.ignore == ()
    assert options.fail_on is Severity.HINT
    assert options.severity_overrides == {"PD201": Severity.HINT}


def test_the_file_wins_over_editor_settings(tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": SEED_PYPROJECT + TABLE})
    base = engine.Options(select=("PD3",), ignore=("PD4",), severity_overrides={"PD201": Severity.HINT})
    options = _options(tmp_path, base, file_wins=True)
    assert options.select == ("PD2", "PD4") and options.ignore == ("PD206",)
    assert options.severity_overrides == {"PD201": Severity.WARNING}


def test_defaults_without_a_table(tmp_path: Path) -> None:
    seed(tmp_path)
    options = _options(tmp_path, engine.Options())
    assert options == engine.Options() and options.threshold is Severity.WARNING


def test_report_carries_the_options_merged_once(tmp_path: Path) -> None:
    seed(tmp_path, **{"pyproject.toml": SEED_PYPROJECT + TABLE})
    base = engine.Options(select=("PD401",), extra_recommendations=("ms-toolsai.jupyter",))
    report = engine.check(str(tmp_path), base)
    assert report.options.extra_recommendations == ("ms-toolsai.jupyter", "ms-python.python")
    recommended = [f.message.split("`")[1] for f in only(report, "PD401")]
    assert sorted(recommended) == ["ms-python.python", "ms-toolsai.jupyter", "tamasfe.even-better-toml"]


def test_fix_all_converges_with_many_source_roots(tmp_path: Path) -> None:
    roots = [f"r{n}" for n in range(30)]
    files: dict[str, str] = {
        "pyproject.toml": '[project]\nname = "many"\n\n[tool.setuptools.packages.find]\nwhere = ['
        + ", ".join(f'"{r}"' for r in roots)
        + "]\n",
        "tests/test_all.py": "".join(f"import pkg{n}\n" for n in range(30)) + "\n\ndef test_x():\n    pass\n",
    }
    files.update({f"{r}/pkg{n}/__init__.py": "" for n, r in enumerate(roots)})
    write(tmp_path, files)
    before = engine.check(str(tmp_path))
    # PD301 groups a folder's roots: one finding whose fix adds all 30 in one edit.
    assert len([f for f in only(before, "PD301") if f.fix is not None]) == 1
    result = engine.fix_all(str(tmp_path))
    assert not only(result.report, "PD201") and not only(result.report, "PD301")
    changed = {c.path: c.change for c in result.files}
    assert len(changed[".vscode/settings.json"].edits) == 1  # one edit for the file, whatever the count
    assert len(changed["pyproject.toml"].edits) == 1
    pyproject = next(c for c in result.files if c.path == "pyproject.toml").after.text
    [line] = [line for line in pyproject.splitlines() if line.startswith("pythonpath = [")]
    assert sorted(line[len("pythonpath = [") : -1].split(", ")) == sorted(f'"{r}"' for r in roots)
    # What is left are findings without a safe fix.
    assert all(f.fix is None or not f.fix.allowed(False) for f in result.report.findings), codes(
        result.report
    )


def test_one_diagnostic_site_per_finding_the_rest_related(tmp_path: Path) -> None:
    seed(
        tmp_path,
        **{
            "tests/test_more.py": "from my_app import main\n\n\ndef test_more():\n    assert main()\n",
            "tests/test_third.py": "import my_app\n\n\ndef test_third():\n    assert my_app\n",
        },
    )
    [item] = only(engine.check(str(tmp_path)), "PD201")
    assert len(item.related) == 3
    assert [r.site for r in item.related] == [True, False, False]


def test_positions_convert_to_utf16_utf8_and_back() -> None:
    from lsprotocol import types as lsp

    from pyproj_doctor.findings import Position
    from pyproj_doctor.lsp.convert import Positions

    text = 'a = "é😀x"\nb\n'
    after_emoji = Position(0, 7)  # a, space, =, space, ", é, 😀 -> code points
    utf16 = Positions(text, lsp.PositionEncodingKind.Utf16)
    assert utf16.position(after_emoji) == lsp.Position(line=0, character=8)
    assert utf16.to_engine(lsp.Position(line=0, character=8)) == after_emoji
    utf8 = Positions(text, lsp.PositionEncodingKind.Utf8)
    assert utf8.position(after_emoji) == lsp.Position(line=0, character=11)
    assert utf8.to_engine(lsp.Position(line=0, character=11)) == after_emoji
    utf32 = Positions(text, lsp.PositionEncodingKind.Utf32)
    assert utf32.position(after_emoji) == lsp.Position(line=0, character=7)
    # Past the end of a line or the text, positions are clamped, not errors.
    assert utf16.to_engine(lsp.Position(line=1, character=40)) == Position(1, 1)


def test_overrides_apply_to_hints_too(tmp_path: Path) -> None:
    # No shared .vscode: PD304 (enable pytest in the Test Explorer) is a hint for this user only.
    seed(tmp_path)
    [plain] = only(engine.check(str(tmp_path)), "PD304")
    assert plain.severity is Severity.HINT
    for wanted in (Severity.ERROR, Severity.INFORMATION):
        report = engine.check(str(tmp_path), engine.Options(severity_overrides={"PD304": wanted}))
        assert [f.severity for f in only(report, "PD304")] == [wanted]
    # From the project's own table as well; a rule without an override keeps its severities.
    write(
        tmp_path, {"pyproject.toml": SEED_PYPROJECT + '\n[tool.pyproj-doctor.severity]\nPD304 = "warning"\n'}
    )
    report = engine.check(str(tmp_path))
    assert [f.severity for f in only(report, "PD304")] == [Severity.WARNING]
    assert {f.severity for f in only(report, "PD401")} == {Severity.HINT}
