"""The engine's findings against real pytest, the Test Explorer's pytest run and a real pyright
language server, on every corpus shape, before and after `configure` + `check --fix`."""

from __future__ import annotations

from typing import Any

import pytest

from tests.truth import explained
from tests.truth.harness import Entry, Side, tools_pyright_available
from tests.truth.judge import describe, unconfirmed, unreported
from tests.truth.shapes import SHAPES, Shape

CHECKS = ("confirmed", "reported", "fixed", "explained")


def params(check: str) -> list[Any]:
    out = []
    for shape in SHAPES:
        marks = []
        if check in shape.known:
            marks.append(pytest.mark.xfail(strict=True, reason=shape.known[check]))
        out.append(pytest.param(shape.id, marks=marks, id=shape.id))
    return out


def context(side: Side) -> str:
    lines = [f"folder: {side.folder}", f"engine exit {side.exit}; findings:"]
    lines += [f"  {describe(f)}" for f in side.findings] or ["  (none)"]
    lines.append(f"tools: {side.verdict.summary()}")
    for run in side.verdict.pytest:
        if not run.ok:
            lines.append(f"--- {run.label} in {run.cwd}: {' '.join(run.command)}\n{run.output[-1200:]}")
    if side.fix_output:
        lines.append(side.fix_output)
    return "\n".join(lines)


def entry_of(results: dict[str, Entry], entry_id: str) -> Entry:
    entry = results[entry_id]
    for side in (entry.before, entry.after):
        assert side is None or not side.setup_error, side.setup_error if side else ""
    return entry


@pytest.mark.parametrize("entry_id", params("confirmed"))
def test_every_warning_is_confirmed_by_a_real_failure(shape_results: dict[str, Entry], entry_id: str) -> None:
    before = entry_of(shape_results, entry_id).before
    assert unconfirmed(before.findings, before.verdict) == [], context(before)


@pytest.mark.parametrize("entry_id", params("reported"))
def test_every_real_import_failure_has_a_finding(shape_results: dict[str, Entry], entry_id: str) -> None:
    before = entry_of(shape_results, entry_id).before
    assert unreported(before.findings, before.verdict) == [], context(before)


@pytest.mark.parametrize("entry_id", params("fixed"))
def test_after_the_fix_every_tool_is_green_and_check_is_clean(
    shape_results: dict[str, Entry], entry_id: str
) -> None:
    shape: Shape = next(s for s in SHAPES if s.id == entry_id)
    entry = entry_of(shape_results, entry_id)
    before, after = entry.before, entry.after
    assert after is not None
    problems = [f"still reported: {describe(f)}" for f in after.severe()]
    if after.exit != 0:
        problems.append(f"check exits {after.exit}")
    if shape.needs_install:
        # Only the project's install can make a fresh checkout green; the fix must not break more.
        old = before.verdict.failures()
        for tool, items in after.verdict.failures().items():
            new = [i for i in items if i not in old.get(tool, [])]
            if new:
                problems.append(f"the fix broke {tool}: {new}")
    elif not after.verdict.green:
        problems.append(f"a tool still fails: {after.verdict.summary()}")
    assert problems == [], "\n".join(problems) + "\n\n" + context(after)


@pytest.mark.parametrize("entry_id", params("explained"))
def test_explain_agrees_with_the_real_tools_on_every_first_party_import(
    shape_results: dict[str, Entry], entry_id: str
) -> None:
    shape: Shape = next(s for s in SHAPES if s.id == entry_id)
    entry = entry_of(shape_results, entry_id)
    assert entry.before.explained is not None and entry.before.explained.items, "no import was explained"
    problems = []
    for label, side in (("before", entry.before), ("after", entry.after)):
        if side is not None:
            found = explained.disagreements(side, shape.projects, tools_pyright_available())
            problems += [f"{label}: {p}" for p in found]
    assert problems == [], "\n".join(problems) + "\n\n" + context(entry.before)
