"""The "What's changed" page, generated from every page's `changes` and data/editions.yaml.

A line holding only `[PAGE-CHANGES]` becomes a table of page changes, newest
first; a line holding only `[EDITIONS]` becomes the list of published editions.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from markdown import Markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

from .. import sources
from . import DocsLinks, docs_link, log, markdown_escape, outside_code, site_pages

CHANGES_MARKER = "[PAGE-CHANGES]"
EDITIONS_MARKER = "[EDITIONS]"


def human_date(value) -> str:
    date = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    return f"{date.day} {date:%B %Y}"


def page_changes_table(docs: Path, limit: int) -> str:
    rows = []
    for page in site_pages(docs):
        for change in page.meta.get("changes") or []:
            # A change whose date is not a real date is the content check's FM011, not a crash of the build.
            if isinstance(change, dict) and {"version", "date", "summary"} <= set(change) \
                    and sources._parse_date(change["date"]):
                rows.append((str(change["date"]), str(page.meta.get("title", page.path.stem)), docs_link(page, docs), change))
    rows.sort(key=lambda row: (row[0], row[1]), reverse=True)
    lines = ["| Date | Page | Version | What changed |", "| --- | --- | --- | --- |"]
    for date, title, link, change in rows[:limit]:
        lines.append(f"| {human_date(date)} | [{markdown_escape(title)}]({link}) | {change['version']} | {markdown_escape(str(change['summary']))} |")
    return "\n".join(lines)


def editions_list(path: Path) -> str:
    editions, problems = sources.load_editions(path)
    for problem in problems:
        log.warning(str(problem))
    if not editions:
        return "No edition has been published yet."
    return "\n".join(f"- **Edition {markdown_escape(e.version)}** ({human_date(e.date)}): {markdown_escape(e.summary)}" for e in editions)


class ChangesPreprocessor(Preprocessor):
    def __init__(self, md: Markdown, extension: ChangesExtension):
        super().__init__(md)
        self.extension = extension

    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        config = self.extension.getConfig
        for index, prose in outside_code(lines):
            line = lines[index]
            if prose and line.strip() == CHANGES_MARKER:
                out += page_changes_table(Path(config("docs_dir")), int(config("limit"))).split("\n")
            elif prose and line.strip() == EDITIONS_MARKER:
                out += editions_list(Path(config("editions"))).split("\n")
            else:
                out.append(line)
        return out


class ChangesExtension(Extension):
    def __init__(self, **kwargs):
        self.config = {
            "docs_dir": [str(sources.DOCS), "folder whose pages' changes are listed"],
            "editions": [str(sources.EDITIONS), "published editions data file"],
            "limit": [50, "how many page changes to list"],
        }
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:
        md.preprocessors.register(ChangesPreprocessor(md, self), "guide_changes", 42)
        DocsLinks.register(md)  # the page links in the changes table


def makeExtension(**kwargs):  # noqa: N802
    return ChangesExtension(**kwargs)
