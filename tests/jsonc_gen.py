"""Random JSONC documents: JSON values written with random whitespace, comments and trailing commas."""

from __future__ import annotations

import json
import random
from typing import Any

COMMENTS = ["// note", "/* block */", "/* multi\n   line */", "// http://example.com/*x*/", "/**/"]
SPACES = ["", " ", "  ", "\t", "\n", "\r\n", "\n    "]


def gap(rng: random.Random, comments: list[str]) -> str:
    """Whitespace, sometimes with a comment (line comments always end their line)."""
    out = rng.choice(SPACES)
    if rng.random() < 0.3:
        comment = rng.choice(COMMENTS)
        comments.append(comment)
        out += comment + ("\n" if comment.startswith("//") else rng.choice(["", " "]))
    return out + rng.choice(["", " "])


def render(value: Any, rng: random.Random, comments: list[str]) -> str:
    if isinstance(value, dict):
        parts = [
            gap(rng, comments)
            + json.dumps(k, ensure_ascii=rng.random() < 0.5)
            + gap(rng, comments)
            + ":"
            + gap(rng, comments)
            + render(v, rng, comments)
            + gap(rng, comments)
            for k, v in value.items()
        ]
        body = ",".join(parts)
        if parts and rng.random() < 0.3:
            body += "," + gap(rng, comments)
        return "{" + body + gap(rng, comments) + "}"
    if isinstance(value, list):
        parts = [gap(rng, comments) + render(v, rng, comments) + gap(rng, comments) for v in value]
        body = ",".join(parts)
        if parts and rng.random() < 0.3:
            body += "," + gap(rng, comments)
        return "[" + body + gap(rng, comments) + "]"
    return json.dumps(value, ensure_ascii=rng.random() < 0.5)


def random_value(rng: random.Random, depth: int = 0) -> Any:
    kind = rng.random()
    if depth < 3 and kind < 0.3:
        return {random_key(rng): random_value(rng, depth + 1) for _ in range(rng.randint(0, 4))}
    if depth < 3 and kind < 0.5:
        return [random_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    scalars: list[Any] = [
        True,
        False,
        None,
        rng.randint(-1000, 1000),
        rng.choice([0.5, -2.25, 1e10, 3.0]),
        random_key(rng),
    ]
    return rng.choice(scalars)


def random_key(rng: random.Random) -> str:
    return rng.choice(
        ["a", "python.analysis.extraPaths", "**/*.pyc", "http://x", 'q"uote', "é", "😀", "t\tab", "", "k" * 5]
    )


def document(seed: int) -> tuple[str, Any, list[str]]:
    rng = random.Random(seed)
    value = random_value(rng)
    comments: list[str] = []
    text = gap(rng, comments) + render(value, rng, comments) + gap(rng, comments)
    return text, value, comments
