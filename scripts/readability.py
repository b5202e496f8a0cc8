"""Plain-language scores for a page's body text.

Scores are computed on the rendered article text, not the raw Markdown:
front matter, citations, the page's reference list, tables, code and raw HTML
are removed first, because none of them is prose a reader has to parse.
"""

from __future__ import annotations

import html as html_lib
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


def prose_from_html(html: str) -> str:
    extractor = _ProseExtractor()
    extractor.feed(html)
    return extractor.text()


def expand_statuses(body: str) -> str:
    """Statuses from data/regulatory.yaml are read as the sentences the page shows, not as their markers."""
    if "[STATUS" not in body and "[REGULATORY-STATUS" not in body:
        return body
    return "\n".join(regulatory.expand(body.split("\n"), regulatory.cached_statuses(), lambda *_: None))


def prose_from_markdown_rendered(body: str) -> str:
    """The prose as Python-Markdown renders it: the reference the fast reading below is tested against."""
    body = MARKER_LINE.sub("", CITATION.sub("", expand_statuses(body)))
    return prose_from_html(markdown.markdown(body, extensions=["admonition", "tables", "attr_list", "md_in_html", "def_list"]))


FENCE = re.compile(r"^\s*(```|~~~)")
SKIPPED_LINE = re.compile(r"^\s*(\||<|!!!|\?\?\?|\[\^|\{:|--8<--|[-*_=]{3,}\s*$|\[[^\]]+\]:\s)")
ADMONITION_TITLE = re.compile(r'^\s*[!?]{3}\+?\s+[\w-]+(?:\s+[\w-]+)*\s+"([^"]+)"')
LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
INLINE_CODE = re.compile(r"(`+).+?\1")
IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
LINK = re.compile(r"\[([^\[\]]*)\](?:\([^)]*\)|\[[^\]]*\])")
ATTR_LIST = re.compile(r"\{:?[^{}\n]*\}")
EMPHASIS = re.compile(r"[*_]{1,3}")
HTML_TAG = re.compile(r"<[^>\n]*>")


def prose_from_markdown(body: str) -> str:
    """Return the reader-facing prose of a Markdown body (front matter already removed).

    Read line by line, in linear time, rather than rendered: rendering every page with
    Python-Markdown was most of the content check's time. Tables, code, raw HTML,
    admonition titles, footnotes and markers are left out, as the rendered reading did;
    each heading, list item and paragraph is one unit, ending with a full stop.
    """
    blocks: list[str] = []
    current: list[str] = []
    fenced = False

    def flush() -> None:
        text = " ".join(" ".join(current).split())
        if text:
            blocks.append(text if text[-1] in ".!?:" else text + ".")
        current.clear()

    for line in MARKER_LINE.sub("", CITATION.sub("", expand_statuses(body))).split("\n"):
        if FENCE.match(line):
            fenced = not fenced
            flush()
            continue
        if fenced:
            continue
        stripped = line.strip()
        title = ADMONITION_TITLE.match(line)
        if title:  # the box's title is read, as its rendered <p class="admonition-title"> was
            flush()
            current.append(title.group(1))
            flush()
            continue
        if not stripped or SKIPPED_LINE.match(line):
            flush()
            continue
        if stripped.startswith("#") or LIST_ITEM.match(line) or stripped.startswith(":   "):
            flush()
            line = LIST_ITEM.sub("", line.lstrip("#").lstrip(": "), count=1)
            current.append(line)
            if stripped.startswith("#"):
                flush()
            continue
        current.append(line)
    flush()
    text = "\n".join(blocks)
    text = INLINE_CODE.sub("", text)
    text = IMAGE.sub("", text)
    text = LINK.sub(r"\1", text)
    text = ATTR_LIST.sub("", text)
    text = HTML_TAG.sub("", text)
    text = EMPHASIS.sub("", text)
    return html_lib.unescape(text)


def score(text: str) -> Scores:
    return Scores(
        words=textstat.lexicon_count(text),
        sentences=textstat.sentence_count(text),
        fk_grade=round(textstat.flesch_kincaid_grade(text), 1),
        smog=round(textstat.smog_index(text), 1),
        reading_ease=round(textstat.flesch_reading_ease(text), 1),
    )
