"""Test-session order: under pytest-xdist (`--dist loadfile`, as scripts/test runs it) each file
goes to one worker in collection order, so the two files whose session fixtures run the real tools
for minutes start first and the short files fill the other worker meanwhile."""

from __future__ import annotations

import pytest

# The slowest files first, in this order; every other file keeps its place after them.
LONG_FIRST = ("tests/truth/test_shapes.py", "tests/truth/test_realworld.py")


def _rank(item: pytest.Item) -> int:
    path = item.nodeid.split("::", 1)[0]
    return LONG_FIRST.index(path) if path in LONG_FIRST else len(LONG_FIRST)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=_rank)  # a stable sort: the order within each file is kept
