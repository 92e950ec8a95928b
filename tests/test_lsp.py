"""The language server end to end, through pytest-lsp's client over stdio."""

from __future__ import annotations

import json
from pathlib import Path

from lsprotocol import types as lsp

from pyproj_doctor.formats import jsonc
from tests.helpers import SEED_PYPROJECT, hook_installed_member, seed, write
from tests.lsp_support import Editor, apply_workspace_edit, client, editor, uri

__all__ = ["client", "editor"]  # the fixtures, shared with the other language server tests


async def test_initial_diagnostics_on_a_multi_root_workspace(editor: Editor, tmp_path: Path) -> None:
    app = seed(tmp_path / "app")
    broken = write(
        tmp_path / "broken", {".vscode/settings.json": '{\n  "a": 1\n  "b": 2\n}\n', "pkg/__init__.py": ""}
    )
    await editor.start(app, broken)
    await editor.until(
        lambda: (
            bool(editor.diagnostics(app / "pyproject.toml"))
            and bool(editor.diagnostics(broken / ".vscode/settings.json"))
            and bool(editor.diagnostics(app / "tests/test_main.py"))  # each document has its own message
        )
    )
    # No PD301: Pylance finds the top-level src through autoSearchPaths.
    assert editor.codes(app / "pyproject.toml") == ["PD201", "PD304", "PD401", "PD401"]
    [broken_diag] = editor.diagnostics(broken / ".vscode/settings.json")
    assert broken_diag.code == "PD902" and broken_diag.source == "pyproj-doctor"
    assert (broken_diag.range.start.line, broken_diag.range.start.character) == (2, 2)
    # The failing import line in the test module gets its own diagnostic, linked to the config.
    [echo] = editor.diagnostics(app / "tests/test_main.py")
    assert echo.code == "PD201"
    assert (echo.range.start.line, echo.range.start.character, echo.range.end.character) == (0, 5, 11)
    assert echo.related_information and echo.related_information[0].location.uri == uri(
        app / "pyproject.toml"
    )


async def test_unsaved_changes_are_checked_not_the_disk(editor: Editor, tmp_path: Path) -> None:
    app = seed(tmp_path)
    await editor.start(app)
    pyproject = app / "pyproject.toml"
    await editor.until(lambda: "PD201" in editor.codes(pyproject))
    editor.open(pyproject)
    editor.change(pyproject, SEED_PYPROJECT + '\n[tool.pytest.ini_options]\npythonpath = ["src"]\n')
    await editor.until(lambda: "PD201" not in editor.codes(pyproject))
    assert editor.diagnostics(app / "tests/test_main.py") == []  # cleared, not left behind
    assert "pythonpath" not in pyproject.read_text()
    editor.change(pyproject, SEED_PYPROJECT + '\n[tool.pytest.ini_options]\npythonpath = ["nope"]\n')
    await editor.until(lambda: "PD202" in editor.codes(pyproject) and "PD201" in editor.codes(pyproject))


async def test_created_init_file_clears_pd101(editor: Editor, tmp_path: Path) -> None:
    app = seed(tmp_path, **{"src/my_app/sub/mod.py": "X = 1\n"})
    await editor.start(app)
    module = app / "src/my_app/sub/mod.py"
    await editor.until(lambda: editor.codes(module) == ["PD101"])
    init = app / "src/my_app/sub/__init__.py"
    init.write_text("")
    editor.files_changed(init)
    await editor.until(lambda: editor.codes(module) == [])


async def test_quick_fix_writes_settings_and_recheck_clears(editor: Editor, tmp_path: Path) -> None:
    app = seed(tmp_path)
    await editor.start(app)
    pyproject = app / "pyproject.toml"
    await editor.until(lambda: "PD304" in editor.codes(pyproject))
    diagnostic = next(d for d in editor.diagnostics(pyproject) if d.code == "PD304")
    actions = await editor.code_actions(pyproject, diagnostic)
    [action] = [a for a in actions if a.title.endswith("(PD304)")]
    assert action.kind == lsp.CodeActionKind.QuickFix and action.is_preferred
    assert action.diagnostics and action.diagnostics[0].code == "PD304"
    assert action.edit is not None and action.edit.document_changes
    assert isinstance(action.edit.document_changes[0], lsp.CreateFile)
    touched = apply_workspace_edit(action.edit)
    settings = app / ".vscode/settings.json"
    assert touched == [str(settings), str(settings)]
    assert jsonc.parse(settings.read_text()).value() == {
        "python.testing.pytestEnabled": True,
        "python.testing.unittestEnabled": False,
        "python.testing.pytestArgs": ["tests"],
    }
    editor.files_changed(settings)
    await editor.until(lambda: "PD304" not in editor.codes(pyproject))


async def test_quick_fix_on_open_document_is_versioned(editor: Editor, tmp_path: Path) -> None:
    app = seed(tmp_path, **{".vscode/settings.json": '{\n    "python.testing.pytestEnabled": false\n}\n'})
    settings = app / ".vscode/settings.json"
    await editor.start(app)
    editor.open(settings, language="jsonc")
    editor.change(settings, '{\n    // edited, not saved\n    "python.testing.pytestEnabled": false\n}\n')
    await editor.until(lambda: any(d.range.start.line == 2 for d in editor.diagnostics(settings)))
    diagnostic = next(d for d in editor.diagnostics(settings) if d.code == "PD304")
    [action] = [a for a in await editor.code_actions(settings, diagnostic) if "PD304" in a.title]
    assert action.edit is not None and action.edit.document_changes
    [document_edit] = action.edit.document_changes
    assert isinstance(document_edit, lsp.TextDocumentEdit)
    assert document_edit.text_document.version == 2  # the editor refuses it if the buffer moved on
    new_text = [getattr(e, "new_text", "") for e in document_edit.edits]
    assert any("true" in t for t in new_text)


async def test_import_line_offers_the_pythonpath_fix(editor: Editor, tmp_path: Path) -> None:
    app = seed(tmp_path)
    await editor.start(app)
    test_file = app / "tests/test_main.py"
    await editor.until(lambda: editor.codes(test_file) == ["PD201"])
    [diagnostic] = editor.diagnostics(test_file)
    [action] = await editor.code_actions(test_file, diagnostic)
    assert action.edit is not None
    apply_workspace_edit(action.edit)
    assert (app / "pyproject.toml").read_text().endswith('pythonpath = ["src"]\n')


async def test_fix_all_source_action(editor: Editor, tmp_path: Path) -> None:
    app = seed(
        tmp_path, **{".vscode/extensions.json": '{\n  "recommendations": ["bungcip.better-toml"]\n}\n'}
    )
    await editor.start(app)
    extensions = app / ".vscode/extensions.json"
    await editor.until(lambda: "PD403" in editor.codes(extensions))
    [action] = await editor.code_actions(extensions, only=["source.fixAll"])
    assert action.kind == "source.fixAll.pyprojDoctor"
    assert action.edit is not None
    apply_workspace_edit(action.edit)
    value = jsonc.parse(extensions.read_text()).value()
    # Every safe fix for this file, in one edit: the needed ids are there. Removing the
    # deprecated one is unsafe: fix-all leaves it, a quick fix labelled unsafe offers it.
    assert sorted(value["recommendations"]) == [
        "bungcip.better-toml",
        "ms-python.python",
        "tamasfe.even-better-toml",
    ]
    editor.files_changed(extensions)
    await editor.until(lambda: editor.codes(extensions) == ["PD403"])
    [diagnostic] = editor.diagnostics(extensions)
    [unsafe] = await editor.code_actions(extensions, diagnostic)
    assert (
        unsafe.title
        == "Remove bungcip.better-toml from the recommendations in .vscode/extensions.json (PD403, unsafe)"
    )
    assert not unsafe.is_preferred


async def test_configure_command_sends_annotated_edit(editor: Editor, tmp_path: Path) -> None:
    app = seed(tmp_path)
    await editor.start(app)
    await editor.until(lambda: bool(editor.diagnostics(app / "pyproject.toml")))
    result = await editor.client.workspace_execute_command_async(
        lsp.ExecuteCommandParams(command="pyprojDoctor.configureProject", arguments=[uri(app)])
    )
    assert isinstance(result, dict) and result["applied"] is True
    assert sorted(result["files"]) == [".vscode/extensions.json", ".vscode/settings.json", "pyproject.toml"]
    [params] = editor.applied
    assert params.label == "Configure Python Project"
    annotations = params.edit.change_annotations or {}
    assert [a.needs_confirmation for a in annotations.values()] == [True]
    assert all(
        getattr(e, "annotation_id", None) in annotations
        for change in params.edit.document_changes or []
        for e in (change.edits if isinstance(change, lsp.TextDocumentEdit) else [change])
    )
    editor.files_changed(
        app / "pyproject.toml", app / ".vscode/settings.json", app / ".vscode/extensions.json"
    )
    await editor.until(lambda: editor.codes(app / "pyproject.toml") == [])
    again = await editor.client.workspace_execute_command_async(
        lsp.ExecuteCommandParams(command="pyprojDoctor.configureProject", arguments=[uri(app)])
    )
    assert isinstance(again, dict) and again["applied"] is False and len(editor.applied) == 1


async def test_configuration_changes(editor: Editor, tmp_path: Path) -> None:
    # A shared .vscode: PD304 is team advice (information), which an override can raise
    # (a hint too: tests/test_engine.py::test_overrides_apply_to_hints_too).
    app = seed(tmp_path, **{".vscode/extensions.json": '{"recommendations": []}\n'})
    pyproject = app / "pyproject.toml"
    await editor.start(app, settings={"ignore": ["PD4"], "severityOverrides": {"PD304": "error"}})
    await editor.until(lambda: bool(editor.diagnostics(pyproject)))
    assert "PD401" not in editor.codes(pyproject)
    pd304 = next(d for d in editor.diagnostics(pyproject) if d.code == "PD304")
    assert pd304.severity == lsp.DiagnosticSeverity.Error
    editor.client.set_configuration({"pyprojDoctor": {"enable": False}})
    editor.client.workspace_did_change_configuration(lsp.DidChangeConfigurationParams(settings=None))
    await editor.until(lambda: editor.diagnostics(pyproject) == [])
    editor.client.set_configuration({"pyprojDoctor": {"select": ["PD4"]}})
    editor.client.workspace_did_change_configuration(lsp.DidChangeConfigurationParams(settings=None))
    await editor.until(lambda: editor.codes(app / ".vscode/extensions.json") == ["PD401", "PD401"])


async def test_project_config_wins_over_editor_settings(editor: Editor, tmp_path: Path) -> None:
    app = seed(tmp_path, **{"pyproject.toml": SEED_PYPROJECT + '\n[tool.pyproj-doctor]\nignore = ["PD2"]\n'})
    await editor.start(app, settings={"ignore": ["PD4"]})
    pyproject = app / "pyproject.toml"
    await editor.until(lambda: bool(editor.diagnostics(pyproject)))
    codes = editor.codes(pyproject)
    assert "PD201" not in codes and "PD401" in codes


async def test_positions_are_utf16(editor: Editor, tmp_path: Path) -> None:
    app = seed(tmp_path, **{".vscode/settings.json": '{"😀": 1, "python.analysis.extraPaths": "./src"}'})
    settings = app / ".vscode/settings.json"
    await editor.start(app)
    await editor.until(lambda: "PD302" in editor.codes(settings))
    diagnostic = next(d for d in editor.diagnostics(settings) if d.code == "PD302")
    text = settings.read_text()
    start = text.index('"./src"')
    assert diagnostic.range.start.character == start + 1  # the emoji is two UTF-16 code units
    assert diagnostic.range.end.character == start + 1 + len('"./src"')


async def test_server_survives_bad_configuration(editor: Editor, tmp_path: Path) -> None:
    app = seed(tmp_path, **{"pyproject.toml": SEED_PYPROJECT + '\n[tool.pyproj-doctor]\nselect = ["BAD"]\n'})
    await editor.start(app)
    await editor.until(lambda: any("select" in m.message for m in editor.client.log_messages))
    # Still answering.
    actions = await editor.code_actions(app / "pyproject.toml")
    assert isinstance(actions, list)
    assert json.dumps([m.message for m in editor.client.log_messages])


async def test_a_check_that_finds_nothing_still_says_it_finished(editor: Editor, tmp_path: Path) -> None:
    # A clean folder publishes no diagnostics; the client leaves "checking…" on this notification.
    clean = write(tmp_path / "clean", {"README.md": "notes\n"})
    await editor.start(clean)
    await editor.until(lambda: uri(clean) in editor.checked)
    assert editor.published == []


async def test_why_a_fix_is_missing_shows_as_a_disabled_action(editor: Editor, tmp_path: Path) -> None:
    # The settings file does not parse, so PD304's fix (which edits it) cannot be built.
    app = seed(tmp_path, **{".vscode/settings.json": '{"a": 1,, }'})
    await editor.start(app)  # VS Code: code action literals with disabledSupport
    pyproject = app / "pyproject.toml"
    await editor.until(lambda: "PD304" in editor.codes(pyproject))
    diagnostic = next(d for d in editor.diagnostics(pyproject) if d.code == "PD304")
    assert "No automatic fix" not in diagnostic.message  # the disabled action says it
    assert diagnostic.data == {"fixable": False, "fixUnavailable": ".vscode/settings.json is not valid JSONC"}
    [action] = [a for a in await editor.code_actions(pyproject, diagnostic) if "PD304" in a.title]
    assert action.disabled is not None and action.edit is None
    assert action.disabled.reason == ".vscode/settings.json is not valid JSONC"
    assert action.diagnostics and action.diagnostics[0].code == "PD304"


async def test_why_a_fix_is_missing_is_in_the_message_without_disabled_actions(
    editor: Editor, tmp_path: Path
) -> None:
    app = seed(tmp_path, **{".vscode/settings.json": '{"a": 1,, }'})
    await editor.start(app, editor="neovim")  # no disabledSupport
    pyproject = app / "pyproject.toml"
    await editor.until(lambda: "PD304" in editor.codes(pyproject))
    diagnostic = next(d for d in editor.diagnostics(pyproject) if d.code == "PD304")
    assert diagnostic.message.endswith("\nNo automatic fix here: .vscode/settings.json is not valid JSONC")
    assert diagnostic.data == {"fixable": False, "fixUnavailable": ".vscode/settings.json is not valid JSONC"}
    assert [a for a in await editor.code_actions(pyproject, diagnostic) if "PD304" in a.title] == []


async def test_an_alternative_fix_is_offered_after_the_rule_fix(editor: Editor, tmp_path: Path) -> None:
    # PD301 on a uv member installed through setuptools' import hook: the extraPaths fix first
    # (preferred), then setuptools' compat mode as the unsafe alternative, which `--fix` never applies.
    root = tmp_path / "hook"
    hook_installed_member(root)
    pyproject = root / "pyproject.toml"
    await editor.start(root)
    await editor.until(lambda: "PD301" in editor.codes(pyproject))
    diagnostic = next(d for d in editor.diagnostics(pyproject) if d.code == "PD301")
    actions = [a for a in await editor.code_actions(pyproject, diagnostic) if "PD301" in a.title]
    assert [(a.title, a.is_preferred) for a in actions] == [
        ("Add './packages/app' to python.analysis.extraPaths in .vscode/settings.json (PD301)", True),
        (
            'Set editable_mode = "compat" for `app` in [tool.uv] config-settings-package of pyproject.toml, then run `uv sync` '
            "(a path `.pth` for `packages/app`) (PD301, unsafe, instead)",
            False,
        ),
    ]
    assert actions[1].edit is not None
    apply_workspace_edit(actions[1].edit)
    assert pyproject.read_text().endswith(
        '\n[tool.uv]\nconfig-settings-package = { app = { editable_mode = "compat" } }\n'
    )
