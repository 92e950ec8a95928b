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
from pyproj_doctor.text import detect_eol

_HEADER = re.compile(r"\[([^\]]*)\]")
_ENTRY = re.compile(r"([^=:\s][^=:]*?)\s*[=:]\s*(.*)")
_WORD = re.compile(r"\S+")


@dataclass
class IniEntry:
    key: str
    key_start: int
    key_end: int
    value: str
    value_start: int
    value_end: int  # end of the last continuation line (without its line break)

    def words(self) -> list[tuple[str, int, int]]:
        """Whitespace-separated words of the value with their offsets (how pytest splits paths)."""
        return [
            (m.group(), self.value_start + m.start(), self.value_start + m.end())
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
        match = _ENTRY.match(line)
        if match and current is not None:
            key_start = start + match.start(1)
            value_start = start + match.start(2)
            entry = IniEntry(
                match.group(1).strip(),
                key_start,
                key_start + len(match.group(1).strip()),
                match.group(2),
                value_start,
                start + len(line),
            )
            current.entries.append(entry)
            current.body_end = entry.value_end
        else:
            entry = None
    return IniDocument(text, sections)


def add_entry(doc: IniDocument, section: IniSection, key: str, value: str) -> list[TextEdit]:
    """Insert ``key = value`` as the section's last line."""
    return [TextEdit(section.body_end, section.body_end, f"{detect_eol(doc.text)}{key} = {value}")]


def append_word(doc: IniDocument, entry: IniEntry, word: str) -> list[TextEdit]:
    """Add a word at the end of a value (on its last line)."""
    if entry.value.strip() == "":
        return [TextEdit(entry.value_start, entry.value_end, word)]
    return [TextEdit(entry.value_end, entry.value_end, f" {word}")]
