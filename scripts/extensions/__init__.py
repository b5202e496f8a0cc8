"""Python-Markdown extensions that turn the guide's data into page content.

They run under MkDocs and under Zensical alike, because both hand every page
to Python-Markdown. Links they generate are written relative to `docs/`
(a leading `/`); `DocsLinks` then makes them relative to the page being
rendered ("../get-help.md"), the one form both generators turn into URLs.

Every page's finished HTML must pass the allow-list (scripts/allowlist.py), which
the guard (guard.py) checks last. An extension that must emit something outside
it (the FAQ's JSON-LD <script>) stores that exact block with `guard.trust(md, html)`
and puts the returned placeholder in the tree; a marker line an extension replaces
is a module constant named ...MARKER, which the content check then knows.
"""

from __future__ import annotations

import logging
import posixpath
import re
import xml.etree.ElementTree as etree
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from markdown import Markdown
from markdown.treeprocessors import Treeprocessor

from .. import sources

# Warnings go to MkDocs' logger tree, so `mkdocs build --strict` fails on them.
log = logging.getLogger("mkdocs.extensions.guide")

FENCE = re.compile(r"^\s*(```|~~~)")
INLINE_CODE = re.compile(r"(`+)(.+?)\1")


def outside_code(lines: list[str]) -> Iterator[tuple[int, bool]]:
    """Yield (index, is_prose) for each line, marking lines inside fenced code blocks."""
    fenced = False
    for index, line in enumerate(lines):
        if FENCE.match(line):
            fenced = not fenced
            yield index, False
        else:
            yield index, not fenced


def sub_outside_inline_code(pattern: re.Pattern, replace, line: str) -> str:
    """Apply a substitution to a line, leaving `inline code` untouched."""
    parts = INLINE_CODE.split(line)
    # split() with two groups yields: text, ticks, code, text, ticks, code, ...
    out = []
    for index in range(0, len(parts), 3):
        out.append(pattern.sub(replace, parts[index]))
        if index + 2 < len(parts):
            out.append(parts[index + 1] + parts[index + 2] + parts[index + 1])
    return "".join(out)


def markdown_escape(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>|])", r"\\\1", text)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


@lru_cache(maxsize=8)
def _bibliography(path: Path, _mtime_key: float):
    references, problems = sources.load_bibliography(path)
    for problem in problems:
        log.warning(str(problem))
    return references


@lru_cache(maxsize=8)
def _glossary(path: Path, _mtime_key: float):
    terms, problems = sources.load_glossary(path)
    for problem in problems:
        log.warning(str(problem))
    return terms


def cached_bibliography(path: Path) -> dict[str, sources.Reference]:
    """The bibliography, parsed once per change of the file (a build renders every page)."""
    return _bibliography(path, _mtime(path))


def cached_glossary(path: Path) -> list[sources.Term]:
    return _glossary(path, _mtime(path))


@lru_cache(maxsize=4096)
def _page(path: Path, _mtime_key: float) -> sources.Page | None:
    try:
        return sources.load_page(path)
    except sources.SourceError:
        return None


def site_pages(docs: Path) -> list[sources.Page]:
    """Every page with readable front matter; unreadable ones are the content check's business.

    Each page is read once per change of its file: the References and "What's changed" pages
    both list every page, and `mkdocs serve` rebuilds the site on every save.
    """
    pages = [_page(path, _mtime(path)) for path in sources.content_pages(docs)]
    return [page for page in pages if page is not None]


def docs_link(page: sources.Page, docs: Path) -> str:
    """A link to a page, relative to docs/ (leading slash), that DocsLinks makes relative to the rendered page."""
    return "/" + page.path.relative_to(docs).as_posix()


# --- Links relative to docs/ ----------------------------------------------------


def rendered_page(md: Markdown) -> str | None:
    """The docs-relative path ('guide/side-effects.md') of the page `md` is rendering; None outside a generator."""
    if "relpath" in md.treeprocessors:  # MkDocs registers its link resolver, which knows the page, before converting
        file = getattr(md.treeprocessors["relpath"], "file", None)
        return getattr(file, "src_uri", None)
    if "rendering_context" in md.preprocessors:  # Zensical keeps the page in a preprocessor
        page = getattr(md.preprocessors["rendering_context"], "page", None)
        return getattr(page, "path", None)
    return None


def relative_to_page(target: str, page: str) -> str:
    """'/get-help.md#text' seen from 'guide/side-effects.md' -> '../get-help.md#text'."""
    path, hash_, anchor = target.lstrip("/").partition("#")
    return posixpath.relpath(path, posixpath.dirname(page) or ".") + hash_ + anchor


class DocsLinks(Treeprocessor):
    """Rewrite links relative to docs/ ('/faq.md') as links relative to the page being rendered.

    MkDocs resolves '/faq.md' itself (validation.links.absolute_links: relative_to_docs);
    Zensical 0.0.73 leaves it as is, a broken link. Both resolve '../faq.md'. It runs
    after every other tree processor of the guide and before MkDocs' own link resolver.
    """

    NAME = "guide_docs_links"

    def run(self, root: etree.Element) -> None:
        page = rendered_page(self.md)
        if page is None:
            return
        for element in root.iter():
            attribute = {"a": "href", "img": "src"}.get(element.tag)
            value = element.get(attribute) if attribute else None
            if value and value.startswith("/") and not value.startswith("//"):
                element.set(attribute, relative_to_page(value, page))

    @classmethod
    def register(cls, md: Markdown) -> None:
        if cls.NAME not in md.treeprocessors:
            md.treeprocessors.register(cls(md), cls.NAME, 0.5)
