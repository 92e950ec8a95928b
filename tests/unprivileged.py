"""Running the CLI as a user that file permissions apply to, also when the tests run as root.

As root, ``chmod 0`` hides nothing, so those tests run the CLI as ``nobody`` (uid/gid
65534, no supplementary groups). That user needs an interpreter it may run and a copy of
the package (and its pure-Python dependencies) it may read: the project's virtualenv
usually lives under root's private home. A session fixture builds that copy in /tmp.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers import ROOT

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
NOBODY = 65534
# What the CLI imports besides the standard library (the language server's packages are
# not needed to check or configure).
DEPENDENCIES = ("packaging", "tomli")
PROBE = "import sys, pyproj_doctor.cli, pyproj_doctor.engine; assert sys.version_info >= (3, 10)"


def _drop_privileges() -> None:
    os.setgroups([])
    os.setgid(NOBODY)
    os.setuid(NOBODY)


def _interpreters() -> list[str]:
    found = [sys.executable, getattr(sys, "_base_executable", ""), os.path.realpath(sys.executable)]
    found += [shutil.which(name) or "" for name in ("python3", "python")]
    found += ["/usr/bin/python3", "/usr/local/bin/python3"]
    return list(dict.fromkeys(f for f in found if f and os.path.isfile(f)))


@dataclass
class User:
    """How to run ``python -m pyproj_doctor`` as the unprivileged user."""

    python: str
    env: dict[str, str]

    def run(self, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [self.python, "-m", "pyproj_doctor", *args],
            cwd=cwd,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            preexec_fn=_drop_privileges if IS_ROOT else None,
        )


def _copy_library(into: Path) -> None:
    shutil.copytree(ROOT / "server/pyproj_doctor", into / "pyproj_doctor")
    for name in DEPENDENCIES:
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            continue  # tomli, on 3.11 and later
        shutil.copytree(Path(spec.origin).parent, into / name)
    for path in [into, *into.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)


@pytest.fixture(scope="session")
def user() -> Iterator[User]:
    """The unprivileged user (as root) or the current one (otherwise), ready to run the CLI."""
    if sys.platform == "win32":
        pytest.skip("POSIX permissions")
    if not IS_ROOT:
        yield User(sys.executable, dict(os.environ, PYTHONPATH=str(ROOT / "server")))
        return
    library = Path(tempfile.mkdtemp(prefix="pd-nobody-lib-"))
    try:
        library.chmod(0o755)
        _copy_library(library / "lib")
        env = {
            "PATH": "/usr/bin:/bin",
            "HOME": "/tmp",
            "LANG": "C.UTF-8",
            "PYTHONPATH": str(library / "lib"),
            "PYTHONNOUSERSITE": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        failures = []
        for python in _interpreters():
            try:
                probe = subprocess.run(
                    [python, "-c", PROBE],
                    env=env,
                    cwd="/",
                    capture_output=True,
                    text=True,
                    timeout=60,
                    preexec_fn=_drop_privileges,
                )
            except OSError as error:  # not even executable for that user
                failures.append(f"{python}: {error.strerror}")
                continue
            if probe.returncode == 0:
                yield User(python, env)
                return
            failures.append(f"{python}: {probe.stderr.strip().splitlines()[-1:] or probe.returncode}")
        # Only when no interpreter on the machine is readable by others (all in root's home).
        pytest.skip(f"no interpreter uid {NOBODY} can run: {failures}")
    finally:
        shutil.rmtree(library, ignore_errors=True)
