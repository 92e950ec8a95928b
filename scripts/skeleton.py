"""Reduce a git checkout to a skeleton for the truth harness's real-world corpus.

    python scripts/skeleton.py NAME GIT_DIR [REV] > tests/truth/realworld/NAME.json

A skeleton keeps what decides how imports resolve and how pytest and pyright are configured, and
nothing else: every file path; Python modules reduced to their module-level import statements
(regenerated from the syntax tree, so no code is copied); and only the configuration keys the engine
and the tools read (pyproject tables, pytest/tox/setup.cfg sections, .vscode settings and
recommendations, requirements lines, .gitignore patterns, .env PYTHONPATH). Prose, code, data and
licences are dropped.
"""

from __future__ import annotations

import ast
import configparser
import io
import json
import re
import subprocess
import sys
from typing import Any

import tomlkit

PYPROJECT_TABLES = ("build-system", "dependency-groups")
PROJECT_KEYS = ("name", "requires-python", "dependencies", "optional-dependencies", "dynamic")
TOOL_TABLES = (
    "pytest",
    "uv",
    "hatch",
    "poetry",
    "pdm",
    "pyright",
    "basedpyright",
    "setuptools",
    "flit",
    "maturin",
    "tox",
    "scikit-build",
    "ty",
    "pyproj-doctor",
    "ruff",
)
POETRY_KEYS = ("name", "packages", "package-mode", "dependencies", "group", "dev-dependencies", "extras")
RUFF_KEYS = ("src",)
INI_SECTIONS = (
    "pytest",
    "tool:pytest",
    "options",
    "options.packages.find",
    "options.extras_require",
    "tox",
    "tox:tox",
)
TESTENV_KEYS = ("deps", "commands", "usedevelop", "package", "skip_install", "extras", "changedir", "setenv")
KEEP_WHOLE = (".python-version",)
TEXT_CONFIG_SUFFIXES = (".txt", ".in")
MAX_FILES = 4000


def git(git_dir: str, *args: str) -> bytes:
    return subprocess.run(["git", "--git-dir", git_dir, *args], check=True, capture_output=True).stdout


def imports_only(text: str) -> str:
    """The module-level import statements, rebuilt from the syntax tree (also inside top-level try/if)."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return ""
    lines: list[str] = []

    def visit(body: list[ast.stmt], depth: int) -> None:
        for node in body:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                lines.append(ast.unparse(node))
            elif depth == 0 and isinstance(node, ast.Try):
                visit(node.body, 1)
            elif depth == 0 and isinstance(node, ast.If):
                # `if TYPE_CHECKING:` imports are seen by pyright, not at run time: keep them guarded.
                test = ast.unparse(node.test)
                inner: list[str] = []
                for sub in node.body:
                    if isinstance(sub, (ast.Import, ast.ImportFrom)):
                        inner.append("    " + ast.unparse(sub))
                if inner and "TYPE_CHECKING" in test:
                    lines.append("from typing import TYPE_CHECKING\nif TYPE_CHECKING:")
                    lines.extend(inner)

    visit(tree.body, 0)
    return "\n".join(lines) + ("\n" if lines else "")


def install_calls(text: str) -> str:
    """A noxfile's ``session.install(...)`` calls whose arguments are all string literals, rebuilt
    from the syntax tree inside one synthetic function: how the sessions install the project."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return ""
    calls: list[str] = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("install", "conda_install")
            and node.args
            and all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in node.args)
        ):
            call = ast.Call(node.func, node.args, [])
            line = "    " + ast.unparse(call)
            if line not in calls:
                calls.append(line)
    return "\n\ndef installs(session):\n" + "\n".join(calls) + "\n" if calls else ""


def reduce_workflow(text: str) -> str:
    """The shell commands of a CI workflow that install or test the project, one ``run`` step each."""
    commands: list[str] = []
    for line in text.splitlines():
        stripped = line.strip().removeprefix("- ").removeprefix("run:").strip()
        if stripped.startswith("#") or not re.match(
            r"(?:python3? -m |sudo )?(?:pip3?|uv|poetry|pdm|hatch|tox|nox)\b", stripped
        ):
            continue
        wanted = re.search(r"\binstall\b|\bsync\b|\btox\b|\bnox\b|\bhatch (?:test|run)\b", stripped)
        if wanted and stripped not in commands:
            commands.append(stripped)
    return "".join(f"- run: {c}\n" for c in commands[:40])


HATCH_ENV_KEYS = (
    "dependencies",
    "extra-dependencies",
    "skip-install",
    "dev-mode",
    "workspace",
    "features",
    "template",
    "detached",
    "matrix",
)


def reduce_hatch_toml(text: str) -> str:
    """hatch.toml's environments: what each installs (no scripts, no prose)."""
    try:
        data = tomlkit.parse(text).unwrap()
    except Exception:
        return "[\n"
    envs = data.get("envs")
    if not isinstance(envs, dict):
        return ""
    kept = {
        name: {k: v for k, v in env.items() if k in HATCH_ENV_KEYS}
        for name, env in envs.items()
        if isinstance(env, dict)
    }
    return tomlkit.dumps({"envs": kept})


def without_prose(value: Any) -> Any:
    """Drop free-text keys (descriptions) from a config value."""
    if isinstance(value, dict):
        return {
            k: without_prose(v)
            for k, v in value.items()
            if k not in ("description", "readme", "authors", "maintainers", "urls")
        }
    if isinstance(value, list):
        return [without_prose(v) for v in value]
    return value


def reduce_pyproject(text: str) -> str:
    try:
        data = tomlkit.parse(text).unwrap()
    except Exception:
        return "# not valid TOML in the original\n[\n"
    out: dict[str, Any] = {}
    for key in PYPROJECT_TABLES:
        if key in data:
            out[key] = data[key]
    if isinstance(data.get("project"), dict):
        out["project"] = {k: v for k, v in data["project"].items() if k in PROJECT_KEYS}
    raw_tool = data.get("tool")
    tool: dict[str, Any] = raw_tool if isinstance(raw_tool, dict) else {}
    kept: dict[str, Any] = {}
    for key in TOOL_TABLES:
        if key not in tool:
            continue
        value = tool[key]
        if key == "poetry" and isinstance(value, dict):
            value = {k: v for k, v in value.items() if k in POETRY_KEYS}
        if key == "ruff" and isinstance(value, dict):
            value = {k: v for k, v in value.items() if k in RUFF_KEYS}
            if not value:
                continue
        if key == "hatch" and isinstance(value, dict):
            value = {k: v for k, v in value.items() if k in ("build", "envs", "metadata")}
        kept[key] = value
    if kept:
        out["tool"] = kept
    return tomlkit.dumps(without_prose(out))


def reduce_ini(text: str, name: str) -> str:
    parser = configparser.RawConfigParser(interpolation=None, strict=False)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # pytest ini keys keep their case
    try:
        parser.read_string(text)
    except configparser.Error:
        return ""
    out = configparser.RawConfigParser(interpolation=None)
    out.optionxform = str  # type: ignore[assignment,method-assign]
    for section in parser.sections():
        keep_all = section in INI_SECTIONS and (section != "options")
        is_env = section.startswith("testenv")
        if not (keep_all or is_env or section == "options"):
            continue
        out.add_section(section)
        for key, value in parser.items(section):
            if (
                keep_all
                or (is_env and key.lower() in TESTENV_KEYS)
                or (
                    section == "options"
                    and key in ("package_dir", "packages", "install_requires", "tests_require")
                )
            ):
                out.set(section, key, value)
    buffer = io.StringIO()
    out.write(buffer)
    return buffer.getvalue()


def reduce_json(text: str, name: str) -> str:
    sys.path.insert(0, "server")
    from pyproj_doctor.formats import jsonc

    try:
        value = jsonc.parse(text).value()
    except Exception:
        return text if len(text) < 2000 else ""
    if not isinstance(value, dict):
        return json.dumps(value)
    if name.endswith("extensions.json"):
        value = {k: v for k, v in value.items() if k in ("recommendations", "unwantedRecommendations")}
    else:
        value = {k: v for k, v in value.items() if k.split(".")[0] in ("python", "pyright", "basedpyright")}
    return json.dumps(value, indent=2) + "\n"


def reduce_requirements(text: str) -> str:
    lines = [line.split("#", 1)[0].strip() for line in text.splitlines()]
    return "".join(line + "\n" for line in lines if line)


def reduce_env(text: str) -> str:
    return "".join(line + "\n" for line in text.splitlines() if line.strip().startswith("PYTHONPATH"))


def reduce_gitignore(text: str) -> str:
    return "".join(line + "\n" for line in text.splitlines() if line.strip() and not line.startswith("#"))


def reduce(path: str, text: str) -> str | None:
    """The reduced content, or None for a file kept as an empty placeholder."""
    name = path.rsplit("/", 1)[-1]
    if name.endswith((".py", ".pyi")):
        reduced = imports_only(text)
        if name in ("setup.py", "noxfile.py", "tasks.py") and "pytest" in text:
            reduced += "# (the original mentions pytest)\n"
        if name == "noxfile.py":
            reduced += install_calls(text)
        return reduced
    if name == "hatch.toml":
        return reduce_hatch_toml(text)
    if path.startswith(".github/workflows/") and name.endswith((".yml", ".yaml")):
        return reduce_workflow(text)
    if name == "pyproject.toml":
        return reduce_pyproject(text)
    if name in ("pytest.ini", ".pytest.ini", "tox.ini", "setup.cfg"):
        return reduce_ini(text, name)
    if name in ("pytest.toml", ".pytest.toml"):
        try:
            return tomlkit.dumps(tomlkit.parse(text).unwrap())  # values only, comments dropped
        except Exception:
            return "[\n"
    in_vscode = path.startswith(".vscode/") or "/.vscode/" in path
    if name == "pyrightconfig.json" or (in_vscode and name.endswith(".json")):
        return reduce_json(text, name)
    if name.endswith(".code-workspace"):
        return reduce_json(text, name)
    if "requirements" in path and name.endswith(TEXT_CONFIG_SUFFIXES):
        return reduce_requirements(text)
    if name == ".env":
        return reduce_env(text)
    if name == ".gitignore":
        return reduce_gitignore(text)
    if name in KEEP_WHOLE:
        return text.strip() + "\n"
    return None


def skeleton(git_dir: str, rev: str = "HEAD") -> dict[str, Any]:
    listing = git(git_dir, "ls-tree", "-r", "-z", rev).decode().split("\0")
    files: dict[str, str] = {}
    empty: list[str] = []
    for entry in listing:
        if not entry:
            continue
        meta, path = entry.split("\t", 1)
        mode, kind, sha = meta.split()
        if kind != "blob" or mode == "120000":
            continue
        name = path.rsplit("/", 1)[-1]
        wanted = name.endswith((".py", ".pyi")) or reduce(path, "") is not None
        if not wanted:
            empty.append(path)
            continue
        text = git(git_dir, "cat-file", "blob", sha).decode("utf-8", errors="replace")
        reduced = reduce(path, text)
        if reduced:
            files[path] = reduced
        else:
            empty.append(path)
    if len(files) + len(empty) > MAX_FILES:
        # Very large trees: keep every Python and config path, drop other placeholders.
        empty = [p for p in empty if p.endswith((".py", ".pyi", ".rs", ".c", ".pyx"))]
    commit = git(git_dir, "rev-parse", rev).decode().strip()
    return {"commit": commit, "files": dict(sorted(files.items())), "empty": sorted(empty)}


def main() -> int:
    name, git_dir, *rest = sys.argv[1:]
    data = {"name": name, **skeleton(git_dir, rest[0] if rest else "HEAD")}
    sys.stdout.write(json.dumps(data, indent=0, sort_keys=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
