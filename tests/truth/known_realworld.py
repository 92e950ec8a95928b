"""Known disagreements on the real-world corpus (tests/truth/DISAGREEMENTS.md), one strict xfail each."""

from __future__ import annotations

KNOWN: dict[str, dict[str, str]] = {
    "Django-Styleguide-Example": {
        "quiet": "on a healthy repository: PD101 information (config/settings/celery.py); PD101 information (config/settings/debug_toolbar/settings.py); PD101 information (config/settings/loggers/settings.py); PD304 information (pyproject.toml); PD401 information (pyproject.toml); PD101 information (styleguide_example/blog_examples/celery_no",
    },
    "aiohttp": {
        "quiet": "on a healthy repository: PD201 error (setup.cfg); exit 1",
    },
    "black": {
        "quiet": "on a healthy repository: PD201 error (pyproject.toml); exit 1",
    },
    "build": {
        "quiet": "on a healthy repository: PD901 error (tests/packages/test-bad-syntax/pyproject.toml); exit 1; PD201 information (pyproject.toml); PD304 information (pyproject.toml); PD401 information (pyproject.toml)",
    },
    "flask": {
        "quiet": "on a healthy repository: PD201 information (examples/tutorial/pyproject.toml); PD201 information (pyproject.toml); PD101 information (src/flask/sansio/app.py)",
    },
    "hatch": {
        "quiet": "on a healthy repository: PD201 error (pyproject.toml); PD206 warning (pyproject.toml); PD301 warning (pyproject.toml); exit 1",
    },
    "httpie-cli": {
        "quiet": "on a healthy repository: PD206 warning (setup.py); exit 1",
    },
    "nox": {
        "quiet": "on a healthy repository: PD201 error (pyproject.toml); exit 1",
    },
    "packaging": {
        "quiet": "on a healthy repository: PD201 error (pyproject.toml); exit 1",
    },
    "pdm": {
        "quiet": "on a healthy repository: PD201 information (pyproject.toml); PD101 information (tests/fixtures/projects/demo/demo.py); PD101 information (tests/fixtures/projects/demo_extras/demo.py); PD101 information (tests/fixtures/projects/test-monorepo/core/core.py); PD101 information (tests/fixtures/projects/test-monorepo/package_a/al",
    },
    "pydantic-ai": {
        "quiet": "on a healthy repository: PD201 information (pydantic_ai_slim/pyproject.toml); PD201 information (pydantic_graph/pyproject.toml)",
    },
    "pydantic-core": {
        "quiet": "on a healthy repository: PD201 error (pyproject.toml); PD301 warning (pyproject.toml); exit 1",
    },
    "python-sdk": {
        "quiet": "on a healthy repository: PD201 information (pyproject.toml); PD201 information (src/mcp-types/pyproject.toml)",
    },
    "scikit-image": {
        "quiet": "on a healthy repository: PD201 error (pyproject.toml); PD202 warning (pyproject.toml); exit 1",
    },
}
