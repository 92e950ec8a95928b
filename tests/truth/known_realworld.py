"""Known disagreements on the real-world corpus (tests/truth/DISAGREEMENTS.md), one strict xfail each."""

from __future__ import annotations

# repo -> check ("quiet", "verdict", "fix") -> reason.
KNOWN: dict[str, dict[str, str]] = {}
