"""PD101 and PD102: package folders and the src root."""

from __future__ import annotations

from pathlib import Path

from pyproj_doctor.findings import Applicability
from tests.helpers import apply_fix, check, only, seed, text_at, write


def test_pd101_fires_on_package_folder_without_init(tmp_path: Path) -> None:
    seed(tmp_path, **{"src/my_app/utils/helpers.py": "X = 1\n# second line\n"})
    [item] = only(check(tmp_path), "PD101")
    assert item.path == "src/my_app/utils/helpers.py"
    assert text_at(tmp_path, item) == "X = 1"
    assert "`src/my_app/utils` holds modules but no `__init__.py`" in item.message
    assert item.fix is not None
    assert item.fix.description == "Create src/my_app/utils/__init__.py"
    assert item.fix.applicability is Applicability.UNSAFE
    apply_fix(tmp_path, item)
    assert (tmp_path / "src/my_app/utils/__init__.py").read_text() == ""
    assert not only(check(tmp_path), "PD101")


def test_pd101_fires_on_src_top_level_folder(tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": "[project]\nname='x'\n", "src/pkg/mod.py": "A = 1\n"})
    [item] = only(check(tmp_path), "PD101")
    assert item.path == "src/pkg/mod.py"


def test_pd101_silent_when_namespaces_declared(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "pyproject.toml": "[project]\nname='x'\n[tool.setuptools.packages.find]\nwhere = ['src']\nnamespaces = true\n",
            "src/acme/mod.py": "A = 1\n",
        },
    )
    assert not only(check(tmp_path), "PD101")


def test_pd101_silent_for_namespace_parent_without_modules(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "pyproject.toml": "[project]\nname='x'\n",
            "src/acme/plugin/__init__.py": "",
            "src/acme/plugin/a.py": "",
        },
    )
    assert not only(check(tmp_path), "PD101")


def test_pd101_silent_for_scripts_and_data_in_flat_layout(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "pyproject.toml": "[project]\nname='x'\n",
            "pkg/__init__.py": "",
            "pkg/data/readme.txt": "",
            "scripts/release.py": "",
            "docs/conf.py": "",
        },
    )
    assert not only(check(tmp_path), "PD101")


def test_pd101_silent_for_a_folder_of_test_modules(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "pyproject.toml": "[project]\nname='x'\n",
            "src/pkg/__init__.py": "",
            "src/pkg/tests/conftest.py": "",
            "src/pkg/tests/test_core.py": "def test_a(): pass\n",
        },
    )
    assert not only(check(tmp_path), "PD101")
    # A helper module beside the tests makes it a package folder again.
    (tmp_path / "src/pkg/tests/helpers.py").write_text("")
    assert only(check(tmp_path), "PD101")


def test_pd101_silent_for_gitignored_and_non_identifier_folders(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            ".gitignore": "generated/\n",
            "pyproject.toml": "[project]\nname='x'\n",
            "src/pkg/__init__.py": "",
            "src/pkg/generated/out.py": "",
            "src/pkg/my-assets/tool.py": "",
        },
    )
    assert not only(check(tmp_path), "PD101")


def test_pd102_fires_on_src_init(tmp_path: Path) -> None:
    seed(tmp_path, **{"src/__init__.py": "# marker\n"})
    [item] = only(check(tmp_path), "PD102")
    assert item.path == "src/__init__.py"
    assert text_at(tmp_path, item) == "# marker"
    assert item.fix is None


def test_pd102_silent_for_regular_src_layout_and_flat_src_package(tmp_path: Path) -> None:
    seed(tmp_path)
    assert not only(check(tmp_path), "PD102")
    other = tmp_path / "flat"
    write(other, {"pyproject.toml": "[project]\nname='x'\n", "lib/__init__.py": "", "lib/a.py": ""})
    assert not only(check(other), "PD102")


def test_pd101_fix_covers_every_folder_in_the_chain(tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": "[project]\nname='x'\n", "src/pkg/sub/deep/mod.py": "A = 1\n"})
    item = next(i for i in only(check(tmp_path), "PD101") if i.path == "src/pkg/sub/deep/mod.py")
    assert item.fix is not None
    assert [c.path for c in item.fix.changes] == [
        "src/pkg/__init__.py",
        "src/pkg/sub/__init__.py",
        "src/pkg/sub/deep/__init__.py",
    ]
    apply_fix(tmp_path, item)
    assert not only(check(tmp_path), "PD101")


def test_pd101_silent_for_namespaces_on_purpose(tmp_path: Path) -> None:
    module = {"src/acme/x/core.py": "A = 1\n"}
    cases = {
        # The top-level name is shared with a dependency's distribution (acme-core provides acme).
        "dependency": {"pyproject.toml": "[project]\nname='acme-x'\ndependencies = ['acme-core>=1']\n"},
        # The distribution itself is a portion of the namespace.
        "portion": {"pyproject.toml": "[project]\nname='acme-x'\n"},
        "pytest": {
            "pyproject.toml": "[project]\nname='x'\n[tool.pytest.ini_options]\nconsider_namespace_packages = true\n"
        },
        "uv_build": {
            "pyproject.toml": "[project]\nname='x'\n[tool.uv.build-backend]\nmodule-name = 'acme.x'\n"
        },
        # Portions of one namespace in two search roots.
        "two-roots": {
            "pyproject.toml": "[project]\nname='x'\n[tool.pytest.ini_options]\npythonpath = ['src', 'plugins']\n",
            "plugins/acme/extra.py": "",
        },
    }
    for name, files in cases.items():
        write(tmp_path / name, {**module, **files})
        assert not only(check(tmp_path / name), "PD101"), name


def test_pd101_silent_for_script_folders(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "pyproject.toml": "[project]\nname='x'\n",
            "src/pkg/__init__.py": "",
            "src/pkg/bin/run-it.py": "",
            "src/pkg/data-files/gen.py": "",
        },
    )
    assert not only(check(tmp_path), "PD101")
