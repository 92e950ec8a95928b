"""The rule catalog: one object per rule, listed once, each finding made by its rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from pyproj_doctor.findings import Applicability, FileChange, Fix, Position, Range, TextEdit
from pyproj_doctor.rules import BY_CODE, RULES, known
from pyproj_doctor.rules.layout import PD101, PD102
from tests.helpers import check, only, seed


def test_catalog_lists_each_rule_once_in_code_order() -> None:
    codes = [r.code for r in RULES]
    assert codes == sorted(codes)
    assert len(set(codes)) == len(codes)
    assert set(BY_CODE) == set(codes)
    assert all(r.summary and r.explanation and r.name for r in RULES)


def test_unsafe_fixes_are_the_ones_product_names() -> None:
    # Adding __init__.py, deleting settings, removing extensions, changing the interpreter.
    unsafe = {r.code for r in RULES if r.fix is Applicability.UNSAFE}
    assert unsafe == {"PD101", "PD205", "PD303", "PD306", "PD403", "PD604"}
    assert not BY_CODE["PD102"].fixable and not BY_CODE["PD901"].fixable


def test_known_accepts_codes_and_prefixes_only() -> None:
    assert known("PD2") and known("PD201") and known("PD")
    assert not known("PD999") and not known("E501") and not known("")


def test_finding_takes_the_rule_code_and_fix_applicability() -> None:
    where = Range(Position(0, 0), Position(0, 1))
    fix = Fix("Create a/__init__.py", (FileChange("a/__init__.py", (TextEdit(0, 0, ""),), create=True),))
    item = PD101.at("a/m.py", where, "message", fix)
    assert item.code == "PD101"
    assert item.fix is not None and item.fix.applicability is Applicability.UNSAFE
    with pytest.raises(TypeError):
        PD102.at("src/__init__.py", where, "message", fix)


def test_a_fix_that_cannot_be_built_says_why(tmp_path: Path) -> None:
    seed(tmp_path, **{".vscode/settings.json": '{"python.analysis.extraPaths": [\n'})
    [item] = only(check(tmp_path), "PD304")
    assert item.fix is None
    assert item.fix_unavailable == ".vscode/settings.json is not valid JSONC"
