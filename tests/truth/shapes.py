"""The truth corpus: small real project shapes, each a workspace folder as a user opens it.

A shape says only how to build the project (files, and the real install its workflow makes);
what pytest and pyright do with it is measured, never written down here. `known` names the checks
the engine is known to get wrong on this shape today, with the reason from DISAGREEMENTS.md; the
harness turns each into a strict xfail, so an engine fix shows up as an unexpected pass.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

MOD = "def f():\n    return 1\n"


def test_of(module: str, name: str = "f") -> str:
    return f"from {module} import {name}\n\n\ndef test_it():\n    assert {name}() == 1\n"


BACKENDS = {
    "hatchling": ('["hatchling"]', "hatchling.build"),
    "uv_build": ('["uv_build>=0.8,<0.14"]', "uv_build"),
    "setuptools": ('["setuptools>=64"]', "setuptools.build_meta"),
    "poetry": ('["poetry-core>=2"]', "poetry.core.masonry.api"),
    "pdm": ('["pdm-backend"]', "pdm.backend"),
    "flit": ('["flit_core>=3.4,<4"]', "flit_core.buildapi"),
    "maturin": ('["maturin>=1,<2"]', "maturin"),
}


def pyproject(name: str = "app", backend: str | None = None, extra: str = "", deps: str = "") -> str:
    text = (
        f'[project]\nname = "{name}"\nversion = "0.1.0"\ndescription = "A shape."\nrequires-python = ">=3.10"\n'
        f'dependencies = [{deps}]\n\n[dependency-groups]\ndev = ["pytest>=8"]\n'
    )
    if backend:
        requires, api = BACKENDS[backend]
        text += f'\n[build-system]\nrequires = {requires}\nbuild-backend = "{api}"\n'
    return text + (("\n" + extra) if extra else "")


def settings(**values: object) -> str:
    return json.dumps({k.replace("__", "."): v for k, v in values.items()}, indent=2) + "\n"


TESTING = {
    "python.testing.pytestEnabled": True,
    "python.testing.unittestEnabled": False,
    "python.testing.pytestArgs": [],
}


def vscode(**extra: object) -> str:
    return json.dumps({**TESTING, **extra}, indent=2) + "\n"


def src_app(root: str = "src", pkg: str = "app") -> dict[str, str]:
    return {
        f"{root}/{pkg}/__init__.py": "",
        f"{root}/{pkg}/core.py": MOD,
        "tests/test_core.py": test_of(f"{pkg}.core"),
    }


SYNC = (("uv", "sync", "-q"),)


@dataclass
class Shape:
    id: str
    files: dict[str, str]
    # Commands the project's own workflow runs to install it (real installs, in the shape's folder).
    setup: tuple[tuple[str, ...], ...] = ()
    # Folders (relative) where CI would run plain `pytest`: each project root.
    projects: tuple[str, ...] = (".",)
    # True when only an install (not a config edit) can make the tools green: then the fix must not
    # break anything, and `check` must be clean, but failures of the fresh checkout may remain.
    needs_install: bool = False
    # The fix needs `--unsafe-fixes` (adds __init__.py, deletes settings...).
    unsafe: bool = False
    # check name ("confirmed", "reported", "fixed") -> reason, for strict xfails.
    known: dict[str, str] = field(default_factory=dict)
    # Whether the Test Explorer runs each project on its own (the Python Environments extension in
    # use): the engine is told (`--test-explorer-projects`) and the harness runs that mode's
    # invocations (tools.run_explorer_projects). None: one run per folder, the engine not told.
    explorer_projects: bool | None = None


def _shapes() -> list[Shape]:
    shapes: list[Shape] = []
    add = shapes.append

    # --- flat layouts ---------------------------------------------------------------------------
    flat = {"app/__init__.py": "", "app/core.py": MOD, "tests/test_core.py": test_of("app.core")}
    add(Shape("flat-no-conftest", {"pyproject.toml": pyproject(), **flat}))
    add(Shape("flat-root-conftest", {"pyproject.toml": pyproject(), "conftest.py": "", **flat}))
    add(
        Shape(
            "flat-pythonpath-dot",
            {"pyproject.toml": pyproject(extra='[tool.pytest.ini_options]\npythonpath = ["."]\n'), **flat},
        )
    )
    add(Shape("flat-tests-package", {"pyproject.toml": pyproject(), **flat, "tests/__init__.py": ""}))
    add(
        Shape(
            "flat-single-module",
            {"pyproject.toml": pyproject(), "tool.py": MOD, "test_tool.py": test_of("tool")},
        )
    )
    add(
        Shape(
            "flat-configured-vscode",
            {"pyproject.toml": pyproject(), "conftest.py": "", **flat, ".vscode/settings.json": vscode()},
        )
    )
    add(
        Shape("flat-hatchling-synced", {"pyproject.toml": pyproject(backend="hatchling"), **flat}, setup=SYNC)
    )
    add(
        Shape(
            "flat-setuptools-synced",
            {
                "pyproject.toml": pyproject(
                    backend="setuptools", extra='[tool.setuptools]\npackages = ["app"]\n'
                ),
                **flat,
            },
            setup=SYNC,
        )
    )

    # --- src layouts per backend: a fresh clone (nothing installed) and after `uv sync` --------------
    for backend in ("hatchling", "uv_build", "setuptools", "poetry", "pdm", "flit"):
        extra = ""
        if backend == "poetry":
            extra = '[tool.poetry]\npackages = [{ include = "app", from = "src" }]\n'
        files = {"pyproject.toml": pyproject(backend=backend, extra=extra), **src_app()}
        add(Shape(f"src-{backend}-fresh", files, needs_install=True))
        add(Shape(f"src-{backend}-synced", files, setup=SYNC))
    add(
        Shape(
            "src-maturin-python-source",
            {
                "pyproject.toml": pyproject(
                    backend="maturin",
                    extra='[tool.maturin]\npython-source = "python"\nmodule-name = "app._core"\n',
                ),
                "Cargo.toml": '[package]\nname = "app"\nversion = "0.1.0"\n',
                "src/lib.rs": "",
                **src_app("python"),
            },
            needs_install=True,
        )
    )
    add(
        Shape(
            "src-pythonpath-configured",
            {
                "pyproject.toml": pyproject(extra='[tool.pytest.ini_options]\npythonpath = ["src"]\n'),
                **src_app(),
                ".vscode/settings.json": vscode(),
            },
        )
    )

    # --- no build system ------------------------------------------------------------------------
    add(Shape("nobuild-src-fresh", {"pyproject.toml": pyproject(), **src_app()}))
    add(Shape("nobuild-src-synced", {"pyproject.toml": pyproject(), **src_app()}, setup=SYNC))
    add(
        Shape(
            "uv-package-false-synced",
            {
                "pyproject.toml": pyproject(backend="hatchling", extra="[tool.uv]\npackage = false\n"),
                **src_app(),
            },
            setup=SYNC,
        )
    )
    add(Shape("requirements-only-src", {"requirements.txt": "pytest>=8\n", **src_app()}))

    # --- namespace packages ----------------------------------------------------------------------
    add(
        Shape(
            "namespace-pep420-src",
            {
                "pyproject.toml": pyproject(
                    backend="setuptools",
                    extra='[tool.setuptools.packages.find]\nwhere = ["src"]\nnamespaces = true\n\n[tool.pytest.ini_options]\npythonpath = ["src"]\n',
                ),
                "src/acme/x/core.py": MOD,
                "tests/test_x.py": test_of("acme.x.core"),
            },
        )
    )
    add(
        Shape(
            "namespace-subpackage-accidental",
            {
                "pyproject.toml": pyproject(extra='[tool.pytest.ini_options]\npythonpath = ["src"]\n'),
                "src/app/__init__.py": "",
                "src/app/io/readers.py": MOD,
                "tests/test_io.py": test_of("app.io.readers"),
            },
        )
    )
    add(
        Shape(
            "namespace-shared-by-two-roots",
            {
                "pyproject.toml": pyproject(
                    extra='[tool.pytest.ini_options]\npythonpath = ["src", "plugins"]\n'
                ),
                "src/acme/core.py": MOD,
                "plugins/acme/extra.py": MOD,
                "tests/test_ns.py": test_of("acme.core")
                + "\n\n"
                + test_of("acme.extra").replace("def test_it", "def test_extra"),
                ".vscode/settings.json": vscode(**{"python.analysis.extraPaths": ["src", "plugins"]}),
            },
        )
    )

    # --- uv workspaces ---------------------------------------------------------------------------
    def member(name: str, with_pythonpath: bool = False) -> dict[str, str]:
        extra = '[tool.pytest.ini_options]\npythonpath = ["src"]\n' if with_pythonpath else ""
        return {
            f"packages/{name}/pyproject.toml": pyproject(name, backend="hatchling", extra=extra),
            f"packages/{name}/src/{name}/__init__.py": "",
            f"packages/{name}/src/{name}/core.py": MOD,
            f"packages/{name}/tests/test_{name}.py": test_of(f"{name}.core"),
        }

    ws_root = (
        '[project]\nname = "root"\nversion = "0.1.0"\nrequires-python = ">=3.10"\ndependencies = ["alpha", "beta"]\n\n'
        '[dependency-groups]\ndev = ["pytest>=8"]\n\n[tool.uv.workspace]\nmembers = ["packages/*"]\n\n'
        "[tool.uv.sources]\nalpha = { workspace = true }\nbeta = { workspace = true }\n"
    )
    ws = {"pyproject.toml": ws_root, **member("alpha"), **member("beta")}
    add(Shape("uv-workspace-synced", ws, setup=SYNC))
    add(Shape("uv-workspace-fresh", ws, needs_install=True))
    # `uv sync` from a root with a [project] installs only the members the root needs (uv removes
    # the rest): gamma's tests fail until `uv sync --all-packages`, which installs every member.
    ws_gamma = {**ws, **member("gamma")}
    add(Shape("uv-workspace-member-not-a-dependency", ws_gamma, setup=SYNC))
    add(Shape("uv-workspace-all-packages", ws_gamma, setup=(("uv", "sync", "--all-packages", "-q"),)))
    add(
        Shape(
            "uv-workspace-member-pythonpath",
            {
                "pyproject.toml": ws_root,
                **member("alpha", True),
                **member("beta", True),
                ".vscode/settings.json": vscode(**{"python.testing.pytestArgs": ["packages"]}),
            },
            needs_install=True,
        )
    )
    add(
        Shape(
            "uv-workspace-root-pythonpath",
            {
                "pyproject.toml": ws_root
                + '\n[tool.pytest.ini_options]\npythonpath = ["packages/alpha/src", "packages/beta/src"]\n',
                **member("alpha"),
                **member("beta"),
            },
        )
    )

    # --- several projects in one folder ------------------------------------------------------------
    def project(
        d: str, pkg: str, config: str = '[tool.pytest.ini_options]\npythonpath = ["src"]\n'
    ) -> dict[str, str]:
        return {
            f"{d}/pyproject.toml": pyproject(pkg, extra=config),
            f"{d}/src/{pkg}/__init__.py": "",
            f"{d}/src/{pkg}/core.py": MOD,
            f"{d}/tests/test_{pkg}.py": test_of(f"{pkg}.core"),
        }

    add(
        Shape(
            "multi-project-src",
            {**project("projA", "alpha"), **project("projB", "beta")},
            projects=("projA", "projB"),
        )
    )
    add(
        Shape(
            "multi-project-flat-conftest",
            {
                "projA/pyproject.toml": pyproject("alpha"),
                "projA/conftest.py": "",
                "projA/alpha/__init__.py": MOD,
                "projA/tests/test_alpha.py": test_of("alpha"),
                "projB/pyproject.toml": pyproject("beta"),
                "projB/conftest.py": "",
                "projB/beta/__init__.py": MOD,
                "projB/tests/test_beta.py": test_of("beta"),
            },
            projects=("projA", "projB"),
        )
    )
    # A root project and a nested one with its own configuration, both with `tests/test_core.py`:
    # root `pytest` collects both under one module name ("import file mismatch"); PD207's
    # `--ignore=sub` leaves the nested suite to its own run, which passes.
    add(
        Shape(
            "nested-project-basename-clash",
            {
                "pyproject.toml": pyproject("alpha"),
                "conftest.py": "",
                "alpha/__init__.py": MOD,
                "tests/test_core.py": test_of("alpha"),
                "sub/pyproject.toml": pyproject(
                    "beta", extra='[tool.pytest.ini_options]\nmarkers = ["slow"]\n'
                ),
                "sub/conftest.py": "",
                "sub/beta/__init__.py": MOD,
                "sub/tests/test_core.py": test_of("beta"),
            },
            projects=(".", "sub"),
        )
    )

    # Pylance's `extraPaths` glob (after 2026.2.108; npm pyright 1.1.414 expands it too): one pattern for
    # every package's src root, as a user writes it and in the form PD301's fix writes for a Pylance
    # that expands it (`./` first). The engine reads the glob as pyright does, so it stays silent.
    for suffix, glob in (("", "packages/*/src"), ("-as-fixed", "./packages/*/src")):
        add(
            Shape(
                f"extrapaths-glob-packages{suffix}",
                {
                    "pyproject.toml": pyproject(
                        "mono",
                        extra='[tool.pytest.ini_options]\npythonpath = ["packages/alpha/src", "packages/beta/src"]\n',
                    ),
                    "packages/alpha/src/alpha/__init__.py": MOD,
                    "packages/beta/src/beta/__init__.py": MOD,
                    "tests/test_alpha.py": test_of("alpha"),
                    "tests/test_beta.py": test_of("beta"),
                    ".vscode/settings.json": vscode(**{"python.analysis.extraPaths": [glob]}),
                },
            )
        )

    # --- python/ and lib/ roots ----------------------------------------------------------------------
    for root in ("python", "lib"):
        config = f'[tool.pytest.ini_options]\npythonpath = ["{root}"]\n'
        add(Shape(f"{root}-root-pythonpath", {"pyproject.toml": pyproject(extra=config), **src_app(root)}))
        add(
            Shape(
                f"{root}-root-with-extrapaths",
                {
                    "pyproject.toml": pyproject(extra=config),
                    **src_app(root),
                    ".vscode/settings.json": vscode(**{"python.analysis.extraPaths": [root]}),
                },
            )
        )
    add(
        Shape(
            "hatch-packages-from-lib",
            {
                "pyproject.toml": pyproject(
                    extra='[tool.hatch.build.targets.wheel]\npackages = ["lib/app"]\n'
                ),
                **src_app("lib"),
            },
        )
    )

    # --- .env PYTHONPATH --------------------------------------------------------------------------
    add(
        Shape(
            "dotenv-pythonpath-src", {"pyproject.toml": pyproject(), **src_app(), ".env": "PYTHONPATH=src\n"}
        )
    )
    add(
        Shape(
            "dotenv-pythonpath-lib",
            {"pyproject.toml": pyproject(), **src_app("lib"), ".env": "PYTHONPATH=lib\n"},
        )
    )

    # The env file still names `source`, renamed to `src` since (PD603): the Test Explorer's run
    # cannot import what it was meant to serve. PD603 has no fix (the entry stays until edited); once
    # the fix makes every import resolve without it, it is information and `check` is clean.
    add(
        Shape(
            "dotenv-pythonpath-renamed",
            {"pyproject.toml": pyproject(), **src_app(), ".env": "PYTHONPATH=source\n"},
        )
    )
    # Look-alike: entries with variables are not judged; this one resolves to `src`.
    add(
        Shape(
            "dotenv-pythonpath-variables",
            {
                "pyproject.toml": pyproject(),
                **src_app(),
                ".env": "PYTHONPATH=${workspaceFolder}/src:${PYTHONPATH}\n",
            },
        )
    )

    # --- PYTHONPATH in terminal.integrated.env.* (PD602): `pytest` typed in the terminal gets it --------
    # (tools.run_terminal), the Test Explorer's run does not, unless pytest's `pythonpath` or the env
    # file gives it the folder; with `python.terminal.useEnvFile` the env file's PYTHONPATH replaces it.
    terminal_src = {"terminal.integrated.env.linux": {"PYTHONPATH": "${workspaceFolder}/src"}}
    add(
        Shape(
            "terminal-pythonpath-src",
            {"pyproject.toml": pyproject(), **src_app(), ".vscode/settings.json": vscode(**terminal_src)},
        )
    )
    add(
        Shape(
            "terminal-pythonpath-covered-by-pytest",
            {
                "pyproject.toml": pyproject(extra='[tool.pytest.ini_options]\npythonpath = ["src"]\n'),
                **src_app(),
                ".vscode/settings.json": vscode(**terminal_src),
            },
        )
    )
    add(
        Shape(
            "terminal-pythonpath-and-dotenv",
            {
                "pyproject.toml": pyproject(),
                **src_app(),
                ".env": "PYTHONPATH=src\n",
                ".vscode/settings.json": vscode(**terminal_src),
            },
        )
    )
    add(
        Shape(
            "terminal-pythonpath-replaced-by-use-env-file",
            {
                "pyproject.toml": pyproject(),
                **src_app(),
                "tools/helper.py": MOD,
                ".env": "PYTHONPATH=tools\n",
                ".vscode/settings.json": vscode(**terminal_src, **{"python.terminal.useEnvFile": True}),
            },
        )
    )

    # --- `--cov` in the Test Explorer's debug runs ---------------------------------------------------
    # Checked by tools.debug_probe: the tests run with the debug configuration's env, and a plugin
    # records whether coverage's tracer holds `sys.settrace` inside them (what a debugger needs);
    # no debugger is attached. pytest-cov is installed for real by `uv sync`.
    cov = pyproject(extra='[tool.pytest.ini_options]\npythonpath = ["src"]\naddopts = "--cov=app"\n')
    cov = cov.replace('dev = ["pytest>=8"]', 'dev = ["pytest>=8", "pytest-cov>=5"]')
    cov_files = {"pyproject.toml": cov, **src_app(), ".vscode/settings.json": vscode()}
    add(Shape("cov-addopts-debug", cov_files, setup=SYNC))
    debug_tests = {
        "name": "Debug tests",
        "type": "debugpy",
        "request": "launch",
        "program": "${file}",
        "purpose": ["debug-test"],
        "env": {"PYTEST_ADDOPTS": "--no-cov"},
    }
    launch = json.dumps({"version": "0.2.0", "configurations": [debug_tests]}, indent=2) + "\n"
    add(Shape("cov-addopts-debug-no-cov", {**cov_files, ".vscode/launch.json": launch}, setup=SYNC))
    # `-k` in the debug configuration only: the debug probe runs the tests with it and none is left.
    selects = {**debug_tests, "env": {"PYTEST_ADDOPTS": "-k smoke"}}
    add(
        Shape(
            "debug-config-selects",
            {
                "pyproject.toml": pyproject(extra='[tool.pytest.ini_options]\npythonpath = ["src"]\n'),
                **src_app(),
                ".vscode/settings.json": vscode(),
                ".vscode/launch.json": json.dumps({"version": "0.2.0", "configurations": [selects]}) + "\n",
            },
            unsafe=True,
        )
    )

    # --- python.testing.cwd -------------------------------------------------------------------------
    backend_project = project("backend", "app")
    add(
        Shape(
            "testing-cwd-subproject",
            {**backend_project, ".vscode/settings.json": vscode(**{"python.testing.cwd": "backend"})},
            projects=("backend",),
        )
    )
    add(
        Shape(
            "testing-cwd-subproject-configured",
            {
                **backend_project,
                ".vscode/settings.json": vscode(
                    **{
                        "python.testing.cwd": "${workspaceFolder}/backend",
                        "python.analysis.extraPaths": ["backend/src"],
                    }
                ),
            },
            projects=("backend",),
        )
    )

    # --- pyright configurations ----------------------------------------------------------------------
    lib_config = '[tool.pytest.ini_options]\npythonpath = ["lib"]\n'
    add(
        Shape(
            "pyright-config-with-extrapaths",
            {
                "pyproject.toml": pyproject(extra=lib_config + '\n[tool.pyright]\nextraPaths = ["lib"]\n'),
                **src_app("lib"),
            },
        )
    )
    add(
        Shape(
            "pyright-config-without-extrapaths",
            {
                "pyproject.toml": pyproject(
                    extra=lib_config + '\n[tool.pyright]\ntypeCheckingMode = "basic"\n'
                ),
                **src_app("lib"),
                ".vscode/settings.json": vscode(**{"python.analysis.extraPaths": ["lib"]}),
            },
        )
    )
    add(
        Shape(
            "pyrightconfig-overrides-settings",
            {
                "pyproject.toml": pyproject(extra=lib_config),
                "pyrightconfig.json": '{\n  "extraPaths": ["tools"]\n}\n',
                "tools/helper.py": MOD,
                **src_app("lib"),
                ".vscode/settings.json": vscode(**{"python.analysis.extraPaths": ["lib"]}),
            },
        )
    )
    add(
        Shape(
            "pyrightconfig-execution-environments",
            {
                "pyproject.toml": pyproject(extra='[tool.pytest.ini_options]\npythonpath = ["src"]\n'),
                "pyrightconfig.json": '{\n  "executionEnvironments": [{"root": "tests"}]\n}\n',
                **src_app(),
            },
        )
    )

    # --- pyright execution environments: roots with their own extraPaths (pyright configOptions.ts) ---
    def env_config(*envs: str, top: str = "") -> str:
        return (
            "{\n" + (f"  {top},\n" if top else "") + f'  "executionEnvironments": [{", ".join(envs)}]\n}}\n'
        )

    add(
        Shape(
            "pyright-execenv-own-extrapaths",
            {
                "pyproject.toml": pyproject(extra=lib_config),
                "pyrightconfig.json": env_config('{"root": "tests", "extraPaths": ["lib"]}'),
                **src_app("lib"),
            },
        )
    )
    add(
        Shape(
            "pyright-execenv-inherits-nothing",
            {
                "pyproject.toml": pyproject(extra=lib_config),
                "pyrightconfig.json": env_config('{"root": "tests"}'),
                **src_app("lib"),
            },
        )
    )
    add(
        Shape(
            "pyright-execenv-own-list-misses-lib",
            {
                "pyproject.toml": pyproject(extra=lib_config),
                "pyrightconfig.json": env_config('{"root": "tests", "extraPaths": ["tools"]}'),
                "tools/helper.py": MOD,
                **src_app("lib"),
                ".vscode/settings.json": vscode(**{"python.analysis.extraPaths": ["lib"]}),
            },
        )
    )
    add(
        Shape(
            "pyright-execenv-toml-own-list-misses-lib",
            {
                "pyproject.toml": pyproject(
                    extra=lib_config + "\n[tool.pyright]\n\n[[tool.pyright.executionEnvironments]]\n"
                    'root = "tests"\nextraPaths = [\n    "tools",  # helpers\n]\n'
                ),
                "tools/helper.py": MOD,
                **src_app("lib"),
            },
        )
    )
    add(
        Shape(
            "pyright-execenv-other-root",
            {
                "pyproject.toml": pyproject(extra=lib_config),
                "pyrightconfig.json": env_config('{"root": "scripts", "extraPaths": ["tools"]}'),
                "scripts/run.py": "import helper\n",
                "tools/helper.py": MOD,
                **src_app("lib"),
                ".vscode/settings.json": vscode(**{"python.analysis.extraPaths": ["lib"]}),
            },
        )
    )
    # An environment's own extraPaths replace the other lists, not site-packages: uv workspace members
    # installed editable by `uv sync` resolve through their `.pth` path lines (pydantic-ai, python-sdk).
    env_ws_root = ws_root + (
        '\n[tool.pytest.ini_options]\npythonpath = ["lib"]\n\n[tool.pyright]\ntypeCheckingMode = "basic"\n\n'
        '[[tool.pyright.executionEnvironments]]\nroot = "tests"\nextraPaths = ["tools"]\n'
    )
    env_ws = {
        "pyproject.toml": env_ws_root.replace('pythonpath = ["lib"]\n', 'pythonpath = ["tools"]\n'),
        **member("alpha"),
        **member("beta"),
        "tools/helper.py": MOD,
        "tests/test_root.py": test_of("alpha.core")
        + "\n\n"
        + test_of("helper").replace("def test_it", "def test_h"),
    }
    add(Shape("pyright-execenv-uv-members-synced", env_ws, setup=SYNC))
    add(Shape("pyright-execenv-uv-members-fresh", env_ws, needs_install=True))
    # The look-alike: `lib` is on pytest's pythonpath, but nothing installs it, so the environment's
    # list must name it (PD301 on that list; the fix appends to it).
    add(
        Shape(
            "pyright-execenv-uv-members-lib-missing",
            {
                "pyproject.toml": env_ws_root.split("\n[tool.pyright]")[0],
                "pyrightconfig.json": env_config('{"root": "tests", "extraPaths": ["tools"]}'),
                **member("alpha"),
                **member("beta"),
                "tools/helper.py": MOD,
                "lib/extras/__init__.py": "",
                "lib/extras/core.py": MOD,
                "tests/test_root.py": test_of("alpha.core")
                + "\n\n"
                + test_of("extras.core").replace("def test_it", "def test_x"),
            },
            setup=SYNC,
        )
    )
    add(
        Shape(
            "pyright-config-extrapaths-hides-src",
            {
                "pyproject.toml": pyproject(
                    extra='[tool.pytest.ini_options]\npythonpath = ["src"]\n\n[tool.pyright]\nextraPaths = ["tools"]\n'
                ),
                "tools/helper.py": MOD,
                **src_app(),
            },
        )
    )

    # --- pyright stubPath (default `typings`): stubs resolve first, the source must still be found ---
    stubs = {"typings/app/__init__.pyi": "", "typings/app/core.pyi": "def f() -> int: ...\n"}
    add(
        Shape(
            "stubpath-typings-with-source",
            {
                "pyproject.toml": pyproject(extra=lib_config),
                **stubs,
                **src_app("lib"),
                ".vscode/settings.json": vscode(**{"python.analysis.extraPaths": ["lib"]}),
            },
        )
    )
    add(
        Shape(
            "stubpath-typings-source-not-searched",
            {"pyproject.toml": pyproject(extra=lib_config), **stubs, **src_app("lib")},
        )
    )
    add(
        Shape(
            "stubpath-config-custom",
            {
                "pyproject.toml": pyproject(extra=lib_config),
                "pyrightconfig.json": '{\n  "stubPath": "stubs",\n  "extraPaths": ["lib"]\n}\n',
                "stubs/app/__init__.pyi": "",
                "stubs/app/core.pyi": "def f() -> int: ...\n",
                **src_app("lib"),
            },
        )
    )

    # --- Django ------------------------------------------------------------------------------------
    add(
        Shape(
            "django-project",
            {
                "pyproject.toml": pyproject(deps='"django>=5"').replace(
                    'dev = ["pytest>=8"]', 'dev = ["pytest>=8", "pytest-django>=4.9"]'
                ),
                "pytest.ini": "[pytest]\nDJANGO_SETTINGS_MODULE = mysite.settings\n",
                "manage.py": "import os\nimport sys\n",
                "mysite/__init__.py": "",
                "mysite/settings.py": 'SECRET_KEY = "x"\nINSTALLED_APPS = ["polls"]\nDATABASES = {}\nUSE_TZ = True\n',
                "polls/__init__.py": "",
                "polls/models.py": MOD,
                "polls/tests/__init__.py": "",
                "polls/tests/test_models.py": test_of("polls.models"),
            },
            setup=SYNC,
        )
    )

    # --- tox, nox and hatch environments install the project themselves -------------------------------
    add(
        Shape(
            "tox-project",
            {
                "pyproject.toml": pyproject(backend="setuptools").replace(
                    '\n[dependency-groups]\ndev = ["pytest>=8"]\n', ""
                ),
                "tox.ini": "[tox]\nenv_list = py\n\n[testenv]\ndeps = pytest\ncommands = pytest {posargs}\n",
                **src_app(),
            },
            needs_install=True,
        )
    )
    add(
        Shape(
            "nox-project",
            {
                "pyproject.toml": pyproject(backend="hatchling").replace(
                    '\n[dependency-groups]\ndev = ["pytest>=8"]\n', ""
                ),
                "noxfile.py": 'import nox\n\n\n@nox.session\ndef tests(session):\n    session.install(".", "pytest")\n    session.run("pytest")\n',
                **src_app(),
            },
            needs_install=True,
        )
    )
    add(
        Shape(
            "hatch-env-project",
            {
                "pyproject.toml": pyproject(
                    backend="hatchling",
                    extra='[tool.hatch.envs.hatch-test]\nextra-dependencies = ["pytest-mock"]\n',
                ).replace('\n[dependency-groups]\ndev = ["pytest>=8"]\n', ""),
                **src_app(),
            },
            needs_install=True,
        )
    )
    add(
        Shape(
            "requirements-editable-install",
            {
                "pyproject.toml": pyproject(backend="hatchling"),
                "requirements-dev.txt": "-e .\npytest>=8\n",
                **src_app(),
            },
            needs_install=True,
        )
    )

    # --- .vscode kept out of git ----------------------------------------------------------------------
    add(
        Shape(
            "gitignored-vscode-flat",
            {"pyproject.toml": pyproject(), "conftest.py": "", ".gitignore": ".vscode/\n.venv/\n", **flat},
        )
    )
    add(
        Shape(
            "gitignored-vscode-src",
            {
                "pyproject.toml": pyproject(extra='[tool.pytest.ini_options]\npythonpath = ["src"]\n'),
                ".gitignore": ".vscode/\n",
                **src_app(),
            },
        )
    )

    # --- pytest configuration problems -------------------------------------------------------------------
    add(
        Shape(
            "pytest-ini-shadows-pyproject",
            {
                "pyproject.toml": pyproject(extra='[tool.pytest.ini_options]\npythonpath = ["src"]\n'),
                "pytest.ini": "[pytest]\naddopts = -ra\n",
                **src_app(),
            },
        )
    )
    add(
        Shape(
            "test-module-basename-clash",
            {
                "pyproject.toml": pyproject(),
                "conftest.py": "",
                "app/__init__.py": MOD,
                "tests/unit/test_util.py": test_of("app"),
                "tests/integration/test_util.py": test_of("app"),
            },
            # Adding __init__.py is an unsafe fix. `--import-mode=importlib` is no fix here: the root
            # conftest.py then no longer puts the root on sys.path and plain `pytest` cannot import
            # `app` (checked with pytest 9.0.3; `python -m pytest` still passes).
            unsafe=True,
        )
    )
    add(
        Shape(
            # setuptools writes a static path `.pth` for `package-dir = {"" = "lib"}` (checked with a
            # real `uv sync`): Pylance follows it.
            "setuptools-lib-dir-synced",
            {
                "pyproject.toml": pyproject(
                    backend="setuptools",
                    extra='[tool.setuptools]\npackage-dir = {"" = "lib"}\npackages = ["app"]\n',
                ),
                **src_app("lib"),
            },
            setup=SYNC,
        )
    )
    add(
        Shape(
            # `package-dir = {"app" = "lib/app"}` makes setuptools install an import hook (checked:
            # `__editable___app_0_1_0_finder.py`): pytest imports `app`, Pylance cannot follow it.
            "setuptools-package-dir-mapping-synced",
            {
                "pyproject.toml": pyproject(
                    backend="setuptools",
                    extra='[tool.setuptools]\npackage-dir = {"app" = "lib/app"}\npackages = ["app"]\n',
                ),
                **src_app("lib"),
            },
            setup=SYNC,
        )
    )
    # A uv workspace member with setuptools' flat layout: `uv sync` installs it through an import
    # hook, so the root's tests resolve under pytest but not in pyright (PD301 names compat mode);
    # with `editable_mode = "compat"` in the root's [tool.uv] the install is a path `.pth` (silent).
    flat_member_root = (
        '[project]\nname = "root"\nversion = "0.1.0"\nrequires-python = ">=3.10"\ndependencies = ["app"]\n\n'
        '[dependency-groups]\ndev = ["pytest>=8"]\n\n[tool.uv.workspace]\nmembers = ["packages/*"]\n\n'
        "[tool.uv.sources]\napp = { workspace = true }\n"
    )
    flat_member = {
        "packages/app/pyproject.toml": pyproject(
            backend="setuptools", extra='[tool.setuptools]\npackages = ["app"]\n'
        ),
        "packages/app/app/__init__.py": "",
        "packages/app/app/core.py": MOD,
        "tests/test_core.py": test_of("app.core"),
    }
    add(
        Shape(
            "setuptools-flat-member-synced", {"pyproject.toml": flat_member_root, **flat_member}, setup=SYNC
        )
    )
    compat = '\n[tool.uv]\nconfig-settings = { editable_mode = "compat" }\n'
    add(
        Shape(
            "setuptools-flat-member-compat-synced",
            {"pyproject.toml": flat_member_root + compat, **flat_member},
            setup=SYNC,
        )
    )

    # --- the Test Explorer's project mode (the Python Environments extension in use) -----------
    # A uv workspace member whose own configuration puts its `src` on sys.path: its own run (project
    # mode, the member listed) imports it, the folder's one run (no configuration at the root) cannot.
    def listed(*paths: str) -> str:
        entries = [
            {"path": p, "envManager": "ms-python.python:venv", "packageManager": "ms-python.python:pip"}
            for p in paths
        ]
        return vscode(**{"python-envs.pythonProjects": entries})

    own_pythonpath = {
        "pyproject.toml": pyproject("mono", extra='[tool.uv.workspace]\nmembers = ["packages/*"]\n'),
        "packages/a/pyproject.toml": pyproject(
            "a", extra='[tool.pytest.ini_options]\npythonpath = ["src"]\n'
        ),
        "packages/a/src/a/__init__.py": "",
        "packages/a/src/a/core.py": MOD,
        "packages/a/tests/test_core.py": test_of("a.core"),
    }
    for mode, name in ((True, "on"), (False, "off")):
        add(
            Shape(
                f"projects-mode-{name}-member-own-pythonpath",
                {**own_pythonpath, ".vscode/settings.json": listed("packages/a")},
                setup=SYNC,
                projects=("packages/a",),
                explorer_projects=mode,
            )
        )
    # Not listed: in project mode the folder's own run collects the member, as one run per folder does.
    add(
        Shape(
            "projects-mode-on-member-unlisted",
            {**own_pythonpath, ".vscode/settings.json": vscode()},
            setup=SYNC,
            projects=("packages/a",),
            explorer_projects=True,
        )
    )
    # Two listed members with the same test module name: each is its own session, no clash.
    same_names = {
        "pyproject.toml": pyproject("mono", extra='[tool.uv.workspace]\nmembers = ["packages/*"]\n'),
        **{
            rel: text
            for m in ("a", "b")
            for rel, text in {
                f"packages/{m}/pyproject.toml": pyproject(
                    m, extra='[tool.pytest.ini_options]\npythonpath = ["src"]\n'
                ),
                f"packages/{m}/src/{m}/__init__.py": "",
                f"packages/{m}/src/{m}/core.py": MOD,
                f"packages/{m}/tests/test_util.py": test_of(f"{m}.core"),
            }.items()
        },
        ".vscode/settings.json": listed("packages/a", "packages/b"),
    }
    add(
        Shape(
            "projects-mode-on-members-same-test-name",
            same_names,
            setup=SYNC,
            projects=("packages/a", "packages/b"),
            explorer_projects=True,
        )
    )
    # A listed project nested in the folder's project, both with `tests/test_util.py`: the folder's own
    # run gets `--ignore=<absolute path>` for it, so the Test Explorer has no clash; plain `pytest`
    # at the root collects both (PD207, fixed by `--ignore=nested` in the root's addopts).
    add(
        Shape(
            "projects-mode-on-nested-project-ignored",
            {
                "pyproject.toml": pyproject(extra='[tool.pytest.ini_options]\npythonpath = ["src"]\n'),
                "src/app/__init__.py": "",
                "src/app/core.py": MOD,
                "tests/test_util.py": test_of("app.core"),
                "nested/pyproject.toml": pyproject(
                    "inner", extra='[tool.pytest.ini_options]\npythonpath = ["src"]\n'
                ),
                "nested/src/inner/__init__.py": "",
                "nested/src/inner/core.py": MOD,
                "nested/tests/test_util.py": test_of("inner.core"),
                ".vscode/settings.json": listed("nested"),
            },
            projects=(".", "nested"),
            explorer_projects=True,
        )
    )
    return shapes


def _with_known(shapes: list[Shape]) -> list[Shape]:
    from tests.truth.known_shapes import KNOWN

    for shape in shapes:
        shape.known = {**KNOWN.get(shape.id, {}), **shape.known}
    return shapes


SHAPES = _with_known(_shapes())
