"""Plain-language scores for a page's body text.

Scores are computed on the rendered article text, not the raw Markdown:
front matter, citations, the page's reference list, tables, code and raw HTML
are removed first, because none of them is prose a reader has to parse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

import markdown
import textstat

from .extensions import regulatory

CITATION = re.compile(r"\s?\[@[^\]]*\]")
MARKER_LINE = re.compile(r"^\[[A-Z-]+\]\s*$", re.M)  # [GLOSSARY], [REFERENCES]...: replaced by generated content
# Block elements whose text is not running prose.
SKIPPED_TAGS = {"table", "pre", "code", "script", "style", "aside", "nav", "figure"}
BLOCK_TAGS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "div", "details", "summary", "dd", "dt", "blockquote"}


@dataclass(frozen=True)
class Scores:
    words: int
    sentences: int
    fk_grade: float
    smog: float
    reading_ease: float


class _ProseExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self._current: list[str] = []
        self._skip_depth = 0

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED_TAGS:
            self._skip_depth += 1
        elif tag in BLOCK_TAGS:
            self._flush()

    def handle_endtag(self, tag):
        if tag in SKIPPED_TAGS:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag in BLOCK_TAGS:
            self._flush()

    def handle_data(self, data):
        if not self._skip_depth:
            self._current.append(data)

    def _flush(self):
        text = " ".join("".join(self._current).split())
        if text:
            # A heading or list item without a full stop is still a unit of its own.
            self.blocks.append(text if text[-1] in ".!?:" else text + ".")
        self._current = []

    def text(self) -> str:
        self._flush()
        return "\n".join(self.blocks)


def prose_from_markdown(body: str) -> str:
    """Return the reader-facing prose of a Markdown body (front matter already removed)."""
    # Statuses from data/regulatory.yaml are read as the sentences the page shows, not as their markers.
    body = "\n".join(regulatory.expand(body.split("\n"), regulatory.cached_statuses(), lambda *_: None))
    body = MARKER_LINE.sub("", CITATION.sub("", body))
    html = markdown.markdown(body, extensions=["admonition", "tables", "attr_list", "md_in_html", "def_list"])
    extractor = _ProseExtractor()
    extractor.feed(html)
    return extractor.text()


def score(text: str) -> Scores:
    return Scores(
        words=textstat.lexicon_count(text),
        sentences=textstat.sentence_count(text),
        fk_grade=round(textstat.flesch_kincaid_grade(text), 1),
        smog=round(textstat.smog_index(text), 1),
        reading_ease=round(textstat.flesch_reading_ease(text), 1),
    )
