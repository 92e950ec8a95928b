"""The real language server (``pyproj-doctor lsp`` over stdio), with one change: a check of
a folder that holds a ``.stuck-check`` file hangs until the test releases it.

The marker's content names a control directory. A check that finds the marker writes
``started-<n>`` there and waits, ignoring cancellation like a check stuck in a read or a
regex would, until ``release`` appears (or two minutes pass, so a failing test leaves no
process behind for ever). It then runs the real check, deaf to cancellation, on what the
folder holds by then, and writes ``finished-<n>``.
"""

from __future__ import annotations

import inspect
import os
import sys
import time
from typing import Any

from pyproj_doctor import cli, engine

MARKER = ".stuck-check"
LIMIT_SECONDS = 120.0

_real_check = engine.check


def _stuck_check(root: str, *args: Any, **kwargs: Any) -> engine.Report:
    try:
        with open(os.path.join(root, MARKER), encoding="utf-8") as marker:
            control = marker.read().strip()
    except FileNotFoundError:
        return _real_check(root, *args, **kwargs)
    count = len([name for name in os.listdir(control) if name.startswith("started-")])
    with open(os.path.join(control, f"started-{count + 1}"), "w", encoding="utf-8"):
        pass
    deadline = time.monotonic() + LIMIT_SECONDS
    while not os.path.exists(os.path.join(control, "release")) and time.monotonic() < deadline:
        time.sleep(0.02)
    # Past its last cancellation point by now (a check stuck in a read would be): the
    # result comes back whether or not newer input cancelled it meanwhile.
    bound = inspect.signature(_real_check).bind(root, *args, **kwargs)
    bound.arguments.pop("cancelled", None)
    try:
        return _real_check(*bound.args, **bound.kwargs)
    finally:
        with open(os.path.join(control, f"finished-{count + 1}"), "w", encoding="utf-8"):
            pass


def stick(folder: str, control: str) -> None:
    """Make checks of ``folder`` hang until ``release`` appears in ``control``."""
    os.makedirs(control, exist_ok=True)
    with open(os.path.join(folder, MARKER), "w", encoding="utf-8") as marker:
        marker.write(control)


if __name__ == "__main__":
    engine.check = _stuck_check  # the session and fix_all look it up on the module at each call
    sys.exit(cli.main(["lsp"]))
