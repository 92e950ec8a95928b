"""Automatic garbage collection waits while a check runs, and only then (gcpause.py)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from pyproj_doctor import engine, gcpause
from tests.helpers import write


@dataclass
class Collections:
    """The collections started while ``inside`` was set, and those started outside."""

    inside: bool = False
    during: list[int] = field(default_factory=list)
    outside: list[int] = field(default_factory=list)


@pytest.fixture
def seen() -> Iterator[Collections]:
    """Collections as they start, with collection frequent (every 50 net allocations)."""
    found = Collections()

    def note(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            (found.during if found.inside else found.outside).append(info["generation"])

    threshold = gc.get_threshold()
    enabled = gc.isenabled()
    gc.set_threshold(50, threshold[1], threshold[2])
    gc.callbacks.append(note)
    gc.enable()
    try:
        yield found
    finally:
        gc.callbacks.remove(note)
        gc.set_threshold(*threshold)
        if enabled:
            gc.enable()
        else:
            gc.disable()


def garbage() -> None:
    """Enough new container objects to start a collection at threshold 50."""
    made = [[n] for n in range(500)]
    assert len(made) == 500


def test_a_check_runs_without_collections_and_collection_resumes_after(
    tmp_path: Path, seen: Collections, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(
        tmp_path,
        {
            "pyproject.toml": '[project]\nname = "demo"\nversion = "0"\n',
            "src/demo/__init__.py": "",
            "tests/test_demo.py": "import demo\n",
        },
    )
    check = engine.check

    def inside(*args: Any, **kwargs: Any) -> engine.Report:
        seen.inside = True
        try:
            return check(*args, **kwargs)
        finally:
            seen.inside = False

    monkeypatch.setattr(engine, "check", inside)
    report = engine.Checker(str(tmp_path)).check(engine.Options(), {}, True)
    assert report.findings  # a real check ran (the tests cannot import `demo`: PD201)
    assert seen.during == []
    assert gc.isenabled()
    seen.outside.clear()
    garbage()
    assert seen.outside


def test_overlapping_holds_resume_collection_when_the_last_ends(seen: Collections) -> None:
    first = gcpause.paused()
    first.__enter__()
    seen.inside = True
    with gcpause.paused():
        garbage()
    assert not gc.isenabled()  # the first hold is still on
    garbage()
    seen.inside = False
    first.__exit__(None, None, None)
    assert gc.isenabled()
    assert seen.during == []
    seen.outside.clear()
    garbage()
    assert seen.outside


def test_a_hold_that_never_ends_stops_counting(seen: Collections, monkeypatch: pytest.MonkeyPatch) -> None:
    stuck = gcpause.paused()
    stuck.__enter__()  # a check that never returns
    monkeypatch.setattr(gcpause, "STUCK_SECONDS", -1.0)  # it has held for longer than that
    try:
        with gcpause.paused():
            assert not gc.isenabled()
        assert gc.isenabled()
        seen.outside.clear()
        garbage()
        assert seen.outside
    finally:
        stuck.__exit__(None, None, None)
    assert gc.isenabled()


def test_collection_turned_off_by_the_program_stays_off(seen: Collections) -> None:
    gc.disable()
    seen.inside = True  # from here on, no collection may start
    with gcpause.paused():
        garbage()
    assert not gc.isenabled()
    garbage()
    seen.inside = False
    assert seen.during == []
