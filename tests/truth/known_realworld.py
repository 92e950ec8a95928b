"""Known disagreements on the real-world corpus (tests/truth/DISAGREEMENTS.md), one strict xfail each."""

from __future__ import annotations

# repo -> check ("quiet", "verdict", "fix") -> reason.
KNOWN: dict[str, dict[str, str]] = {
    "pydantic-ai": {
        "quiet": "on a healthy repository: PD301 warning (pyproject.toml): execution environment `tests` "
        "extraPaths (new in main at d17ee9f) does not name the uv workspace members; exit 1",
    },
    "python-sdk": {
        "quiet": "on a healthy repository: PD301 warning (pyproject.toml): execution environment `tests` "
        "extraPaths (new in main at d17ee9f) does not name `src`, `src/mcp-types`; exit 1",
    },
}
