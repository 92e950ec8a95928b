"""The VS Code extension's Python side: the bundle it ships and how it starts the server.

The bundle is built for real (client/bundle-python.sh, pip from PyPI) into tmp_path, then the
launcher the extension runs is started in a hostile working directory.
"""

from __future__ import annotations

import email.parser
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from pyproj_doctor.findings import Severity
from pyproj_doctor.lsp import contract
from tests.lsp_support import uri
from tests.test_lsp_protocol import RawClient

ROOT = Path(__file__).resolve().parent.parent
# Modules the server imports at start-up; a workspace folder with one of these names must not
# be imported in their place.
HOSTILE_NAMES = ("pygls", "lsprotocol", "cattrs", "attrs", "attr", "packaging", "pyproj_doctor", "tomli")


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("uv") is None:
        pytest.fail("uv is needed to build the bundle (see README: prerequisites)")
    out = tmp_path_factory.mktemp("bundle") / "bundled"
    # Built as `npm run package` builds it: python3 with pip (a README prerequisite).
    env = {k: v for k, v in os.environ.items() if k not in {"VIRTUAL_ENV", "PYTHON"}}
    venv_bin = str(Path(sys.executable).parent)
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p != venv_bin)
    done = subprocess.run(
        ["bash", "client/bundle-python.sh"],
        cwd=ROOT,
        env={**env, "BUNDLE_DIR": str(out)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return out


def test_severity_names_are_the_engines_and_the_manifests() -> None:
    assert tuple(s.label for s in sorted(Severity, reverse=True)) == contract.SEVERITIES
    manifest = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    overrides = manifest["contributes"]["configuration"]["properties"]["pyprojDoctor.severityOverrides"]
    assert tuple(overrides["additionalProperties"]["enum"]) == contract.SEVERITIES


def test_python_floor_is_requires_python() -> None:
    if sys.version_info >= (3, 11):
        import tomllib
    else:
        import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["requires-python"] == f">={contract.PYTHON_FLOOR}"
    assert Version(contract.PYTHON_FLOOR) >= Version("3.10")


def test_every_bundled_distribution_admits_the_floor(bundle: Path) -> None:
    floor = Version(contract.PYTHON_FLOOR)
    metadata = sorted((bundle / "libs").glob("*.dist-info/METADATA"))
    names = {m.parent.name.split("-")[0].lower() for m in metadata}
    # Everything the server needs on the floor is there, backports included.
    assert {"pygls", "lsprotocol", "cattrs", "attrs", "packaging", "tomli", "exceptiongroup"} <= names
    for path in metadata:
        requires = email.parser.Parser().parsestr(path.read_text(encoding="utf-8")).get("Requires-Python")
        if requires:
            assert floor in SpecifierSet(requires), f"{path.parent.name} needs Python {requires}"


def test_launcher_never_imports_workspace_modules(bundle: Path, tmp_path: Path) -> None:
    """The hostile workspace is the working directory, on PYTHONPATH and the checked folder."""
    workspace = tmp_path / "hostile"
    markers = tmp_path / "markers"
    markers.mkdir()

    def hostile(name: str) -> str:
        return f"open({str(markers / name)!r}, 'w').close()\nraise SystemExit('hostile {name} imported')\n"

    for name in HOSTILE_NAMES:
        (workspace / name).mkdir(parents=True)
        (workspace / name / "__init__.py").write_text(hostile(name))
    for name in ("sitecustomize", "usercustomize"):
        (workspace / f"{name}.py").write_text(hostile(name))
    site = workspace / ".venv/lib/python3.11/site-packages"
    site.mkdir(parents=True)
    (workspace / ".venv/pyvenv.cfg").write_text("home = /usr/bin\nversion = 3.11.2\n")
    (site / "hostile.pth").write_text(f"import os; open({str(markers / 'pth')!r}, 'w').close()\n")
    (workspace / "pyproject.toml").write_text('[project]\nname = "hostile"\n')
    (workspace / "tests").mkdir()
    (workspace / "tests/test_it.py").write_text(
        "import pygls\nimport packaging\n\n\ndef test_it():\n    pass\n"
    )
    env = {**os.environ, "PYTHONPATH": str(workspace), "PYTHONSTARTUP": str(workspace / "sitecustomize.py")}

    raw = RawClient([sys.executable, "-I", str(bundle / "launch.py"), "lsp"], cwd=workspace, env=env)
    try:
        raw.initialize(workspace)
        # The folder is checked: the server read the hostile files, and ran none of them.
        deadline = time.monotonic() + 60
        checked = {"method": contract.CHECKED_NOTIFICATION, "params": {"uri": uri(workspace)}}
        while not any(m.items() >= checked.items() for m in list(raw.messages)):
            assert time.monotonic() < deadline and raw.process.poll() is None, raw.messages
            time.sleep(0.05)
        published = [
            m["params"]["uri"] for m in raw.messages if m.get("method") == "textDocument/publishDiagnostics"
        ]
        assert uri(workspace / "pyproject.toml") in published
        assert raw.answer(raw.request("shutdown"))["result"] is None
        raw.notify("exit")
        code, stderr = raw.wait()
    finally:
        if raw.process.poll() is None:
            raw.process.kill()
    assert code == 0, stderr
    assert sorted(p.name for p in markers.iterdir()) == []
    assert "hostile" not in stderr
