"""The workspace model: what is walked, what is skipped, how projects and configs are found."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

from pyproj_doctor.workspace.paths import relative
from pyproj_doctor.workspace.projects import parse_test_module
from pyproj_doctor.workspace.snapshot import Snapshot
from pyproj_doctor.workspace.walk import GitIgnore, scan
from pyproj_doctor.workspace.workspace import Workspace
from tests.helpers import make_venv, write


def test_skips_environments_caches_and_node_modules(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "node_modules/x/test_a.py": "",
            ".git/objects/test_b.py": "",
            "build/lib/test_c.py": "",
            "env/pyvenv.cfg": "",
            "env/lib/test_d.py": "",
            "src/__pycache__/test_e.py": "",
        },
    )
    make_venv(tmp_path, rel="whatever")
    index = scan(str(tmp_path))
    assert set(index.dirs) == {".", "pkg", "src"}


def test_build_folder_that_is_a_package_is_kept(tmp_path: Path) -> None:
    write(tmp_path, {"src/build/__init__.py": ""})
    assert "src/build" in scan(str(tmp_path)).dirs


def test_gitignore_rules(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            ".gitignore": "# comment\n/out\n*.tmp\ndocs/_gen/\n!keep.tmp\n",
            "out/a.py": "",
            "sub/out/b.py": "",
            "x.tmp": "",
            "keep.tmp": "",
            "docs/_gen/c.py": "",
            "nested/.gitignore": "local/\n",
            "nested/local/d.py": "",
        },
    )
    index = scan(str(tmp_path))
    assert "out" not in index.dirs and "sub/out" in index.dirs
    assert index.dirs["."].files == [".gitignore", "keep.tmp"]
    assert "docs/_gen" not in index.dirs
    assert "nested/local" not in index.dirs


def test_gitignore_double_star() -> None:
    ignore = GitIgnore(".", ["**/generated/**", "a/**/b"])
    assert ignore.ignored("x/generated/y.py", False)
    assert ignore.ignored("a/b", True) and ignore.ignored("a/x/y/b", True)
    assert ignore.ignored("a/c", True) is None


def test_symlink_loops_are_not_followed(tmp_path: Path) -> None:
    write(tmp_path, {"pkg/__init__.py": ""})
    os.symlink(tmp_path, tmp_path / "pkg" / "loop")
    os.symlink(tmp_path / "nowhere", tmp_path / "dangling")
    index = scan(str(tmp_path))
    assert "pkg/loop" not in index.dirs
    assert index.dirs["pkg"].files == ["__init__.py"]


def test_projects_and_ownership_in_a_monorepo(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "pyproject.toml": "[tool.uv.workspace]\nmembers = ['packages/*']\n",
            "packages/a/pyproject.toml": "[project]\nname = 'a'\n",
            "packages/a/src/a_pkg/__init__.py": "",
            "packages/a/tests/test_a.py": "import a_pkg\n",
            "packages/b/pyproject.toml": "[project]\nname = 'b'\n[tool.setuptools]\npackage-dir = {'' = 'lib'}\n",
            "packages/b/lib/b_pkg/__init__.py": "",
            "packages/b/.vscode/settings.json": "{}",
        },
    )
    ws = Workspace(Snapshot(str(tmp_path)))
    by_dir = {p.dir: p for p in ws.projects}
    assert set(by_dir) == {".", "packages/a", "packages/b"}
    assert [m.path for m in by_dir["packages/a"].test_modules] == ["packages/a/tests/test_a.py"]
    assert [r.path for r in by_dir["packages/b"].source_roots] == ["packages/b/lib"]
    assert by_dir["packages/b"].folder is not None and by_dir["packages/b"].folder.dir == "packages/b"
    assert by_dir["packages/a"].folder is not None and by_dir["packages/a"].folder.dir == "."


def test_pytest_config_precedence(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "pyproject.toml": "[tool.pytest.ini_options]\naddopts = '-q'\n",
            "tox.ini": "[pytest]\naddopts = -x\n",
            "setup.cfg": "[tool:pytest]\naddopts = -v\n",
            "sub/pyproject.toml": "[project]\nname = 'sub'\n",
            "sub/setup.cfg": "[metadata]\nname = sub\n",
        },
    )
    ws = Workspace(Snapshot(str(tmp_path)))
    by_dir = {p.dir: p for p in ws.projects}
    root_config = by_dir["."].pytest_config
    assert root_config is not None and root_config.kind == "tool.pytest.ini_options"
    sub_config = by_dir["sub"].pytest_config
    assert sub_config is not None and sub_config.path == "pyproject.toml"  # found walking upward


def test_venv_editables(tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": "[project]\nname = 'My_App'\n"})
    make_venv(
        tmp_path,
        editable=("my-app", tmp_path),
        pth={"_my_app.pth": str(tmp_path / "src") + "\n", "distutils-precedence.pth": "import os\n"},
    )
    ws = Workspace(Snapshot(str(tmp_path)))
    venv = ws.projects[0].venv
    assert venv is not None and venv.version == "3.11.7"
    assert venv.editable_for("My_App", str(tmp_path)) is not None
    assert venv.covers(str(tmp_path / "src"))


def test_overlay_buffers_replace_disk_and_add_files(tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": "[project]\nname = 'x'\n", "src/pkg/mod.py": ""})
    ws = Workspace(
        Snapshot(
            str(tmp_path), overlay={"src/pkg/__init__.py": "", "pyproject.toml": "[project]\nname = 'y'\n"}
        )
    )
    assert ws.has_file("src/pkg", "__init__.py")
    assert ws.projects[0].name == "y"


def test_test_module_imports_are_read_not_run() -> None:
    source = (
        "import os, my_app.sub as s\n"
        "from café import x\n"
        "try:\n    from my_app import y\nexcept ImportError:\n    pass\n"
        "def helper():\n    import hidden\n"
        "raise SystemExit('never executed')\n"
    )
    module = parse_test_module("tests/test_x.py", source)
    assert module is not None
    assert [(r.name, r.line, r.start, r.end) for r in module.imports] == [
        ("os", 0, 7, 9),
        ("my_app", 0, 11, 21),
        ("café", 1, 5, 9),
        ("my_app", 3, 9, 15),
        ("hidden", 7, 11, 17),
    ]
    assert not module.pytest_style
    assert parse_test_module("t.py", "def test_a(): pass\n").pytest_style
    # A module that does not compile is still read: pytest collects it (and reports the error).
    broken = parse_test_module("t.py", "import my_app\ndef broken(:\n")
    assert [r.name for r in broken.imports] == ["my_app"]


def test_relative_paths_equal_os_relpath() -> None:
    """The quick path below a folder gives what ``os.path.relpath`` gives, odd segments included."""
    segments = ["a", "b", ".", "..", "", "c.d"]
    paths = [".", *("/".join(p) for n in (1, 2, 3) for p in itertools.product(segments, repeat=n))]
    for path, start in itertools.product(paths, [".", "a", "a/b", "a/.", "a/..", "b/c.d", "a//b"]):
        slow = os.path.relpath("/" + ("" if path == "." else path), "/" + ("" if start == "." else start))
        assert relative(path, start) == slow.replace(os.sep, "/"), (path, start)
