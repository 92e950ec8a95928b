"""What ``ast`` and ``tokenize`` say about a module's imports and test definitions: the oracle for pyimports."""

from __future__ import annotations

import ast
import io
import tokenize

Row = tuple[str, int, int, int, int]  # module, level, line, start column, end column


def imports(text: str) -> list[Row]:
    """Every import in ``text`` with the position of its module name, in source order."""
    tree = ast.parse(text)
    tokens = [t for t in tokenize.generate_tokens(io.StringIO(text).readline)]
    at = {t.start: i for i, t in enumerate(tokens)}
    lines = text.split("\n")

    def column(lineno: int, byte_offset: int) -> int:
        return len(lines[lineno - 1].encode("utf-8")[:byte_offset].decode("utf-8"))

    def dotted(index: int) -> tuple[int, int, int]:
        first = tokens[index]
        last = first
        while (
            index + 2 < len(tokens)
            and tokens[index + 1].string == "."
            and tokens[index + 2].type == tokenize.NAME
        ):
            index += 2
            last = tokens[index]
        end = last.end[1] if last.end[0] == first.start[0] else first.end[1]
        return first.start[0] - 1, first.start[1], end

    rows: list[Row] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                index = at[(alias.lineno, column(alias.lineno, alias.col_offset))]
                rows.append((alias.name, 0, *dotted(index)))
        elif isinstance(node, ast.ImportFrom):
            index = at[(node.lineno, column(node.lineno, node.col_offset))] + 1
            first_dot = tokens[index]
            while tokens[index].string in (".", "..."):
                index += 1
            if node.module is None:
                line, col = first_dot.start
                rows.append(("", node.level, line - 1, col, col))
            else:
                rows.append((node.module, node.level, *dotted(index)))
    rows.sort(key=lambda r: (r[2], r[3]))
    return rows


def collectable(text: str) -> list[str]:
    """Names of ``def test*`` / ``class Test*`` (bases without ``TestCase``) outside any def or class."""
    found: list[tuple[int, str]] = []
    todo: list[list[ast.stmt]] = [ast.parse(text).body]
    while todo:
        for node in todo.pop():
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                if node.name.startswith("test"):
                    found.append((node.lineno, node.name))
            elif isinstance(node, ast.ClassDef):
                if node.name.startswith("Test"):
                    bases = [*node.bases, *(k.value for k in node.keywords)]
                    if not any("TestCase" in ast.unparse(b) for b in bases):
                        found.append((node.lineno, node.name))
            else:
                for name in ("body", "orelse", "finalbody"):
                    todo.append(getattr(node, name, []))
                todo.extend(h.body for h in getattr(node, "handlers", []))
                todo.extend(c.body for c in getattr(node, "cases", []))
    return [name for _, name in sorted(found)]
