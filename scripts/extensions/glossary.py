"""Glossary terms: a tooltip wherever a term appears, and the glossary page itself.

Every phrase listed under a term's `match` in data/glossary.yaml becomes an
abbreviation (Python-Markdown's `abbr`) that keyboard users can focus;
docs/assets/tooltips.js shows its definition on hover and focus. Tooltips do
not reach every touch or screen-reader user, so a line holding only
`[GLOSSARY]` becomes the full glossary, one heading (and anchor) per term.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from markdown import Markdown
from markdown.extensions import Extension
from markdown.extensions.abbr import AbbrExtension
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

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
def definitions(path: Path, _mtime_key: float) -> tuple[tuple[str, str], ...]:
    """Every spelling of every term -> its definition; worked out once per change of the file,
    not once per page (MkDocs sets up the extensions again for every page)."""
    return tuple((variant, term.definition)
                 for term in cached_glossary(path)
                 for phrase in term.match
                 for variant in sorted(sources.match_variants(phrase)))


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
    """Keep the tooltips a reader needs and drop the rest.

    No tooltips in headings (they would clutter titles and the table of contents), inside links
    (a tooltip inside a link is a second, hidden target) or in reference lists (a work's title is
    quoted as published, and the per-page list and the References page are not prose). Elsewhere a term gets its tooltip at its
    first use in each section, not at every use: a reader who lands on a section from search still
    meets the definition, and the FAQ does not carry hundreds of underlines and tooltip handlers.
    """

    PLAIN_CONTAINERS = {"h1", "h2", "h3", "h4", "h5", "h6", "a"}
    # The per-page reference list (footnotes) and each entry of the References page.
    PLAIN_CLASSES = {"footnote", "reference"}

    def run(self, root):
        parents = {child: parent for parent in root.iter() for child in parent}
        seen: set[str] = set()
        for block in list(root):
            if block.tag == "h2":
                seen = set()
            for element in list(block.iter()):
                if element.tag != "abbr" or element not in parents:
                    continue
                title = element.get("title", "")
                if title in seen or self._inside_plain_container(element, parents):
                    self._unwrap(parents[element], element)
                else:
                    seen.add(title)
                    element.set("tabindex", "0")  # a keyboard user reaches the definition by focusing the term

    def _inside_plain_container(self, element, parents) -> bool:
        node = parents.get(element)
        while node is not None:
            if node.tag in self.PLAIN_CONTAINERS or self.PLAIN_CLASSES & set(node.get("class", "").split()):
                return True
            node = parents.get(node)
        return False

    @staticmethod
    def _unwrap(parent, element):
        """Replace <abbr>text</abbr> with its text, keeping the surrounding text in order."""
        index = list(parent).index(element)
        text = (element.text or "") + (element.tail or "")
        parent.remove(element)
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
        AbbrExtension(glossary=dict(definitions(path, _mtime(path)))).extendMarkdown(md)
        md.preprocessors.register(GlossaryPagePreprocessor(md, path), "guide_glossary_page", 41)
        md.treeprocessors.register(UnwrapTooltipsTreeprocessor(md), "guide_glossary_unwrap", 6.5)


def makeExtension(**kwargs):  # noqa: N802
    return GlossaryExtension(**kwargs)
