"""Pages whose review is overdue or due soon: `make review-due [DAYS=30] [TODAY=YYYY-MM-DD]`.

The weekly review-due workflow turns the report into an issue. The report goes
to standard output and is empty when nothing is due (the workflow then opens
no issue); the "nothing is due" sentence for people goes to standard error.
"""

from __future__ import annotations

import datetime as dt

from . import sources


# The CONTRIBUTING.md heading the report sends reviewers to (tests/test_reviews.py checks it exists).
GUIDE_SECTION = "Reviewing a page"


def due_before(today: dt.date, within_days: int) -> dt.date:
    return today + dt.timedelta(days=within_days)


def nothing_due(today: dt.date, within_days: int = 30) -> str:
    return f"No page is due for review before {due_before(today, within_days)}."


def due_pages(today: dt.date, within_days: int) -> list[tuple[dt.date, sources.Page]]:
    due = []
    for path in sources.content_pages():
        try:
            page = sources.load_page(path)
        except sources.SourceError:
            continue  # the content check reports unreadable pages
        next_review = sources._parse_date(page.meta.get("next_review"))
        if next_review and next_review < due_before(today, within_days):
            due.append((next_review, page))
    return sorted(due, key=lambda item: (item[0], item[1].shown))


def report(today: dt.date, within_days: int = 30) -> str:
    """A Markdown report; empty when nothing is due."""
    due = due_pages(today, within_days)
    if not due:
        return ""
    lines = [f"Pages past their review date or due before {due_before(today, within_days)} "
             f"(within {within_days} days of {today}):", "",
             "| Page | Next review | Status | Regulatory |", "| --- | --- | --- | --- |"]
    for date, page in due:
        status = f"overdue by {(today - date).days} days" if date < today else f"due in {(date - today).days} days"
        lines.append(f"| `{page.shown}` | {date} | {status} | {'yes' if page.meta.get('regulatory') else 'no'} |")
    lines += ["", f"Review each page against the evidence (CONTRIBUTING.md, \"{GUIDE_SECTION}\"), then update "
              "`last_reviewed`, `next_review`, the version and the change entry."]
    return "\n".join(lines)
