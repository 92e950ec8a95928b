"""The CLI contract, run as a subprocess on real temporary workspaces."""

from __future__ import annotations

import json
import stat
import sys
from pathlib import Path

import pytest

from tests.helpers import SEED_PYPROJECT, cli, seed, write


def test_text_output_exit_code_and_summary(tmp_path: Path) -> None:
    seed(tmp_path)
    result = cli("check", str(tmp_path))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{tmp_path}/pyproject.toml:1:1: PD201 ")
    assert lines[0].endswith("[*]")
    assert lines[-1].startswith("Found 5 findings (1 error, 1 warning, 2 information, 1 hint).")
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
    assert set(first) == {"code", "severity", "message", "path", "range", "fix", "related"}
    assert first["code"] == "PD201" and first["severity"] == "error" and first["path"] == "pyproject.toml"
    assert first["range"] == {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 9}}
    assert first["fix"]["changes"][0]["path"] == "pyproject.toml"
    assert {d["severity"] for d in data} == {"error", "warning", "information", "hint"}


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
        '\ufeff{\r\n\t// mine\r\n\t"editor.rulers": [100],\r\n\t"python.analysis.extraPaths": ["./src"],'
    )
    assert vscode.endswith("\r\n}")


def test_fix_keeps_permissions(tmp_path: Path) -> None:
    seed(tmp_path)
    (tmp_path / "pyproject.toml").chmod(0o640)
    cli("check", "--fix", cwd=tmp_path)
    assert stat.S_IMODE((tmp_path / "pyproject.toml").stat().st_mode) == 0o640


def test_select_ignore_and_fail_on(tmp_path: Path) -> None:
    seed(tmp_path)
    result = cli("check", "--select", "PD2", cwd=tmp_path)
    assert [line.split()[1] for line in result.stdout.splitlines()[:-1]] == ["PD201"]
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
    assert codes[0] == "PD101" and codes[-1] == "PD902" and len(codes) == 21
    explained = cli("rules", "PD301")
    assert "extraPaths" in explained.stdout and "warning" in explained.stdout
    assert cli("--explain", "pd301").stdout == explained.stdout
    data = json.loads(cli("rules", "--format", "json").stdout)
    assert {r["code"] for r in data} == set(codes)


def test_configure_applies_full_setup(tmp_path: Path) -> None:
    seed(tmp_path)
    preview = cli("configure", "--diff", str(tmp_path))
    assert preview.returncode == 0 and "+++ b/.vscode/extensions.json" in preview.stdout
    assert not (tmp_path / ".vscode").exists()
    result = cli("configure", str(tmp_path))
    assert result.returncode == 0
    assert (tmp_path / ".vscode/settings.json").exists() and (tmp_path / ".vscode/extensions.json").exists()
    again = cli("configure", str(tmp_path))
    assert "Nothing to change" in again.stdout


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
