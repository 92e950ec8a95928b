"""The model of a fresh checkout (tests/truth/realworld): what the project's own workflow installs,
declares and reads, each with the look-alike where the rule must still fire."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import check, only, write

HATCHLING = '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n'
SETUPTOOLS = '[build-system]\nrequires = ["setuptools>=64"]\nbuild-backend = "setuptools.build_meta"\n'


def project(name: str, build: str = HATCHLING, extra: str = "") -> str:
    return f'[project]\nname = "{name}"\nversion = "0"\n\n{build}{extra}'


def src_package(root: str, name: str) -> dict[str, str]:
    return {f"{root}/{name}/__init__.py": "", f"{root}/{name}/core.py": "X = 1\n"}


def test_tox_commands_that_install_the_project_count(tmp_path: Path) -> None:
    # black: skip_install, then `pip install -e .[d]` in the commands.
    files = {
        "pyproject.toml": project("app"),
        **src_package("src", "app"),
        "tests/test_core.py": "from app import core\n",
    }
    tox = "[tox]\nenvlist = py\n\n[testenv]\nskip_install = True\ndeps = pytest\ncommands =\n"
    write(tmp_path / "installs", {**files, "tox.ini": tox + "    pip install -e .[d]\n    pytest tests\n"})
    [item] = only(check(tmp_path / "installs"), "PD201")
    assert item.severity.label == "information" and "tox installs" in item.message
    # The look-alike: skip_install and nothing in the commands installs it.
    write(tmp_path / "bare", {**files, "tox.ini": tox + "    pytest tests\n"})
    [item] = only(check(tmp_path / "bare"), "PD201")
    assert item.severity.label == "error"


def test_hatch_workspace_members_are_installed_and_bring_pytest(tmp_path: Path) -> None:
    # hatch: its test environment installs `backend/` (hatchling) as a workspace member.
    files = {
        "pyproject.toml": project("tool"),
        **src_package("src", "tool"),
        "backend/pyproject.toml": project("engine"),
        **src_package("backend/src", "engine"),
        "tests/test_core.py": "import pytest\nfrom tool import core\nfrom engine import core\n",
    }
    hatch = '[envs.hatch-test]\nextra-dependencies = ["filelock"]\n'
    write(
        tmp_path / "member",
        {**files, "hatch.toml": hatch + '\n[envs.hatch-test.workspace]\nmembers = ["backend/"]\n'},
    )
    report = check(tmp_path / "member")
    [item] = only(report, "PD201")  # one fact: nothing is installed here yet
    assert item.severity.label == "information"
    assert "`engine` (from `backend`)" in item.message and "`tool` (from `.`)" in item.message
    assert "hatch test" in item.message
    assert not only(report, "PD206")  # `hatch test` brings pytest
    assert all(i.severity.label == "hint" for i in only(report, "PD301"))
    # The look-alike: no workspace member and no hatch-test environment.
    write(tmp_path / "alone", {**files, "hatch.toml": '[envs.docs]\ndependencies = ["mkdocs"]\n'})
    report = check(tmp_path / "alone")
    assert sorted(i.severity.label for i in only(report, "PD201")) == ["error", "information"]
    assert only(report, "PD206")


def test_pyargs_testpaths_name_packages(tmp_path: Path) -> None:
    # scikit-image: `--pyargs` makes pytest import `skimage` as a package, not look for a folder.
    pytest_table = '\n[tool.pytest.ini_options]\naddopts = ["--pyargs"]\ntestpaths = ["app", "./missing"]\n'
    write(
        tmp_path / "pyargs",
        {"pyproject.toml": project("app", extra=pytest_table), **src_package("src", "app")},
    )
    [item] = only(check(tmp_path / "pyargs"), "PD202")
    assert "'./missing'" in item.message  # a path is still a path
    plain = pytest_table.replace('addopts = ["--pyargs"]\n', "")
    write(tmp_path / "plain", {"pyproject.toml": project("app", extra=plain), **src_package("src", "app")})
    assert len(only(check(tmp_path / "plain"), "PD202")) == 2


def test_a_broken_pyproject_in_the_tests_is_data(tmp_path: Path) -> None:
    # build: tests/packages/test-bad-syntax/pyproject.toml is broken on purpose.
    files = {
        "pyproject.toml": project("app"),
        **src_package("src", "app"),
        "tests/test_core.py": "import app\n",
    }
    write(tmp_path, {**files, "tests/packages/bad/pyproject.toml": "[project\n"})
    assert not only(check(tmp_path), "PD901")
    # The same file in a project folder outside the tests is configuration someone reads.
    write(tmp_path, {"packages/bad/pyproject.toml": "[project\n"})
    [item] = only(check(tmp_path), "PD901")
    assert item.path == "packages/bad/pyproject.toml"


def test_namespace_folder_inside_a_package_is_a_hint_unless_the_build_drops_it(tmp_path: Path) -> None:
    # flask's `sansio`, logfire's `llm_providers`: they import; only coverage's listing misses them.
    files = {**src_package("src", "app"), "src/app/sansio/base.py": "X = 1\n"}
    write(tmp_path / "hatch", {"pyproject.toml": project("app"), **files})
    [item] = only(check(tmp_path / "hatch"), "PD101")
    assert item.severity.label == "hint" and "coverage" in item.message
    # setuptools' `packages = find:` leaves it out of the wheel: information.
    cfg = "[metadata]\nname = app\n\n[options]\npackage_dir =\n    = src\npackages = find:\n\n[options.packages.find]\nwhere = src\n"
    write(tmp_path / "find", {"pyproject.toml": project("app", SETUPTOOLS), "setup.cfg": cfg, **files})
    [item] = only(check(tmp_path / "find"), "PD101")
    assert item.severity.label == "information" and "packages = find:" in item.message
    # A top-level folder of a src layout stays information.
    write(tmp_path / "top", {"pyproject.toml": project("app"), "src/app/core.py": "X = 1\n"})
    [item] = only(check(tmp_path / "top"), "PD101")
    assert item.severity.label == "information"


def test_projects_in_the_test_fixtures_are_data(tmp_path: Path) -> None:
    # pdm: tests/fixtures/projects/* are projects the tests copy and install.
    fixture = {
        "tests/fixtures/projects/demo/pyproject.toml": project("demo"),
        "tests/fixtures/projects/demo/src/demo/util.py": "X = 1\n",
    }
    write(
        tmp_path,
        {
            "pyproject.toml": project("app"),
            **src_package("src", "app"),
            "tests/test_a.py": "import app\n",
            **fixture,
        },
    )
    assert not only(check(tmp_path), "PD101")
    # The same project beside the tests (a workspace member, say) is checked.
    write(
        tmp_path, {"libs/other/pyproject.toml": project("other"), "libs/other/src/other/util.py": "X = 1\n"}
    )
    assert [i.path for i in only(check(tmp_path), "PD101")] == ["libs/other/src/other/util.py"]


def test_only_uv_workspace_members_are_installed_by_the_root_lock(tmp_path: Path) -> None:
    # flask: `examples/tutorial` has its own pyproject.toml under a root with uv.lock, but is no
    # workspace member: `uv sync` at the root does not install it.
    # The root depends on its member: plain `uv sync` installs only what the root needs.
    root = project("root").replace('version = "0"\n', 'version = "0"\ndependencies = ["alpha"]\n') + (
        '\n[tool.uv.workspace]\nmembers = ["packages/*"]\nexclude = ["packages/skip"]\n'
        "\n[tool.uv.sources]\nalpha = { workspace = true }\n"
    )

    def nested(folder: str, name: str) -> dict[str, str]:
        return {
            f"{folder}/pyproject.toml": project(name),
            **src_package(f"{folder}/src", name),
            f"{folder}/tests/test_{name}.py": f"from {name} import core\n",
        }

    files = {
        "pyproject.toml": root,
        "uv.lock": "",
        **src_package("src", "root"),
        "tests/test_root.py": "from root import core\n",
        **nested("packages/alpha", "alpha"),  # a member
        **nested("packages/skip", "skip"),  # matched by `members`, then excluded
        **nested("packages/alpha/deep", "deep"),  # `*` does not reach two folders down
        **nested("examples/tutorial", "tutorial"),  # not listed at all
    }
    write(tmp_path, files)
    report = check(tmp_path)
    by_severity: dict[str, list[str]] = {}
    for item in only(report, "PD201"):
        by_severity.setdefault(item.severity.label, []).append(item.message)
    [installed] = by_severity["information"]
    assert "uv installs" in installed and "`alpha` (from `packages/alpha`)" in installed
    assert "`root` (from `.`)" in installed
    assert not any(name in installed for name in ("`skip`", "`deep`", "`tutorial`"))
    # The others are installed by whoever follows their instructions: a hint each, no claim.
    hints = by_severity["hint"]
    assert len(hints) == 3 and "error" not in by_severity
    for name, folder in (
        ("skip", "packages/skip"),
        ("deep", "packages/alpha/deep"),
        ("tutorial", "examples/tutorial"),
    ):
        assert any(f"`{name}` from `{folder}`" in h and f"pip install -e {folder}" in h for h in hints)


def test_a_project_the_workflow_does_not_install_fails_its_importers(tmp_path: Path) -> None:
    # The standard install of a nested project is its own business: the root's tests importing it
    # fail under the root's workflow, which installs only the root.
    files = {
        "pyproject.toml": project("root"),
        "uv.lock": "",
        **src_package("src", "root"),
        "examples/tutorial/pyproject.toml": project("tutorial"),
        **src_package("examples/tutorial/src", "tutorial"),
        "tests/test_root.py": "from root import core\nfrom tutorial import core as c\n",
    }
    write(tmp_path, files)
    labels = sorted(i.severity.label for i in only(check(tmp_path), "PD201"))
    assert labels == ["error", "information"]
    # A member the root depends on is installed by the root's `uv sync`: nothing to claim.
    files["pyproject.toml"] = (
        project("root").replace('version = "0"\n', 'version = "0"\ndependencies = ["tutorial"]\n')
        + '\n[tool.uv.workspace]\nmembers = ["examples/*"]\n\n[tool.uv.sources]\ntutorial = { workspace = true }\n'
    )
    write(tmp_path, files)
    labels = sorted(i.severity.label for i in only(check(tmp_path), "PD201"))
    assert labels == ["information"]


def test_uv_member_globs_as_uv_reads_them() -> None:
    from pyproj_doctor.workspace.install import uv_member

    assert uv_member("packages/a", ["packages/*"], None)
    assert not uv_member("packages/a/b", ["packages/*"], None)  # members: one folder per `*`
    assert uv_member("packages/a/b", ["packages/**"], None)
    assert uv_member("libs/x", ["./libs/*"], None)
    assert not uv_member("packages/a", ["packages/*"], ["packages/a"])
    assert not uv_member("packages/a", ["packages/*"], ["*"])  # exclude: `*` spans folders
    assert not uv_member("Packages/a", ["packages/*"], None)  # case-sensitive, as on Linux
    assert not uv_member("packages/a", "packages/*", None)  # not a list: uv rejects it
