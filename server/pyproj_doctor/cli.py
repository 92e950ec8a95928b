"""``pyproj-doctor``: the engine as a command for terminals, CI and pre-commit.

Exit status: 0 when nothing is at or above ``--fail-on``, 1 when something is,
2 for a usage error, a path or file that cannot be read, or a refused write.
This module must stay light to import: no pygls, no LSP types.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING, Callable, NoReturn, TextIO

from pyproj_doctor import __version__
from pyproj_doctor.findings import Applicability, Finding, Severity

if TYPE_CHECKING:
    from pyproj_doctor.engine import FixResult, Options
    from pyproj_doctor.fixes.apply import Outcome

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        sys.stderr.write(f"pyproj-doctor: error: {message}\n")
        raise SystemExit(EXIT_ERROR)


def _codes(value: str) -> list[str]:
    return [c.strip().upper() for c in value.split(",") if c.strip()]


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="pyproj-doctor",
        description="Find why imports are unresolved or tests are not discovered, and fix it.",
    )
    parser.add_argument("--version", action="version", version=f"pyproj-doctor {__version__}")
    parser.add_argument("--explain", metavar="CODE", help="explain a rule and exit")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    check = sub.add_parser("check", help="check projects (default: the current folder)")
    check.add_argument(
        "paths", nargs="*", default=["."], metavar="PATH", help="project folders (default: the current one)"
    )
    check.add_argument(
        "--format",
        choices=("text", "json", "sarif", "github"),
        default="text",
        help="text lines (default), a JSON list, SARIF 2.1.0, or GitHub workflow annotations",
    )
    mode = check.add_mutually_exclusive_group()
    mode.add_argument("--fix", action="store_true", help="apply every safe fix, then report what is left")
    mode.add_argument("--diff", action="store_true", help="print the fixes as a unified diff; write nothing")
    _add_unsafe(check)
    _add_selection(check)
    _add_pylance(check)
    _add_projects(check)
    check.add_argument(
        "--fail-on",
        choices=[s.label for s in Severity],
        default=None,
        help="lowest severity that makes the exit status 1 (default: warning)",
    )
    check.add_argument(
        "--no-cache",
        action="store_true",
        help="neither read nor write the cache of test-module imports (.pyproj-doctor_cache)",
    )
    check.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour the text format (default: only on a terminal, and not when NO_COLOR is set)",
    )

    rules = sub.add_parser("rules", help="list the rules, or explain some")
    rules.add_argument("codes", nargs="*", metavar="CODE")
    rules.add_argument("--format", choices=("text", "json"), default="text")

    configure = sub.add_parser("configure", help="apply the full recommended setup to a project")
    configure.add_argument("path", nargs="?", default=".", metavar="PATH")
    configure.add_argument("--diff", action="store_true", help="show what would change; write nothing")
    _add_unsafe(configure)
    _add_selection(configure)
    _add_pylance(configure)
    _add_projects(configure)

    explain = sub.add_parser(
        "explain", help="whether an import resolves under plain pytest, the Test Explorer, Pylance and uv"
    )
    explain.add_argument("target", metavar="PATH:LINE", help="a Python file and the line of an import")
    explain.add_argument("--format", choices=("text", "json"), default="text")
    _add_projects(explain)

    sub.add_parser("lsp", help="serve the language server over stdio")
    return parser


def _add_unsafe(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--unsafe-fixes",
        action="store_true",
        help="also apply unsafe fixes (creating __init__.py, removing settings or extensions, "
        "changing the interpreter)",
    )


def _pylance_version(text: str) -> str:
    from pyproj_doctor.workspace.extra_globs import not_a_version, parse_version

    if parse_version(text) is None:
        raise argparse.ArgumentTypeError(not_a_version(text))
    return text.strip()


def _add_pylance(parser: argparse.ArgumentParser) -> None:
    # The command line cannot see the editor's Pylance: unless told, extraPaths fixes write the
    # list every version reads, never a glob.
    parser.add_argument(
        "--pylance-version",
        type=_pylance_version,
        default=None,
        metavar="VERSION",
        help="the Pylance the team uses (its extension version): extraPaths fixes then write a glob "
        "such as packages/*/src where that Pylance expands it and it names exactly the same folders",
    )


def _add_projects(parser: argparse.ArgumentParser) -> None:
    # The command line sees neither the installed extensions nor the user's settings, which decide
    # whether the Test Explorer runs each project on its own (see workspace/test_projects.py).
    parser.add_argument(
        "--test-explorer-projects",
        choices=("on", "off"),
        default=None,
        help="whether the team's Test Explorer runs each project on its own (the Python Environments "
        "extension in use: python.useEnvironmentsExtension); unless told, only the repository's own "
        "`false` turns it off, and no run is predicted for the tests of a listed project",
    )


def _projects_mode(args: argparse.Namespace) -> bool | None:
    value = getattr(args, "test_explorer_projects", None)
    return None if value is None else value == "on"


def _add_selection(parser: argparse.ArgumentParser) -> None:
    # Repeated flags accumulate, as ruff's do: `--select PD2 --select PD3` selects both.
    parser.add_argument(
        "--select",
        type=_codes,
        action="extend",
        default=None,
        metavar="CODES",
        help="only these codes or prefixes (comma-separated, repeatable)",
    )
    parser.add_argument(
        "--ignore",
        type=_codes,
        action="extend",
        default=None,
        metavar="CODES",
        help="skip these codes or prefixes (comma-separated, repeatable)",
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.explain:
            return _rules([args.explain], "text", sys.stdout)
        if args.command == "rules":
            return _rules(args.codes, args.format, sys.stdout)
        if args.command == "configure":
            return _configure(args)
        if args.command == "lsp":
            return _lsp()
        if args.command == "explain":
            return _explain(args.target, args.format, _projects_mode(args))
        if args.command is None:
            args = parser.parse_args(["check", *(argv if argv is not None else sys.argv[1:])])
        return _check(args)
    except _UsageError as error:
        sys.stderr.write(f"pyproj-doctor: error: {error}\n")
        return EXIT_ERROR
    except BrokenPipeError:
        return EXIT_OK
    except KeyboardInterrupt:
        return 130


def _lsp() -> int:
    try:
        from pyproj_doctor.lsp.server import serve
    except ImportError as error:  # pygls missing from a stripped-down install
        sys.stderr.write(f"pyproj-doctor: error: the language server is not available: {error}\n")
        return EXIT_ERROR
    serve()
    return EXIT_OK


def _rules(codes: Sequence[str], fmt: str, out: TextIO) -> int:
    from pyproj_doctor.rules import BY_CODE, RULES

    wanted = [c.upper() for c in codes]
    unknown = [c for c in wanted if c not in BY_CODE]
    if unknown:
        sys.stderr.write(f"pyproj-doctor: error: unknown rule {', '.join(unknown)}\n")
        return EXIT_ERROR
    selected = [BY_CODE[c] for c in wanted] if wanted else list(RULES)
    if fmt == "json":
        import json

        out.write(
            json.dumps(
                [
                    {
                        "code": r.code,
                        "name": r.name,
                        "severity": r.severity.label,
                        "summary": r.summary,
                        "explanation": r.explanation,
                        "fixable": r.fixable,
                        "fix": r.fix.value if r.fix is not None else None,
                    }
                    for r in selected
                ],
                indent=2,
            )
            + "\n"
        )
        return EXIT_OK
    if wanted:
        for r in selected:
            fix = f"{r.fix.value} fix" if r.fix is not None else "no automatic fix"
            out.write(
                f"{r.code} {r.name} ({r.severity.label}, {fix})\n\n{r.summary}.\n\n{_wrap(r.explanation)}\n\n"
            )
        return EXIT_OK
    for r in selected:
        marker = {None: " ", Applicability.SAFE: "*", Applicability.UNSAFE: "!"}[r.fix]
        out.write(f"{r.code} {marker} {r.severity.label:<11} {r.name:<38} {r.summary}\n")
    out.write(
        "\n* has a safe fix (`check --fix`), ! an unsafe one (`check --fix --unsafe-fixes`)."
        " `pyproj-doctor rules CODE` explains a rule.\n"
    )
    return EXIT_OK


def _wrap(text: str) -> str:
    import textwrap

    # The explanations quote code reStructuredText-style (``x``); one backtick reads better here.
    return textwrap.fill(text.replace("``", "`"), width=88)


def _options(args: argparse.Namespace) -> Options:
    from pyproj_doctor.engine import Options
    from pyproj_doctor.rules import known

    for key in ("select", "ignore"):
        for code in getattr(args, key) or []:
            if not known(code):
                raise _UsageError(f"--{key}: unknown rule or prefix {code!r}")
    fail_on = getattr(args, "fail_on", None)
    return Options(
        select=tuple(args.select or ()),
        ignore=tuple(args.ignore or ()),
        fail_on=Severity.parse(fail_on) if fail_on else None,
        cache=not getattr(args, "no_cache", False),
        pylance_version=getattr(args, "pylance_version", None),
        test_explorer_projects=_projects_mode(args),
    )


class _UsageError(Exception):
    pass


def _explain(target: str, fmt: str, projects: bool | None = None) -> int:
    import json

    from pyproj_doctor import explain, output

    path, sep, number = target.rpartition(":")
    if not sep or not path or not number.isdigit() or int(number) < 1:
        raise _UsageError(f"{output.clean(target)}: expected PATH:LINE (a line number from 1)")
    absolute = os.path.abspath(path)
    if not os.path.isfile(absolute):
        problem = "no such file" if not os.path.exists(absolute) else "not a file"
        raise _UsageError(f"{output.clean(path)}: {problem}")
    root = explain.workspace_root(absolute)
    rel = os.path.relpath(os.path.realpath(absolute), os.path.realpath(root)).replace(os.sep, "/")
    try:
        items = explain.explain_in(root, rel, int(number), projects=projects)
    except explain.ExplainError as error:
        message = str(error).replace(rel, path, 1) if str(error).startswith(rel) else str(error)
        raise _UsageError(output.clean(message)) from None
    if fmt == "json":
        sys.stdout.write(json.dumps([i.to_json() for i in items], indent=2) + "\n")
    else:
        sys.stdout.write(explain.text_table(items))
    return EXIT_OK


def _root_error(path: str) -> str | None:
    if not os.path.exists(path):
        return f"{path}: no such file or folder"
    if not os.path.isdir(path):
        return f"{path}: not a folder (pass the project folder)"
    if not os.access(path, os.R_OK | os.X_OK):
        return f"{path}: permission denied"
    return None


def _check(args: argparse.Namespace) -> int:
    from pyproj_doctor import engine, output

    base = _options(args)
    colour = args.color == "always" or (
        args.color == "auto" and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    )
    status = EXIT_OK
    results: list[tuple[str, list[Finding]]] = []
    diffs: list[str] = []
    for label in args.paths:
        problem = _root_error(label)
        if problem:
            sys.stderr.write(f"pyproj-doctor: error: {output.clean(problem)}\n")
            status = EXIT_ERROR
            continue
        try:
            if args.fix:
                compute = partial(engine.fix_all, label, base, unsafe=args.unsafe_fixes)
                result, outcome = _fix_and_write(label, compute)
                report = result.report
            elif args.diff:
                result = engine.fix_all(label, base, unsafe=args.unsafe_fixes)
                report = result.report
            else:
                report = engine.check(label, base)
                engine.save_cache(report)
        except LockTimeout:
            sys.stderr.write(f"pyproj-doctor: error: {output.clean(label)}: {LOCKED}\n")
            status = EXIT_ERROR
            continue
        except engine.ConfigError as error:
            sys.stderr.write(
                f"{output.display_path(label, error.path)}: error: {output.clean(error.message)}\n"
            )
            status = EXIT_ERROR
            continue
        if args.fix or args.diff:
            for path, reason in result.blocked:
                sys.stderr.write(
                    f"{output.display_path(label, path)}: error: not fixed: {output.clean(reason)}\n"
                )
                status = EXIT_ERROR
            if args.diff:
                diff = _diff(label, result)
                diffs.append(diff)
                if diff and status == EXIT_OK:
                    status = EXIT_FINDINGS
            else:
                for path, reason in outcome.failures:
                    sys.stderr.write(f"{output.display_path(label, path)}: error: {output.clean(reason)}\n")
                    status = EXIT_ERROR
                if args.format == "text":
                    # Only what was really written: a refused or failed write is reported above.
                    for path in outcome.written:
                        verb = "created" if path in outcome.created else "fixed"
                        sys.stderr.write(f"{verb} {output.display_path(label, path)}\n")
        for problem_item in report.problems:
            where, what = output.display_path(label, problem_item.path), output.clean(problem_item.message)
            sys.stderr.write(f"{where}: error: {what}\n")
            status = EXIT_ERROR
        findings = report.findings
        results.append((label, findings))
        if any(f.severity >= report.options.threshold for f in findings) and status == EXIT_OK:
            status = EXIT_FINDINGS
    combined = "".join(diffs) if args.diff else None
    _print(args.format, results, colour, combined, failed=status == EXIT_ERROR, unsafe=args.unsafe_fixes)
    return status


LOCKED = "another pyproj-doctor run kept this folder locked for a minute; nothing written"


class LockTimeout(Exception):
    pass


def _fix_and_write(label: str, compute: Callable[[], FixResult]) -> tuple[FixResult, Outcome]:
    """Compute the fixes and write them under the workspace lock.

    A file that changed on disk between reading and writing (the user saved, or
    another program wrote) is not overwritten: the fixes are computed again from
    the new content, a few times at most, then the file is reported.
    """
    from pyproj_doctor.fixes import apply

    written: set[str] = set()
    created: set[str] = set()
    try:
        with apply.workspace_lock(label):
            for _attempt in range(3):
                result = compute()
                before = {f.path: f.before.raw if f.before is not None else None for f in result.files}
                after = {f.path: f.after.raw for f in result.files}
                outcome = apply.write_result(label, before, after)
                written.update(outcome.written)
                created.update(outcome.created)
                if not outcome.changed:
                    break
    except apply.LockTimeout:
        raise LockTimeout(label) from None
    outcome.written, outcome.created = sorted(written), sorted(created)
    return result, outcome


def _print(
    fmt: str,
    results: list[tuple[str, list[Finding]]],
    colour: bool,
    diff: str | None,
    failed: bool,
    unsafe: bool = False,
) -> None:
    """One document on stdout for json and sarif (the diff inside it); for text and github,
    the diff on stdout and the findings after it (text: on stderr, as ruff does with --diff)."""
    from pyproj_doctor import output

    out = sys.stdout
    if fmt == "json":
        out.write(output.to_json(results, diff) + "\n")
        return
    if fmt == "sarif":
        out.write(output.to_sarif(results, diff) + "\n")
        return
    if diff is not None:
        out.write(output.clean_diff(diff))
    if fmt == "github":
        for label, findings in results:
            for item in findings:
                out.write(output.github_line(label, item) + "\n")
        return
    stream = out if diff is None else sys.stderr
    all_findings = [f for _, findings in results for f in findings]
    for label, findings in results:
        for item in findings:
            stream.write(output.text_line(label, item, colour, unsafe) + "\n")
            for line in output.detail_lines(label, item):
                stream.write(line + "\n")
    if all_findings or not failed:  # "All checks passed." would be false after an error
        stream.write(output.summary(all_findings, colour, unsafe) + "\n")


def _diff(label: str, result: FixResult) -> str:
    import difflib

    from pyproj_doctor import output

    chunks: list[str] = []
    for changed in result.files:
        path = changed.path
        old = changed.before.raw if changed.before is not None else None
        shown = output.clean(path if os.path.isabs(label) else output.raw_path(label, path))
        old_lines = output.lines(old or "")
        new_lines = output.lines(changed.after.raw)
        fromfile = "/dev/null" if old is None else f"a/{shown}"
        lines = list(difflib.unified_diff(old_lines, new_lines, fromfile, f"b/{shown}"))
        if not lines:  # a new empty file (``__init__.py``) has no hunk, only its header
            lines = [f"--- {fromfile}\n", f"+++ b/{shown}\n"]
        for line in lines:
            chunks.append(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n")
    return "".join(chunks)


def _configure(args: argparse.Namespace) -> int:
    from pyproj_doctor import engine, output

    base = _options(args)
    label = args.path
    problem = _root_error(label)
    if problem:
        sys.stderr.write(f"pyproj-doctor: error: {output.clean(problem)}\n")
        return EXIT_ERROR
    try:
        if args.diff:
            result = engine.fix_all(label, base, unsafe=args.unsafe_fixes)
        else:
            result, outcome = _fix_and_write(
                label, partial(engine.fix_all, label, base, unsafe=args.unsafe_fixes)
            )
    except engine.ConfigError as error:
        sys.stderr.write(f"{output.display_path(label, error.path)}: error: {output.clean(error.message)}\n")
        return EXIT_ERROR
    except LockTimeout:
        sys.stderr.write(f"pyproj-doctor: error: {output.clean(label)}: {LOCKED}\n")
        return EXIT_ERROR
    status = EXIT_OK
    for problem_item in result.report.problems:
        where, what = output.display_path(label, problem_item.path), output.clean(problem_item.message)
        sys.stderr.write(f"{where}: error: {what}\n")
        status = EXIT_ERROR
    for path, reason in result.blocked:
        sys.stderr.write(f"{output.display_path(label, path)}: error: not fixed: {output.clean(reason)}\n")
        status = EXIT_ERROR
    if args.diff:
        diff = _diff(label, result)
        sys.stdout.write(output.clean_diff(diff))
        # Changes to make exit 1, as with `check --diff` (an error's 2 wins).
        return EXIT_FINDINGS if diff and status == EXIT_OK else status
    for path, reason in outcome.failures:
        sys.stderr.write(f"{output.display_path(label, path)}: error: {output.clean(reason)}\n")
        status = EXIT_ERROR
    if not result.files and status == EXIT_OK:
        sys.stdout.write("Nothing to change: the project already has the recommended setup.\n")
    for item in result.applied if not outcome.failures else []:
        sys.stdout.write(f"{item.code} {output.clean(item.fix.description) if item.fix else ''}\n")
    unsafe = [f for f in result.report.findings if f.fix is not None and not f.fix.allowed(args.unsafe_fixes)]
    if unsafe:
        sys.stdout.write(f"{len(unsafe)} unsafe fix(es) not applied (add --unsafe-fixes to apply them):\n")
        for item in unsafe:
            sys.stdout.write(f"{item.code} {output.clean(item.fix.description) if item.fix else ''}\n")
    remaining = [f for f in result.report.findings if f.severity >= Severity.WARNING]
    if remaining:
        sys.stdout.write(f"{len(remaining)} finding(s) need a decision only you can make:\n")
        for item in remaining:
            sys.stdout.write(output.text_line(label, item, colour=False) + "\n")
    return status


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
