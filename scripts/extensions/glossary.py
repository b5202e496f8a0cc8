"""Glossary terms: a tooltip wherever a term appears, and the glossary page itself.

Every phrase listed under a term's `match` in data/glossary.yaml becomes an
abbreviation (`<abbr title="definition">`) that keyboard users can focus;
overrides/assets/tooltips.js shows its definition on hover and focus. Tooltips do
not reach every touch or screen-reader user, so a line holding only
`[GLOSSARY]` becomes the full glossary, one heading (and anchor) per term.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from functools import lru_cache
from pathlib import Path

from markdown import Markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

from .. import sources
from . import _mtime, cached_glossary, markdown_escape, outside_code

MARKER = "[GLOSSARY]"


def glossary_page(terms: list[sources.Term]) -> str:
    """One `##` heading per term, alphabetical; the heading's slug is the term's anchor."""
    blocks = []
    for term in sorted(terms, key=lambda t: t.term.lower()):
        blocks.append(f"## {markdown_escape(term.term)}\n\n{markdown_escape(term.definition)}")
    return "\n\n".join(blocks)


@lru_cache(maxsize=8)
def term_pattern(path: Path, _mtime_key: float) -> tuple[dict[str, str], re.Pattern | None]:
    """Every spelling of every term -> its definition, and one pattern matching any of them as whole
    words, longest first; worked out once per change of the file, not once per page."""
    definitions = {variant: term.definition
                   for term in cached_glossary(path)
                   for phrase in term.match
                   for variant in sorted(sources.match_variants(phrase))}
    if not definitions:
        return definitions, None
    return definitions, re.compile(r"\b" + _trie_pattern(sorted(definitions)) + r"\b")


def _trie_pattern(words: list[str]) -> str:
    """A regular expression for any of `words`, as a trie: one branch per next character instead of
    one alternative per word, so each position of the text is tried once, not once per spelling.
    Longer words win (`ketamine infusion` before `ketamine`), like a longest-first alternation."""
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def pattern(node: dict) -> str:
        ends = "" in node
        branches = [re.escape(char) + pattern(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if ends else body

    return pattern(trie)


class GlossaryPagePreprocessor(Preprocessor):
    def __init__(self, md: Markdown, path: Path):
        super().__init__(md)
        self.path = path

    def run(self, lines: list[str]) -> list[str]:
        out = list(lines)
        for index, prose in outside_code(lines):
            if prose and lines[index].strip() == MARKER:
                out[index:index + 1] = glossary_page(cached_glossary(self.path)).split("\n")
                break
        return out


class GlossaryTooltipsTreeprocessor(Treeprocessor):
    """Wrap the first use of each term in each section in <abbr title="definition" tabindex="0">.

    No tooltips in headings (they would clutter titles and the table of contents), inside links
    (a tooltip inside a link is a second, hidden target) or in reference lists (a work's title is
    quoted as published, and the per-page list and the References page are not prose). Elsewhere a
    term gets its tooltip at its first use in each section, not at every use: a reader who lands on
    a section from search still meets the definition, and the FAQ does not carry hundreds of
    underlines. One pass over the page, in reading order: Python-Markdown's own `abbr` wraps every
    use and would leave most of them to unwrap again.
    """

    PLAIN_CONTAINERS = {"h1", "h2", "h3", "h4", "h5", "h6", "a", "code", "pre", "script", "style"}
    # The per-page reference list (footnotes) and each entry of the References page.
    PLAIN_CLASSES = {"footnote", "reference"}

    def __init__(self, md: Markdown, path: Path):
        super().__init__(md)
        self.path = path

    def run(self, root: etree.Element) -> None:
        self.definitions, self.pattern = term_pattern(self.path, _mtime(self.path))
        if self.pattern is None:
            return
        self.seen: set[str] = set()
        for block in list(root):
            if block.tag == "h2":
                self.seen = set()
            self._visit(block)

    def _plain(self, element: etree.Element) -> bool:
        return element.tag in self.PLAIN_CONTAINERS or bool(self.PLAIN_CLASSES & set(element.get("class", "").split()))

    def _visit(self, element: etree.Element) -> None:
        if self._plain(element):
            return
        text, wrapped = self._wrap(element.text)
        if wrapped:
            element.text = text
            for offset, abbr in enumerate(wrapped):
                element.insert(offset, abbr)
        index = len(wrapped)
        while index < len(element):
            child = element[index]
            self._visit(child)
            tail, wrapped = self._wrap(child.tail)
            if wrapped:
                child.tail = tail
                for offset, abbr in enumerate(wrapped, start=1):
                    element.insert(index + offset, abbr)
            index += 1 + len(wrapped)

    def _wrap(self, text: str | None) -> tuple[str | None, list[etree.Element]]:
        """The text before the first new term, and an <abbr> (its tail the text after) for each new term."""
        if not text or isinstance(text, AtomicString):
            return text, []
        head, wrapped, last = text, [], 0
        for match in self.pattern.finditer(text):
            definition = self.definitions[match.group(0)]
            if definition in self.seen:
                continue
            self.seen.add(definition)
            abbr = etree.Element("abbr", {"title": definition, "tabindex": "0"})  # focusable: keyboard users
            abbr.text = AtomicString(match.group(0))
            if wrapped:
                wrapped[-1].tail = text[last:match.start()]
            else:
                head = text[:match.start()]
            wrapped.append(abbr)
            last = match.end()
        if wrapped:
            wrapped[-1].tail = text[last:]
        return head, wrapped


class GlossaryExtension(Extension):
    def __init__(self, **kwargs):
        self.config = {"glossary": [str(sources.GLOSSARY), "glossary data file"]}
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:
        path = Path(self.getConfig("glossary"))
        md.preprocessors.register(GlossaryPagePreprocessor(md, path), "guide_glossary_page", 41)
        # After inline markup (20), footnotes (50, placed; 15, de-duplicated) and attr_list classes (8).
        md.treeprocessors.register(GlossaryTooltipsTreeprocessor(md, path), "guide_glossary_tooltips", 7)


def makeExtension(**kwargs):  # noqa: N802
    return GlossaryExtension(**kwargs)
