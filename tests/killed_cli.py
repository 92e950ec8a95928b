"""The real CLI, killed with SIGKILL just before its N-th file system step while writing fixes.

``python tests/killed_cli.py N args…`` runs ``pyproj-doctor args…``. Every call the
fix writer (``pyproj_doctor.fixes.apply``) makes that changes the disk (open for
writing, write, fsync, chmod, chown, truncate, link, rename, unlink) counts as a step;
before step N the process sends itself SIGKILL, as ``kill -9`` would at that moment.
A run that ends with fewer steps prints ``steps=<count>`` on stderr and exits normally,
so a test can try every moment of a real run, one by one.
"""

from __future__ import annotations

import os
import signal
import sys
import types
from typing import Any

from pyproj_doctor import cli
from pyproj_doctor.fixes import apply

STEPS = ("write", "fsync", "chmod", "fchown", "ftruncate", "link", "replace", "rename", "unlink")
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT


def main() -> int:
    kill_at = int(sys.argv[1])
    count = 0

    def step() -> None:
        nonlocal count
        count += 1
        if count == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)

    def counted(name: str) -> Any:
        real = getattr(os, name)

        def call(*args: Any, **kwargs: Any) -> Any:
            step()
            return real(*args, **kwargs)

        return call

    def open_(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if flags & _WRITE_FLAGS:
            step()
        return os.open(path, flags, *args, **kwargs)

    # A stand-in for the ``os`` module, seen only by the fix writer.
    proxy = types.ModuleType("os")
    proxy.__dict__.update(os.__dict__)
    for name in STEPS:
        if hasattr(os, name):
            setattr(proxy, name, counted(name))
    proxy.open = open_  # type: ignore[attr-defined]
    apply.os = proxy  # type: ignore[attr-defined]
    status = cli.main(sys.argv[2:])
    print(f"steps={count}", file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
