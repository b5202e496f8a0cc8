"""Pages whose review is overdue or due soon, for the weekly review-due workflow."""

from __future__ import annotations

import datetime as dt

from . import sources


def due_pages(today: dt.date, within_days: int) -> list[tuple[dt.date, sources.Page]]:
    due = []
    for path in sources.content_pages():
        try:
            page = sources.load_page(path)
        except sources.SourceError:
            continue  # the content check reports unreadable pages
        next_review = sources._parse_date(page.meta.get("next_review"))
        if next_review and next_review <= today + dt.timedelta(days=within_days):
            due.append((next_review, page))
    return sorted(due, key=lambda item: (item[0], item[1].shown))


def report(today: dt.date, within_days: int = 30) -> str:
    """A Markdown report; empty when nothing is due."""
    due = due_pages(today, within_days)
    if not due:
        return ""
    lines = [f"Pages past their review date or due within {within_days} days, as of {today}:", "",
             "| Page | Next review | Status | Regulatory |", "| --- | --- | --- | --- |"]
    for date, page in due:
        status = f"overdue by {(today - date).days} days" if date < today else f"due in {(date - today).days} days"
        lines.append(f"| `{page.shown}` | {date} | {status} | {'yes' if page.meta.get('regulatory') else 'no'} |")
    lines += ["", "Review each page against the evidence (CONTRIBUTING.md, 'Reviewing a page'), then update "
              "`last_reviewed`, `next_review`, the version and the change entry."]
    return "\n".join(lines)
