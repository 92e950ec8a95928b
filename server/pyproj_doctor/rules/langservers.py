"""PD404: two Python language servers turned on at once in one folder."""

from __future__ import annotations

from collections.abc import Iterator

from pyproj_doctor.findings import Finding, Severity
from pyproj_doctor.rules.base import Context, rule
from pyproj_doctor.rules.extensions import TYPE_CHECKERS
from pyproj_doctor.workspace.langserver import LANGUAGE_SERVER, Signal, detect


def _label(folder_dir: str) -> str:
    return "the workspace folder" if folder_dir == "." else f"folder `{folder_dir}`"


@rule(
    "PD404",
    "two-language-servers",
    Severity.INFORMATION,
    "Two Python language servers are turned on at once in one folder",
)
def PD404(ctx: Context) -> Iterator[Finding]:
    """``python.languageServer`` set to ``"Pylance"``, ``"Default"`` or
    ``"Jedi"`` runs that server; a recommended basedpyright, ty or Pyrefly
    extension, or settings of one (``basedpyright.*``, ``ty.*``,
    ``pyrefly.*``), turn that one on beside it. Two servers analyse the same
    files with different search paths and rules: every unresolved import and
    every completion comes twice, and a search-path fix written for one does
    not reach the other. Reported at the recommendation or setting that turns
    the second server on. Keeping one is the team's choice, so there is no
    automatic fix: set ``python.languageServer`` to ``"None"`` to keep the
    other server, or drop its recommendation and settings. Two recommended
    type checkers alone are PD403's."""
    ws = ctx.ws
    for folder in ws.folders:
        servers = detect(ws, folder)
        named = servers.python_ls
        # The server already running: the Python extension's when named, else the first other one.
        first: tuple[str, Signal] | None = None
        if named is not None and servers.python_extension_server is not None:
            first = (servers.python_extension_server, named)
        for signal in servers.others:
            if first is None:
                first = (signal.server, signal)
                continue
            if signal.kind == "extension" and first[1].kind == "extension" and _pd403_pair(ctx, signal):
                continue  # two recommended type checkers: PD403 reports them
            name, other = first
            yield PD404.at(
                signal.path,
                ctx.range(signal.path, signal.span),
                f"{signal.what}, which turns {signal.server}'s language server on for "
                f"{_label(folder.dir)} beside {name} ({other.what}): both analyse the same files "
                "with their own search paths and rules, so unresolved imports and completions come "
                f"twice and a search-path fix for one does not reach the other. Keep one: set "
                f'`{LANGUAGE_SERVER}` to "None" to keep {signal.server}, or remove this '
                f"{'recommendation' if signal.kind == 'extension' else 'setting'}.",
                related=(ctx.related(other.path, other.span, f"{name} is turned on here"),),
            )


def _pd403_pair(ctx: Context, signal: Signal) -> bool:
    """A recommendation that shares its list with another type checker's: PD403 reports it."""
    doc = ctx.ws.settings_doc(signal.path)
    prefix = tuple(str(p) for p in signal.json_path[:-2])
    array = doc.find((*prefix, "recommendations")) if doc is not None else None
    if array is None or array.type != "array":
        return False
    ids = {str(i.value).lower() for i in array.children if i.type == "string"}
    return len(ids & set(TYPE_CHECKERS)) > 1
