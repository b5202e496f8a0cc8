"""Scaffold a new page with front matter the content check accepts."""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from pathlib import Path

from . import sources

# The scaffold's stand-in text; the content check (PAGE002) fails a page that still contains any of it.
PLACEHOLDERS = (
    "One plain sentence saying what this page explains",
    "The first key point, in one short sentence",
    "The second key point.",
    "The third key point.",
    "Start with what the reader most needs to know.",
    "A question a reader would ask",
    "Answer it in two or three short sentences.",
)

TEMPLATE = """---
title: "{title}"
description: One plain sentence saying what this page explains, at most 160 characters.
version: 0.1.0
last_reviewed: {today}
next_review: {next_review}
regulatory: {regulatory}
clinical_review:
  status: pending
changes:
  - version: 0.1.0
    date: {today}
    summary: First draft.
---

# {title}

!!! summary "At a glance"

    - The first key point, in one short sentence [@key].
    - The second key point.
    - The third key point.

Start with what the reader most needs to know. Cite every fact [@key].

## A question a reader would ask

Answer it in two or three short sentences.
"""


class NewPageError(Exception):
    pass


def page_path(given: str, docs: Path = sources.DOCS) -> str:
    """The page's path under docs/, from what the maintainer typed: guide/sleep.md, docs/guide/sleep.md,
    ./docs/guide/sleep.md or an absolute path inside docs/ all mean docs/guide/sleep.md."""
    text = given.strip().replace("\\", "/")
    example = "e.g. PAGE=guide/sleep.md"
    if not text:
        raise NewPageError(f"give the page's path under docs/, {example}")
    path = Path(text)
    if path.is_absolute():
        try:
            text = path.resolve().relative_to(docs.resolve()).as_posix()
        except ValueError:
            raise NewPageError(f"'{given}' is outside docs/: pages live in docs/, {example}") from None
    text = posixpath.normpath(text)
    if text.startswith("../") or text == "..":
        raise NewPageError(f"'{given}' is outside docs/: pages live in docs/, {example}")
    if text.startswith(f"{docs.name}/"):
        text = text.removeprefix(f"{docs.name}/")  # the path as seen from the project root
    if not text.endswith(".md"):
        raise NewPageError(f"'{given}' does not end in .md: pages are Markdown files, {example}")
    if not re.fullmatch(r"([a-z0-9-]+/)*[a-z0-9-]+\.md", text):
        raise NewPageError(f"'{given}' is not a page path: use lower-case words and hyphens, {example}")
    if text.startswith("includes/"):
        raise NewPageError(f"'{given}' is in docs/includes/, which holds snippets, not pages: {example}")
    return text


def new_page(relative: str, title: str, regulatory: bool = False, today: dt.date | None = None,
             docs: Path = sources.DOCS) -> Path:
    today = today or dt.date.today()
    relative = page_path(relative, docs)
    title = title.strip()
    if not title or '"' in title:
        raise NewPageError("give a title without double quotes, e.g. 'Ketamine and sleep'")
    path = docs / relative
    if path.exists():
        raise NewPageError(f"{sources.display_path(path)} already exists: edit it, or choose another path")
    years = 1 if regulatory else 2  # regulatory facts go stale fastest; the rule allows at most 1 and 3 years
    try:
        next_review = today.replace(year=today.year + years)
    except ValueError:  # 29 February
        next_review = today.replace(year=today.year + years, day=28)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(TEMPLATE.format(
        title=title, today=today.isoformat(),
        next_review=next_review.isoformat(), regulatory=str(regulatory).lower(),
    ), encoding="utf-8")
    return path
