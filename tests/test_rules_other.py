"""PD401–PD403 (extensions), PD501 (Python version), PD901/PD902 (files that do not parse)."""

from __future__ import annotations

from pathlib import Path

from pyproj_doctor.formats import jsonc
from tests.helpers import SEED_PYPROJECT, apply_fix, check, make_venv, only, seed, text_at, write

EXTENSIONS = ".vscode/extensions.json"


def recommendations(root: Path) -> list[str]:
    return jsonc.parse((root / EXTENSIONS).read_text()).value()["recommendations"]  # type: ignore[no-any-return]


class TestPD401:
    def test_missing_file_is_created(self, tmp_path: Path) -> None:
        seed(tmp_path, **{".vscode/settings.json": "{}\n"})
        items = only(check(tmp_path), "PD401")
        # The team keeps no recommendations at all: starting a list is a convenience.
        assert [i.severity.label for i in items] == ["hint", "hint"]
        assert all("the team keeps no recommendations yet" in i.message for i in items)
        assert all(text_at(tmp_path, i) == "[project]" for i in items)
        apply_fix(tmp_path, items[0])
        assert recommendations(tmp_path) == ["ms-python.python"]
        # Once the team keeps a list, a needed extension missing from it is information.
        [item] = only(check(tmp_path), "PD401")
        assert item.severity.label == "information" and "keeps no" not in item.message
        apply_fix(tmp_path, item)
        assert recommendations(tmp_path) == ["ms-python.python", "tamasfe.even-better-toml"]

    def test_an_empty_list_is_still_a_list(self, tmp_path: Path) -> None:
        seed(tmp_path, **{EXTENSIONS: '{"recommendations": []}\n'})
        items = only(check(tmp_path), "PD401")
        assert [i.severity.label for i in items] == ["information", "information"]

    def test_a_workspace_file_list_counts(self, tmp_path: Path) -> None:
        seed(
            tmp_path,
            **{
                "team.code-workspace": '{"folders": [{"path": "."}], "extensions": {"recommendations": []}}\n'
            },
        )
        items = only(check(tmp_path), "PD401")
        assert [i.severity.label for i in items] == ["information", "information"]
        seed(tmp_path / "bare", **{"team.code-workspace": '{"folders": [{"path": "."}]}\n'})
        items = only(check(tmp_path / "bare"), "PD401")
        assert [i.severity.label for i in items] == ["hint", "hint"]

    def test_ruff_is_recommended_when_configured(self, tmp_path: Path) -> None:
        seed(
            tmp_path,
            **{
                "pyproject.toml": SEED_PYPROJECT + "\n[tool.ruff]\nline-length = 100\n",
                EXTENSIONS: '{\n  // team\n  "recommendations": [\n    "ms-python.python",\n    "tamasfe.even-better-toml"\n  ]\n}\n',
            },
        )
        [item] = only(check(tmp_path), "PD401")
        assert "charliermarsh.ruff" in item.message
        assert text_at(tmp_path, item) == '"recommendations"'
        apply_fix(tmp_path, item)
        assert (tmp_path / EXTENSIONS).read_text() == (
            '{\n  // team\n  "recommendations": [\n    "ms-python.python",\n    "tamasfe.even-better-toml",\n'
            '    "charliermarsh.ruff"\n  ]\n}\n'
        )

    def test_ruff_as_dependency_or_ruff_toml(self, tmp_path: Path) -> None:
        seed(
            tmp_path,
            **{
                "pyproject.toml": SEED_PYPROJECT.replace(
                    '"pytest>=9.0.3",', '"pytest>=9.0.3",\n    "ruff>=0.6",'
                )
            },
        )
        assert any("charliermarsh.ruff" in i.message for i in only(check(tmp_path), "PD401"))
        seed(tmp_path / "b", **{"ruff.toml": "line-length = 100\n"})
        assert any("charliermarsh.ruff" in i.message for i in only(check(tmp_path / "b"), "PD401"))

    def test_silent_when_recommended_unwanted_or_in_workspace_file(self, tmp_path: Path) -> None:
        seed(
            tmp_path,
            **{
                EXTENSIONS: '{"recommendations": ["MS-Python.Python"], "unwantedRecommendations": ["tamasfe.even-better-toml"]}'
            },
        )
        assert not only(check(tmp_path), "PD401")
        seed(
            tmp_path / "ws",
            **{
                "x.code-workspace": '{"folders": [{"path": "."}], "extensions": {"recommendations": ["ms-python.python", "tamasfe.even-better-toml"]}}'
            },
        )
        assert not only(check(tmp_path / "ws"), "PD401")

    def test_extra_recommendations_from_config(self, tmp_path: Path) -> None:
        seed(
            tmp_path,
            **{
                "pyproject.toml": SEED_PYPROJECT
                + '\n[tool.pyproj-doctor]\nextra-recommendations = ["ms-toolsai.jupyter"]\n',
                EXTENSIONS: '{"recommendations": ["ms-python.python", "tamasfe.even-better-toml"]}',
            },
        )
        [item] = only(check(tmp_path), "PD401")
        assert "ms-toolsai.jupyter" in item.message


class TestPD402:
    def test_both_and_needed_unwanted(self, tmp_path: Path) -> None:
        seed(
            tmp_path,
            **{
                EXTENSIONS: '{"recommendations": ["ms-python.python", "x.y"], "unwantedRecommendations": ["x.y", "tamasfe.even-better-toml"]}'
            },
        )
        items = only(check(tmp_path), "PD402")
        assert [text_at(tmp_path, i) for i in items] == ['"x.y"', '"tamasfe.even-better-toml"']

    def test_silent_for_unrelated_unwanted(self, tmp_path: Path) -> None:
        seed(
            tmp_path,
            **{
                EXTENSIONS: '{"recommendations": ["ms-python.python"], "unwantedRecommendations": ["ms-python.pylint"]}'
            },
        )
        assert not only(check(tmp_path), "PD402")


class TestPD403:
    def test_deprecated_toml_extension_is_replaced(self, tmp_path: Path) -> None:
        seed(tmp_path, **{EXTENSIONS: '{"recommendations": ["ms-python.python", "bungcip.better-toml"]}'})
        [item] = only(check(tmp_path), "PD403")
        assert text_at(tmp_path, item) == '"bungcip.better-toml"'
        apply_fix(tmp_path, item)
        assert recommendations(tmp_path) == ["ms-python.python", "tamasfe.even-better-toml"]

    def test_deprecated_is_removed_when_successor_listed(self, tmp_path: Path) -> None:
        seed(
            tmp_path,
            **{
                EXTENSIONS: '{"recommendations": ["tamasfe.even-better-toml", "bungcip.better-toml", "ms-python.python"]}'
            },
        )
        [item] = only(check(tmp_path), "PD403")
        apply_fix(tmp_path, item)
        assert recommendations(tmp_path) == ["tamasfe.even-better-toml", "ms-python.python"]

    def test_two_type_checkers(self, tmp_path: Path) -> None:
        seed(
            tmp_path,
            **{EXTENSIONS: '{"recommendations": ["ms-python.vscode-pylance", "detachhead.basedpyright"]}'},
        )
        [item] = only(check(tmp_path), "PD403")
        assert text_at(tmp_path, item) == '"detachhead.basedpyright"'
        assert item.fix is None

    def test_silent_for_one_type_checker(self, tmp_path: Path) -> None:
        seed(tmp_path, **{EXTENSIONS: '{"recommendations": ["ms-python.python", "detachhead.basedpyright"]}'})
        assert not only(check(tmp_path), "PD403")


class TestPD501:
    def test_python_version_outside(self, tmp_path: Path) -> None:
        seed(tmp_path, **{".python-version": "# pinned\n3.10\n"})
        [item] = only(check(tmp_path), "PD501")
        assert item.path == ".python-version"
        assert text_at(tmp_path, item) == "3.10"
        assert item.related[0].path == "pyproject.toml"

    def test_venv_outside(self, tmp_path: Path) -> None:
        seed(tmp_path)
        make_venv(tmp_path, version="3.10.14")
        [item] = only(check(tmp_path), "PD501")
        assert item.path == "pyproject.toml" and text_at(tmp_path, item) == '">=3.11"'

    def test_silent_inside_range(self, tmp_path: Path) -> None:
        seed(
            tmp_path,
            **{
                ".python-version": "cpython-3.12.4\n",
                "pyproject.toml": SEED_PYPROJECT.replace(">=3.11", ">=3.11.5,<3.14"),
            },
        )
        make_venv(tmp_path, version="3.13.0")
        assert not only(check(tmp_path), "PD501")
        seed(
            tmp_path / "minor",
            **{".python-version": "3.11\n", "pyproject.toml": SEED_PYPROJECT.replace(">=3.11", ">=3.11.5")},
        )
        assert not only(check(tmp_path / "minor"), "PD501")


class TestPD9xx:
    def test_invalid_toml_is_located_and_nothing_else_reported_on_it(self, tmp_path: Path) -> None:
        seed(tmp_path, **{"pyproject.toml": '[project]\nname = "x\n'})
        report = check(tmp_path)
        [item] = only(report, "PD901")
        assert (item.range.start.line, item.range.start.character) == (1, 9)
        assert item.fix is None
        assert {f.code for f in report.findings if f.path == "pyproject.toml"} == {"PD901"}

    def test_unusual_but_valid_toml_is_not_an_error(self, tmp_path: Path) -> None:
        from tests.test_toml import PYPROJECT

        seed(tmp_path, **{"pyproject.toml": PYPROJECT, "pytest.toml": "[pytest]\n"})
        assert not only(check(tmp_path), "PD901")

    def test_not_utf8(self, tmp_path: Path) -> None:
        seed(tmp_path, **{"pyproject.toml": b'[project]\nname = "caf\xe9"\n'})
        [item] = only(check(tmp_path), "PD901")
        assert (item.range.start.line, item.range.start.character) == (1, 11)
        assert "UTF-8" in item.message

    def test_invalid_jsonc_first_error(self, tmp_path: Path) -> None:
        seed(tmp_path, **{".vscode/settings.json": '{\n  "a": 1\n  "b": 2\n}\n'})
        report = check(tmp_path)
        [item] = only(report, "PD902")
        assert text_at(tmp_path, item) == '"b"'
        assert not [f for f in report.findings if f.path == ".vscode/settings.json" and f.code != "PD902"]
        # No fix anywhere writes to the broken file.
        for f in report.findings:
            if f.fix:
                assert all(c.path != ".vscode/settings.json" for c in f.fix.changes)

    def test_trailing_commas_and_comments_are_valid(self, tmp_path: Path) -> None:
        seed(
            tmp_path,
            **{
                ".vscode/settings.json": '{\n  // c\n  "a": [1,],\n}\n',
                "x.code-workspace": '{"folders": [],}',
            },
        )
        assert not only(check(tmp_path), "PD902")

    def test_broken_workspace_file_and_extensions(self, tmp_path: Path) -> None:
        write(tmp_path, {"a.code-workspace": '{"folders": [', ".vscode/extensions.json": "{/* open"})
        assert sorted(f.path for f in only(check(tmp_path), "PD902")) == [
            ".vscode/extensions.json",
            "a.code-workspace",
        ]
