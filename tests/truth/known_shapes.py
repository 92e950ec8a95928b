from __future__ import annotations

KNOWN: dict[str, dict[str, str]] = {}
