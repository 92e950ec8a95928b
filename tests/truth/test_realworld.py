"""Public repositories, reduced to skeletons (scripts/skeleton.py): the engine must not raise false
alarms on them, and its fixes must not break what real pytest and pyright do.

Each skeleton is checked as a fresh clone (nothing installed): what the real tools do with it is
recorded in realworld/verdicts.json and recomputed here, so a change of pytest or pyright that
changes a verdict is seen. All these projects are healthy (their own CI installs and tests them),
so the target is: no error or warning, at most one information finding, exit 0.
"""

from __future__ import annotations

import json
import os
from typing import Any

import pytest

from tests.truth.conftest import REALWORLD, realworld_names
from tests.truth.harness import Entry, Side
from tests.truth.judge import describe

VERDICTS = REALWORLD / "verdicts.json"
# repo -> check -> reason (from DISAGREEMENTS.md); each becomes a strict xfail.
from tests.truth.known_realworld import KNOWN  # noqa: E402


def params(check: str) -> list[Any]:
    return [
        pytest.param(
            name,
            id=name,
            marks=[pytest.mark.xfail(strict=True, reason=KNOWN[name][check])]
            if check in KNOWN.get(name, {})
            else [],
        )
        for name in realworld_names()
    ]


def verdict_record(side: Side) -> dict[str, list[str]]:
    record: dict[str, list[str]] = {}
    for run in side.verdict.pytest:
        record[run.label] = sorted(run.missing) + sorted(run.errors)
        if run.environment:
            record[run.label + " (could not run here)"] = sorted(set(run.environment))
    record["pyright"] = sorted(side.verdict.pyright)
    return record


def stored() -> dict[str, Any]:
    return json.loads(VERDICTS.read_text()) if VERDICTS.exists() else {}


def context(side: Side) -> str:
    lines = [f"folder: {side.folder}", f"engine exit {side.exit}; findings:"]
    lines += [f"  {describe(f)}" for f in side.findings] or ["  (none)"]
    lines.append(f"tools: {side.verdict.summary()}")
    if side.fix_output:
        lines.append(side.fix_output)
    return "\n".join(lines)


def test_the_corpus_is_large_and_small() -> None:
    names = realworld_names()
    assert len(names) >= 30
    total = sum((REALWORLD / f"{n}.json").stat().st_size for n in names)
    assert total < 5_000_000


@pytest.mark.parametrize("entry_id", params("verdict"))
def test_recorded_tool_verdict_still_holds(realworld_results: dict[str, Entry], entry_id: str) -> None:
    record = verdict_record(realworld_results[entry_id].before)
    if os.environ.get("TRUTH_RECORD"):
        data = stored()
        data[entry_id] = record
        VERDICTS.write_text(json.dumps(dict(sorted(data.items())), indent=1, sort_keys=True) + "\n")
    assert stored().get(entry_id) == record


@pytest.mark.parametrize("entry_id", params("quiet"))
def test_no_false_alarm_on_a_healthy_repository(realworld_results: dict[str, Entry], entry_id: str) -> None:
    before = realworld_results[entry_id].before
    severe = [describe(f) for f in before.severe()]
    info = [describe(f) for f in before.findings if f["severity"] == "information"]
    assert (severe, before.exit) == ([], 0), context(before)
    assert len(info) <= 1, context(before)


@pytest.mark.parametrize("entry_id", params("fix"))
def test_the_fix_breaks_nothing(realworld_results: dict[str, Entry], entry_id: str) -> None:
    entry = realworld_results[entry_id]
    assert entry.after is not None
    old = entry.before.verdict.failures()
    broken = {
        tool: new
        for tool, items in entry.after.verdict.failures().items()
        if (new := [i for i in items if i not in old.get(tool, [])])
    }
    assert broken == {}, context(entry.after)
    assert "not fixed" not in entry.after.fix_output, entry.after.fix_output


def test_verdicts_file_names_only_corpus_entries() -> None:
    assert set(stored()) <= set(realworld_names()), "remove verdicts of repositories no longer in the corpus"
