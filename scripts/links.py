"""Turn linkchecker's CSV output into a Markdown issue body (`python -m scripts link-report FILE`).

The weekly external-link workflow runs linkchecker with `.github/linkchecker/external.ini`, which
writes CSV: `#` comment lines (intro and outro), a header row, then one row per checked URL,
separated by semicolons. The columns come from linkchecker's CSV logger (linkcheck/logger/csvlog.py):

    urlname;parentname;base;result;warningstring;infostring;valid;url;line;column;name;...

Two quirks of linkchecker 10.6 are handled here:

* `line` and `column` are left out of a row (not written empty) when they are unknown, for
  example for the start URL, so the later columns shift left by two;
* quoted fields (warnings, info) can span several lines, so comment lines are only dropped when
  they start outside a quoted field.
"""

from __future__ import annotations

import csv
import io
import re
import urllib.parse
from dataclasses import dataclass, field

# GitHub rejects issue bodies over 65,536 characters; stay well below it.
MAX_REPORT_CHARS = 60_000
AUTOLINK = re.compile(r"https?://[^\s<>]+")  # safe inside <...> in Markdown
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


class LinkReportError(Exception):
    """The CSV file is missing, unreadable or not linkchecker's CSV output."""


@dataclass
class BrokenLink:
    url: str
    results: list[str] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)


def _strip_comments(text: str) -> str:
    """Drop `#` comment lines that start outside a quoted CSV field."""
    kept = []
    in_quotes = False
    for line in text.splitlines(keepends=True):
        if not in_quotes and line.startswith("#"):
            continue
        kept.append(line)
        if line.count('"') % 2:  # an escaped quote ("") counts twice, so parity tracks quoting
            in_quotes = not in_quotes
    return "".join(kept)


def _read_rows(csv_path: str) -> list[dict[str, str]]:
    try:
        with open(csv_path, encoding="utf-8", errors="replace", newline="") as handle:
            text = handle.read()
    except FileNotFoundError:
        raise LinkReportError(f"{csv_path}: no such file. Run linkchecker with the CSV output first "
                              "(the external config writes linkchecker-external.csv).") from None
    except IsADirectoryError:
        raise LinkReportError(f"{csv_path}: is a directory, not linkchecker's CSV output.") from None
    except OSError as error:
        raise LinkReportError(f"{csv_path}: cannot read the file ({error.strerror or error}).") from None

    rows = list(csv.reader(io.StringIO(_strip_comments(text)), delimiter=";", quotechar='"'))
    rows = [row for row in rows if row]
    if not rows:
        return []
    header = [name.strip().lower() for name in rows[0]]
    missing = {"urlname", "valid"} - set(header)
    if missing:
        raise LinkReportError(f"{csv_path}: not linkchecker's CSV output (no {', '.join(sorted(missing))} column "
                              "in the header). Run linkchecker with '-F csv' or 'fileoutput = csv'.")
    # Rows without line/column (see the module docstring) are two fields short.
    short_header = [name for name in header if name not in ("line", "column")]
    records = []
    for row in rows[1:]:
        names = short_header if len(row) == len(short_header) and len(row) < len(header) else header
        records.append(dict(zip(names, row)))
    return records


def _page(parent: str) -> str:
    """The page a link is on; the local server's address is noise in an issue, so keep only the path."""
    try:
        parts = urllib.parse.urlsplit(parent)
        local = parts.scheme in ("http", "https") and parts.hostname in LOOPBACK_HOSTS
    except ValueError:  # a malformed address: show it as it is
        return parent
    if local:
        return urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, parts.fragment))
    return parent


def _code(text: str) -> str:
    """Inline code that survives any text (no backticks or newlines inside)."""
    return "`" + " ".join(text.replace("`", "'").split()) + "`"


def broken_links(csv_path: str) -> list[BrokenLink]:
    """Broken URLs (valid is False) in linkchecker's CSV output, grouped by URL, in first-seen order."""
    grouped: dict[str, BrokenLink] = {}
    for record in _read_rows(csv_path):
        if record.get("valid", "").strip().lower() not in ("false", "0"):
            continue
        url = (record.get("url") or record.get("urlname") or "").strip() or "(empty URL)"
        link = grouped.setdefault(url, BrokenLink(url))
        result = (record.get("result") or "").strip() or "(no result text)"
        if result not in link.results:
            link.results.append(result)
        parent = (record.get("parentname") or "").strip()
        page = _code(_page(parent)) if parent else "the start URL"
        position = ", ".join(f"{name} {record[name].strip()}" for name in ("line", "column") if (record.get(name) or "").strip())
        where = f"{page} ({position})" if position else page
        if where not in link.pages:
            link.pages.append(where)
    return list(grouped.values())


def format_report(csv_path: str) -> str:
    """A Markdown report of broken links for an issue body; empty string when nothing is broken."""
    links = broken_links(csv_path)
    if not links:
        return ""
    lines = [f"The weekly link check (internal and external links) found {len(links)} broken link(s). "
             "Fix or replace each one (an archived copy is better than a dead link), "
             "or note here why it is a false alarm."]
    shown = 0
    for link in links:
        block = ["", f"### <{link.url}>" if AUTOLINK.fullmatch(link.url) else f"### {_code(link.url)}", ""]
        block.append("- Result: " + "; ".join(_code(result) for result in link.results))
        block.append("- Found on:")
        block += [f"  - {page}" for page in link.pages]
        if sum(len(line) + 1 for line in lines + block) > MAX_REPORT_CHARS:
            break
        lines += block
        shown += 1
    if shown < len(links):
        lines += ["", f"…and {len(links) - shown} more broken link(s) not shown (issue size limit). "
                  "Download the CSV from the workflow run's artifacts for the full list."]
    return "\n".join(lines).strip()
