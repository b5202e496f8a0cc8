"""`[@key]` citations: numbered, previewed on hover, listed per page and site-wide.

In a page, `[@murrough2013]` or `[@fava2020; @murrough2013b]` become numbered
footnote references whose footnotes are the formatted bibliography entries,
gathered under a "References" heading at the end of the page. Material's
`content.footnote.tooltips` shows each one on hover.

On the References page, a line holding only `[REFERENCES]` becomes the list of
every cited work with DOI and PubMed links and the pages that cite it.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from pathlib import Path

from markdown import Markdown
from markdown.extensions import Extension
from markdown.extensions.footnotes import FootnoteExtension
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from .. import sources
from . import (INLINE_CODE, DocsLinks, cached_bibliography, docs_link, log, markdown_escape, outside_code, site_pages,
               sub_outside_inline_code)
from .regulatory import rendered_source

CITATION = re.compile(r"\[(@[^\]]*)\]")
KEY = re.compile(r"^\s*@([a-z][a-z0-9]*)\s*$")
MARKER = "[REFERENCES]"
PLACE_MARKER = "///References Go Here///"
REFERENCES_HEADING = "References"


def parse_keys(inner: str) -> list[str] | None:
    """'@a; @b' -> ['a', 'b']; None if the syntax is wrong."""
    keys = []
    for part in inner.split(";"):
        match = KEY.match(part)
        if not match:
            return None
        keys.append(match.group(1))
    return keys


def format_reference(ref: sources.Reference) -> str:
    """One reference as Markdown, in Vancouver style, with its DOI and PubMed links."""
    text = f"{markdown_escape(ref.author_text())} {markdown_escape(ref.title)}. *{markdown_escape(ref.source_text())}*"
    links = []
    if ref.doi:
        links.append(f"[DOI: {markdown_escape(ref.doi)}](https://doi.org/{ref.doi})")
    if ref.pmid:
        links.append(f"[PubMed: {ref.pmid}](https://pubmed.ncbi.nlm.nih.gov/{ref.pmid}/)")
    if ref.url and not ref.doi:
        host = re.sub(r"^https://(www\.)?", "", ref.url).split("/")[0]
        links.append(f"[Source: {host}]({ref.url})")
    return text + (" " + " · ".join(links) if links else "")


class CitationPreprocessor(Preprocessor):
    def __init__(self, md: Markdown, extension: CitationExtension):
        super().__init__(md)
        self.extension = extension

    def run(self, lines: list[str]) -> list[str]:
        references = cached_bibliography(self.extension.bibliography_path)
        cited: list[str] = []

        def replace(match: re.Match) -> str:
            keys = parse_keys(match.group(1))
            if keys is None:
                log.warning("Malformed citation '%s': write [@key] or [@key1; @key2]", match.group(0))
                return match.group(0)
            unknown = [k for k in keys if k not in references]
            if unknown:
                log.warning("Citation key(s) %s not in %s", ", ".join(unknown), sources.display_path(self.extension.bibliography_path))
                return match.group(0)
            for key in keys:
                if key not in cited:
                    cited.append(key)
            return "".join(f"[^{key}]" for key in keys)

        out = list(lines)
        for index, prose in outside_code(lines):
            if not prose:
                continue
            if lines[index].strip() == MARKER:
                out[index:index + 1] = [self.extension.references_page()]
                continue
            out[index] = sub_outside_inline_code(CITATION, replace, lines[index])
        if cited:
            out += ["", f"## {REFERENCES_HEADING}", "", PLACE_MARKER, ""]
            out += [f"[^{key}]: {format_reference(references[key])}" for key in cited]
        return "\n".join(out).split("\n")


class ReferenceListTreeprocessor(Treeprocessor):
    """Keep each page's reference list out of the search index.

    The same titles would otherwise be indexed on every page that cites them, tripling the index
    every reader downloads; the References page indexes each work once.
    """

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            if (element.tag == "div" and "footnote" in element.get("class", "").split()) \
                    or (element.tag == "h2" and (element.text or "").strip() == REFERENCES_HEADING):
                element.set("data-search-exclude", "")


class CitationSeparatorTreeprocessor(Treeprocessor):
    """Write the comma between adjacent citation marks ([@a; @b] -> 1,2) into the second mark.

    A CSS rule (`sup + sup`) cannot do it: sibling selectors skip text, so it also put a comma
    before a mark separated from the previous one by words ("at this dose ,3").
    """

    def run(self, root: etree.Element) -> None:
        for parent in root.iter():
            previous = None
            for child in parent:
                is_mark = child.tag == "sup" and child.get("id", "").startswith("fnref")
                if is_mark and previous is not None and not (previous.tail or "").strip():
                    child.text = "," + (child.text or "")
                previous = child if is_mark else None


class CitationExtension(Extension):
    def __init__(self, **kwargs):
        self.config = {
            "bibliography": [str(sources.BIBLIOGRAPHY), "CSL-YAML bibliography"],
            "docs_dir": [str(sources.DOCS), "folder scanned for citations to list 'cited on' pages"],
        }
        super().__init__(**kwargs)

    @property
    def bibliography_path(self) -> Path:
        return Path(self.getConfig("bibliography"))

    def references_page(self) -> str:
        """Markdown for the site-wide list: every cited work, alphabetical, with the pages citing it."""
        docs = Path(self.getConfig("docs_dir"))
        references = cached_bibliography(self.bibliography_path)
        cited_on: dict[str, list[sources.Page]] = {}
        for page in site_pages(docs):
            # As rendered: citations that data/regulatory.yaml and data/further-info.yaml add count too.
            lines = rendered_source(page.body.split("\n"), page.path.relative_to(docs).as_posix(),
                                    bibliography=self.bibliography_path)
            # Only citations the page renders: not in fenced code or `inline code`.
            prose = "\n".join(INLINE_CODE.sub("", lines[index]) for index, is_prose in outside_code(lines) if is_prose)
            for match in CITATION.finditer(prose):
                for key in parse_keys(match.group(1)) or []:
                    pages = cited_on.setdefault(key, [])
                    if page not in pages:
                        pages.append(page)
        blocks = []
        for key in sorted(cited_on, key=lambda k: (references[k].authors[0].lower(), references[k].year) if k in references else ("", 0)):
            if key not in references:
                continue
            pages = ", ".join(f"[{markdown_escape(str(p.meta.get('title', p.path.stem)))}]({docs_link(p, docs)})"
                              for p in sorted(cited_on[key], key=lambda p: str(p.meta.get("title", ""))))
            blocks.append(f"{format_reference(references[key])}  \nCited on: {pages}\n{{: #{key} .reference }}")
        return "\n\n".join(blocks)

    def extendMarkdown(self, md: Markdown) -> None:
        # Footnotes carry the per-page list; register them here so one extension name does the whole job.
        if "footnote" not in md.treeprocessors:
            FootnoteExtension(PLACE_MARKER=PLACE_MARKER).extendMarkdown(md)
        md.preprocessors.register(CitationPreprocessor(md, self), "guide_citations", 40)
        DocsLinks.register(md)  # the References page's "Cited on" links
        # After the footnotes are placed (footnote, 50) and de-duplicated (15).
        md.treeprocessors.register(ReferenceListTreeprocessor(md), "guide_reference_list", 14)
        md.treeprocessors.register(CitationSeparatorTreeprocessor(md), "guide_citation_separator", 13)


def makeExtension(**kwargs):  # noqa: N802 - Python-Markdown's entry point name
    return CitationExtension(**kwargs)
