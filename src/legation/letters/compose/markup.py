"""Light Markdown for letter bodies: paragraphs, *emphasis*, **strong**, bullet and numbered lists.

The rendered body is turned into plain data (blocks of runs), which every output takes as it is:
Typst receives it as JSON and sets each run as text, Word as runs, the text output as lines. No
output ever interprets a run as markup, so a recipient's name cannot inject any.

A block is ``{"t": "p", "runs": [...]}`` or ``{"t": "ul" | "ol", "start": 1, "items": [runs...]}``;
a run is ``[text, style]`` with style 0 (plain), 1 (emphasis), 2 (strong) or 3 (both).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from markdown_it import MarkdownIt

EMPHASIS, STRONG = 1, 2

Run = list[Any]  # [text, style]
Block = dict[str, Any]


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return MarkdownIt("zero").enable(["emphasis", "list", "escape", "newline"])


def _runs(children: list[Any]) -> list[Run]:
    runs: list[Run] = []
    style = 0
    for token in children:
        if token.type == "em_open":
            style |= EMPHASIS
        elif token.type == "em_close":
            style &= ~EMPHASIS
        elif token.type == "strong_open":
            style |= STRONG
        elif token.type == "strong_close":
            style &= ~STRONG
        else:
            text = {"softbreak": " ", "hardbreak": "\n"}.get(token.type, token.content)
            if not text:
                continue
            if runs and runs[-1][1] == style:
                runs[-1][0] += text
            else:
                runs.append([text, style])
    return runs


def parse(text: str) -> list[Block]:
    """Blocks of runs from the rendered body (nested lists are flattened into their parent)."""
    blocks: list[Block] = []
    depth = 0
    current_list: Block | None = None
    for token in _parser().parse(text):
        if token.type in ("bullet_list_open", "ordered_list_open"):
            depth += 1
            if depth == 1:
                ordered = token.type == "ordered_list_open"
                start = int(token.attrs.get("start", 1)) if ordered else 1
                current_list = {"t": "ol" if ordered else "ul", "start": start, "items": []}
                blocks.append(current_list)
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
            if depth == 0:
                current_list = None
        elif token.type == "inline":
            runs = _runs(token.children or [])
            if current_list is not None:
                current_list["items"].append(runs)
            else:
                blocks.append({"t": "p", "runs": runs})
    return blocks


def plain(runs: list[Run]) -> str:
    return "".join(text for text, _style in runs)


def to_lines(blocks: list[Block]) -> list[str]:
    """The body as plain text: one line per paragraph, list items marked, blank lines between."""
    out: list[str] = []
    for block in blocks:
        if out:
            out.append("")
        if block["t"] == "p":
            out.append(plain(block["runs"]))
        else:
            for i, item in enumerate(block["items"]):
                mark = f"{block['start'] + i}." if block["t"] == "ol" else "-"
                out.append(f"{mark} {plain(item)}")
    return out


def inline_plain(text: str) -> str:
    """A one-line field (a subject, a closing) with its Markdown escapes and marks removed."""
    blocks = parse(text)
    return " ".join(plain(b["runs"]) for b in blocks if b["t"] == "p").strip()
