"""Severity by who is hurt: editor conveniences never fail CI, personal settings are not team advice."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import SEED_PYPROJECT, check, cli, only, seed, write

CONFIGURED = SEED_PYPROJECT + '\n[tool.pytest.ini_options]\npythonpath = ["src"]\n'


def test_healthy_project_exits_zero_with_only_editor_suggestions(tmp_path: Path) -> None:
    seed(tmp_path, **{"pyproject.toml": CONFIGURED})
    report = check(tmp_path)
    assert {f.severity.label for f in report.findings} <= {"information", "hint"}
    assert {f.code for f in report.findings} >= {"PD304", "PD401"}
    result = cli("check", str(tmp_path))
    assert result.returncode == 0, result.stdout


def test_gitignored_vscode_is_not_team_advice(tmp_path: Path) -> None:
    seed(
        tmp_path, **{"pyproject.toml": CONFIGURED, ".gitignore": ".vscode/\n", ".vscode/settings.json": "{}"}
    )
    report = check(tmp_path)
    assert not [f for f in report.findings if f.code.startswith("PD4")]
    [item] = only(report, "PD304")
    assert item.severity.label == "hint" and "gitignored" in item.message
    # The common pattern: ignore .vscode/* but share extensions.json.
    shared = tmp_path / "shared"
    seed(
        shared,
        **{
            "pyproject.toml": CONFIGURED,
            ".gitignore": ".vscode/*\n!.vscode/extensions.json\n",
            ".vscode/extensions.json": '{"recommendations": []}',
        },
    )
    report = check(shared)
    assert only(report, "PD401")
    assert only(report, "PD304")[0].severity.label == "hint"


def test_unittest_enabled_for_pytest_suite_stays_a_warning(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            ".vscode/settings.json": '{"python.testing.pytestEnabled": true, "python.testing.unittestEnabled": true}'
        },
    )
    seed(tmp_path, **{"pyproject.toml": CONFIGURED})
    [item] = only(check(tmp_path), "PD304")
    assert item.severity.label == "warning"


def test_damaged_settings_are_read_tolerantly_and_never_edited(tmp_path: Path) -> None:
    # VS Code recovers `pytestEnabled: true` around the missing comma; so do we.
    broken = '{\n  "python.testing.pytestEnabled": true\n  "python.testing.unittestEnabled": false,\n}\n'
    seed(tmp_path, **{"pyproject.toml": CONFIGURED, ".vscode/settings.json": broken})
    report = check(tmp_path)
    assert only(report, "PD902")
    assert not only(report, "PD304")
    result = cli("check", "--fix", "--unsafe-fixes", str(tmp_path))
    assert (tmp_path / ".vscode/settings.json").read_text() == broken, result.stdout
