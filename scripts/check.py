"""The content check: every rule a content pull request must pass, reported as `path:line:column: CODE message (fix)`.

It reads the sources directly (no site build), so it runs in well under two
seconds and can name the exact line of each problem. The rule catalogue, with
one example per code, is in CONTRIBUTING.md.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import unquote, urlsplit

from . import readability, sources
from .extensions import citations, crisis, glossary, regulatory
from .sources import Problem

MAX_FK_GRADE = 8.0
MAX_SMOG = 11.0
MIN_SCORED_WORDS = 80  # below this, readability formulas are noise; short pages are still checked for everything else

HYPE = re.compile(r"\b(miracles?|miraculous|breakthroughs?|game[- ]chang(?:er|ers|ing)|cures?|cured|curing|100 ?% safe|"
                  r"life[- ]chang(?:ing|er)|revolutionary)\b", re.I)
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
ATTR_ID = re.compile(r"\{[^}]*#([\w-]+)[^}]*\}")
LINK = re.compile(r"(!?)\[((?:[^\[\]]|\[[^\]]*\])*)\]\(\s*<?([^)\s>]*)>?(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)")
# A reference-style link definition: '[label]: target "title"'.
LINK_DEFINITION = re.compile(r"^ {0,3}\[(?!\^)[^\]]+\]:\s*<?([^\s>]+)")
HTML_TAG = re.compile(r"<\s*(/?)\s*([a-zA-Z][\w-]*)([^>]*)>")
DANGEROUS_TAGS = {"script", "iframe", "object", "embed", "frame", "frameset", "applet", "base", "form", "meta", "link", "style"}
EVENT_HANDLER = re.compile(r"\bon[a-z]+\s*=", re.I)
JAVASCRIPT_URL = re.compile(r"(?:href|src|action|formaction|xlink:href)\s*=\s*[\"']?\s*(?:javascript|vbscript|data):", re.I)
RESOURCE_ATTR = re.compile(r"\b(src|srcset|poster|data|background)\s*=\s*[\"']?\s*((?:https?:)?//[^\s\"'>]+)", re.I)
IMG_TAG = re.compile(r"<img\b[^>]*>", re.I)
ALT_ATTR = re.compile(r"\balt\s*=\s*(?:([\"'])(.*?)\1|([^\s\"'>]+))", re.I | re.S)


@dataclass
class PageInfo:
    """What other pages may link to: a page's anchors."""

    anchors: set[str] = field(default_factory=set)


def prose_lines(body: str) -> Iterable[tuple[int, str]]:
    """(offset, line) for body lines outside fenced code, with inline code blanked out."""
    fenced = False
    for offset, line in enumerate(body.split("\n")):
        if re.match(r"^\s*(```|~~~)", line):
            fenced = not fenced
            continue
        if not fenced:
            yield offset, re.sub(r"(`+).+?\1", lambda m: " " * len(m.group(0)), line)


def heading_text(raw: str) -> str:
    text = citations.CITATION.sub("", raw)
    text = ATTR_ID.sub("", text)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"[*_`]", "", text)
    return text.strip()


def page_anchors(page: sources.Page, terms: list[sources.Term], cited: set[str]) -> set[str]:
    """Anchors the built page will have: heading slugs (deduplicated like toc), {#ids}, generated ones."""
    anchors: set[str] = set()
    counts: dict[str, int] = {}

    def add_heading(text: str) -> None:
        slug = sources.slugify(text)
        if slug in counts:
            counts[slug] += 1
            slug = f"{slug}_{counts[slug]}"
        else:
            counts[slug] = 0
        anchors.add(slug)

    for _, line in prose_lines(page.body):
        stripped = line.strip()
        heading = HEADING.match(line)
        if heading:
            explicit = ATTR_ID.search(heading.group(2))
            if explicit:
                anchors.add(explicit.group(1))
            else:
                add_heading(heading_text(heading.group(2)))
        elif stripped == glossary.MARKER:
            for term in sorted(terms, key=lambda t: t.term.lower()):
                add_heading(term.term)
        elif stripped == citations.MARKER:
            anchors |= cited
        elif stripped == crisis.MARKER:
            data, _ = sources.load_crisis()
            for region in data.regions if data else ():
                add_heading(region.name)
        anchors |= set(ATTR_ID.findall(line)) if not heading else set()
        for key_match in citations.CITATION.finditer(line):
            anchors |= {f"fn:{key}" for key in citations.parse_keys(key_match.group(1)) or []}
    return anchors


class Checker:
    def __init__(self, docs: Path = sources.DOCS, today: dt.date | None = None, readability_checks: bool = True):
        self.docs = docs
        self.today = today or dt.date.today()
        self.readability_checks = readability_checks
        self.problems: list[Problem] = []

    def run(self) -> list[Problem]:
        references, problems = sources.load_bibliography()
        self.problems += problems
        terms, problems = sources.load_glossary()
        self.problems += problems
        self.problems += sources.load_crisis()[1]
        self.problems += sources.load_editions()[1]
        reviewers, problems = sources.load_reviewers()
        self.problems += problems
        statuses, problems = sources.load_regulatory(known_keys=set(references), today=self.today)
        self.problems += problems
        self.problems += sources.load_further_info(known_keys=set(references))[1]

        pages: dict[Path, sources.Page] = {}
        for path in sources.content_pages(self.docs):
            try:
                pages[path.resolve()] = sources.load_page(path)
            except sources.SourceError as error:
                self.problems += error.problems
        cited = {key for page in pages.values() for _, line in prose_lines(self.rendered(page)) for m in citations.CITATION.finditer(line)
                 for key in citations.parse_keys(m.group(1)) or []}
        anchors = {path: page_anchors(replace(page, body=self.rendered(page)), terms, cited & set(references))
                   for path, page in pages.items()}
        self.check_nav(pages)
        for page in pages.values():
            self.problems += sources.validate_front_matter(page, self.today, reviewers)
            self.check_placeholders(page)
            self.check_body(page, references)
            self.check_statuses(page, statuses)
            self.check_links(page, pages, anchors)
        return sorted(set(self.problems))

    def rendered(self, page: sources.Page) -> str:
        """The body as the regulatory extension hands it on (statuses expanded, guide pages' closing sections)."""
        docs_path = page.path.resolve().relative_to(self.docs.resolve()).as_posix()
        return "\n".join(regulatory.rendered_source(page.body.split("\n"), docs_path))

    def check_statuses(self, page: sources.Page, statuses: dict[str, sources.Status]) -> None:
        """Every [STATUS: key] and [REGULATORY-STATUS: ...] names a status in data/regulatory.yaml."""
        lines = [""] * (page.body.count("\n") + 1)
        for offset, line in prose_lines(page.body):
            lines[offset] = line

        def report(offset: int, column: int, message: str) -> None:
            self.problems.append(Problem(page.shown, page.body_first_line + offset, column, "REG010", message,
                                         f"use a key from {sources.display_path(sources.REGULATORY)}, or add the verified status there"))

        regulatory.expand(lines, statuses, report)

    # --- site-wide rules ---------------------------------------------------------

    def check_nav(self, pages: dict[Path, sources.Page]) -> None:
        """Every page is listed in mkdocs.yml's nav, so readers can reach it (the strict build fails otherwise)."""
        config_path = self.docs.parent / "mkdocs.yml"
        if not config_path.exists():
            return  # a docs folder outside a project (the test corpus) has no navigation to check
        listed = sources.nav_entries(config_path)
        if listed is None:
            return  # mkdocs.yml without a nav lists every page automatically
        for path, page in pages.items():
            relative = path.relative_to(self.docs.resolve()).as_posix()
            if relative not in listed:
                self.problems.append(Problem(page.shown, 1, 1, "NAV001", "page is not listed in mkdocs.yml's nav",
                                             f"add a line such as '      - {page.meta.get('title', 'Title')}: {relative}' under the right "
                                             "section of nav: in mkdocs.yml"))

    def check_placeholders(self, page: sources.Page) -> None:
        from .pages import PLACEHOLDERS

        for number, line in enumerate(page.path.read_text(encoding="utf-8").split("\n"), start=1):
            for placeholder in PLACEHOLDERS:
                column = line.find(placeholder)
                if column >= 0:
                    self.problems.append(Problem(page.shown, number, column + 1, "PAGE002",
                                                 f"scaffold text left in the page: '{placeholder}'",
                                                 "replace it with the page's own words"))

    # --- body rules -----------------------------------------------------------

    def check_body(self, page: sources.Page, references: dict[str, sources.Reference]) -> None:
        shown, first = page.shown, page.body_first_line

        def add(offset: int, column: int, code: str, message: str, fix: str) -> None:
            self.problems.append(Problem(shown, first + offset, column, code, message, fix))

        h1_count = 0
        has_text = False
        prose = [""] * (page.body.count("\n") + 1)  # the body with fenced code blanked, for tags that span lines
        for offset, line in prose_lines(page.body):
            prose[offset] = line
            heading = HEADING.match(line)
            if heading:
                level = len(heading.group(1))
                if level > 3:
                    add(offset, 1, "HEAD001", f"heading level {level} is deeper than three levels",
                        "use '##' or '###', or split the section into its own page")
                if level == 1:
                    h1_count += 1
                    if h1_count == 2:
                        add(offset, 1, "HEAD002", "a second '# ' title", "use '##' for sections; the page has one title")
            elif line.strip():
                has_text = True
            for match in citations.CITATION.finditer(line):
                keys = citations.parse_keys(match.group(1))
                if keys is None:
                    add(offset, match.start() + 1, "CIT001", f"malformed citation '{match.group(0)}'",
                        "write [@key] or [@key1; @key2] with keys from data/references.yaml")
                    continue
                for key in keys:
                    if key not in references:
                        add(offset, match.start() + 1, "CIT002", f"unknown citation key '{key}'",
                            "use an id from data/references.yaml, or add the verified reference there first")
            for match in HYPE.finditer(line):
                add(offset, match.start() + 1, "HYPE001", f"hype word '{match.group(0)}'",
                    "describe the evidence plainly: say what was measured, in how many people, for how long")
            for match in LINK.finditer(line):
                bang, text, target = match.groups()
                if bang and not text.strip():
                    add(offset, match.start() + 1, "IMG001", "image without alt text",
                        "describe the image in the brackets: ![What the image shows](path)")
                if bang and re.match(r"^(https?:)?//", target):
                    add(offset, match.start() + 1, "HTML004", f"image loaded from another host: {target}",
                        "save the image under docs/assets/ and link it there; readers' browsers must not contact other hosts")
                if re.match(r"^\s*(javascript|vbscript|data):", target, re.I):
                    add(offset, match.start() + 1, "HTML003", "link with a script URL", "link to a page or an https address")
            definition = LINK_DEFINITION.match(line)
            if definition and re.match(r"^(javascript|vbscript|data):", definition.group(1), re.I):
                add(offset, 1, "HTML003", "link with a script URL", "link to a page or an https address")
        self.check_html("\n".join(prose), add)
        if not has_text:
            self.problems.append(Problem(shown, first, 1, "PAGE001", "page has no text",
                                         "write the page, or remove it and its entry in mkdocs.yml's nav"))
        elif self.readability_checks:
            self.check_readability(page)

    def check_html(self, text: str, add) -> None:
        """Raw HTML rules over the prose text; a tag may span lines, and is reported where it starts."""

        def position(index: int) -> tuple[int, int]:
            return text.count("\n", 0, index), index - (text.rfind("\n", 0, index) + 1) + 1

        for match in HTML_TAG.finditer(text):
            closing, tag, attrs = match.group(1), match.group(2).lower(), match.group(3)
            offset, column = position(match.start())
            if tag in DANGEROUS_TAGS and not closing:
                add(offset, column, "HTML001", f"raw <{tag}> is not allowed in content",
                    "use Markdown; anything interactive belongs in overrides/ and is reviewed as code")
            if EVENT_HANDLER.search(attrs):
                add(offset, column, "HTML002", f"event handler attribute in <{tag}>", "remove the on...= attribute")
            if JAVASCRIPT_URL.search(attrs):
                add(offset, column, "HTML003", f"script URL in <{tag}>", "link to a page or an https address")
            for resource in RESOURCE_ATTR.finditer(attrs):
                add(offset, column, "HTML004", f"<{tag}> loads {resource.group(2)} from another host",
                    "save the file under docs/assets/; readers' browsers must not contact other hosts")
        for match in IMG_TAG.finditer(text):
            alt = ALT_ATTR.search(match.group(0))
            if not alt or not (alt.group(2) or alt.group(3) or "").strip():
                add(*position(match.start()), "IMG001", "<img> without alt text", 'add alt="what the image shows"')

    def check_readability(self, page: sources.Page) -> None:
        text = readability.prose_from_markdown(page.body)
        scores = readability.score(text)
        if scores.words < MIN_SCORED_WORDS:
            return
        line = page.body_first_line
        if scores.fk_grade > MAX_FK_GRADE:
            self.problems.append(Problem(page.shown, line, 1, "READ001",
                                         f"reading grade {scores.fk_grade} (Flesch-Kincaid) is above {MAX_FK_GRADE}",
                                         "shorten sentences (aim for 15 words) and use shorter, common words"))
        if scores.smog > MAX_SMOG:
            self.problems.append(Problem(page.shown, line, 1, "READ002", f"SMOG index {scores.smog} is above {MAX_SMOG}",
                                         "use fewer words of three or more syllables; explain terms in plain words"))

    # --- links ------------------------------------------------------------------

    def check_links(self, page: sources.Page, pages: dict[Path, sources.Page], anchors: dict[Path, set[str]]) -> None:
        for offset, line in prose_lines(page.body):
            for match in LINK.finditer(line):
                target = match.group(3)
                line_no, column = page.body_first_line + offset, match.start() + 1
                try:
                    parts = urlsplit(target)
                    path_part = unquote(parts.path)
                    if parts.scheme or parts.netloc or not target:
                        continue
                    if not path_part:
                        destination = page.path.resolve()
                    elif path_part.startswith("/"):
                        destination = (self.docs / path_part.lstrip("/")).resolve()
                    else:
                        destination = (page.path.parent / path_part).resolve()
                except ValueError:  # 'http://[oops' or a '%00' in the path: no such address, rather than a crash
                    self.problems.append(Problem(page.shown, line_no, column, "LINK001",
                                                 f"link target '{target}' is not a valid address", "check the address for typos"))
                    continue
                if path_part and not path_part.endswith(".md"):
                    if not destination.exists():
                        self.problems.append(Problem(page.shown, line_no, column, "LINK001", f"link target '{target}' does not exist",
                                                     "link to the .md file of a page, relative to this page"))
                    continue
                if destination not in pages:
                    self.problems.append(Problem(page.shown, line_no, column, "LINK001", f"link target '{target}' does not exist",
                                                 "check the file name and the ../ steps from this page's folder"))
                elif parts.fragment and parts.fragment not in anchors[destination]:
                    self.problems.append(Problem(page.shown, line_no, column, "LINK002",
                                                 f"'{pages[destination].shown}' has no anchor '#{parts.fragment}'",
                                                 "use the heading's anchor: lower case, spaces as hyphens, punctuation removed"))


def run_check(base: str | None = None, today: dt.date | None = None) -> list[Problem]:
    problems = Checker(today=today).run()
    if base:
        from .versioning import check_version_bumps

        problems += check_version_bumps(base)
    return sorted(set(problems))
