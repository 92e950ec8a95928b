"""What the server and the VS Code client must agree on, read from ``contract.json``.

The client bundles the same file, so the document selector, the watched files and the
severity names are written once.
"""

from __future__ import annotations

import json
from pathlib import Path

_DATA = json.loads((Path(__file__).with_name("contract.json")).read_text(encoding="utf-8"))

# Files whose content is checked from the editor's buffers (the client's document selector).
DOCUMENTS: tuple[str, ...] = tuple(_DATA["documents"])
# Files whose change on disk means a re-check.
WATCHED_GLOBS: tuple[str, ...] = tuple(_DATA["watched"])
# New or deleted modules change layout findings (packages, test modules); their edits do not matter.
CREATED_OR_DELETED: tuple[str, ...] = tuple(_DATA["createdOrDeleted"])
# Severity names accepted in settings, most serious first.
SEVERITIES: tuple[str, ...] = tuple(_DATA["severities"])
# The oldest Python the server runs on (pyproject.toml's requires-python says the same).
PYTHON_FLOOR: str = _DATA["pythonFloor"]
# Sent after every finished check of a folder, even one that changed no diagnostics: a clean
# project publishes nothing, and the client must still leave "checking…".
CHECKED_NOTIFICATION: str = _DATA["checkedNotification"]
# Asked by the client's "Why does this import fail?" with a document and a line: the table as markdown.
EXPLAIN_COMMAND: str = _DATA["explainCommand"]
