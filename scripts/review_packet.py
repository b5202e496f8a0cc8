"""`make review-packet`: one printable document for a clinician, of every page due for clinical review.

A page is due when its clinical review is pending, or when its version has moved
past the version a clinician reviewed. For each, the packet gives the page's
Markdown source with line numbers (so comments can say "line 42"), every work it
cites with the lines citing it and the bibliography's verification notes (`note`)
and summary of what the source supports (`annote`), and what changed since the
last review: the page's change entries after the reviewed version, and a git diff
from the commit that introduced that version. Written to review-packet/ as HTML
and as PDF (printed by Chromium).
"""

from __future__ import annotations

import datetime as dt
import html
import subprocess
from dataclasses import dataclass
from pathlib import Path

from . import sources
from .extensions.citations import CITATION, parse_keys
from .printable import html_to_pdf

OUT = sources.ROOT / "review-packet"
HTML_NAME, PDF_NAME = "review-packet.html", "review-packet.pdf"
STYLE = """
body { font-family: system-ui, sans-serif; font-size: 10.5pt; line-height: 1.4; color: #111; margin: 0; }
h1 { font-size: 20pt; } h2 { font-size: 15pt; margin-top: 0; } h3 { font-size: 12pt; margin-top: 1.4em; }
.page { break-before: page; }
.meta { display: grid; grid-template-columns: max-content 1fr; gap: 0.1em 1em; }
.meta dt { font-weight: 700; } .meta dd { margin: 0; }
table.source { border-collapse: collapse; width: 100%; font-family: ui-monospace, monospace; font-size: 8.5pt; }
table.source td { vertical-align: top; padding: 0 0.4em; }
table.source td.n { color: #555; text-align: right; user-select: none; border-right: 1px solid #999; width: 3.5em; }
table.source td.line { white-space: pre-wrap; word-break: break-word; }
table.source tr.cites td.n { font-weight: 700; color: #000; }
.reference { margin-bottom: 0.9em; break-inside: avoid; }
.reference p { margin: 0.2em 0; }
.label { font-weight: 700; }
pre.diff { white-space: pre-wrap; word-break: break-word; font-size: 8.5pt; border: 1px solid #999; padding: 0.5em; }
.missing { color: #8a1c1c; font-weight: 700; }
"""


@dataclass
class DuePage:
    page: sources.Page
    reason: str
    reviewed_version: str | None  # None: never reviewed


def due_pages(docs: Path = sources.DOCS) -> list[DuePage]:
    """Pages whose clinical review is pending, or that changed since their review, in file order."""
    due = []
    for path in sources.content_pages(docs):
        try:
            page = sources.load_page(path)
        except sources.SourceError:
            continue  # the content check reports unreadable pages
        review = page.meta.get("clinical_review")
        if not isinstance(review, dict) or review.get("status") != "reviewed":
            due.append(DuePage(page, "Not yet reviewed by a clinician.", None))
        elif sources.review_is_outdated(review, page.meta.get("version")):
            due.append(DuePage(page, f"Changed since its clinical review of version {review.get('version')} "
                                     f"on {review.get('date')}.", str(review.get("version"))))
    return due


def _git(root: Path, *args: str) -> str | None:
    try:
        result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout if result.returncode == 0 else None


def diff_since(root: Path, page: sources.Page, version: str) -> str | None:
    """The git diff of the page from the commit that introduced `version` to the working tree; None if not found."""
    relative = page.path.resolve().relative_to(root.resolve()).as_posix()
    commits = _git(root, "log", "--format=%H", "-G", r"^version:", "--", relative)
    for commit in (commits or "").split():
        text = _git(root, "show", f"{commit}:{relative}")
        try:
            meta = sources.split_front_matter(text or "", relative)[0]
        except sources.SourceError:
            continue
        if str(meta.get("version")) == version:
            return _git(root, "diff", commit, "--", relative)
    return None


def citing_lines(page: sources.Page) -> dict[str, list[int]]:
    """Each cited key, in order of first citation, with the file lines citing it (fenced code excluded)."""
    from .check import prose_lines

    cited: dict[str, list[int]] = {}
    for offset, line in prose_lines(page.body):
        for match in CITATION.finditer(line):
            for key in parse_keys(match.group(1)) or []:
                lines = cited.setdefault(key, [])
                if page.body_first_line + offset not in lines:
                    lines.append(page.body_first_line + offset)
    return cited


def bibliography_records(path: Path = sources.BIBLIOGRAPHY) -> dict[str, dict]:
    """The raw CSL records by id, for their `note` and `annote` (the Reference type keeps only what pages show)."""
    try:
        records = sources.load_yaml(sources.read_text(path), sources.display_path(path))
    except sources.SourceError:
        return {}
    return {r["id"]: r for r in records or [] if isinstance(r, dict) and isinstance(r.get("id"), str)} \
        if isinstance(records, list) else {}


def _e(value) -> str:
    return html.escape(" ".join(str(value).split()))


def reference_html(key: str, lines: list[int], references: dict[str, sources.Reference], records: dict[str, dict]) -> str:
    shown_lines = ", ".join(map(str, lines))
    reference = references.get(key)
    if reference is None:
        return (f"<div class='reference'><p><span class='label'>[{_e(key)}]</span> "
                f"<span class='missing'>Not in the bibliography</span> (cited on lines {shown_lines}).</p></div>")
    record = records.get(key, {})
    links = [f"DOI {_e(reference.doi)}" if reference.doi else "", f"PMID {_e(reference.pmid)}" if reference.pmid else "",
             _e(reference.url) if reference.url and not reference.doi else ""]
    parts = [
        f"<p><span class='label'>[{_e(key)}]</span> {_e(reference.author_text())} {_e(reference.title)}. "
        f"<em>{_e(reference.source_text())}</em> {' · '.join(filter(None, links))}</p>",
        f"<p><span class='label'>Cited on lines:</span> {shown_lines}</p>",
    ]
    for field, label in (("annote", "What the source supports"), ("note", "How it was verified")):
        value = record.get(field)
        parts.append(f"<p><span class='label'>{label}:</span> " +
                     (_e(value) if value else "<span class='missing'>not recorded</span>") + "</p>")
    return "<div class='reference'>" + "".join(parts) + "</div>"


def page_html(due: DuePage, root: Path, references: dict[str, sources.Reference], records: dict[str, dict],
              anchor: str) -> str:
    page, meta = due.page, due.page.meta
    text = page.path.read_text(encoding="utf-8")
    cited = citing_lines(page)
    citing = {line for lines in cited.values() for line in lines}
    rows = "\n".join(f"<tr{' class=cites' if number in citing else ''}><td class='n'>{number}</td>"
                     f"<td class='line'>{html.escape(line) or '&#8203;'}</td></tr>"
                     for number, line in enumerate(text.split("\n"), start=1))
    reviewed = sources.parse_version(due.reviewed_version) if due.reviewed_version else None
    changes = [c for c in meta.get("changes") or [] if isinstance(c, dict)
               and (reviewed is None or (sources.parse_version(str(c.get("version"))) or (0, 0, 0)) > reviewed)]
    change_items = "".join(f"<li><strong>{_e(c.get('version'))}</strong> ({_e(c.get('date'))}): {_e(c.get('summary'))}</li>"
                           for c in changes)
    if due.reviewed_version is None:
        since = "<p>Never reviewed, so the whole page is new to review. Its history:</p>"
        diff = ""
    else:
        since = f"<p>Change entries after the reviewed version {_e(due.reviewed_version)}:</p>"
        found = diff_since(root, page, due.reviewed_version)
        diff = (f"<h4>Line-by-line changes since version {_e(due.reviewed_version)} (git diff)</h4>"
                f"<pre class='diff'>{html.escape(found)}</pre>" if found else
                f"<p class='missing'>No commit with version {_e(due.reviewed_version)} was found in the git history; "
                "use the change entries above.</p>")
    references_block = "".join(reference_html(key, lines, references, records) for key, lines in cited.items()) \
        or "<p>This page cites no source.</p>"
    return f"""
<section class="page" id="{anchor}">
  <h2>{_e(meta.get('title', page.shown))}</h2>
  <dl class="meta">
    <dt>File</dt><dd>{_e(page.shown)}</dd>
    <dt>Page version</dt><dd>{_e(meta.get('version'))}</dd>
    <dt>Why it is due</dt><dd>{_e(due.reason)}</dd>
    <dt>Last checked against sources</dt><dd>{_e(meta.get('last_reviewed'))}</dd>
  </dl>
  <h3>What changed since the last review</h3>
  {since}
  <ol>{change_items}</ol>
  {diff}
  <h3>Sources cited, with their verification notes</h3>
  {references_block}
  <h3>The page's source, with line numbers</h3>
  <p>Lines in bold cite a source. Citations look like [@key]; the key is listed above.</p>
  <table class="source">{rows}</table>
</section>"""


def packet_html(root: Path = sources.ROOT, docs: Path = sources.DOCS, today: dt.date | None = None) -> tuple[str, int]:
    """The packet as one HTML document, and how many pages it holds."""
    today = today or dt.date.today()
    due = due_pages(docs)
    references, _ = sources.load_bibliography(root / "data" / "references.yaml")
    records = bibliography_records(root / "data" / "references.yaml")
    commit = (_git(root, "rev-parse", "--short", "HEAD") or "").strip()
    anchors = [f"page-{index}" for index in range(len(due))]
    contents = "".join(f"<li><a href='#{a}'>{_e(d.page.meta.get('title', d.page.shown))}</a> ({_e(d.page.shown)}, "
                       f"version {_e(d.page.meta.get('version'))}): {_e(d.reason)}</li>" for a, d in zip(anchors, due))
    pages = "".join(page_html(d, root, references, records, a) for a, d in zip(anchors, due))
    source = f"commit {_e(commit)}" if commit else "a copy of the sources outside git"
    body = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Clinical review packet, {today.isoformat()}</title>
<style>{STYLE}</style></head><body>
<h1>Ketamine for depression: clinical review packet</h1>
<p>Prepared on {today.isoformat()} from {source}. {len(due)} page(s) are due for clinical review.</p>
<h3>How to review</h3>
<ol>
  <li>Read each page's source below. Check each statement against the sources it cites; each source's entry says what
      it supports and how its details were verified.</li>
  <li>Send your comments by page and line number ("benefits.md, line 42: ..."), by email or as a GitHub issue.</li>
  <li>When a page is accurate, tell the maintainers the page and version you reviewed, the date, your name and role as
      you want them shown on the page, and your declaration of interests. They record it in data/reviewers.yaml and in
      the page's front matter; the page then shows your review, and says so when it changes afterwards.</li>
</ol>
<h3>Pages due</h3>
<ol>{contents or "<li>No page is due for clinical review.</li>"}</ol>
{pages}
</body></html>
"""
    return body, len(due)


def build_packet(out: Path = OUT, root: Path = sources.ROOT, docs: Path = sources.DOCS,
                 today: dt.date | None = None) -> tuple[Path, Path, int]:
    """Write review-packet.html and review-packet.pdf into `out`; return both paths and the number of pages due."""
    out.mkdir(parents=True, exist_ok=True)
    text, count = packet_html(root, docs, today)
    html_file = out / HTML_NAME
    html_file.write_text(text, encoding="utf-8")
    pdf = html_to_pdf(html_file, out / PDF_NAME)
    return html_file, pdf, count
