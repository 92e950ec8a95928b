"""PD501 reads the usual requires-python (comparisons with plain releases) without importing
packaging: its answer must be packaging's, for every specifier and pinned version."""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st
from packaging.specifiers import InvalidSpecifier, SpecifierSet

from pyproj_doctor.rules.python_version import _outside

_VERSION = re.compile(r"(\d+)\.(\d+)(?:\.(\d+))?")


def packaging_outside(spec_text: str, version: str) -> bool | None:
    """The question asked of packaging alone: is no patch release of the pin inside the specifier?"""
    try:
        spec = SpecifierSet(spec_text)
    except InvalidSpecifier:
        return None
    match = _VERSION.search(version)
    if match is None:
        return None
    major, minor, patch = match.groups()
    patches = [patch] if patch is not None else [str(p) for p in range(40)]
    return not any(spec.contains(f"{major}.{minor}.{p}", prereleases=True) for p in patches)


numbers = st.sampled_from(["0", "2", "3", "03", "9", "10", "11", "12", "13", "39", "40", "100"])
release = st.lists(numbers, min_size=1, max_size=4).map(".".join)
space = st.sampled_from(["", " ", "  ", "\t", "\xa0"])
operator = st.sampled_from([">=", "<=", ">", "<", "==", "!=", "~=", "===", "=", ""])
odd_tail = st.sampled_from(["", "", "", ".*", "rc1", ".post1", "+local", "a", ".dev0", "!"])
clause = st.builds(
    lambda a, op, b, v, t, c: f"{a}{op}{b}{v}{t}{c}", space, operator, space, release, odd_tail, space
)
specifier = st.lists(clause, min_size=0, max_size=3).map(",".join) | st.sampled_from(
    ["", ",", ">=3.9,", "3.11"]
)
pin = st.builds(
    lambda major, minor, patch: f"{major}.{minor}{patch}",
    numbers,
    numbers,
    st.sampled_from(["", ".0", ".1", ".7", ".40", "rc1"]),
)


@settings(max_examples=3000, deadline=None)
@given(specifier, pin)
@example(">=3.11", "3.11")
@example(">3.11", "3.11")  # 3.11.1 and later are greater
@example(">3.11.0", "3.11.0")
@example("<3.11", "3.11")
@example("==3.11", "3.11")
@example("==3.11.0.0", "3.11.0")
@example("!=3.11.0", "3.11.0")
@example("~=3.11", "3.12")
@example("~=3.11.2", "3.11")
@example("~=3.11.2", "3.12.0")
@example("~=3", "3.12")  # not a valid specifier
@example("==3.11.*", "3.11")  # a wildcard: packaging's reading
@example(">=3.9,<3.13", "3.13")
@example(">=\u0663.9", "3.11")  # a digit that is not ASCII: packaging's reading
def test_plain_requires_python_reads_as_packaging_reads_it(spec: str, version: str) -> None:
    assert _outside(spec, version) == packaging_outside(spec, version), (spec, version)
