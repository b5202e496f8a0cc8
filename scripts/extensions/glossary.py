"""Glossary terms: a tooltip wherever a term appears, and the glossary page itself.

Every phrase listed under a term's `match` in data/glossary.yaml becomes an
abbreviation (Python-Markdown's `abbr`), which Material's `content.tooltips`
shows as a tooltip. Tooltips do not reach touch or screen-reader users, so a
line holding only `[GLOSSARY]` becomes the full glossary, one heading (and
anchor) per term.
"""

from __future__ import annotations

from pathlib import Path

from markdown import Markdown
from markdown.extensions import Extension
from markdown.extensions.abbr import AbbrExtension
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from .. import sources
from . import cached_glossary, markdown_escape, outside_code

MARKER = "[GLOSSARY]"


def glossary_page(terms: list[sources.Term]) -> str:
    """One `##` heading per term, alphabetical; the heading's slug is the term's anchor."""
    blocks = []
    for term in sorted(terms, key=lambda t: t.term.lower()):
        blocks.append(f"## {markdown_escape(term.term)}\n\n{markdown_escape(term.definition)}")
    return "\n\n".join(blocks)


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


class UnwrapTooltipsTreeprocessor(Treeprocessor):
    """No tooltips in headings (they would clutter titles and the table of contents) or inside links
    (a tooltip inside a link is a second, hidden target)."""

    PLAIN_CONTAINERS = {"h1", "h2", "h3", "h4", "h5", "h6", "a"}

    def run(self, root):
        for container in root.iter():
            if container.tag in self.PLAIN_CONTAINERS:
                self._unwrap(container)

    def _unwrap(self, parent):
        for index in range(len(parent) - 1, -1, -1):
            child = parent[index]
            self._unwrap(child)
            if child.tag != "abbr":
                continue
            text = (child.text or "") + (child.tail or "")
            parent.remove(child)
            if index == 0:
                parent.text = (parent.text or "") + text
            else:
                parent[index - 1].tail = (parent[index - 1].tail or "") + text


class GlossaryExtension(Extension):
    def __init__(self, **kwargs):
        self.config = {"glossary": [str(sources.GLOSSARY), "glossary data file"]}
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:
        path = Path(self.getConfig("glossary"))
        definitions = {
            variant: term.definition
            for term in cached_glossary(path)
            for phrase in term.match
            for variant in sorted(sources.match_variants(phrase))
        }
        AbbrExtension(glossary=definitions).extendMarkdown(md)
        md.preprocessors.register(GlossaryPagePreprocessor(md, path), "guide_glossary_page", 41)
        md.treeprocessors.register(UnwrapTooltipsTreeprocessor(md), "guide_glossary_unwrap", 6.5)


def makeExtension(**kwargs):  # noqa: N802
    return GlossaryExtension(**kwargs)
