"""The incremental checker gives the report a fresh full check gives, after any edit.

A uv workspace with members is edited at random (unsaved buffers, files changed, created
and deleted on disk, undos), and after each step the report of one long-lived
``engine.Checker`` (what the language server keeps per folder) is compared with a fresh
``engine.check`` of the same buffers and disk.
"""

from __future__ import annotations

import os
import random
from pathlib import Path
from typing import Any

import pytest

from pyproj_doctor import engine
from pyproj_doctor.lsp.convert import Translated, diagnostics, uri_of
from pyproj_doctor.rules import pytest as pytest_rules
from pyproj_doctor.rules import vscode as vscode_rules
from pyproj_doctor.workspace import analysis, install
from tests.helpers import make_venv, write

MEMBERS = 4
ROOT_PYPROJECT = """\
[project]
name = "mono"
version = "0.1.0"
requires-python = ">=3.11"

[tool.uv.workspace]
members = ["packages/*"]

[dependency-groups]
dev = ["pytest"]

[tool.pytest.ini_options]
pythonpath = [{paths}]
"""
MEMBER_PYPROJECT = '[project]\nname = "member{n}"\nversion = "0.1.0"\nrequires-python = ">=3.11"\n'


NAMESPACES_FALSE = "\n[tool.setuptools.packages.find]\nnamespaces = false\n"


def member_paths(count: int) -> str:
    return ", ".join(f'"packages/member{n}/src"' for n in range(count))


def build(root: Path) -> None:
    files = {"pyproject.toml": ROOT_PYPROJECT.format(paths=member_paths(MEMBERS))}
    for n in range(MEMBERS):
        base = f"packages/member{n}"
        files[f"{base}/pyproject.toml"] = MEMBER_PYPROJECT.format(n=n)
        files[f"{base}/src/pkg{n}/__init__.py"] = ""
        files[f"{base}/tests/test_member{n}.py"] = f"import pkg{n}\n\n\ndef test_x():\n    assert pkg{n}\n"
        if n == 1:
            # Two test modules one run imports under one name: PD205.
            files[f"{base}/tests/unit/test_util.py"] = "def test_a():\n    pass\n"
            files[f"{base}/tests/api/test_util.py"] = "def test_b():\n    pass\n"
        if n % 2 == 0:
            # A folder of modules without __init__.py inside the package: PD101 (a hint).
            files[f"{base}/src/pkg{n}/sub/mod.py"] = "X = 1\n"
            files[f"{base}/.vscode/settings.json"] = '{\n    "python.analysis.extraPaths": ["./src"]\n}\n'
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


# Texts a step may give a file: healthy, broken, and changed in ways that move findings.
def pyproject_variants(n: int) -> list[str]:
    healthy = MEMBER_PYPROJECT.format(n=n)
    return [
        healthy,
        healthy + "x",  # does not parse
        healthy.replace(f"member{n}", f"renamed{n}"),
        healthy + '\n[tool.pytest.ini_options]\ntestpaths = ["tests"]\n',
        healthy + '\n[tool.pytest.ini_options]\npythonpath = ["src"]\n',
        healthy + '\n[tool.setuptools.packages.find]\nwhere = ["lib"]\n',
        healthy + NAMESPACES_FALSE,  # PD101 no longer a hint
        healthy + '\n[tool.pytest.ini_options]\naddopts = "--import-mode=importlib"\n',  # no PD205
    ]


def module_variants(n: int) -> list[str]:
    other = (n + 1) % MEMBERS
    return [
        f"import pkg{n}\n\n\ndef test_x():\n    assert pkg{n}\n",
        f"import pkg{n}\nimport pkg{other}\n\n\ndef test_x():\n    assert pkg{other}\n",
        "import pytest\n\n\ndef test_nothing():\n    pass\n",
        f"from pkg{n} import (\n    x,\n)\n\ndef test_x(:\n",
        "",
    ]


SETTINGS_VARIANTS = [
    '{\n    "python.analysis.extraPaths": ["./src"]\n}\n',
    '{\n    "python.testing.pytestEnabled": true,\n    "python.testing.pytestArgs": ["tests"]\n}\n',
    '{\n    "python.analysis.extraPaths": [\n',  # does not parse
    "{}\n",
]
ROOT_VARIANTS = [
    ROOT_PYPROJECT.format(paths=member_paths(MEMBERS)),
    ROOT_PYPROJECT.format(paths=member_paths(MEMBERS - 1)),
    ROOT_PYPROJECT.format(paths=member_paths(MEMBERS)) + '\n[tool.pyproj-doctor]\nignore = ["PD4"]\n',
    ROOT_PYPROJECT.format(paths=member_paths(MEMBERS)) + 'addopts = "--import-mode=importlib"\n',
    # Fewer members: the others' runs no longer include the workspace root's.
    ROOT_PYPROJECT.format(paths=member_paths(MEMBERS)).replace(
        'members = ["packages/*"]', 'members = ["packages/*"]\nexclude = ["packages/member1"]'
    ),
    ROOT_PYPROJECT.format(paths=member_paths(MEMBERS)).replace("packages/*", "packages/member0"),
]


# Shared files every member's discovery or rules may consult.
SHARED = {
    ".vscode/settings.json": [
        *SETTINGS_VARIANTS,
        '{\n    "python.testing.pytestArgs": ["packages"]\n}\n',
        # A listed member: not known whether the Test Explorer runs it on its own (project mode).
        '{"python-envs.pythonProjects": [{"path": "packages/member1"}, {"path": "packages/member3"}]}\n',
    ],
    "pytest.ini": ["[pytest]\npythonpath = packages/member0/src\n", "[pytest]\n", "[pytest\n"],
    ".python-version": ["3.12\n", "3.9\n"],
    "uv.lock": ["version = 1\n", "version = \n"],
    "packages/extra/pyproject.toml": [MEMBER_PYPROJECT.format(n=9), "[project\n"],
    "packages/extra/tests/test_extra.py": ["import pkg9\nimport pkg0\n", "import pytest\n"],
    # What a project's own workflow installs (PD201's messages and groups name it) and `.env`.
    ".github/workflows/test.yml": ["steps:\n  - run: pip install -e .\n", "steps:\n  - run: echo hi\n"],
    "requirements-dev.txt": ["-e .\npytest\n", "pytest\n"],
    "tox.ini": ["[tox]\nenv_list = py311\n\n[testenv]\ncommands = pytest\n", "[pytest]\n"],
    ".env": ["PYTHONPATH=packages/member0/src\n", "OTHER=1\n"],
}


def candidates(n: int) -> dict[str, list[str]]:
    """Files a step may touch, with the texts it may give them."""
    base = f"packages/member{n}"
    return {
        **SHARED,
        f"{base}/setup.cfg": ["[tool:pytest]\ntestpaths = tests\n", "[options]\npackages = find:\n"],
        f"{base}/.python-version": ["3.10\n", "3.13\n"],
        f"{base}/tests/api/test_util.py": ["def test_b():\n    pass\n", "import pkg0\n"],
        f"{base}/tests/api/__init__.py": [""],
        f"{base}/src/pkg{n}/sub/mod.py": ["X = 1\n", "import os  # a longer first line\n"],
        f"{base}/pyproject.toml": pyproject_variants(n),
        f"{base}/tests/test_member{n}.py": module_variants(n),
        f"{base}/tests/test_extra.py": module_variants(n),
        f"{base}/.vscode/settings.json": SETTINGS_VARIANTS,
        f"{base}/src/pkg{n}/__init__.py": ["", "X = 1\n"],
        f"{base}/tests/conftest.py": ["import pytest\n", "import sys\nsys.path.insert(0, 'src')\n"],
        # A configuration file the listing gains (PD901 looks for them by name) or that is test data.
        f"{base}/pytest.toml": ['[pytest]\ntestpaths = ["tests"]\n', "[pytest\n"],
        f"{base}/tests/data/proj/pyproject.toml": ["[project\n", MEMBER_PYPROJECT.format(n=7)],
        f"{base}/.github/workflows/ci.yml": ["steps:\n  - run: uv sync\n", "steps: []\n"],
        f"{base}/hatch.toml": ["[envs.default]\n", "[envs.default]\nskip-install = true\n"],
    }


def comparable(report: engine.Report) -> tuple[object, ...]:
    return (report.findings, report.problems, report.blocked, report.options)


class Disk:
    """Writes that always move the file's stamp, as a real save a moment later does."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.tick = 1_900_000_000_000_000_000

    def write(self, rel: str, text: str | bytes) -> None:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text)
        self.tick += 1_000_000_000
        os.utime(path, ns=(self.tick, self.tick))


# Not UTF-8: the file cannot be read, so it is a problem and no finding may rest on it.
UNREADABLE = b'[project]\nname = "\xff\xfe"\n'


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5, 6, 7, 8])
def test_incremental_reports_equal_full_checks(tmp_path: Path, seed: int) -> None:
    root = tmp_path / "mono"
    build(root)
    rng = random.Random(seed)
    disk = Disk(root)
    checker = engine.Checker(str(root))
    overlay: dict[str, str] = {}
    history: list[dict[str, str]] = []
    options = engine.Options()
    steps: list[str] = []
    for step in range(40):
        kind = rng.choice(
            ["buffer", "buffer", "buffer", "buffer", "undo", "write", "create", "delete", "close"]
        )
        files = candidates(rng.randrange(MEMBERS))
        rel = rng.choice(sorted(files))
        if kind == "buffer" or (kind == "undo" and not history):
            history.append(dict(overlay))
            text = rng.choice(ROOT_VARIANTS) if rng.random() < 0.15 else rng.choice(files[rel])
            overlay["pyproject.toml" if text in ROOT_VARIANTS else rel] = text
        elif kind == "undo":
            overlay = history.pop()
        elif kind == "close" and overlay:
            overlay.pop(rng.choice(sorted(overlay)))
        elif kind in ("write", "create"):
            existed = (root / rel).exists()
            disk.write(rel, UNREADABLE if rng.random() < 0.15 else rng.choice(files[rel]))
            checker.disk_changed(created_or_deleted=not existed)
        elif kind == "delete" and (root / rel).is_file():
            (root / rel).unlink()
            checker.disk_changed(created_or_deleted=True)
        steps.append(f"{step}: {kind} {rel}")
        incremental = checker.check(options, dict(overlay), True)
        fresh = engine.check(str(root), options, dict(overlay), True)
        assert comparable(incremental) == comparable(fresh), "\n".join(steps)
    assert len(steps) == 40


def test_an_edit_to_one_member_rediscovers_that_member_only(tmp_path: Path) -> None:
    """The other members' projects are taken over from the check before, and the report is
    still a fresh check's, for the edit and for its undo."""
    root = tmp_path / "mono"
    build(root)
    checker = engine.Checker(str(root))
    rel = "packages/member1/pyproject.toml"
    options = engine.Options()
    checker.check(options, {}, True)
    before = checker.kept_projects()
    assert sorted(before) == [".", *(f"packages/member{n}" for n in range(MEMBERS))]
    broken = {rel: MEMBER_PYPROJECT.format(n=1) + "x"}
    report = checker.check(options, broken, True)
    assert [f.path for f in report.findings if f.code == "PD901"] == [rel]
    assert comparable(report) == comparable(engine.check(str(root), options, broken, True))
    after = checker.kept_projects()
    assert {d for d in before if after[d] is not before[d]} == {"packages/member1"}
    undo = {rel: MEMBER_PYPROJECT.format(n=1)}
    report = checker.check(options, undo, True)
    assert comparable(report) == comparable(engine.check(str(root), options, undo, True))
    assert {d for d in after if checker.kept_projects()[d] is not after[d]} == {"packages/member1"}


def test_a_disk_change_is_seen_after_the_same_buffers_were_checked(tmp_path: Path) -> None:
    """A report kept for an undo is dropped once the disk changes under the same buffers."""
    root = tmp_path / "mono"
    build(root)
    checker = engine.Checker(str(root))
    rel = "packages/member1/pyproject.toml"
    first = checker.check(engine.Options(), {}, True)
    assert not [f for f in first.findings if f.code == "PD901"]
    Disk(root).write(rel, MEMBER_PYPROJECT.format(n=1) + "x")
    checker.disk_changed(created_or_deleted=False)
    second = checker.check(engine.Options(), {}, True)
    assert [f.path for f in second.findings if f.code == "PD901"] == [rel]
    assert comparable(second) == comparable(engine.check(str(root), engine.Options(), {}, True))


def test_findings_taken_over_for_unchanged_members_equal_a_fresh_check(tmp_path: Path) -> None:
    """A rule's findings for a member are kept only while that member and the files the rule read
    for it are unchanged: an edit to its pyproject.toml or to a file a finding points into is seen."""
    root = tmp_path / "mono"
    build(root)
    checker = engine.Checker(str(root))
    options = engine.Options()
    first = checker.check(options, {}, True)
    assert {f.path for f in first.findings if f.code == "PD101"} == {
        f"packages/member{n}/src/pkg{n}/sub/mod.py" for n in range(0, MEMBERS, 2)
    }
    edits = [
        {"packages/member2/pyproject.toml": MEMBER_PYPROJECT.format(n=2) + NAMESPACES_FALSE},
        {"packages/member2/src/pkg2/sub/mod.py": "import os  # a longer first line\n"},
        {"packages/member1/pyproject.toml": pyproject_variants(1)[1]},
        {"pyproject.toml": ROOT_VARIANTS[3]},  # importlib mode for every member: no PD205
        {"packages/member2/pyproject.toml": pyproject_variants(2)[3]},  # testpaths: PD304's fix changes
        {"packages/member1/tests/unit/test_util.py": "import os  # the first line is longer now\n"},
        {},
    ]
    seen = set()
    clashes = []
    enable = []
    for overlay in edits:
        report = checker.check(options, overlay, True)
        fresh = engine.check(str(root), options, overlay, True)
        assert comparable(report) == comparable(fresh), overlay
        seen.add(
            tuple((f.path, f.severity, f.message, f.range) for f in report.findings if f.code == "PD101")
        )
        clashes.append([(f.path, f.range) for f in report.findings if f.code == "PD205"])
        enable.append([f.fix for f in report.findings if f.code == "PD304" and "member2" in f.path])
    assert len(seen) == 3  # each of the first two edits changed member2's PD101 finding
    assert clashes[0] and clashes[0] != clashes[5] and not clashes[3]
    assert enable[0] and enable[4] != enable[0]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_diagnostics_kept_between_checks_equal_a_fresh_translation(tmp_path: Path, seed: int) -> None:
    """The language server translates again only the findings it has not translated for the same
    texts: after every edit what it publishes equals a fresh translation, URI order included, and
    the findings of members the edit left alone keep their diagnostics."""
    root = tmp_path / "mono"
    build(root)
    rng = random.Random(seed)
    checker = engine.Checker(str(root))
    kept: Translated = {}
    overlay: dict[str, str] = {}
    taken_over = 0
    for encoding in ["utf-16"] * 20 + ["utf-8"] * 5:
        files = candidates(rng.randrange(MEMBERS))
        rel = rng.choice(sorted(files))
        overlay[rel] = rng.choice(files[rel])
        report = checker.check(engine.Options(), dict(overlay), True)
        before = {key: entry[1] for key, entry in kept.items()}
        got = diagnostics(str(root), report.findings, report.snapshot.text, encoding, True, kept)
        want = diagnostics(str(root), report.findings, report.snapshot.text, encoding, True)
        assert list(got.items()) == list(want.items()), overlay
        taken_over += sum(1 for key, entry in kept.items() if before.get(key) is entry[1])
    assert taken_over > 0


def test_kept_diagnostics_follow_the_text_of_their_file(tmp_path: Path) -> None:
    """A finding equal to one translated before (same code-point range) is translated again when its
    file's text changed: a character outside the Basic Multilingual Plane is two UTF-16 units."""
    root = tmp_path / "mono"
    build(root)
    checker = engine.Checker(str(root))
    rel = "packages/member0/src/pkg0/sub/mod.py"
    kept: Translated = {}
    ranges = []
    for text in ["X = 1\n", "X = \U0001f600\n", "X = 1\n"]:
        report = checker.check(engine.Options(), {rel: text}, True)
        found = [f for f in report.findings if f.path == rel and f.code == "PD101"]
        by_uri = diagnostics(str(root), report.findings, report.snapshot.text, "utf-16", True, kept)
        assert by_uri == diagnostics(str(root), report.findings, report.snapshot.text, "utf-16", True)
        ranges.append((found[0].range, [d.range.end.character for d in by_uri[uri_of(str(root), rel)]]))
    assert ranges[0][0] == ranges[1][0]  # the finding is the same
    assert [r[1] for r in ranges] == [[5], [6], [5]]  # its diagnostic is not


def test_a_state_returned_to_between_keystrokes_keeps_its_report(tmp_path: Path) -> None:
    """Typing and undoing around one text: that state's report stays among the kept ones however
    many other texts were checked in between (the least recently used go), until the disk changes."""
    root = tmp_path / "mono"
    build(root)
    checker = engine.Checker(str(root))
    rel = "packages/member1/pyproject.toml"
    options = engine.Options()
    home = {rel: MEMBER_PYPROJECT.format(n=1)}
    first = checker.check(options, home, True)
    for n in range(1, 2 * engine.Checker.KEPT_REPORTS + 1):
        typed = {rel: MEMBER_PYPROJECT.format(n=1) + "x" * n}
        assert comparable(checker.check(options, typed, True)) == comparable(
            engine.check(str(root), options, typed, True)
        )
        assert checker.check(options, home, True) is first
    checker.disk_changed(created_or_deleted=False)
    again = checker.check(options, home, True)
    assert again is not first
    assert comparable(again) == comparable(engine.check(str(root), options, home, True))


def test_a_clash_across_members_follows_each_members_configuration(tmp_path: Path) -> None:
    """PD205 across members (the folder's Test Explorer run collects every member in one session)
    keeps each member's collected modules between checks: an edit that gives a member its own
    pytest configuration takes its modules out of that session, an edit to another member does not."""
    root = tmp_path / "mono"
    build(root)
    for n in (1, 3):  # members of the root's VS Code folder (0 and 2 have their own .vscode)
        (root / f"packages/member{n}/tests/test_shared.py").write_text("def test_u():\n    pass\n")
    checker = engine.Checker(str(root))
    options = engine.Options()

    def across(report: engine.Report) -> list[str]:
        return sorted(f.path for f in report.findings if f.code == "PD205" and "test_shared" in f.path)

    seen = []
    for overlay in [
        {},
        {"packages/member2/pyproject.toml": pyproject_variants(2)[2]},
        {"packages/member3/pyproject.toml": pyproject_variants(3)[3]},  # its own [tool.pytest.ini_options]
        {"packages/member3/pyproject.toml": pyproject_variants(3)[0]},
    ]:
        report = checker.check(options, overlay, True)
        assert comparable(report) == comparable(engine.check(str(root), options, overlay, True)), overlay
        seen.append(across(report))
    assert seen[0] and seen[1] == seen[0] and seen[3] == seen[0]
    assert seen[2] == []


def test_the_test_explorers_mode_and_its_projects_follow_each_check(tmp_path: Path) -> None:
    """Project mode reported on and off, and ``python-envs.pythonProjects`` edited in a buffer:
    each check of the long-lived checker equals a fresh one, and the clash across members is in
    the folder's one session only while the members share it."""
    root = tmp_path / "mono"
    build(root)
    for n in (1, 3):
        (root / f"packages/member{n}/tests/test_shared.py").write_text("def test_u():\n    pass\n")
    checker = engine.Checker(str(root))
    both = '{"python-envs.pythonProjects": [{"path": "packages/member1"}, {"path": "packages/member3"}]}\n'
    one = '{"python-envs.pythonProjects": [{"path": "packages/member1"}]}\n'
    off = '{"python.useEnvironmentsExtension": false, "python-envs.pythonProjects": [{"path": "packages/member1"}]}'

    def across(report: engine.Report) -> bool:
        # (`pytest` at the workspace root, which configures pytest, collects both in any mode.)
        return any(
            f.code == "PD205" and "test_shared" in f.path and "Test Explorer" in f.message
            for f in report.findings
        )

    seen = []
    for mode, settings in [
        (None, None),
        (True, both),
        (False, both),
        (None, both),
        (True, None),
        (True, one),
        (None, one),
        (None, off),
        (True, off),  # the editor's report wins over the repository's setting
    ]:
        overlay = {} if settings is None else {".vscode/settings.json": settings}
        options = engine.Options(test_explorer_projects=mode)
        report = checker.check(options, overlay, True)
        assert comparable(report) == comparable(engine.check(str(root), options, overlay, True)), (
            mode,
            settings,
        )
        seen.append(across(report))
    assert seen == [True, False, True, False, True, False, False, True, False]


def test_pd201_edits_are_kept_while_the_file_they_edit_holds_the_same_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Members whose tests cannot import their own `src`: each gets PD201 with an edit of its own
    # pyproject.toml (and the Test Explorer's run one of the root's). A keystroke in one member
    # rebuilds that member's edit only; the others are taken over, equal to a fresh check's.
    root = tmp_path / "mono"
    files = {
        "pyproject.toml": '[project]\nname = "root"\nversion = "0"\n\n[tool.uv.workspace]\nmembers = ["packages/*"]\n'
    }
    for n in range(3):
        files[f"packages/m{n}/pyproject.toml"] = f'[project]\nname = "m{n}"\nversion = "0"\n'
        files[f"packages/m{n}/src/pkg{n}/__init__.py"] = ""
        files[f"packages/m{n}/tests/test_m{n}.py"] = f"import pkg{n}\n"
    write(root, files)
    built: list[str] = []
    build_edit = pytest_rules._add_pythonpath

    def counting(ctx: Any, config: Any, target: str, folders: list[str]) -> Any:
        built.append(target)
        return build_edit(ctx, config, target, folders)

    monkeypatch.setattr(pytest_rules, "_add_pythonpath", counting)
    checker = engine.Checker(str(root))
    options = engine.Options()

    def fixes(report: engine.Report) -> dict[str, Any]:
        return {f.fix.changes[0].path: f.fix for f in report.findings if f.code == "PD201" and f.fix}

    first = fixes(checker.check(options, {}, True))
    assert sorted(first) == [
        "packages/m0/pyproject.toml",
        "packages/m1/pyproject.toml",
        "packages/m2/pyproject.toml",
        "pyproject.toml",
    ]
    built.clear()
    m1 = "packages/m1/pyproject.toml"
    edited = {m1: "# a first line\n" + files[m1]}
    report = checker.check(options, edited, True)
    assert built == [m1]
    assert comparable(report) == comparable(engine.check(str(root), options, edited, True))
    second = fixes(report)
    assert second[m1] != first[m1]  # its offsets moved with the new first line
    assert {k: v for k, v in second.items() if k != m1} == {k: v for k, v in first.items() if k != m1}
    back = checker.check(options, {}, True)
    assert comparable(back) == comparable(engine.check(str(root), options, {}, True))
    assert fixes(back) == first


def test_pd201_findings_are_rebuilt_only_for_what_an_edit_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each member's tests cannot import its own `src`. A keystroke in one member rebuilds that
    # member's finding only; the Test Explorer's mode (no file: the editor reports it) and a `.env`
    # buffer change the findings they touch, each equal to a fresh check's.
    root = tmp_path / "mono"
    files = {
        "pyproject.toml": '[project]\nname = "root"\nversion = "0"\n\n[tool.uv.workspace]\nmembers = ["packages/*"]\n',
        ".vscode/settings.json": '{"python-envs.pythonProjects": [{"path": "packages/m0"}, {"path": "packages/m1"}]}\n',
    }
    for n in range(3):
        files[f"packages/m{n}/pyproject.toml"] = f'[project]\nname = "m{n}"\nversion = "0"\n'
        files[f"packages/m{n}/src/pkg{n}/__init__.py"] = ""
        files[f"packages/m{n}/tests/test_m{n}.py"] = f"import pkg{n}\n"
    write(root, files)
    built: list[tuple[str, ...]] = []
    build = pytest_rules._pd201_pythonpath

    def counting(ctx: Any, target: str | None, items: list[Any]) -> Any:
        built.append(tuple(sorted({item.run.label for item in items})))
        return build(ctx, target, items)

    monkeypatch.setattr(pytest_rules, "_pd201_pythonpath", counting)
    checker = engine.Checker(str(root))
    rebuilt: list[tuple[str, ...]] = []  # by the long-lived checker's last check

    def check(overlay: dict[str, str], mode: bool | None = None) -> dict[str, list[str]]:
        options = engine.Options(test_explorer_projects=mode)
        built.clear()
        report = checker.check(options, overlay, True)
        rebuilt[:] = built
        assert comparable(report) == comparable(engine.check(str(root), options, overlay, True))
        found: dict[str, list[str]] = {}
        for f in report.findings:
            if f.code == "PD201":
                found.setdefault(f.path.split("/")[1] if "/" in f.path else f.path, []).append(f.message)
        return found

    first = check({})
    assert sorted(first) == ["m0", "m1", "m2"] and len(rebuilt) == 4  # m2 also fails in the Explorer's run
    m1 = "packages/m1/pyproject.toml"
    edited = check({m1: "# a first line\n" + files[m1]})
    assert rebuilt == [("plain `pytest` in `packages/m1`",)]
    assert edited == first
    on = check({}, mode=True)  # listed members are run on their own: m0 and m1 gain that run
    assert any("run of project `packages/m0`" in m for m in on["m0"]) and on["m2"] != first["m2"]
    assert not any("project `packages/m0`" in m for m in first["m0"])
    env = check({".env": "PYTHONPATH=packages/m2/src\n"})
    assert any("PYTHONPATH in `.env`" in m for m in env["m2"]) and env["m0"] == first["m0"]
    assert check({}) == first


def test_pd301_search_paths_follow_the_files_they_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PD301 keeps each VS Code folder's language server, interpreter and search paths between
    checks: edits to the settings, extensions.json, pyrightconfig.json and `.env` are seen (each
    report equals a fresh check's), the members' source roots count once settings add them, and a
    keystroke in a member's pyproject.toml computes no folder's search paths again."""
    root = tmp_path / "mono"
    build(root)
    # A package in `lib`, first-party once member1 declares `lib` its source root (variant 5).
    write(root, {"packages/member1/lib/libpkg/__init__.py": ""})
    computed: list[str] = []
    search = analysis.search_paths

    def counting(ws: Any, folder: Any, venv: Any, server: str = "Pylance") -> Any:
        computed.append(folder.dir)
        return search(ws, folder, venv, server)

    monkeypatch.setattr(vscode_rules, "search_paths", counting)
    checker = engine.Checker(str(root))
    options = engine.Options()
    settings = ".vscode/settings.json"
    member1 = "packages/member1/pyproject.toml"
    add = {
        settings: '{"python.analysis.addExtraPathsForPythonProjects": true}\n',
        "packages/member1/tests/test_member1.py": "import pkg1\nimport libpkg\n",
    }
    seen = []
    for overlay in [
        {},
        {settings: '{"python.analysis.extraPaths": ["packages/member1/src"]}\n'},
        add,
        # member1's source root is `lib` now: with the projects' roots added, the folder's paths follow.
        {**add, member1: pyproject_variants(1)[5]},
        {".vscode/extensions.json": '{"recommendations": ["detachhead.basedpyright"]}\n'},
        {"pyrightconfig.json": '{"extraPaths": ["packages/member3/src"]}\n'},
        {"pyrightconfig.json": '{"extraPaths": ["packages/member1/src"]}\n'},
        {".env": "PYTHONPATH=packages/member1/src:packages/member3/src\n"},
        {},
    ]:
        report = checker.check(options, overlay, True)
        assert comparable(report) == comparable(engine.check(str(root), options, overlay, True)), overlay
        seen.append(sorted(f"{f.path}: {f.message}" for f in report.findings if f.code == "PD301"))
    assert len({tuple(s) for s in seen}) >= 6 and seen[-1] == seen[0]
    assert "basedpyright" in " ".join(seen[4]) and "`.env`" in " ".join(seen[7])
    computed.clear()
    for n in range(1, 4):
        typed = {member1: MEMBER_PYPROJECT.format(n=1) + "x" * n}
        report = checker.check(options, typed, True)
        assert comparable(report) == comparable(engine.check(str(root), options, typed, True))
    assert computed.count(".") == 3  # the fresh checks' only


@pytest.mark.parametrize("environment", [False, True])
def test_a_members_install_command_follows_what_its_siblings_depend_on(
    tmp_path: Path, environment: bool
) -> None:
    # `uv sync` at a workspace root with a [project] installs the members it depends on, also
    # through other members: `a` is installed through `b` until `b` stops depending on it, and
    # then needs `uv sync --all-packages`. An edit to `b` changes what PD201 says of `a`'s tests
    # (its finding, before any environment exists, or its pythonpath message once one does).
    root = tmp_path / "ws"
    backend = '\n[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n'
    member_b = (
        '[project]\nname = "b"\nversion = "0"\ndependencies = ["a"]\n\n[tool.uv.sources]\n'
        "a = { workspace = true }\n" + backend
    )
    write(
        root,
        {
            "pyproject.toml": '[project]\nname = "app"\nversion = "0"\ndependencies = ["b"]\n\n'
            '[tool.uv.workspace]\nmembers = ["packages/*"]\n\n[tool.uv.sources]\nb = { workspace = true }\n',
            "packages/a/pyproject.toml": '[project]\nname = "a"\nversion = "0"\n' + backend,
            "packages/a/src/pkg_a/__init__.py": "",
            "packages/a/tests/test_a.py": "import pkg_a\n",
            "packages/b/pyproject.toml": member_b,
            "packages/b/src/pkg_b/__init__.py": "",
        },
    )
    if environment:
        make_venv(root)
    checker = engine.Checker(str(root))
    commands = []
    for overlay in [{}, {"packages/b/pyproject.toml": member_b.replace('["a"]', "[]")}, {}]:
        report = checker.check(engine.Options(), overlay, True)
        assert comparable(report) == comparable(engine.check(str(root), engine.Options(), overlay, True))
        # Each run that cannot import it says so (plain `pytest`, and the Test Explorer's with an
        # environment), each naming the same command.
        messages = [f.message for f in report.findings if f.code == "PD201" and "pkg_a" in f.message]
        assert messages and len({"--all-packages" in m for m in messages}) == 1, messages
        commands.append("--all-packages" in messages[0])
    assert commands == [False, True, False]


def test_pd401_kept_per_folder_follows_its_files_and_the_extra_recommendations(tmp_path: Path) -> None:
    """PD401 keeps each VS Code folder's findings between checks: an edit to that folder's
    extensions.json, to a .gitignore, to a member's pyproject.toml (Ruff in use) and the caller's
    extra recommendations are each seen, and each report equals a fresh check's."""
    root = tmp_path / "mono"
    build(root)
    checker = engine.Checker(str(root))
    plain = engine.Options()
    extra = engine.Options(extra_recommendations=("ms-toolsai.jupyter",))
    ruff = MEMBER_PYPROJECT.format(n=0) + "\n[tool.ruff]\nline-length = 100\n"
    seen = []
    for options, overlay in [
        (plain, {}),
        (plain, {"packages/member0/.vscode/extensions.json": '{"recommendations": ["ms-python.python"]}\n'}),
        (plain, {"packages/member0/pyproject.toml": ruff}),
        (plain, {".gitignore": ".vscode/\n"}),
        (extra, {}),
        (plain, {}),
    ]:
        report = checker.check(options, overlay, True)
        assert comparable(report) == comparable(engine.check(str(root), options, overlay, True)), overlay
        seen.append(sorted(f"{f.path}: {f.message}" for f in report.findings if f.code == "PD401"))
    assert len({tuple(s) for s in seen}) == 5 and seen[-1] == seen[0]
    assert len(seen[1]) < len(seen[0]) and "charliermarsh.ruff" in " ".join(seen[2])
    assert not seen[3] and "ms-toolsai.jupyter" in " ".join(seen[4])


def test_workflow_installs_are_kept_per_member_and_follow_what_they_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """How each member's workflow installs it (PD201 and PD301 name the command while no
    environment exists) is kept between checks: edits to a member's own settings, its files and
    the workspace root are seen, each report equals a fresh check's, and a keystroke in one member
    of a virtual workspace root works out that member's install only."""
    root = tmp_path / "mono"
    backend = '\n[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n'
    files = {"pyproject.toml": '[tool.uv.workspace]\nmembers = ["packages/*"]\n'}
    for n in range(3):
        files[f"packages/m{n}/pyproject.toml"] = f'[project]\nname = "m{n}"\nversion = "0"\n' + backend
        files[f"packages/m{n}/src/pkg{n}/__init__.py"] = ""
        files[f"packages/m{n}/tests/test_m{n}.py"] = f"import pkg{n}\n"
    write(root, files)
    worked_out: list[str] = []
    work_out = install._workflow_install

    def counting(ws: Any, project: Any) -> Any:
        worked_out.append(project.dir)
        return work_out(ws, project)

    monkeypatch.setattr(install, "_workflow_install", counting)
    checker = engine.Checker(str(root))
    options = engine.Options()
    m0, m1 = "packages/m0/pyproject.toml", "packages/m1/pyproject.toml"
    syncing_root = (
        '[project]\nname = "root"\nversion = "0"\ndependencies = ["m0"]\n\n' + files["pyproject.toml"]
    )
    seen = []
    for overlay in [
        {},
        {m1: files[m1] + "\n[tool.uv]\npackage = false\n"},
        {"pyproject.toml": syncing_root},  # `uv sync` at this root installs m0 only
        # ... and the members m0 depends on: what it syncs follows every member's dependencies.
        {
            "pyproject.toml": syncing_root,
            m0: files[m0].replace('version = "0"\n', 'version = "0"\ndependencies = ["m1"]\n'),
        },
        {
            "packages/m2/pyproject.toml": files["packages/m2/pyproject.toml"]
            + "\n[tool.uv]\nmanaged = false\n"
        },
        {},
    ]:
        report = checker.check(options, overlay, True)
        assert comparable(report) == comparable(engine.check(str(root), options, overlay, True)), overlay
        seen.append(sorted(f.message for f in report.findings if f.code in ("PD201", "PD301")))
    assert len({tuple(s) for s in seen}) == 5 and seen[-1] == seen[0]
    assert "--all-packages" in " ".join(seen[2]) and "--all-packages" not in " ".join(seen[0])
    assert "`pkg0`, `pkg1`" in " ".join(seen[3]) and "pip install -e packages/m2" in " ".join(seen[4])
    checker.check(options, {m1: files[m1] + "\n"}, True)  # a check of the disk's other files
    for n in range(1, 3):
        typed = {m1: files[m1] + "#" * n}
        worked_out.clear()
        incremental = checker.check(options, typed, True)
        assert worked_out == ["packages/m1"]  # the other members' installs are taken over
        assert comparable(incremental) == comparable(engine.check(str(root), options, typed, True))
