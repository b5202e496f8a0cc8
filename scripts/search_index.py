"""The search index: Pagefind over a built site, so search costs readers nothing until they search.

`build_search_index(site_dir)` writes `<site_dir>/pagefind/`. The MkDocs hook calls it after
every build (so `make build`, `make serve` and each edition mike builds for `make release` carry
their own index, and search stays within its edition); after a Zensical build run
`python -m scripts search-index SITE_DIR`. overrides/assets/search.js loads the index from the
folder the page belongs to.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

# Only the article is indexed, without the parts that repeat on every page or quote other works:
# the crisis box, the page information box and per-page reference lists carry data-search-exclude.
ROOT_SELECTOR = "article.md-content__inner"
EXCLUDE_SELECTORS = "[data-search-exclude], .headerlink, .md-content__button, sup[id^=fnref]"
# Reader pages only: not 404.html, whose links are absolute to site_url.
PAGES_GLOB = "**/index.html"
# Pagefind also writes its ready-made user interfaces; search.js uses only the API (pagefind.js).
UNUSED_BUNDLE_FILES = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
                       "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")


class SearchIndexError(Exception):
    """Pagefind is missing or failed; the message says what to do."""


def pagefind_executable() -> Path:
    try:
        from pagefind_bin import get_executable
    except ImportError:
        raise SearchIndexError("Pagefind is not installed: run 'make install'") from None
    try:
        return get_executable()
    except FileNotFoundError as error:
        raise SearchIndexError(f"Pagefind's binary is missing ({error}): run 'make install' again") from None


def build_search_index(site_dir: Path) -> Path:
    """Index the built site in `site_dir`; returns the bundle folder (`<site_dir>/pagefind`)."""
    site_dir = Path(site_dir)
    if not (site_dir / "index.html").is_file():
        raise SearchIndexError(f"{site_dir} has no index.html: build the site first")
    bundle = site_dir / "pagefind"
    shutil.rmtree(bundle, ignore_errors=True)
    result = subprocess.run(
        [str(pagefind_executable()), "--site", str(site_dir), "--glob", PAGES_GLOB, "--root-selector", ROOT_SELECTOR,
         "--exclude-selectors", EXCLUDE_SELECTORS, "--force-language", "en", "--silent"],
        capture_output=True, text=True)
    if result.returncode != 0 or not (bundle / "pagefind.js").is_file():
        detail = (result.stderr or result.stdout).strip() or f"exit code {result.returncode}"
        raise SearchIndexError(f"Pagefind could not index {site_dir}: {detail}")
    for name in UNUSED_BUNDLE_FILES:
        (bundle / name).unlink(missing_ok=True)
    return bundle
