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
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from pyproj_doctor.findings import Severity
from pyproj_doctor.lsp import contract

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
    workspace = tmp_path / "hostile"
    markers = tmp_path / "markers"
    markers.mkdir()
    for name in HOSTILE_NAMES:
        package = workspace / name
        package.mkdir(parents=True)
        (package / "__init__.py").write_text(
            f"open({str(markers / name)!r}, 'w').close()\nraise SystemExit('hostile {name} imported')\n"
        )
    (workspace / "pyproject.toml").write_text('[project]\nname = "hostile"\n')
    env = {**os.environ, "PYTHONPATH": str(workspace)}  # -I ignores it as well
    initialize = json.dumps(
        {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}, "processId": None}}
    ).encode()
    exit_ = json.dumps({"jsonrpc": "2.0", "method": "exit"}).encode()
    message = b"".join(b"Content-Length: %d\r\n\r\n%s" % (len(m), m) for m in (initialize, exit_))
    done = subprocess.run(
        [sys.executable, "-I", str(bundle / "launch.py"), "lsp"],
        cwd=workspace,
        env=env,
        input=message,
        capture_output=True,
        timeout=60,
    )
    assert b'"id":1' in done.stdout.replace(b" ", b""), done.stderr.decode()
    assert b"pyproj-doctor" in done.stdout
    assert sorted(p.name for p in markers.iterdir()) == []
    assert b"hostile" not in done.stderr
