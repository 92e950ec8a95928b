"""The language server under editing, through pytest-lsp's client: stuck checks, stale
quick fixes, clients without file watchers, bad command arguments, and what is published."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException
from pytest_lsp import client_capabilities

from pyproj_doctor.formats import jsonc
from tests.helpers import SEED_PYPROJECT, seed
from tests.lsp_support import (
    Editor,
    Stuck,
    apply_workspace_edit,
    client,
    editor,
    stuck_client,
    stuck_editor,
    uri,
)

__all__ = ["client", "editor", "stuck_client", "stuck_editor"]


async def test_a_stuck_folder_does_not_hold_up_the_others(stuck_editor: Editor, tmp_path: Path) -> None:
    editor = stuck_editor
    stuck = Stuck(seed(tmp_path / "stuck"), tmp_path / "control")
    healthy = seed(tmp_path / "healthy")
    await editor.start(stuck.folder, healthy)
    pyproject = healthy / "pyproject.toml"
    await editor.until(lambda: "PD304" in editor.codes(pyproject) and stuck.started() == 1)
    # The other folder was checked and published while this one's check hangs.
    assert stuck.finished() == 0 and editor.codes(stuck.folder / "pyproject.toml") == []

    # Requests are answered meanwhile: a quick fix in the healthy folder at once, and one in
    # the stuck folder within the time a request waits for a report (with nothing to offer).
    diagnostic = next(d for d in editor.diagnostics(pyproject) if d.code == "PD304")
    actions = await asyncio.wait_for(editor.code_actions(pyproject, diagnostic), 10)
    assert any(a.title.endswith("(PD304)") for a in actions)
    assert await asyncio.wait_for(editor.code_actions(stuck.folder / "pyproject.toml"), 20) == []
    # And the healthy folder is re-checked after an edit.
    editor.open(pyproject)
    editor.change(pyproject, SEED_PYPROJECT + '\n[tool.pyproj-doctor]\nignore = ["PD3"]\n')
    await editor.until(lambda: "PD304" not in editor.codes(pyproject))
    assert stuck.finished() == 0

    stuck.release()  # the stuck folder gets its diagnostics once its check ends
    await editor.until(lambda: "PD401" in editor.codes(stuck.folder / "pyproject.toml"))


async def test_a_newer_edit_supersedes_a_stuck_check(stuck_editor: Editor, tmp_path: Path) -> None:
    editor = stuck_editor
    stuck = Stuck(seed(tmp_path / "stuck"), tmp_path / "control")
    pyproject = stuck.folder / "pyproject.toml"
    await editor.start(stuck.folder)
    await editor.until(lambda: stuck.started() == 1)
    stuck.unstick()  # the checks that start from now on do not hang
    editor.open(pyproject)
    editor.change(pyproject, SEED_PYPROJECT + '\n[tool.pyproj-doctor]\nignore = ["PD4"]\n')
    # The edit's check runs and publishes although the first one still hangs.
    await editor.until(lambda: uri(stuck.folder) in editor.checked)
    await editor.code_actions(pyproject)  # answered from the report of the edited version
    assert "PD304" in editor.codes(pyproject) and "PD401" not in editor.codes(pyproject)
    assert stuck.started() == 1 and stuck.finished() == 0
    newer = editor.codes(pyproject)

    # When the stale check ends at last, its result (without the edit: PD401) is dropped.
    editor.published.clear()
    stuck.release()
    await editor.until(lambda: stuck.finished() == 1)
    await asyncio.sleep(0.5)
    await editor.code_actions(pyproject)  # a round trip after anything it could have sent
    assert editor.codes(pyproject) == newer
    assert editor.published == []


async def test_shutdown_and_exit_end_the_server_while_a_check_is_stuck(
    stuck_editor: Editor, tmp_path: Path
) -> None:
    stuck = Stuck(seed(tmp_path / "stuck"), tmp_path / "control")
    await stuck_editor.start(stuck.folder)
    await stuck_editor.until(lambda: stuck.started() == 1)
    client = stuck_editor.client
    started = time.monotonic()
    await asyncio.wait_for(client.shutdown_session(), 10)
    assert time.monotonic() - started < 5
    assert client._server is not None and client._server.returncode == 0
    assert stuck.finished() == 0  # it really was stuck all along


async def test_two_quick_fixes_that_create_the_same_file(editor: Editor, tmp_path: Path) -> None:
    app = seed(tmp_path, **{"src/__init__.py": ""})  # no automatic src: PD301 wants extraPaths
    await editor.start(app)
    pyproject = app / "pyproject.toml"
    settings = app / ".vscode/settings.json"
    await editor.until(lambda: {"PD301", "PD304"} <= set(editor.codes(pyproject)))
    actions = await editor.code_actions(pyproject)
    [pd301] = [a for a in actions if a.title.endswith("(PD301)")]
    [pd304] = [a for a in actions if a.title.endswith("(PD304)")]
    assert pd301.edit is not None and pd304.edit is not None
    apply_workspace_edit(pd304.edit)
    first = settings.read_text()
    # The second action of the same list was computed when the file did not exist: applying
    # it now is refused as a whole, instead of putting a second JSON object before the first.
    with pytest.raises(FileExistsError):
        apply_workspace_edit(pd301.edit)
    assert settings.read_text() == first
    # Asked again (no file event has arrived yet), the fix edits the file that exists now
    # (and the finding is now reported in it).
    [again] = [a for a in await editor.code_actions(settings) if a.title.endswith("(PD301)")]
    assert again.edit is not None and again.edit.document_changes
    assert not any(isinstance(c, lsp.CreateFile) for c in again.edit.document_changes)
    apply_workspace_edit(again.edit)
    value = jsonc.parse(settings.read_text()).value()
    assert value["python.testing.pytestEnabled"] is True
    assert set(value) > {"python.testing.pytestEnabled", "python.testing.pytestArgs"}


async def test_new_modules_are_seen_without_file_watchers(editor: Editor, tmp_path: Path) -> None:
    capabilities = client_capabilities("visual-studio-code")
    assert capabilities.workspace is not None
    capabilities.workspace.did_change_watched_files = None  # like Helix: no file events
    app = seed(tmp_path, **{"src/my_app/sub/mod.py": "X = 1\n"})
    await editor.start(app, capabilities=capabilities)
    module = app / "src/my_app/sub/mod.py"
    await editor.until(lambda: editor.codes(module) == ["PD101"])
    assert editor.registrations == []
    (app / "src/my_app/sub/__init__.py").write_text("")  # made in a terminal: no event
    editor.open(module, language="python")
    editor.save(module)
    await editor.until(lambda: editor.codes(module) == [])


@pytest.mark.parametrize(
    "argument",
    [123, None, {"uri": 5}, [1, 2], "not a uri", "OUTSIDE"],
    ids=["number", "null", "uri-number", "list", "not-a-uri", "dotdot-outside"],
)
async def test_configure_rejects_bad_arguments(editor: Editor, tmp_path: Path, argument: object) -> None:
    app = seed(tmp_path / "ws")
    seed(tmp_path / "outside")
    if argument == "OUTSIDE":
        argument = uri(app) + "/../outside"
    await editor.start(app)
    await editor.until(lambda: bool(editor.diagnostics(app / "pyproject.toml")))
    with pytest.raises(JsonRpcException) as caught:
        await editor.client.workspace_execute_command_async(
            lsp.ExecuteCommandParams(command="pyprojDoctor.configureProject", arguments=[argument])
        )
    assert "-32602" in str(caught.value) or getattr(caught.value, "code", None) == -32602
    assert editor.applied == []
    assert not (app / ".vscode").exists() and not (tmp_path / "outside/.vscode").exists()


async def test_only_changed_diagnostics_are_published_and_undo_restores_them(
    editor: Editor, tmp_path: Path
) -> None:
    app = seed(tmp_path)
    pyproject = app / "pyproject.toml"
    test_file = app / "tests/test_main.py"
    await editor.start(app)
    await editor.until(lambda: "PD401" in editor.codes(pyproject) and editor.codes(test_file) == ["PD201"])
    before = {u: list(editor.client.diagnostics[u]) for u in (uri(pyproject), uri(test_file))}
    editor.open(pyproject)
    await editor.code_actions(pyproject)  # answered from the report of the current versions
    editor.published.clear()

    editor.change(pyproject, SEED_PYPROJECT + "# a comment changes no finding\n")
    await editor.code_actions(pyproject)
    assert editor.published == []

    editor.change(pyproject, SEED_PYPROJECT + '\n[tool.pyproj-doctor]\nignore = ["PD4"]\n')
    await editor.until(lambda: "PD401" not in editor.codes(pyproject))
    await editor.code_actions(pyproject)
    assert [p.uri for p in editor.published] == [uri(pyproject)]  # the test module did not change

    editor.published.clear()
    editor.change(pyproject, SEED_PYPROJECT)  # undo
    await editor.until(lambda: "PD401" in editor.codes(pyproject))
    await editor.code_actions(pyproject)
    assert [p.uri for p in editor.published] == [uri(pyproject)]
    after = {u: list(editor.client.diagnostics[u]) for u in before}
    assert after == before
