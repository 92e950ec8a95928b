"""Fuzz: random valid configuration files through ``check --fix``, with a bounded number of examples.

For every generated project: each written file still parses, the user's text is
kept (what the fixes add is inserted, nothing outside the edits is lost),
comments, BOM and line endings survive, and a second ``--fix`` changes nothing.
Two runs at once (``--fix`` and ``configure`` on random projects) end as if one ran
after the other, and a run killed with SIGKILL before each of its file system steps in
turn (``killed_cli.py``) leaves every file old or new, never half-written; the next run
finishes the job. The hostile workspace for the language server is in
``test_extension_bundle.py`` (it needs the bundle that test module builds).
"""

from __future__ import annotations

import contextlib
import io
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pyproj_doctor import cli
from pyproj_doctor.formats import jsonc, toml
from tests.helpers import seed

_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=8)
_COMMENT = st.text(alphabet="abcdefghij klmnop-_:é", min_size=0, max_size=20).map(str.strip)
_EXTENSIONS = st.sampled_from(
    [
        "ms-python.python",
        "bungcip.better-toml",
        "charliermarsh.ruff",
        "tamasfe.even-better-toml",
        "esbenp.prettier-vscode",
    ]
)


@st.composite
def pyprojects(draw: st.DrawFn) -> str:
    lines = [f"# {draw(_COMMENT)}"] if draw(st.booleans()) else []
    lines += ["[project]", 'name = "my-app"', 'version = "0.1.0"']
    if draw(st.booleans()):
        lines.append(f"dependencies = [  # {draw(_COMMENT)}")
        lines += [f'    "{draw(_WORD)}",' for _ in range(draw(st.integers(0, 3)))]
        lines.append("]")
    for table in draw(st.lists(_WORD, max_size=3, unique=True)):
        lines.append("")
        lines.append(f"[tool.{table}]  # {draw(_COMMENT)}")
        for key in draw(st.lists(_WORD, max_size=3, unique=True)):
            value = draw(
                st.one_of(st.integers(0, 99).map(str), _WORD.map(lambda w: f'"{w}"'), st.just("[1, 2]"))
            )
            lines.append(f"{key} = {value}")
    if draw(st.booleans()):
        lines += ["", "[dependency-groups]", f"dev = [ # {draw(_COMMENT)}", '    "pytest>=8",', "]"]
    if draw(st.booleans()):
        lines += ["", "[tool.pytest.ini_options]", f'addopts = "-q"  # {draw(_COMMENT)}']
    text = "\n".join(lines)
    return text + ("\n" if draw(st.booleans()) else "")


@st.composite
def settings_files(draw: st.DrawFn) -> str:
    indent = draw(st.sampled_from(["  ", "    ", "\t"]))
    members = []
    for key in draw(st.lists(_WORD.map(lambda w: f"editor.{w}"), max_size=3, unique=True)):
        value = draw(
            st.one_of(st.booleans().map(lambda b: "true" if b else "false"), st.integers(0, 9).map(str))
        )
        comment = f" // {draw(_COMMENT)}" if draw(st.booleans()) else ""
        members.append((f'"{key}": {value}', comment))
    body = []
    for index, (member, comment) in enumerate(members):
        comma = "," if index < len(members) - 1 or draw(st.booleans()) else ""
        body.append(f"{indent}{member}{comma}{comment}")
    head = [f"{indent}// {draw(_COMMENT)}"] if draw(st.booleans()) else []
    return "{\n" + "\n".join(head + body) + ("\n" if head or body else "") + "}\n"


@st.composite
def extension_files(draw: st.DrawFn) -> str:
    names = draw(st.lists(_EXTENSIONS, min_size=0, max_size=4, unique=True))
    lines = ["{", '  "recommendations": [']
    for index, name in enumerate(names):
        comma = "," if index < len(names) - 1 else ""
        comment = f" // {draw(_COMMENT)}" if draw(st.booleans()) else ""
        lines.append(f'    "{name}"{comma}{comment}')
    lines += ["  ]", "}"]
    return "\n".join(lines) + "\n"


def _style(text: str, crlf: bool, bom: bool) -> bytes:
    if crlf:
        text = text.replace("\n", "\r\n")
    return (("\ufeff" if bom else "") + text).encode("utf-8")


def _run_fix(root: Path, command: tuple[str, ...] = ("check", "--fix", "--color", "never")) -> int:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = cli.main([*command, str(root)])
    assert "Traceback" not in err.getvalue()
    return status


def _write_project(
    root: Path, pyproject: str, settings_json: str | None, extensions: str | None, crlf: bool, bom: bool
) -> dict[str, bytes]:
    files = {"pyproject.toml": pyproject}
    if settings_json is not None:
        files[".vscode/settings.json"] = settings_json
    if extensions is not None:
        files[".vscode/extensions.json"] = extensions
    files["src/my_app/__init__.py"] = "X = 1\n"
    files["tests/test_main.py"] = (
        "import pytest\nfrom my_app import X\n\n\ndef test_x():\n    assert X == 1\n"
    )
    originals: dict[str, bytes] = {}
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        data = _style(text, crlf, bom) if not rel.endswith(".py") else text.encode()
        path.write_bytes(data)
        originals[rel] = data
    return originals


def _is_subsequence(small: str, big: str) -> bool:
    it = iter(big)
    return all(ch in it for ch in small)


def _comments(text: str, marker: str) -> list[str]:
    return [line.split(marker, 1)[1].strip() for line in text.splitlines() if marker in line]


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    pyproject=pyprojects(),
    settings_json=st.one_of(st.none(), settings_files()),
    extensions=st.one_of(st.none(), extension_files()),
    crlf=st.booleans(),
    bom=st.booleans(),
)
def test_random_valid_projects_through_fix(
    pyproject: str, settings_json: str | None, extensions: str | None, crlf: bool, bom: bool
) -> None:
    root = Path(tempfile.mkdtemp(prefix="pd-fuzz-"))
    try:
        originals = _write_project(root, pyproject, settings_json, extensions, crlf, bom)
        assert _run_fix(root) in (0, 1)
        for rel, before_bytes in originals.items():
            after_bytes = (root / rel).read_bytes()
            before, after = before_bytes.decode("utf-8"), after_bytes.decode("utf-8")
            assert after.startswith("\ufeff") == before.startswith("\ufeff"), rel
            body = after.lstrip("\ufeff")
            if crlf and rel.endswith((".toml", ".json")):
                assert "\n" not in body.replace("\r\n", ""), rel  # no LF-only line added
            if rel.endswith(".toml"):
                assert toml.parse(body).error is None, after
                # The fixes only add to pyproject.toml: every original character is still there, in order.
                assert _is_subsequence(before, after), (before, after)
                assert _comments(before, "#") == [
                    c for c in _comments(after, "#") if c in _comments(before, "#")
                ]
            elif rel.endswith(".json"):
                assert jsonc.parse(body).ok, after
                for comment in _comments(before, "//"):
                    assert comment in _comments(after, "//"), (rel, comment, after)
                if rel.endswith("settings.json"):
                    assert _is_subsequence(before.replace(",", ""), after), (before, after)
        for rel in (".vscode/settings.json", ".vscode/extensions.json"):
            if rel not in originals and (root / rel).exists():
                assert jsonc.parse((root / rel).read_text()).ok
        # Idempotent: a second run writes nothing.
        snapshot = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
        _run_fix(root)
        assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == snapshot
        assert not list(root.rglob(".pyproj-doctor-*"))
    finally:
        shutil.rmtree(root, ignore_errors=True)


# ------------------------------------------------------------ kill -9 at every moment of a write

KILLED_CLI = [sys.executable, str(Path(__file__).with_name("killed_cli.py"))]
KILL_PROJECT = {
    ".vscode/extensions.json": '{\n  // ours\n  "recommendations": ["bungcip.better-toml"]\n}\n',
    ".vscode/settings.json": '{\n  // mine\n  "editor.rulers": [100]\n}\n',
}


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _killed_fix(root: Path, kill_at: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*KILLED_CLI, str(kill_at), "check", "--fix", "--color", "never", str(root)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_kill_9_at_every_step_of_a_fix_leaves_each_file_old_or_new(tmp_path: Path) -> None:
    # The run, not killed: how many steps it takes and what it writes.
    reference = seed(tmp_path / "reference", **KILL_PROJECT)
    original = _files(reference)
    done = _killed_fix(reference, 0)
    assert done.returncode in (0, 1), done.stderr
    steps = int(done.stderr.rsplit("steps=", 1)[1])
    final = _files(reference)
    changed = {rel for rel in final if final[rel] != original.get(rel)}
    assert {"pyproject.toml", ".vscode/settings.json", ".vscode/extensions.json"} <= changed
    assert steps >= 3 * len(changed)  # temp file, write, sync, rename... for each file
    for kill_at in range(1, steps + 1):
        root = seed(tmp_path / str(kill_at), **KILL_PROJECT)
        killed = _killed_fix(root, kill_at)
        assert killed.returncode == -signal.SIGKILL, (kill_at, killed.stderr)
        now = _files(root)
        for rel in set(original) | set(final):
            # Each file is whole: as it was, or as the finished run leaves it.
            assert now.get(rel) in (original.get(rel), final.get(rel)), (kill_at, rel, now.get(rel))
        leftovers = [rel for rel in now if rel not in final]
        assert all(Path(rel).name.startswith(".pyproj-doctor-") for rel in leftovers), leftovers
        # The next run finishes the job and removes what the killed one left behind.
        assert _run_fix(root) in (0, 1)
        assert _files(root) == final, kill_at


# ------------------------------------------------------------ two runs at once


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    pyproject=pyprojects(),
    settings_json=st.one_of(st.none(), settings_files()),
    extensions=st.one_of(st.none(), extension_files()),
    crlf=st.booleans(),
)
def test_fix_and_configure_at_once_end_as_one_after_the_other(
    pyproject: str, settings_json: str | None, extensions: str | None, crlf: bool
) -> None:
    base = Path(tempfile.mkdtemp(prefix="pd-fuzz-race-"))
    fix, configure = ("check", "--fix", "--color", "never"), ("configure",)
    try:
        # What the two runs leave, one after the other, in either order.
        expected = []
        for index, order in enumerate([(fix, configure), (configure, fix)]):
            root = base / f"order-{index}"
            _write_project(root, pyproject, settings_json, extensions, crlf, False)
            for command in order:
                assert _run_fix(root, command) in (0, 1)
            expected.append(_files(root))
        race = base / "race"
        _write_project(race, pyproject, settings_json, extensions, crlf, False)
        runs = [
            subprocess.Popen(
                [sys.executable, "-m", "pyproj_doctor", *command, str(race)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for command in (fix, configure)
        ]
        for run in runs:
            _, err = run.communicate(timeout=120)
            assert run.returncode in (0, 1) and "Traceback" not in err, err
        assert _files(race) in expected
    finally:
        shutil.rmtree(base, ignore_errors=True)
