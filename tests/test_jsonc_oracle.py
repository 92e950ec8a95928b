"""Our JSONC module against Microsoft's jsonc-parser (npm), the parser inside VS Code.

Parse trees, node offsets and error codes/positions must be identical; after an
edit both must agree on the resulting value (their ``modify`` reformats the
lines it touches, so texts are not compared, only values, and we must keep
every comment).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
from typing import Any

import pytest

from pyproj_doctor.formats import jsonc
from tests.helpers import ROOT
from tests.jsonc_gen import document

ORACLE = ROOT / "tests" / "oracle" / "jsonc_oracle.js"

HAND_WRITTEN = [
    "",
    "   ",
    "{}",
    "[]",
    "// only a comment",
    "{ // only a comment }",
    "{\n  // c\n}",
    '{"a": 1,}',
    '{"a": 1,,}',
    "[1,,2]",
    "[,]",
    '{"a" 1}',
    '{"a": }',
    '{"a": 1 "b": 2}',
    '{"a": "unterminated',
    '{"a": "line\nbreak"}',
    '{"a": "tab\there"}',
    '{"a": "\\x"}',
    '{"a": "\\u12"}',
    '{"a": 01}',
    '{"a": 1.}',
    '{"a": 1e}',
    '{"a": -}',
    '{"a": .5}',
    '{"a": tru}',
    '{"a": True}',
    "{'a': 1}",
    '{"a": 1} /* open',
    '{"a": 1} /*',
    "/",
    '{"a": 1}}',
    "[1] 2",
    '{"a": [1, 2}',
    '{"a": {"b": 1]',
    '{\r\n\t"a": [\r\n\t\t1\r\n\t]\r\n}\r\n',
    '{"files.exclude": {"**/*.pyc": true, "**/__pycache__": true}}',
    '{"u": "http://x/*y*/ // z"}',
    '{"😀": "😀", "b": [1]}',
    '{"a": 1, // c\n "b": 2}',
    '{"a": /* c */ 1}',
    '\ufeff{"a": 1}',
    '{"a": 1}\n// trailing\n',
    '{"a": null, "b": false, "c": -0.5e-3}',
]


def node_available() -> bool:
    return shutil.which("node") is not None and (ROOT / "node_modules" / "jsonc-parser").is_dir()


pytestmark = pytest.mark.skipif(
    not node_available() and not os.environ.get("CI"),
    reason="needs node and `npm ci` (always run in CI)",
)


def oracle(request: dict[str, Any]) -> dict[str, Any]:
    completed = subprocess.run(
        ["node", str(ORACLE)],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        timeout=120,
    )
    return json.loads(completed.stdout)  # type: ignore[no-any-return]


def utf16_offsets(text: str) -> list[int]:
    """Code-point offset -> UTF-16 offset (JavaScript string indices)."""
    table = [0]
    for ch in text:
        table.append(table[-1] + (2 if ord(ch) > 0xFFFF else 1))
    return table


def ours(text: str) -> dict[str, Any]:
    doc = jsonc.parse(text)
    table = utf16_offsets(text)

    def at(offset: int) -> int:
        # Error tokens may end past the text (an unterminated comment): keep the overshoot.
        return table[offset] if offset < len(table) else table[-1] + offset - len(text)

    def plain(node: jsonc.Node | None) -> Any:
        if node is None:
            return None
        out: dict[str, Any] = {
            "type": node.type,
            "offset": at(node.offset),
            "length": at(node.end) - at(node.offset),
        }
        if node.type not in ("object", "array", "property"):
            out["value"] = node.value
        if node.colon_offset >= 0:
            out["colonOffset"] = at(node.colon_offset)
        if node.type in ("object", "array", "property"):
            out["children"] = [plain(child) for child in node.children]
        return out

    errors = [[int(e.code), at(e.offset), at(e.offset + e.length) - at(e.offset)] for e in doc.errors]
    return {"tree": plain(doc.root), "errors": errors}


def normalise(value: Any) -> Any:
    """JavaScript has one number type: compare numbers as floats."""
    if isinstance(value, dict):
        return {k: normalise(v) for k, v in value.items()}
    if isinstance(value, list):
        return [normalise(v) for v in value]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return value


def corpus() -> list[str]:
    texts = list(HAND_WRITTEN)
    for seed in range(250):
        texts.append(document(seed)[0])
    rng = random.Random(7)
    for seed in range(250, 400):
        text = document(seed)[0]
        if text:
            cut = rng.randrange(len(text))
            # Damage the document: drop or duplicate a character.
            text = text[:cut] + text[cut + 1 :] if rng.random() < 0.5 else text[:cut] + text[cut] + text[cut:]
        texts.append(text)
    return texts


def test_parse_trees_and_errors_match_jsonc_parser() -> None:
    texts = corpus()
    answers = oracle({"parse": texts})["parse"]
    mismatches = []
    for text, answer in zip(texts, answers):
        mine = ours(text)
        theirs = {"tree": answer["tree"], "errors": answer["errors"]}
        if normalise(mine) != normalise(theirs):
            mismatches.append((text, mine, theirs))
    assert not mismatches, mismatches[:3]


def modify_jobs() -> list[dict[str, Any]]:
    jobs: list[dict[str, Any]] = []
    rng = random.Random(11)
    for seed in range(150):
        text, value, _ = document(seed)
        if not isinstance(value, dict):
            continue
        keys = list(value)
        choice = rng.random()
        if keys and choice < 0.3:
            jobs.append({"text": text, "path": [rng.choice(keys)], "remove": True})
        elif keys and choice < 0.6 and isinstance(value[keys[-1]], list):
            jobs.append({"text": text, "path": [keys[-1], -1], "value": "./src", "append": True})
        else:
            jobs.append({"text": text, "path": ["python.testing.pytestArgs"], "value": ["tests", {"x": [1]}]})
    jobs.append({"text": '{\n    "a": 1 // c\n}', "path": ["b"], "value": True})
    jobs.append({"text": '{"r": ["x"]}', "path": ["r", -1], "value": "y", "append": True})
    jobs.append({"text": "", "path": ["a", "b"], "value": [1]})
    return jobs


def test_edit_results_match_jsonc_parser_modify() -> None:
    jobs = modify_jobs()
    answers = oracle({"modify": [{k: v for k, v in job.items() if k != "append"} for job in jobs]})["modify"]
    for job, answer in zip(jobs, answers):
        text = job["text"]
        path = tuple(job["path"])
        if job.get("remove"):
            edits = jsonc.remove_value(text, path)
        elif job.get("append"):
            edits = jsonc.append_to_array(text, path[:-1], job["value"])
        else:
            edits = jsonc.set_value(text, path, job["value"])
        result = jsonc.apply(text, edits)
        parsed = jsonc.parse(result)
        assert parsed.ok, (text, result)
        assert answer["errors"] == 0
        assert normalise(parsed.value()) == normalise(answer["value"]), (text, result, answer["text"])
        before = [text[s:e] for s, e in jsonc.parse(text).comments]
        after = [result[s:e] for s, e in parsed.comments]
        removed = text[edits[-1].start : edits[-1].end] if job.get("remove") and edits else ""
        for comment in before:
            assert comment in after or comment in removed, (comment, result)
