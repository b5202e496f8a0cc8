"""Dated regulatory facts from data/regulatory.yaml, and the closing sections of every guide page.

Approvals, guidance and rules change, and the same fact appears on several
pages. Pages therefore refer to the data instead of restating it:

- `[STATUS: us-esketamine-indications]` becomes the sentence "As of December
  2026, ..." with its citations;
- a line holding only `[REGULATORY-STATUS]` becomes a table of every status
  with the date each was checked; `[REGULATORY-STATUS: key1, key2]` lists only
  those keys, in that order.

The output is Markdown with `[@key]` citations, so this preprocessor runs before
the citations extension. Every page under `guide/` also ends with the sections
in data/further-info.yaml (how to report a side effect, where to read more),
placed before the page's reference list.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from markdown import Markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

from .. import sources
from . import _mtime, cached_bibliography, log, markdown_escape, outside_code, rendered_page, sub_outside_inline_code

INLINE = re.compile(r"\[STATUS:\s*([^\]]*?)\s*\]")
TABLE = re.compile(r"^\s*\[REGULATORY-STATUS(?::\s*([^\]]*?))?\s*\]\s*$")
GUIDE_FOLDER = "guide/"
TABLE_HEADER = ["| Where | Medicine | What applies | Checked |", "| --- | --- | --- | --- |"]

# (line index, column, message) for a marker that names no status; the caller decides how to report it.
Report = Callable[[int, int, str], None]


@lru_cache(maxsize=4)
def _statuses_once(path: Path, bibliography: Path, _mtime_key: tuple[float, float]) -> dict[str, sources.Status]:
    statuses, problems = sources.load_regulatory(path, set(cached_bibliography(bibliography)))
    for problem in problems:
        log.warning(str(problem))
    return statuses


def cached_statuses(path: Path = sources.REGULATORY, bibliography: Path = sources.BIBLIOGRAPHY) -> dict[str, sources.Status]:
    """Parsed once per change of either file, not once per page."""
    return _statuses_once(path, bibliography, (_mtime(path), _mtime(bibliography)))


@lru_cache(maxsize=4)
def _further_info_once(path: Path, bibliography: Path, _mtime_key: tuple[float, float]) -> list[sources.InfoSection]:
    sections, problems = sources.load_further_info(path, set(cached_bibliography(bibliography)))
    for problem in problems:
        log.warning(str(problem))
    return sections


def month_year(date: dt.date) -> str:
    return f"{date:%B} {date.year}"


def _citations(keys: tuple[str, ...]) -> str:
    return "[" + "; ".join(f"@{key}" for key in keys) + "]"


def sentence(status: sources.Status) -> str:
    """'As of December 2026, <text> [@a; @b].' The text's own full stop goes after the citations."""
    text = status.text.rstrip()
    stop = text[-1] if text[-1] in ".!?" else "."
    return f"As of {month_year(status.as_of)}, {text.rstrip('.!?')} {_citations(status.cite)}{stop}"


def table(statuses: list[sources.Status]) -> list[str]:
    rows = list(TABLE_HEADER)
    for status in statuses:
        text = status.text.rstrip(".")
        cell = (text[:1].upper() + text[1:]).replace("|", "\\|")
        rows.append(f"| {markdown_escape(status.jurisdiction)} | {markdown_escape(status.product)} | "
                    f"{cell} {_citations(status.cite)}. | {status.as_of.day} {month_year(status.as_of)} |")
    return rows


def expand(lines: list[str], statuses: dict[str, sources.Status], report: Report) -> list[str]:
    """Replace every status marker outside code with its Markdown; report markers naming no status."""
    out: list[str] = []
    for index, prose in outside_code(lines):
        line = lines[index]
        if not prose:
            out.append(line)
            continue
        block = TABLE.match(line)
        if block:
            named = block.group(1)
            keys = list(statuses) if named is None else [k.strip() for k in named.split(",") if k.strip()]
            for key in keys:
                if key not in statuses:
                    report(index, line.find(key) + 1, f"unknown regulatory status '{key}' in [REGULATORY-STATUS]")
            chosen = [statuses[k] for k in keys if k in statuses]
            out += ["", *table(chosen), ""] if chosen else [line]
            continue

        def replace(match: re.Match) -> str:
            key = match.group(1)
            if key not in statuses:
                report(index, match.start() + 1, f"unknown regulatory status '{key}'")
                return match.group(0)
            return sentence(statuses[key])

        out.append(sub_outside_inline_code(INLINE, replace, line))
    return out


def further_info(sections: list[sources.InfoSection]) -> list[str]:
    """The closing sections of a guide page, as Markdown."""
    lines: list[str] = []
    for section in sections:
        lines += ["", f"## {section.heading}", ""]
        if section.intro:
            lines += [section.intro, ""]
        for link in section.links:
            detail = f": {link.detail.rstrip('.')}" if link.detail else ""
            cite = f" {_citations(link.cite)}" if link.cite else ""
            lines.append(f"- [{markdown_escape(link.label)}]({link.url}){detail}{cite}.")
    return lines


def cached_further_info(path: Path = sources.FURTHER_INFO, bibliography: Path = sources.BIBLIOGRAPHY) -> list[sources.InfoSection]:
    return _further_info_once(path, bibliography, (_mtime(path), _mtime(bibliography)))


def rendered_source(lines: list[str], page: str | None, report: Report | None = None,
                    bibliography: Path = sources.BIBLIOGRAPHY) -> list[str]:
    """A page's Markdown as this extension hands it on: statuses expanded, guide pages' closing sections added.

    The References page and the content check read pages through this too, so a citation that only
    the data makes is still listed and checked.
    """
    out = expand(lines, cached_statuses(bibliography=bibliography), report or (lambda *_: None))
    if page and page.startswith(GUIDE_FOLDER):
        out += further_info(cached_further_info(bibliography=bibliography))
    return out


class RegulatoryPreprocessor(Preprocessor):
    def __init__(self, md: Markdown, extension: RegulatoryExtension):
        super().__init__(md)
        self.extension = extension

    def run(self, lines: list[str]) -> list[str]:
        config = self.extension.getConfig
        page = rendered_page(self.md)

        def report(index: int, column: int, message: str) -> None:
            # Front matter is already stripped here, so no file line is known: `make check` gives it.
            log.warning("%s: REG010 %s (use a key from %s; 'make check' names the line)", page or "page", message,
                        sources.display_path(Path(config("statuses"))))

        bibliography = Path(config("bibliography"))
        out = expand(lines, cached_statuses(Path(config("statuses")), bibliography), report)
        if page and page.startswith(GUIDE_FOLDER):
            out += further_info(cached_further_info(Path(config("further_info")), bibliography))
        return out


class RegulatoryExtension(Extension):
    def __init__(self, **kwargs):
        self.config = {
            "statuses": [str(sources.REGULATORY), "regulatory status data file"],
            "further_info": [str(sources.FURTHER_INFO), "sections that end every guide page"],
            "bibliography": [str(sources.BIBLIOGRAPHY), "CSL-YAML bibliography the data cites"],
        }
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:
        # Before citations (40), which turns the generated [@key] citations into footnotes.
        md.preprocessors.register(RegulatoryPreprocessor(md, self), "guide_regulatory", 45)


def makeExtension(**kwargs):  # noqa: N802 - Python-Markdown's entry point name
    return RegulatoryExtension(**kwargs)
