"""Known disagreements with the real tools (tests/truth/DISAGREEMENTS.md), one strict xfail each."""

from __future__ import annotations

KNOWN: dict[str, dict[str, str]] = {}
