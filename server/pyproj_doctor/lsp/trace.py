"""Timestamps of the server's steps, for finding where a keystroke's latency goes.

Off unless ``PYPROJ_DOCTOR_TRACE`` names a file: then each step appends one line,
``<epoch ms> <ms since start> <ms of this thread's CPU> <thread> <step>``, so a run can be
read afterwards. The first column is the wall clock (``time.time()``), the one the client's
and the page's ``Date.now()`` read, so their marks of one keystroke line up with these.
"""

from __future__ import annotations

import os
import threading
import time

_PATH = os.environ.get("PYPROJ_DOCTOR_TRACE")
_START = time.perf_counter()
_LOCK = threading.Lock()


def mark(step: str, *details: object) -> None:
    if _PATH is None:
        return
    epoch = time.time() * 1000
    wall, cpu = (time.perf_counter() - _START) * 1000, time.thread_time() * 1000
    line = " ".join(
        [f"{epoch:.2f} {wall:10.2f} {cpu:10.2f}", threading.current_thread().name, step, *map(str, details)]
    )
    line += "\n"
    with _LOCK, open(_PATH, "a", encoding="utf-8") as handle:
        handle.write(line)
