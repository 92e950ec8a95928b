"""The import scanner reads exactly what ``ast`` reads, without compiling anything."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from pyproj_doctor.formats import pyimports
from tests import pyimports_oracle as oracle
from tests.test_corpus import SHAPES

REALWORLD = Path(__file__).parent / "truth" / "realworld"


def ours(text: str) -> list[oracle.Row]:
    return [(i.module, i.level, i.line, i.start, i.end) for i in pyimports.scan(text).imports]


def our_tests(text: str) -> list[str]:
    return [d.name for d in pyimports.collectable_tests(text, pyimports.scan(text))]


def assert_same(text: str) -> None:
    assert ours(text) == oracle.imports(text), text
    assert our_tests(text) == oracle.collectable(text), text


EDGE_CASES = [
    "import os\n",
    "import os, my_app.sub as s\nfrom café import x\n",
    "import a . b as c, d\n",
    "import a.\\\n    b\n",
    "import \\\n  a, \\\n  b\n",
    "from . import x\nfrom .. import y\nfrom ...pkg.mod import z\nfrom .import w\nfrom.import v\nfrom ....a import b\n",
    "from a import (\n    b,  # a comment with 'quotes\n    c,\n)\n",
    "from x import *\n",
    "x = 1; import a; import b\n",
    "if True: import inline\n",
    "try: import fast\nexcept ImportError: import slow\nelse: pass\nfinally: import always\n",
    "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from app.models import Model\n",
    "def f():\n    import inner\n    def g():\n        from deeper import h\n",
    "class C:\n    import in_class\n    def m(self):\n        import in_method\n",
    "x = 'import no'\ny = \"from no import no\"\n# import no\n",
    '"""\nimport no\n"""\nimport yes\n',
    "'''\nfrom no import no\n'''\nfrom yes import yes\n",
    "x = '\"\"\"'\nimport yes\ny = \"'''\"\nimport also\n",
    "x = 'a\\\nimport no'\nimport yes\n",
    'x = "a\\\\"\nimport yes\n',
    "x = r'\\'import no'\nimport yes\n",
    'x = """a\\"""import no"""\nimport yes\n',
    "x = ''''import no'''\nimport yes\n",
    "x = ''\nimport yes\n",
    "x = f'{y!r:>{width}} import no'\nimport yes\n",
    "x = f\"{'import no'}\" f'{\"from no import no\"}'\nimport yes\n",
    "x = rf'\\{y}' + F'{{import no}}'\nimport yes\n",
    "x = f'\\N{DIGIT ONE}{y}'\nimport yes\n",
    "def g():\n    yield from gen()\n    raise E from None\n",
    "x = (a,\n     b)\nfrom\\\n  mod import name\n",
    "import os\r\nfrom sys import path\r\nx = 'a\\\r\nimport no'\r\n",
    "# -*- coding: utf-8 -*-\nimport ñandú.sub as n\n",
    "import ﬁle\n",  # NFKC: Python names this module "file"
    "importer = 1\nfromage = 2\nx.import_ = 3\nimport_ = 4\n",
    "if x:\n\timport tabbed\n",
    "def test_a(): pass\nclass TestB: pass\nclass TestC(unittest.TestCase): pass\n",
    "class TestCase(object):\n    def test_method(self): pass\n",
    "if True:\n    def test_under_if(): pass\nelse:\n    class TestUnderElse: pass\n",
    "def helper():\n    def test_nested(): pass\nfor x in y:\n    def test_in_for(): pass\n",
    "class A:\n    x = (\n1)\n    def test_method(self): pass\ndef test_top(): pass\n",
    "def helper():\n    s = '''\ndef test_in_string(): pass\n'''\n    return s\n",
    "async def test_async(): pass\n",
    "## def test_commented(self): pass\n#\tclass TestCommented: pass\n",
    "class TestMeta(Base, metaclass=TestCaseMeta): pass\n",
    "class TestX(\n    unittest.TestCase,  # comment\n):\n    def test_y(self): pass\n",
    "@decorator\ndef test_decorated(): pass\n",
    "if a:\n    pass\n    def test_a(): pass\ndef helper():\n    if b:\n        pass\n    def test_b(): pass\n",
]


@pytest.mark.parametrize("text", EDGE_CASES)
def test_edge_cases_match_ast(text: str) -> None:
    assert_same(text)


def test_edge_cases_find_what_they_say() -> None:
    """Not only the same as ast: the cases above contain real imports and no false ones."""
    for text in EDGE_CASES:
        for module, *_ in ours(text):
            assert "no" not in module.split("."), text
    assert [r[0] for r in ours("import ﬁle\n")] == ["file"]
    assert ours("from ...pkg.mod import z\n") == [("pkg.mod", 3, 0, 8, 15)]
    assert ours("import a.\\\n    b\n") == [("a.b", 0, 0, 7, 8)]


def test_python_312_fstrings_nest_quotes() -> None:
    """PEP 701 f-strings (3.12+) may reuse their quotes and hold comments inside fields."""
    text = 'x = f"{d["import no"]}"\nimport yes\ny = f"{f"{f"{1}"}"}"\nz = f"{a # c\n}"\nimport also\nw = f\'\'\'{\n  y  # comment\n}\'\'\'\nimport last\n'
    assert [r[0] for r in ours(text)] == ["yes", "also", "last"]


def corpus_modules() -> list[tuple[str, str]]:
    return [
        (f"{shape.name}: {path}", text)
        for shape in SHAPES
        for path, text in shape.files.items()
        if path.endswith(".py")
    ]


@pytest.mark.parametrize(("where", "text"), corpus_modules(), ids=[w for w, _ in corpus_modules()])
def test_corpus_modules_match_ast(where: str, text: str) -> None:
    assert_same(text)


def realworld_modules() -> list[tuple[str, str]]:
    """The Python files of truth's real-world skeletons (paths, import lines, definitions)."""
    modules: list[tuple[str, str]] = []
    for skeleton in sorted(REALWORLD.glob("*.json")):
        files = json.loads(skeleton.read_text(encoding="utf-8")).get("files", {})
        modules.extend(
            (f"{skeleton.stem}/{path}", text) for path, text in files.items() if path.endswith(".py")
        )
    return modules


def test_realworld_skeletons_match_ast() -> None:
    modules = realworld_modules()
    assert len(modules) > 100  # truth's skeletons of real repositories are present
    checked = 0
    for where, text in modules:
        try:
            ast.parse(text)
        except SyntaxError:
            continue  # a skeleton of a deliberately broken file
        assert ours(text) == oracle.imports(text), where
        assert our_tests(text) == oracle.collectable(text), where
        checked += 1
    assert checked > 100


def test_deep_nesting_does_not_recurse() -> None:
    depth = 20_000
    nested = "".join(" " * i + "if x:\n" for i in range(depth)) + " " * depth + "import deep\n"
    assert [r[0] for r in ours(nested)] == ["deep"]
    brackets = "x = " + "(" * depth + ")" * depth + "\nimport after\n"
    assert [r[0] for r in ours(brackets)] == ["after"]
    fields = "x = " + "f'{" * 300 + "1" + "}'" * 300 + "\nimport after\n"
    assert [r[0] for r in ours(fields)] == ["after"]
    defs = (
        "".join(" " * i + f"def f{i}():\n" for i in range(2000)) + " " * 2000 + "pass\ndef test_top(): pass\n"
    )
    assert our_tests(defs) == ["test_top"]


@given(st.text(alphabet=st.sampled_from(list("ifmportdeclas \t\n\r\\'\"#{}()[]:;.,=fr_xé")), max_size=300))
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
def test_any_text_is_read_without_error(text: str) -> None:
    module = pyimports.scan(text)
    list(pyimports.collectable_tests(text, module))
    for item in module.imports:
        assert 0 <= item.start <= item.end


# ---------------------------------------------------------------- generated modules
NAMES = st.sampled_from(["os", "a", "b2", "my_app", "café", "pytest", "importer", "fromage", "defs", "_x"])
BLANK = st.sampled_from([" ", "  ", "\t", " \\\n  ", " \\\n"])


@st.composite
def dotted(draw: st.DrawFn) -> str:
    parts = draw(st.lists(NAMES, min_size=1, max_size=3))
    seps = [draw(st.sampled_from([".", " . ", ".\\\n  "])) for _ in parts[1:]]
    return parts[0] + "".join(s + p for s, p in zip(seps, parts[1:]))


@st.composite
def import_statement(draw: st.DrawFn) -> str:
    if draw(st.booleans()):
        items = [
            draw(dotted()) + (f" as {draw(NAMES)}" if draw(st.booleans()) else "")
            for _ in range(draw(st.integers(1, 3)))
        ]
        return "import" + draw(BLANK) + ("," + draw(BLANK)).join(items)
    dots = "." * draw(st.integers(0, 3))
    module = draw(dotted()) if not dots or draw(st.booleans()) else ""
    names = draw(st.lists(NAMES, min_size=1, max_size=3))
    if draw(st.booleans()):
        comment = draw(st.sampled_from(["", "  # 'quote \" import x"]))
        body = "(\n    " + f",{comment}\n    ".join(names) + ",\n)"
    else:
        body = ", ".join(names)
    space = draw(BLANK) if module or not dots else draw(st.sampled_from(["", " "]))
    return f"from{draw(BLANK) if not dots else draw(st.sampled_from(['', ' ']))}{dots}{module}{space}import {body}"


TRICKY_TEXT = st.lists(
    st.sampled_from(["import x", "from y import z", "#", "'", '"', "\\\\", "{{", "}}", "a", " ", "é"]),
    max_size=6,
).map("".join)


@st.composite
def string_literal(draw: st.DrawFn) -> str:
    quote = draw(st.sampled_from(["'", '"', "'''", '"""']))
    prefix = draw(st.sampled_from(["", "r", "b", "rb", "Rb", "u", "f", "rf", "F", "fR"]))
    body = ""
    for _ in range(draw(st.integers(0, 4))):
        piece = draw(TRICKY_TEXT)
        other = '"' if quote[0] == "'" else "'"
        piece = piece.replace(quote[0], other if len(quote) == 1 else quote[0])
        if "f" in prefix.lower() and draw(st.booleans()):
            inner = draw(
                st.sampled_from(
                    ["x", "x!r", "x:>10", "x:{w}", f"{other}import no{other}", "d[0]", "x=", "{1: 2}[1]"]
                )
            )
            if "b" not in prefix.lower():
                piece += "{" + inner + "}"
        if len(quote) == 3 and draw(st.booleans()):
            piece += "\n"
        elif draw(st.integers(0, 5)) == 0:
            piece += "\\\n"
        body += piece
    if "b" in prefix.lower():
        body = body.encode("ascii", "ignore").decode()
    if "r" in prefix.lower():
        body = body.replace("\\\\", "").replace("\\\n", "\n" if len(quote) == 3 else "")
    body = body.replace("\\" + quote[0], quote[0] + " ") if "r" not in prefix.lower() else body
    if body.endswith("\\") or (len(quote) == 3 and body.endswith(quote[0])):
        body += " "
    if "f" in prefix.lower():
        body = body.replace("{{", "").replace("}}", "")
    return prefix + quote + body + quote


@st.composite
def simple_statement(draw: st.DrawFn) -> str:
    kind = draw(st.integers(0, 6))
    if kind <= 1:
        return draw(import_statement())
    if kind == 2:
        return "x = " + draw(string_literal())
    if kind == 3:
        return (
            "call(\n    "
            + draw(string_literal())
            + ",  # import nothing\n    "
            + draw(string_literal())
            + ")"
        )
    if kind == 4:
        return "x = " + draw(string_literal()) + "; " + draw(import_statement())
    if kind == 5:
        return draw(st.sampled_from(["pass", "raise E from None", "y = 1 + \\\n    2", "z = [\n1,\n]"]))
    return "# " + draw(TRICKY_TEXT)


HEADERS = [
    "if TYPE_CHECKING:",
    "try:",
    "def helper():",
    "def test_a():",
    "async def test_b():",
    "class TestC:",
    "class TestD(unittest.TestCase):",
    "class Plain(Base):",
    "with ctx:",
    "for i in range(3):",
]


@st.composite
def module_source(draw: st.DrawFn) -> str:
    lines: list[str] = []
    depth = 0
    for _ in range(draw(st.integers(1, 14))):
        if depth and draw(st.integers(0, 3)) == 0:
            depth = draw(st.integers(0, depth - 1))
        if draw(st.integers(0, 3)) == 0 and depth < 6:
            header = draw(st.sampled_from(HEADERS))
            lines.append("    " * depth + header)
            if header == "try:":
                lines.append("    " * (depth + 1) + draw(simple_statement()).replace("\n", "\n"))
                lines.append("    " * depth + "except ImportError:")
            depth += 1
            if header.startswith(("def", "async def")) and draw(st.booleans()):
                lines.append("    " * depth + "yield from gen()")
        statement = draw(simple_statement())
        lines.append("    " * depth + statement)
    text = "\n".join(lines) + "\n"
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    return text


@given(module_source())
@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]
)
@example("import os\n")
def test_generated_modules_match_ast(text: str) -> None:
    try:
        ast.parse(text)
    except SyntaxError:
        assume(False)
    assert_same(text)
