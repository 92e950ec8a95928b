"""Writing planned fixes to disk without ever losing a byte the user wrote.

The engine only plans: it returns, for each file, the text the edits were computed
from and the text after them. This module is the one place that writes, in two
steps, so nothing is written unless everything can be:

1. ``plan`` checks every file first: the new text encodes as UTF-8 and still
   parses; the path is a regular file (not a pipe or a device), not read-only,
   and, when it is a symbolic link, one that leads to a file inside the workspace
   (the target is then written, the link kept). One refusal means no file is
   written.
2. ``write`` re-reads each file just before replacing it and compares it with the
   text the edits were computed from: a file saved by the user (or by another run)
   in between is reported as changed and left alone. The new content goes to a
   temporary file in the same folder, with the original's mode and owner, then is
   renamed over the original; a file with several hard links is rewritten in place
   so the links stay one file. A new file is created with a link that fails if the
   name exists by then.

``workspace_lock`` serialises ``--fix`` and ``configure`` runs on one folder. A
run killed halfway leaves at most a ``.pyproj-doctor-<pid>-<random>.tmp`` file,
which the next run in that folder removes.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import stat
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from pyproj_doctor.text import BOM, read_bytes

TEMP_PREFIX = ".pyproj-doctor-"
_TEMP_NAME = re.compile(r"\.pyproj-doctor-(\d+)-[0-9a-f]+\.tmp\Z")
# Temporary files of older versions (``tempfile.mkstemp`` names, no owner pid).
_OLD_TEMP_NAME = re.compile(r"\.pyproj-doctor-[a-z0-9_]{8}\Z")
_STALE_SECONDS = 3600
LOCK_TIMEOUT = 60.0


class LockTimeout(Exception):
    """Another run kept the workspace locked for too long."""


@dataclass
class Planned:
    rel: str  # workspace-relative path (what is reported)
    target: str  # the file actually written: links inside the workspace are followed
    expected: bytes | None  # the content the edits were computed from; None = must not exist
    data: bytes  # the new content


@dataclass
class Outcome:
    written: list[str]  # workspace-relative paths, sorted
    failures: list[tuple[str, str]]  # (path, reason) of files not written
    changed: list[str]  # files that changed on disk since they were read (a retry may succeed)
    created: list[str] = field(default_factory=list)  # the written files that did not exist


def _inside(real: str, real_root: str) -> bool:
    return real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)


def _parses(rel: str, text: str) -> bool:
    """Whether the new text of a configuration file is still valid in its format."""
    from pyproj_doctor.formats import jsonc, toml

    body = text[1:] if text.startswith(BOM) else text
    name = rel.rsplit("/", 1)[-1]
    if name.endswith((".json", ".code-workspace")):
        return jsonc.parse(body).ok
    if name.endswith(".toml"):
        return toml.parse(body).error is None
    return True


def plan(
    root: str, before: Mapping[str, str | None], after: Mapping[str, str]
) -> tuple[list[Planned], list[tuple[str, str]]]:
    """Check every write before any is made; returns the plans or the reasons for refusal."""
    real_root = os.path.realpath(root)
    plans: list[Planned] = []
    refused: list[tuple[str, str]] = []
    for rel in sorted(after):
        text, old = after[rel], before.get(rel)
        try:
            data = text.encode("utf-8")
            expected = None if old is None else old.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:
            refused.append((rel, "the fixed text cannot be written as UTF-8 (a lone surrogate)"))
            continue
        if not _parses(rel, text):
            refused.append((rel, "the fix would leave it unparseable"))
            continue
        path = os.path.join(root, *rel.split("/"))
        real = os.path.realpath(path)
        if not _inside(real, real_root):
            refused.append((rel, "resolves outside the workspace (a link leads out)"))
            continue
        reason = _unwritable(real, expected is None)
        if reason is not None:
            refused.append((rel, reason))
            continue
        plans.append(Planned(rel, real, expected, data))
    return plans, refused


def _folder_writable(real: str) -> bool:
    """Whether a file can be created next to ``real`` (its nearest existing folder is writable)."""
    folder = os.path.dirname(real)
    while folder and not os.path.isdir(folder):
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent
    return os.access(folder or ".", os.W_OK | os.X_OK)


def _unwritable(real: str, new: bool) -> str | None:
    if not _folder_writable(real):
        return "its folder is not writable: not changed"
    try:
        info = os.stat(real)
    except FileNotFoundError:
        return None if new else "was deleted since it was read"
    except OSError as error:
        return f"cannot be written: {error.strerror or error}"
    if not stat.S_ISREG(info.st_mode):
        return "is not a regular file (a folder, pipe or device): not replaced"
    if new:
        return None  # created meanwhile: ``write`` reports it as changed
    if not info.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(real, os.W_OK):
        return "is read-only: not changed"
    return None


def write(plans: list[Planned]) -> Outcome:
    """Write planned files, each only if it still holds what its edits were computed from."""
    written: list[str] = []
    created: list[str] = []
    failures: list[tuple[str, str]] = []
    changed: list[str] = []
    for item in plans:
        folder = os.path.dirname(item.target)
        try:
            if item.expected is None:
                os.makedirs(folder, exist_ok=True)
            remove_stale_temps(folder)
            if _current(item.target) != item.expected:
                changed.append(item.rel)
                failures.append((item.rel, "changed on disk while the fixes were computed; not written"))
                continue
            _replace(item)
        except _Changed:
            changed.append(item.rel)
            failures.append((item.rel, "changed on disk while the fixes were computed; not written"))
            continue
        except OSError as error:
            failures.append((item.rel, f"cannot be written: {error.strerror or error}"))
            continue
        written.append(item.rel)
        if item.expected is None:
            created.append(item.rel)
    return Outcome(sorted(written), failures, changed, sorted(created))


class _Changed(Exception):
    pass


def _current(path: str) -> bytes | None:
    try:
        return read_bytes(path, 1 << 30)
    except FileNotFoundError:
        return None


def _temp_path(folder: str) -> str:
    return os.path.join(folder, f"{TEMP_PREFIX}{os.getpid()}-{secrets.token_hex(6)}.tmp")


def _replace(item: Planned) -> None:
    folder = os.path.dirname(item.target)
    info = None if item.expected is None else os.stat(item.target)
    if info is not None and info.st_nlink > 1:
        _rewrite_in_place(item, info)
        return
    temp = _temp_path(folder)
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    try:
        try:
            _write_all(fd, item.data)
            if info is not None:
                if (info.st_uid, info.st_gid) != (os.geteuid(), os.getegid()) and hasattr(os, "fchown"):
                    try:
                        os.fchown(fd, info.st_uid, info.st_gid)
                    except PermissionError:
                        # Renaming would give the file to us: rewrite it in place instead.
                        os.close(fd)
                        fd = -1
                        os.unlink(temp)
                        _rewrite_in_place(item, info)
                        return
                os.chmod(temp, stat.S_IMODE(info.st_mode))
            else:
                umask = os.umask(0)
                os.umask(umask)
                os.chmod(temp, 0o666 & ~umask)
            os.fsync(fd)
        finally:
            if fd >= 0:
                os.close(fd)
        if item.expected is None:
            try:
                os.link(temp, item.target)  # fails if the name appeared meanwhile
            except FileExistsError:
                raise _Changed from None
            except OSError as error:
                if error.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
                    raise
                # No hard links on this filesystem: exclusive create instead.
                _create_exclusive(item)
            os.unlink(temp)
        else:
            # The last look before the rename: what the user saved meanwhile is never replaced.
            if _current(item.target) != item.expected:
                raise _Changed
            os.replace(temp, item.target)
        _sync_folder(folder)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def _create_exclusive(item: Planned) -> None:
    try:
        fd = os.open(item.target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    except FileExistsError:
        raise _Changed from None
    try:
        _write_all(fd, item.data)
        os.fsync(fd)
    finally:
        os.close(fd)


def _rewrite_in_place(item: Planned, info: os.stat_result) -> None:
    """Overwrite the file itself (hard links, foreign owner): every name keeps seeing it."""
    fd = os.open(item.target, os.O_RDWR | getattr(os, "O_BINARY", 0))
    try:
        current = os.fstat(fd)
        if (current.st_ino, current.st_dev) != (info.st_ino, info.st_dev):
            raise _Changed
        if _read_fd(fd) != item.expected:
            raise _Changed
        os.lseek(fd, 0, os.SEEK_SET)
        _write_all(fd, item.data)
        os.ftruncate(fd, len(item.data))
        os.fsync(fd)
    finally:
        os.close(fd)


def _read_fd(fd: int) -> bytes:
    os.lseek(fd, 0, os.SEEK_SET)
    chunks: list[bytes] = []
    while True:
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        done = os.write(fd, view)
        view = view[done:]


def _sync_folder(folder: str) -> None:
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def remove_stale_temps(folder: str) -> list[str]:
    """Delete temporary files that a killed run left in ``folder``; returns their names."""
    removed: list[str] = []
    try:
        names = [n for n in os.listdir(folder) if n.startswith(TEMP_PREFIX)]
    except OSError:
        return removed
    now = time.time()
    for name in names:
        path = os.path.join(folder, name)
        match = _TEMP_NAME.match(name)
        try:
            info = os.lstat(path)
            if not stat.S_ISREG(info.st_mode):
                continue
            old = now - info.st_mtime > _STALE_SECONDS
            if match is not None:
                stale = old or not _alive(int(match.group(1)))
            else:
                stale = _OLD_TEMP_NAME.match(name) is not None and old
            if stale:
                os.unlink(path)
                removed.append(name)
        except OSError:
            continue
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


@contextlib.contextmanager
def workspace_lock(root: str, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold an exclusive lock on the workspace folder itself (no lock file is left behind).

    ``flock`` on the folder's descriptor: released by the kernel when the process
    dies, so a ``kill -9`` never leaves the workspace locked. Where ``flock`` does
    not exist (Windows), runs are not serialised, and the compare-before-write
    check alone protects the files.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    try:
        fd = os.open(root, os.O_RDONLY)
    except OSError:
        yield  # the caller reports an unreadable folder
        return
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise LockTimeout(root) from None
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)


def write_result(root: str, before: Mapping[str, str | None], after: Mapping[str, str]) -> Outcome:
    """Plan every write, then write them all, or none when one is refused."""
    plans, refused = plan(root, before, after)
    if refused:
        others = [(p.rel, "not written: another change of the same fixes was refused") for p in plans]
        return Outcome([], sorted(refused + others), [])
    return write(plans)
