"""Automatic garbage collection waits while a check runs (the language server's keystroke path).

A re-check allocates thousands of objects that stay alive until it ends (the workspace model,
kept values, findings); CPython's collector, started every 700 net allocations, traverses them
again and again while they grow, and now and then the older generations with them. Paused, they
are traversed once, by the first collection after the check. Nothing else changes: objects
without reference cycles are freed by reference counting either way, and the few cycles a check
leaves (its project copies and their VS Code folders) are collected once it ends.

Process-wide and nestable: several folders' checks may run at once in worker threads. A check
that never returns (the language server starts the next one without waiting for it) would keep
collection off for ever; a hold older than ``STUCK_SECONDS`` no longer counts.
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

STUCK_SECONDS = 60.0

_lock = threading.Lock()
_holds: dict[int, float] = {}  # by token: when the hold began (time.monotonic)
_tokens = iter(range(1 << 62))
_resume = False  # collection was on when the first hold began: turn it back on


@contextmanager
def paused() -> Iterator[None]:
    """Automatic collection is off inside (and on again after, if it was on before)."""
    global _resume
    with _lock:
        now = time.monotonic()
        if not any(now - began <= STUCK_SECONDS for began in _holds.values()):
            _resume = _resume or gc.isenabled()
        token = next(_tokens)
        _holds[token] = now
        gc.disable()
    try:
        yield
    finally:
        with _lock:
            del _holds[token]
            now = time.monotonic()
            if _resume and not any(now - began <= STUCK_SECONDS for began in _holds.values()):
                _resume = False
                gc.enable()
