"""INI files as pytest reads them (``pytest.ini``, ``tox.ini``, ``setup.cfg``), with positions.

pytest uses ``iniconfig``: ``[section]`` headers, ``key = value`` or
``key: value``, continuation lines indented, ``#``/``;`` comment lines. We
record offsets of headers, keys and values so findings can point at them and
fixes can add a line or a word without rewriting the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pyproj_doctor.findings import TextEdit
from pyproj_doctor.text import Word, detect_eol

_HEADER = re.compile(r"\[([^\]]*)\]")
_SEPARATOR = re.compile(r"[=:]")
_LEADING_SPACE = re.compile(r"\s*")
_WORD = re.compile(r"\S+")


@dataclass
class IniEntry:
    key: str
    key_start: int
    key_end: int
    value: str
    value_start: int
    value_end: int  # end of the last continuation line (without its line break)

    def words(self) -> list[Word]:
        """Whitespace-separated words of the value with their offsets (how pytest splits paths)."""
        return [
            Word(m.group(), self.value_start + m.start(), self.value_start + m.end())
            for m in _WORD.finditer(self.value)
        ]


@dataclass
class IniSection:
    name: str
    header_start: int
    header_end: int
    body_end: int  # end of the last non-blank line of the section
    entries: list[IniEntry] = field(default_factory=list)

    def get(self, key: str) -> IniEntry | None:
        found = None
        for entry in self.entries:
            if entry.key == key:
                found = entry
        return found


@dataclass
class IniDocument:
    text: str
    sections: list[IniSection]

    def section(self, name: str) -> IniSection | None:
        for section in self.sections:
            if section.name == name:
                return section
        return None


def parse(text: str) -> IniDocument:
    sections: list[IniSection] = []
    current: IniSection | None = None
    entry: IniEntry | None = None
    offset = 0
    for raw in text.splitlines(keepends=True):
        line = raw.rstrip("\r\n")
        start = offset
        offset += len(raw)
        stripped = line.strip()
        if not stripped or stripped[0] in "#;":
            continue
        if line[0] in " \t" and entry is not None:
            # Continuation of the previous value.
            entry.value = text[entry.value_start : start + len(line)]
            entry.value_end = start + len(line)
            if current is not None:
                current.body_end = entry.value_end
            continue
        header = _HEADER.match(line)
        if header and line[0] == "[":
            current = IniSection(header.group(1).strip(), start, start + header.end(), start + len(line))
            sections.append(current)
            entry = None
            continue
        split = _split_entry(line)
        if split is not None and current is not None:
            key, value_at = split
            entry = IniEntry(
                key,
                start,
                start + len(key),
                line[value_at:],
                start + value_at,
                start + len(line),
            )
            current.entries.append(entry)
            current.body_end = entry.value_end
        else:
            entry = None
    return IniDocument(text, sections)


def _split_entry(line: str) -> tuple[str, int] | None:
    """``key = value`` or ``key: value``: the key and where the value starts.

    Found with one linear search for the separator: a regex with a lazy key
    followed by optional spaces is quadratic on a long line without one.
    """
    if line[0] in "=:" or line[0].isspace():
        return None
    found = _SEPARATOR.search(line)
    if found is None:
        return None
    key = line[: found.start()].rstrip()
    value_at = _LEADING_SPACE.match(line, found.end())
    assert value_at is not None
    return key, value_at.end()


def add_entry(doc: IniDocument, section: IniSection, key: str, value: str) -> list[TextEdit]:
    """Insert ``key = value`` as the section's last line."""
    return [TextEdit(section.body_end, section.body_end, f"{detect_eol(doc.text)}{key} = {value}")]


def append_word(doc: IniDocument, entry: IniEntry, word: str) -> list[TextEdit]:
    """Add a word at the end of a value (on its last line)."""
    if entry.value.strip() == "":
        return [TextEdit(entry.value_start, entry.value_end, word)]
    return [TextEdit(entry.value_end, entry.value_end, f" {word}")]
