"""Known disagreements with the real tools (tests/truth/DISAGREEMENTS.md), one strict xfail each."""

from __future__ import annotations

KNOWN: dict[str, dict[str, str]] = {
    "dotenv-pythonpath-lib": {
        "fixed": 'after configure + check --fix: still failing: {"pytest (dotenv-pythonpath-lib)": ["No module named \'app\'"], "pyright": ["tests/test_core.py:1: Import \\"app.core\\" could not be resolved"]}',
        "reported": "no finding for: plain pytest fails: No module named 'app'; pyright: tests/test_core.py:1: Import \"app.core\" could not be resolved",
    },
    "pyrightconfig-overrides-settings": {
        "fixed": "after configure + check --fix: PD303 warning (.vscode/settings.json); check exits 1",
    },
    "pytest-ini-shadows-pyproject": {
        "fixed": "after configure + check --fix: PD203 warning (pyproject.toml); check exits 1",
    },
    "src-maturin-python-source": {
        "fixed": "after configure + check --fix: PD201 error (pyproject.toml); check exits 1",
    },
    "test-module-basename-clash": {
        "fixed": 'after configure + check --fix: PD205 error (tests/unit/test_util.py); check exits 1; still failing: {"pytest (test-module-basename-clash)": ["exit 2"], "test explorer": ["exit 2"]}',
    },
}
