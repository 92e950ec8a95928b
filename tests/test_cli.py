"""The CLI contract, run as a subprocess on real temporary workspaces."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import sys
import urllib.parse
from pathlib import Path
from typing import Any

import pytest

from pyproj_doctor.rules import RULES
from tests.helpers import ROOT, SEED_PYPROJECT, cli, hook_installed_member, seed, write


def test_text_output_exit_code_and_summary(tmp_path: Path) -> None:
    seed(tmp_path)
    result = cli("check", str(tmp_path))
    assert result.returncode == 1
    all_lines = result.stdout.splitlines()
    # ruff's concise line, with the severity: path:line:col: CODE severity [*] message
    assert all_lines[0].startswith(f"{tmp_path}/pyproject.toml:1:1: PD201 error [*] Tests import `my_app`")
    # Under it, indented: the related locations, then what the fix does.
    assert all_lines[1].startswith(f"    {tmp_path}/tests/test_main.py:1:6: `my_app` cannot be imported")
    assert all_lines[2] == "    fix: Add 'src' to pytest's pythonpath in pyproject.toml"
    # Editor conveniences (PD304, PD401) where no `.vscode` is shared are hints: only the import
    # failure is an error. No PD301: Pylance finds the top-level src through autoSearchPaths.
    assert all_lines[-1].startswith("Found 4 findings (1 error, 3 hints).")
    lines = [line for line in all_lines if not line.startswith("    ")]
    shape = re.compile(r"^.+:\d+:\d+: PD\d{3} (error|warning|information|hint) (\[\*\] )?\S.*$")
    assert len(lines) == 5 and all(shape.match(line) for line in lines[:-1])
    assert {shape.match(line)[1] for line in lines[:-1]} == {"error", "hint"}  # type: ignore[index]
    assert "\x1b[" not in result.stdout  # no colour when not a TTY


def test_relative_paths_from_cwd_and_default_path(tmp_path: Path) -> None:
    seed(tmp_path)
    result = cli("check", cwd=tmp_path)
    assert result.stdout.startswith("pyproject.toml:1:1: PD201")
    assert cli(cwd=tmp_path).stdout == result.stdout


def test_json_format(tmp_path: Path) -> None:
    seed(tmp_path)
    result = cli("check", "--format", "json", str(tmp_path))
    data = json.loads(result.stdout)
    first = data[0]
    assert set(first) == {
        "code",
        "severity",
        "message",
        "path",
        "range",
        "fix",
        "fixUnavailable",
        "alternatives",
        "related",
    }
    assert all(isinstance(d["related"], list) for d in data)  # always there, maybe empty
    [related] = first["related"]
    assert related["path"] == "tests/test_main.py" and related["message"].startswith(
        "`my_app` cannot be imported"
    )
    assert related["range"] == {"start": {"line": 0, "character": 5}, "end": {"line": 0, "character": 11}}
    assert first["code"] == "PD201" and first["severity"] == "error" and first["path"] == "pyproject.toml"
    assert first["range"] == {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 9}}
    assert first["fix"]["changes"][0]["path"] == "pyproject.toml"
    assert {d["severity"] for d in data} == {"error", "hint"}


def test_sarif_format(tmp_path: Path) -> None:
    seed(tmp_path)
    sarif = json.loads(cli("check", "--format", "sarif", str(tmp_path)).stdout)
    assert sarif["version"] == "2.1.0"
    run = sarif["runs"][0]
    assert run["tool"]["driver"]["name"] == "pyproj-doctor"
    assert {r["id"] for r in run["tool"]["driver"]["rules"]} >= {"PD101", "PD902"}
    result = run["results"][0]
    assert result["ruleId"] == "PD201" and result["level"] == "error"
    region = result["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 10}


def test_github_format(tmp_path: Path) -> None:
    seed(tmp_path)
    lines = cli("check", "--format", "github", cwd=tmp_path).stdout.splitlines()
    assert lines[0].startswith("::error file=pyproject.toml,line=1,col=1,endLine=1,endColumn=10,title=PD201 ")
    assert any(line.startswith("::notice ") for line in lines)


def test_fix_then_clean_then_idempotent(tmp_path: Path) -> None:
    seed(tmp_path)
    first = cli("check", "--fix", cwd=tmp_path)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "All checks passed." in first.stdout
    snapshot = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    second = cli("check", "--fix", cwd=tmp_path)
    assert second.returncode == 0
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == snapshot
    assert cli("check", cwd=tmp_path).returncode == 0


def test_diff_writes_nothing(tmp_path: Path) -> None:
    seed(tmp_path)
    before = (tmp_path / "pyproject.toml").read_bytes()
    result = cli("check", "--diff", cwd=tmp_path)
    assert result.returncode == 1
    assert "--- a/pyproject.toml\n+++ b/pyproject.toml\n" in result.stdout
    assert "--- /dev/null\n+++ b/.vscode/settings.json\n" in result.stdout
    assert '+pythonpath = ["src"]\n' in result.stdout
    assert (tmp_path / "pyproject.toml").read_bytes() == before
    assert not (tmp_path / ".vscode").exists()


def test_fix_keeps_crlf_bom_and_missing_final_newline(tmp_path: Path) -> None:
    pyproject = "\ufeff" + SEED_PYPROJECT.replace("\n", "\r\n").rstrip("\r\n")
    settings = '\ufeff{\r\n\t// mine\r\n\t"editor.rulers": [100]\r\n}'
    seed(tmp_path, **{"pyproject.toml": pyproject.encode(), ".vscode/settings.json": settings.encode()})
    assert cli("check", "--fix", cwd=tmp_path).returncode == 0
    fixed = (tmp_path / "pyproject.toml").read_bytes().decode()
    assert fixed.startswith("\ufeff[project]\r\n")
    assert fixed.endswith('\r\n\r\n[tool.pytest.ini_options]\r\npythonpath = ["src"]')
    assert "\n" not in fixed.replace("\r\n", "")
    vscode = (tmp_path / ".vscode/settings.json").read_bytes().decode()
    assert vscode.startswith(
        '\ufeff{\r\n\t// mine\r\n\t"editor.rulers": [100],\r\n\t"python.testing.pytestEnabled": true,'
    )
    assert vscode.endswith("\r\n}")


def test_fix_keeps_permissions(tmp_path: Path) -> None:
    seed(tmp_path)
    (tmp_path / "pyproject.toml").chmod(0o640)
    cli("check", "--fix", cwd=tmp_path)
    assert stat.S_IMODE((tmp_path / "pyproject.toml").stat().st_mode) == 0o640


def test_select_ignore_and_fail_on(tmp_path: Path) -> None:
    # A shared .vscode and a recommendations list: PD304/PD401 are information.
    seed(
        tmp_path, **{".vscode/settings.json": "{}\n", ".vscode/extensions.json": '{"recommendations": []}\n'}
    )
    result = cli("check", "--select", "PD2", cwd=tmp_path)
    assert [line.split()[1] for line in result.stdout.splitlines()[:-1] if line[0] != " "] == ["PD201"]
    result = cli("check", "--ignore", "PD201,PD3", cwd=tmp_path)
    assert result.returncode == 0  # only information findings are left
    assert "PD401" in result.stdout
    assert cli("check", "--ignore", "PD201,PD3", "--fail-on", "information", cwd=tmp_path).returncode == 1
    assert cli("check", "--fail-on", "error", "--ignore", "PD2", cwd=tmp_path).returncode == 0


def test_config_table_in_pyproject(tmp_path: Path) -> None:
    seed(
        tmp_path,
        **{
            "pyproject.toml": SEED_PYPROJECT + '\n[tool.pyproj-doctor]\nignore = ["PD4"]\nfail-on = "error"\n'
        },
    )
    result = cli("check", cwd=tmp_path)
    assert "PD401" not in result.stdout
    assert result.returncode == 1  # PD201 is an error
    assert cli("check", "--select", "PD4", cwd=tmp_path).stdout.count("PD401") == 2


def test_bad_config_is_a_located_usage_error(tmp_path: Path) -> None:
    seed(tmp_path, **{"pyproject.toml": SEED_PYPROJECT + '\n[tool.pyproj-doctor]\nselect = ["XX1"]\n'})
    result = cli("check", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("pyproject.toml: error: [tool.pyproj-doctor] select: unknown rule")
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", "does-not-exist"], "does-not-exist: no such file or folder"),
        (["check", "--select", "NOPE"], "unknown rule or prefix 'NOPE'"),
        (["check", "--format", "xml"], "invalid choice"),
        (["rules", "PD999"], "unknown rule PD999"),
    ],
)
def test_usage_errors_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    result = cli(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_file_instead_of_folder(tmp_path: Path) -> None:
    (tmp_path / "f.txt").write_text("")
    result = cli("check", "f.txt", cwd=tmp_path)
    assert result.returncode == 2 and "not a folder" in result.stderr


def test_unreadable_file_is_a_located_problem(tmp_path: Path) -> None:
    # Root reads every file whatever its mode, so provoke the read errors directly.
    from pyproj_doctor.text import FileProblem, read_source

    with pytest.raises(FileProblem) as caught:
        read_source(str(tmp_path), "pyproject.toml")
    assert caught.value.path == "pyproject.toml"
    assert caught.value.message == "is a folder"
    with pytest.raises(FileProblem) as caught:
        read_source(str(tmp_path / "missing"), "pyproject.toml")
    assert caught.value.message.startswith("cannot be read:")


def test_huge_config_is_refused_with_location(tmp_path: Path) -> None:
    seed(tmp_path, **{".vscode/settings.json": "{" + " " * (5 * 1024 * 1024) + "}"})
    result = cli("check", cwd=tmp_path)
    assert result.returncode == 2
    assert ".vscode/settings.json: error: is too large to check" in result.stderr
    assert "Traceback" not in result.stderr


def test_not_utf8_settings_is_a_finding_not_a_crash(tmp_path: Path) -> None:
    seed(tmp_path, **{".vscode/settings.json": b'{"a": "\xff"}'})
    result = cli("check", cwd=tmp_path)
    assert result.returncode == 1
    assert ".vscode/settings.json:1:8: PD902" in result.stdout


def test_symlinked_vscode_outside_is_never_written(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "settings.json").write_text("{}")
    project = tmp_path / "project"
    seed(project)
    (project / ".vscode").symlink_to(outside, target_is_directory=True)
    result = cli("check", "--fix", cwd=project)
    assert result.returncode == 2
    assert ".vscode/settings.json: error: not fixed: resolves outside the workspace" in result.stderr
    assert (outside / "settings.json").read_text() == "{}"
    assert not (outside / "extensions.json").exists()
    # The rest of the fixes still happened.
    assert "[tool.pytest.ini_options]" in (project / "pyproject.toml").read_text()


def test_broken_file_is_never_rewritten_by_fix(tmp_path: Path) -> None:
    broken = '{\n  "python.testing.pytestEnabled": false\n  "x": 1\n}\n'
    seed(tmp_path, **{".vscode/settings.json": broken})
    result = cli("check", "--fix", cwd=tmp_path)
    assert result.returncode == 1
    assert (tmp_path / ".vscode/settings.json").read_text() == broken
    assert ".vscode/settings.json:3:3: PD902" in result.stdout


def test_rules_listing_and_explain() -> None:
    listing = cli("rules")
    assert listing.returncode == 0
    codes = [line.split()[0] for line in listing.stdout.splitlines() if line.startswith("PD")]
    assert codes == [rule.code for rule in RULES] == sorted(codes)
    explained = cli("rules", "PD301")
    assert "extraPaths" in explained.stdout and "warning" in explained.stdout
    assert "`extraPaths`" in explained.stdout and "``" not in explained.stdout
    assert cli("--explain", "pd301").stdout == explained.stdout
    data = json.loads(cli("rules", "--format", "json").stdout)
    assert {r["code"] for r in data} == set(codes)


def test_configure_applies_full_setup(tmp_path: Path) -> None:
    seed(tmp_path)
    preview = cli("configure", "--diff", str(tmp_path))
    assert preview.returncode == 1 and "+++ b/.vscode/extensions.json" in preview.stdout  # changes: 1
    assert not (tmp_path / ".vscode").exists()
    result = cli("configure", str(tmp_path))
    assert result.returncode == 0
    assert (tmp_path / ".vscode/settings.json").exists() and (tmp_path / ".vscode/extensions.json").exists()
    again = cli("configure", str(tmp_path))
    assert "Nothing to change" in again.stdout
    nothing = cli("configure", "--diff", str(tmp_path))
    assert (nothing.returncode, nothing.stdout) == (0, "")


def test_several_roots(tmp_path: Path) -> None:
    seed(tmp_path / "a")
    write(tmp_path / "b", {"pyproject.toml": "[project]\nname = 'b'\n"})
    result = cli("check", "a", "b", "--format", "json", cwd=tmp_path)
    data = json.loads(result.stdout)
    assert {d["root"] for d in data} == {"a", "b"}
    text = cli("check", "a", "b", cwd=tmp_path).stdout
    assert "a/pyproject.toml:1:1: PD201" in text and "b/pyproject.toml:1:1: PD401" in text


def test_colour_always(tmp_path: Path) -> None:
    seed(tmp_path)
    assert "\x1b[1;31mPD201\x1b[0m" in cli("check", "--color", "always", cwd=tmp_path).stdout


def test_cli_does_not_import_pygls(tmp_path: Path) -> None:
    seed(tmp_path)
    code = (
        "import sys, runpy\n"
        "sys.argv = ['pyproj-doctor', 'check', '.']\n"
        "try:\n    runpy.run_module('pyproj_doctor', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('pygls', 'lsprotocol', 'tomlkit', 'cattrs')]\n"
        "print('LOADED', bad)\n"
    )
    import subprocess

    out = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert "LOADED []" in out.stdout


def test_unsafe_fixes_only_on_request(tmp_path: Path) -> None:
    seed(tmp_path, **{"src/my_app/utils/helpers.py": "X = 1\n"})
    init = tmp_path / "src/my_app/utils/__init__.py"
    listed = json.loads(cli("check", "--format", "json", cwd=tmp_path).stdout)
    [pd101] = [d for d in listed if d["code"] == "PD101"]
    assert pd101["fix"]["applicability"] == "unsafe"
    assert {d["fix"]["applicability"] for d in listed if d["code"] == "PD201"} == {"safe"}
    text = cli("check", cwd=tmp_path).stdout
    assert "PD101" in text and not [line for line in text.splitlines() if "PD101" in line and "[*]" in line]
    assert "1 more with `--fix --unsafe-fixes`" in text
    fixed = cli("check", "--fix", cwd=tmp_path)
    assert not init.exists() and "PD101" in fixed.stdout and "PD201" not in fixed.stdout
    diff = cli("check", "--diff", "--unsafe-fixes", cwd=tmp_path)
    assert "+++ b/src/my_app/utils/__init__.py" in diff.stdout and not init.exists()
    cli("check", "--fix", "--unsafe-fixes", cwd=tmp_path)
    assert init.exists() and init.read_text() == ""


def test_configure_applies_safe_fixes_and_names_the_unsafe_ones(tmp_path: Path) -> None:
    seed(tmp_path, **{"src/my_app/utils/helpers.py": "X = 1\n"})
    init = tmp_path / "src/my_app/utils/__init__.py"
    result = cli("configure", str(tmp_path))
    assert result.returncode == 0 and not init.exists()
    assert "1 unsafe fix(es) not applied (add --unsafe-fixes to apply them):" in result.stdout
    assert "PD101 Create src/my_app/utils/__init__.py" in result.stdout
    assert cli("configure", "--unsafe-fixes", str(tmp_path)).returncode == 0
    assert init.exists()


# --- Errors, --diff with machine formats, repeated flags (ruff's conventions) ---


@pytest.mark.parametrize(
    "files",
    [
        None,  # the path does not exist
        {"pyproject.toml": '[project]\nname = "x"\n\n[tool.pyproj-doctor]\nfail-on = "bogus"\n'},
    ],
)
def test_an_error_never_says_all_checks_passed(tmp_path: Path, files: dict[str, str] | None) -> None:
    if files is not None:
        write(tmp_path / "p", files)
    result = cli("check", "p", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith(("p/pyproject.toml: error: ", "pyproj-doctor: error: p: no such"))
    assert result.stdout == ""
    # Findings of the roots that could be checked are still reported, with their count.
    seed(tmp_path / "ok")
    both = cli("check", "ok", "p", cwd=tmp_path)
    assert both.returncode == 2
    assert both.stdout.splitlines()[-1].startswith("Found 4 findings")
    assert "All checks passed." not in both.stdout


def test_bad_fail_on_flag_is_a_usage_error_without_summary(tmp_path: Path) -> None:
    seed(tmp_path)
    result = cli("check", "--fail-on", "bogus", cwd=tmp_path)
    assert result.returncode == 2 and "invalid choice" in result.stderr
    assert result.stdout == ""


def test_diff_with_json_is_one_json_document(tmp_path: Path) -> None:
    seed(tmp_path)
    text = cli("check", "--diff", cwd=tmp_path)
    result = cli("check", "--diff", "--format", "json", cwd=tmp_path)
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert set(data) == {"findings", "diff"}
    assert data["diff"] == text.stdout  # the same unified diff `check --diff` prints
    assert "+++ b/.vscode/settings.json\n" in data["diff"]
    assert not (tmp_path / ".vscode").exists()
    # The findings are what would be left after the fixes, as `check --fix` reports them.
    shutil.copytree(tmp_path, tmp_path.parent / "copy")
    fixed = cli("check", "--fix", "--format", "json", cwd=tmp_path.parent / "copy")
    assert data["findings"] == json.loads(fixed.stdout)


def test_diff_with_sarif_is_one_sarif_document(tmp_path: Path) -> None:
    seed(tmp_path)
    result = cli("check", "--diff", "--format", "sarif", cwd=tmp_path)
    assert result.returncode == 1
    sarif = json.loads(result.stdout)
    assert_valid_sarif(sarif)
    assert "+++ b/pyproject.toml\n" in sarif["runs"][0]["properties"]["diff"]


def test_diff_with_nothing_to_fix_is_empty_and_exits_0(tmp_path: Path) -> None:
    seed(tmp_path)
    assert cli("check", "--fix", cwd=tmp_path).returncode == 0
    result = cli("check", "--diff", "--format", "json", cwd=tmp_path)
    assert result.returncode == 0
    assert json.loads(result.stdout) == {"findings": [], "diff": ""}


def test_repeated_select_and_ignore_accumulate(tmp_path: Path) -> None:
    seed(tmp_path)

    def codes(*args: str) -> list[str]:
        return [f["code"] for f in json.loads(cli("check", "--format", "json", *args, cwd=tmp_path).stdout)]

    assert codes("--select", "PD2", "--select", "PD4") == codes("--select", "PD2,PD4")
    assert set(codes("--select", "PD2", "--select", "PD4")) == {"PD201", "PD401"}
    assert codes("--ignore", "PD2", "--ignore", "PD3", "--ignore", "PD4") == codes("--ignore", "PD2,PD3,PD4")
    left = codes("--ignore", "PD3", "--ignore", "PD201")
    assert left and not [c for c in left if c == "PD201" or c.startswith("PD3")]
    configured = cli("configure", "--diff", "--select", "PD2", "--select", "PD3", cwd=tmp_path).stdout
    assert "+++ b/pyproject.toml" in configured and "+++ b/.vscode/settings.json" in configured
    assert "extensions.json" not in configured  # PD4 was not selected


# --- SARIF: the 2.1.0 schema, URIs relative to %SRCROOT% ---

# The SARIF 2.1.0 schema as the npm devDependency @microsoft/jest-sarif ships it (2.1.0-rtm.5,
# the one schemastore serves; the OASIS errata only add `type` next to enums and require a
# region to have a start, which every region here has).
SARIF_SCHEMA = ROOT / "node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json"


def assert_valid_sarif(log: object) -> None:
    import jsonschema

    assert SARIF_SCHEMA.is_file(), f"{SARIF_SCHEMA} is missing: run `npm ci`"
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    # FormatChecker() checks uri and uri-reference (rfc3986-validator) whatever the draft.
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])


def result_files(log: dict[str, Any]) -> list[Path]:
    """Every location of every result, resolved as a consumer would: uri against %SRCROOT%."""
    run = log["runs"][0]
    base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    locations = [loc for r in run["results"] for loc in r["locations"] + r.get("relatedLocations", [])]
    files = []
    for loc in locations:
        artifact = loc["physicalLocation"]["artifactLocation"]
        assert artifact["uriBaseId"] == "%SRCROOT%"
        assert not artifact["uri"].startswith(("/", "file:"))  # relative, as the base id promises
        url = urllib.parse.urlsplit(urllib.parse.urljoin(base, artifact["uri"]))
        assert url.scheme == "file" and not url.query and not url.fragment
        files.append(Path(os.fsdecode(urllib.parse.unquote_to_bytes(url.path))))
    return files


def test_sarif_validates_against_the_schema(tmp_path: Path) -> None:
    seed(tmp_path / "a")
    write(tmp_path / "b", {"pyproject.toml": "[project]\nname = 'b'\n"})
    write(
        tmp_path / "c",
        {
            "pyproject.toml": '[project]\nname = "c"\n',
            "tests/one/test_same.py": "def test_a(): pass\n",
            "tests/two/test_same.py": "def test_b(): pass\n",
        },
    )
    log = json.loads(cli("check", "--format", "sarif", "a", "b", "c", cwd=tmp_path).stdout)
    assert_valid_sarif(log)
    results = log["runs"][0]["results"]
    assert {r["ruleId"] for r in results} >= {"PD201", "PD205", "PD401"}
    assert any("relatedLocations" in r for r in results)
    assert all(p.is_file() for p in result_files(log))
    # What the schema cannot see: each ruleIndex points at its rule.
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in results)
    # Code scanning renders help.markdown: code in single backticks, as Markdown has it.
    pd201 = next(rule for rule in rules if rule["id"] == "PD201")
    assert "``" in pd201["help"]["text"] and "``" not in pd201["help"]["markdown"]
    assert "`pythonpath`" in pd201["help"]["markdown"]


def test_sarif_uri_is_relative_for_an_absolute_path_argument(tmp_path: Path) -> None:
    project = seed(tmp_path / "project")
    log = json.loads(cli("check", "--format", "sarif", str(project), cwd=tmp_path).stdout)
    assert_valid_sarif(log)
    artifact = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact == {"uri": "project/pyproject.toml", "uriBaseId": "%SRCROOT%"}
    assert log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tmp_path.as_uri() + "/"
    # Run from inside the project, the absolute argument gives what `check .` gives.
    inside = json.loads(cli("check", "--format", "sarif", str(project), cwd=project).stdout)
    dot = json.loads(cli("check", "--format", "sarif", ".", cwd=project).stdout)
    assert inside == dot
    assert all(p.is_file() for p in result_files(inside))
    # A project outside the current folder is still reached from %SRCROOT%, with "..".
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    outside = json.loads(cli("check", "--format", "sarif", str(project), cwd=elsewhere).stdout)
    assert_valid_sarif(outside)
    assert all(p.resolve().is_file() for p in result_files(outside))


NASTY = "a b%20[1]#x?y=é€"  # spaces, %, [ ], #, ?, = and non-ASCII


def test_sarif_uri_is_percent_encoded(tmp_path: Path) -> None:
    root = tmp_path / NASTY
    seed(
        root,
        **{
            f"tests/one/test_{NASTY}.py": "def test_a(): pass\n",
            f"tests/two/test_{NASTY}.py": "def test_b(): pass\n",
        },
    )
    log = json.loads(cli("check", "--format", "sarif", str(root), cwd=tmp_path).stdout)
    assert_valid_sarif(log)
    uris = {
        loc["physicalLocation"]["artifactLocation"]["uri"]
        for r in log["runs"][0]["results"]
        for loc in r["locations"]
    }
    assert "a%20b%2520%5B1%5D%23x%3Fy%3D%C3%A9%E2%82%AC/pyproject.toml" in uris
    assert (
        "a%20b%2520%5B1%5D%23x%3Fy%3D%C3%A9%E2%82%AC/tests/two/test_a%20b%2520%5B1%5D%23x%3Fy%3D%C3%A9%E2%82%AC.py"
        in uris
    )
    files = result_files(log)
    assert root / f"tests/one/test_{NASTY}.py" in files and all(p.is_file() for p in files)


@pytest.mark.skipif(sys.platform == "darwin", reason="macOS refuses file names that are not UTF-8")
def test_sarif_uri_of_a_file_name_that_is_not_utf8(tmp_path: Path) -> None:
    seed(tmp_path)
    for folder in (b"one", b"two"):
        path = os.fsencode(tmp_path) + b"/tests/" + folder + b"/test_\xff.py"
        os.makedirs(os.path.dirname(path))
        with open(path, "wb") as handle:
            handle.write(b"def test_a(): pass\n")
    result = cli("check", "--format", "sarif", cwd=tmp_path)
    log = json.loads(result.stdout)  # valid UTF-8 (json.loads of a str that decoded strictly)
    assert_valid_sarif(log)
    uris = [
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]
    ]
    assert "tests/two/test_%FF.py" in uris
    assert all(p.is_file() for p in result_files(log))
    # JSON says the name as Python does (os.fsdecode), in valid UTF-8; text shows the byte.
    data = json.loads(cli("check", "--format", "json", cwd=tmp_path).stdout)
    assert "tests/two/test_\udcff.py" in {f["path"] for f in data}
    assert "tests/two/test_\\xff.py:1:1: PD205 error" in cli("check", cwd=tmp_path).stdout


# --- Output injection: names and values from the project never act on a terminal or a CI log ---

EVIL = "x\n::error file=evil.py,line=1::injected\x1b[2J\x1b]0;title\x07##[error]v1\u202e"


def evil_project(root: Path) -> Path:
    """A test-module clash whose file names, and a configured value, carry EVIL."""
    seed(
        root,
        **{
            "pyproject.toml": SEED_PYPROJECT
            + f"\n[tool.pyproj-doctor]\nextra-recommendations = [{json.dumps('my.ext' + EVIL)}]\n",
            f"tests/one/test_{EVIL}.py": "def test_a(): pass\n",
            f"tests/two/test_{EVIL}.py": "def test_b(): pass\n",
        },
    )
    return root


def assert_inert(text: str) -> None:
    """Nothing a terminal or GitHub's runner would act on: no control character but the line
    feed, no line that is a workflow command, no older-syntax `##[` command anywhere."""
    assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", text), repr(text)
    assert "##[" not in text
    assert not any(line.lstrip().startswith("::") for line in text.splitlines()), text


def test_text_escapes_file_names_and_values(tmp_path: Path) -> None:
    evil_project(tmp_path / "p")
    lines = cli("check", "p", cwd=tmp_path).stdout.splitlines()
    findings = json.loads(cli("check", "--format", "json", "p", cwd=tmp_path).stdout)
    assert len([line for line in lines if line[0] != " "]) == len(findings) + 1
    shown = "x\\n::error file=evil.py,line=1::injected\\x1b[2J\\x1b]0;title\\x07#\\x23[error]v1\\u202e"
    # PD205's fix (adding __init__.py) is unsafe: no [*] mark.
    assert any(line.startswith(f"p/tests/two/test_{shown}.py:1:1: PD205 error `") for line in lines)
    assert any(f"`my.ext{shown.lower()}`" in line for line in lines)  # the configured value, escaped
    for args in (
        ["check", "p"],
        ["check", "--color", "always", "p"],
        ["check", "--diff", "p"],
        ["configure", "p"],
    ):
        result = cli(*args, cwd=tmp_path)
        assert result.returncode == (1 if args[0] == "check" else 0), result.stderr
        stdout = re.sub("\x1b\\[[0-9;]*m", "", result.stdout) if "always" in args else result.stdout
        assert_inert(stdout)
        assert_inert(result.stderr)


def test_a_path_that_starts_with_a_workflow_command(tmp_path: Path) -> None:
    seed(tmp_path / "::warning::pwned")
    result = cli("check", "::warning::pwned", cwd=tmp_path)
    assert result.stdout.startswith("./::warning::pwned/pyproject.toml:1:1: PD201 error ")
    assert_inert(result.stdout)


def test_json_and_sarif_keep_names_exact_and_inert(tmp_path: Path) -> None:
    evil_project(tmp_path)
    data = json.loads(cli("check", "--format", "json", cwd=tmp_path).stdout)
    assert {f"tests/one/test_{EVIL}.py", f"tests/two/test_{EVIL}.py"} <= {
        p for f in data for p in [f["path"], *(r["path"] for r in f.get("related", []))]
    }
    for fmt in ("json", "sarif"):
        result = cli("check", "--format", fmt, cwd=tmp_path)
        assert_inert(result.stdout)
    log = json.loads(cli("check", "--format", "sarif", cwd=tmp_path).stdout)
    assert_valid_sarif(log)
    assert tmp_path / f"tests/two/test_{EVIL}.py" in result_files(log)


def test_github_annotations_one_line_each(tmp_path: Path) -> None:
    evil_project(tmp_path)
    findings = json.loads(cli("check", "--format", "json", cwd=tmp_path).stdout)
    lines = cli("check", "--format", "github", cwd=tmp_path).stdout.splitlines()
    assert len(lines) == len(findings)
    assert all(re.match(r"::(error|warning|notice) file=[^:]*,line=\d+,col=\d+,", line) for line in lines)
    assert "\x1b" not in "".join(line.split("::", 2)[2] for line in lines)  # in the messages
    clash = next(line for line in lines if "PD205" in line)
    assert clash.startswith("::error file=tests/two/test_x%0A%3A%3Aerror file=evil.py%2Cline=1%3A%3Ainjected")


def test_colour_only_on_a_terminal(tmp_path: Path) -> None:
    import pty
    import subprocess

    evil_project(tmp_path)
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}

    def run(extra_env: dict[str, str]) -> str:
        leader, follower = pty.openpty()
        process = subprocess.Popen(
            [sys.executable, "-m", "pyproj_doctor", "check"],
            cwd=tmp_path,
            stdout=follower,
            stderr=subprocess.DEVNULL,
            env={**env, **extra_env},
        )
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        os.close(leader)
        assert process.wait(timeout=120) == 1
        return b"".join(chunks).decode()

    coloured = run({})
    assert "\x1b[1;31mPD205\x1b[0m \x1b[1;31merror\x1b[0m" in coloured
    # Our colours are the only escape sequences: the names' own are shown escaped.
    assert_inert(re.sub("\x1b\\[[0-9;]*m", "", coloured).replace("\r\n", "\n"))
    assert "\x1b[" not in run({"NO_COLOR": "1"})
    assert "\x1b[" not in cli("check", cwd=tmp_path).stdout  # a pipe


# --- Parity: every format tells the same about each finding ---


def test_every_format_shows_related_locations_and_the_fix(tmp_path: Path) -> None:
    seed(
        tmp_path,
        **{
            ".vscode/settings.json": '{"a": 1,, }',  # the PD304 fix cannot be made: it does not parse
            "tests/one/test_same.py": "def test_a(): pass\n",
            "tests/two/test_same.py": "def test_b(): pass\n",
        },
    )
    findings = json.loads(cli("check", "--format", "json", cwd=tmp_path).stdout)
    assert {f["code"] for f in findings if f["related"]} >= {"PD201", "PD205"}
    assert {f["code"] for f in findings if f["fixUnavailable"]} == {"PD304"}
    assert {f["fix"]["applicability"] for f in findings if f["fix"]} == {"safe", "unsafe"}
    # PD201's failing import line is a site of the problem (the editor shows it as a diagnostic).
    assert {f["code"] for f in findings for r in f["related"] if r["site"]} == {"PD201"}

    def details(f: dict[str, Any]) -> list[str]:
        lines = [
            f"{r['path']}:{r['range']['start']['line'] + 1}:{r['range']['start']['character'] + 1}: {r['message']}"
            for r in f["related"]
        ]
        if f["fix"]:
            unsafe = " (unsafe)" if f["fix"]["applicability"] == "unsafe" else ""
            lines.append(f"fix{unsafe}: {f['fix']['description']}")
        elif f["fixUnavailable"]:
            lines.append(f"no automatic fix here: {f['fixUnavailable']}")
        return lines

    # text: indented under the finding's line
    text = cli("check", cwd=tmp_path).stdout
    blocks = re.split(r"\n(?! )", text.rstrip("\n"))[:-1]  # one block per finding, summary dropped
    assert len(blocks) == len(findings)
    for block, f in zip(blocks, findings):
        head, *rest = block.split("\n")
        assert head.startswith(f"{f['path']}:") and f" {f['code']} " in head
        assert [line[4:] for line in rest] == details(f)
    # github: lines of the annotation's message
    annotations = cli("check", "--format", "github", cwd=tmp_path).stdout.splitlines()
    assert len(annotations) == len(findings)
    for line, f in zip(annotations, findings):
        assert line.split("::", 2)[2].split("%0A") == [f["message"], *details(f)]
    # sarif: relatedLocations, and the fix in the result's property bag
    log = json.loads(cli("check", "--format", "sarif", cwd=tmp_path).stdout)
    assert_valid_sarif(log)
    results = log["runs"][0]["results"]
    assert len(results) == len(findings)
    for result, f in zip(results, findings):
        related = result.get("relatedLocations", [])
        assert [(r["message"]["text"], r["physicalLocation"]["region"]["startLine"]) for r in related] == [
            (r["message"], r["range"]["start"]["line"] + 1) for r in f["related"]
        ]
        assert [r["properties"]["site"] for r in related] == [r["site"] for r in f["related"]]
        properties = result.get("properties", {})
        fix = (
            {"description": f["fix"]["description"], "applicability": f["fix"]["applicability"]}
            if f["fix"]
            else None
        )
        assert properties.get("fix") == fix
        assert properties.get("fixUnavailable") == f["fixUnavailable"]


def test_alternative_fixes_are_shown_in_every_format_and_never_applied(tmp_path: Path) -> None:
    hook_installed_member(tmp_path)
    before = (tmp_path / "pyproject.toml").read_text()
    [finding] = [
        f for f in json.loads(cli("check", "--format", "json", cwd=tmp_path).stdout) if f["code"] == "PD301"
    ]
    [alternative] = finding["alternatives"]
    description = (
        'Set editable_mode = "compat" for `app` in [tool.uv] config-settings-package of pyproject.toml, then run `uv sync` '
        "(a path `.pth` for `packages/app`)"
    )
    assert alternative["description"] == description and alternative["applicability"] == "unsafe"
    [change] = alternative["changes"]
    assert change["path"] == "pyproject.toml" and not change["create"]
    line = f"    or, by hand (unsafe): {description}"
    text = cli("check", cwd=tmp_path).stdout.splitlines()
    assert (
        text[
            text.index("    fix: Add './packages/app' to python.analysis.extraPaths in .vscode/settings.json")
            + 1
        ]
        == line
    )
    annotations = cli("check", "--format", "github", cwd=tmp_path).stdout
    assert f"%0A{line.strip()}" in annotations
    log = json.loads(cli("check", "--format", "sarif", cwd=tmp_path).stdout)
    [result] = [r for r in log["runs"][0]["results"] if r["ruleId"] == "PD301"]
    assert result["properties"]["alternatives"] == [{"description": description, "applicability": "unsafe"}]
    # `--fix --unsafe-fixes` applies the rule's fix, not the alternative.
    cli("check", "--fix", "--unsafe-fixes", cwd=tmp_path)
    assert (tmp_path / "pyproject.toml").read_text() == before
    assert "./packages/app" in (tmp_path / ".vscode/settings.json").read_text()


def test_a_lone_surrogate_in_a_value_prints_in_every_format(tmp_path: Path) -> None:
    # "\ud800" is valid JSON but no UTF-8 can encode it: every format must still print.
    value = '"x\\ud800y"'
    seed(
        tmp_path,
        **{
            ".vscode/extensions.json": f'{{"recommendations": [{value}], "unwantedRecommendations": [{value}]}}'
        },
    )
    strict = {"PYTHONIOENCODING": "utf-8:strict"}
    for fmt in ("text", "json", "sarif", "github"):
        result = cli("check", "--format", fmt, cwd=tmp_path, env=strict)
        assert result.returncode == 1, result.stderr
        assert "Traceback" not in result.stderr
        assert "x\\ud800y" in result.stdout  # shown as its escape
        if fmt == "sarif":
            assert_valid_sarif(json.loads(result.stdout))
    data = json.loads(cli("check", "--format", "json", cwd=tmp_path, env=strict).stdout)
    assert any("x\ud800y" in f["message"] for f in data)  # JSON keeps the exact value
