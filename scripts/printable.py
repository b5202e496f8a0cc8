"""Printable documents, printed to PDF by Debian's Chromium (driven by Playwright; it never downloads a browser).

- `build_edition_pdf(site_dir, edition, date)`: the whole guide of a built edition as one PDF, in nav order,
  with the edition and its date on the cover. `make release` publishes it beside the edition
  (`publish_edition_pdf`), and the edition's home page links to it (overrides/partials/edition-pdf.html,
  shown only when mkdocs.release.yml sets `extra.printable_edition`).
- `html_to_pdf(html, pdf)`: any self-contained HTML file to PDF, A4, with page numbers (the review packet's).
"""

from __future__ import annotations

import copy
import datetime as dt
import html
import os
import posixpath
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path
from urllib.parse import urljoin, urlsplit

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# The flags of tests/conftest.py (a test keeps them equal): without them Chromium floods a closed network.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SITE_NAME = "Ketamine for depression"
FOOTER = ('<div style="font-size:8px;width:100%;text-align:center;color:#444;">'
          '<span class="title"></span> · page <span class="pageNumber"></span> of <span class="totalPages"></span></div>')


class PrintError(Exception):
    """A document could not be printed; the message says why and what to do."""


def edition_pdf_name(edition: str) -> str:
    """The PDF's file name in the edition's folder; overrides/partials/edition-pdf.html links the same name."""
    return f"ketamine-guide-{edition}.pdf"


def html_to_pdf(source: Path, pdf: Path) -> Path:
    """Print an HTML file (with its relative assets) to an A4 PDF with page numbers.

    Playwright's sync API refuses to start in a thread that already runs an event loop (a caller that
    drives its own browser, such as the browser tests), so the printing gets a thread of its own.
    """
    outcome: list[BaseException] = []

    def work() -> None:
        try:
            _print(source, pdf)
        except BaseException as error:  # handed back to the caller's thread, raised there
            outcome.append(error)

    printer = threading.Thread(target=work, name="print-pdf")
    printer.start()
    printer.join()
    if outcome:
        raise outcome[0]
    return pdf


def _print(source: Path, pdf: Path) -> None:
    if not Path(CHROMIUM).exists():
        raise PrintError(f"Chromium is missing ({CHROMIUM}): run 'make chromium' (or 'sudo apt-get install chromium')")
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    pdf.parent.mkdir(parents=True, exist_ok=True)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page()
                page.goto(source.resolve().as_uri(), wait_until="load")
                page.emulate_media(media="print")
                page.pdf(path=str(pdf), format="A4", print_background=True, display_header_footer=True,
                         header_template="<span></span>", footer_template=FOOTER,
                         margin={"top": "16mm", "bottom": "18mm", "left": "14mm", "right": "14mm"},
                         # Tagged (headings, lists, links for screen readers) and with bookmarks from the headings.
                         tagged=True, outline=True)
            finally:
                browser.close()
    except PlaywrightError as error:
        raise PrintError(f"Chromium could not print {source.name}: {str(error).splitlines()[0]}") from None


# --- The whole guide of an edition ------------------------------------------------


def _soup(path: Path):
    from bs4 import BeautifulSoup

    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def nav_pages(site_dir: Path) -> list[str]:
    """Site-relative folders of every page in the navigation, in nav order ('' is the home page)."""
    home = _soup(site_dir / "index.html")
    pages: list[str] = []
    for link in home.select("nav.md-nav--primary a.md-nav__link[href]"):
        href = link["href"]
        if href.startswith("#") or urlsplit(href).scheme:
            continue
        folder = posixpath.normpath(href)
        folder = "" if folder == "." else folder
        if folder not in pages and (site_dir / folder / "index.html").is_file():
            pages.append(folder)
    return pages


def _page_id(folder: str) -> str:
    return "page-" + (folder.replace("/", "-") or "home")


def _printable_article(site_dir: Path, folder: str, index: int, page_ids: dict[str, str]):
    """The page's article, with ids made unique in the combined document and links pointing inside it."""
    article = _soup(site_dir / folder / "index.html").select_one("article")
    if article is None:
        raise PrintError(f"{folder or 'the home page'} has no <article>: is {site_dir} a build of the guide?")
    # Permalinks, the edit button and the home page's "download this PDF" box mean nothing on paper.
    for element in article.select(".headerlink, .md-content__button, .md-source-file, .edition-pdf"):
        element.decompose()
    if index > 0:
        for box in article.select("aside.crisis"):  # crisis help is printed once, on the first page
            box.decompose()
    prefix = _page_id(folder) + "--"
    for element in article.find_all(id=True):
        element["id"] = prefix + element["id"]
    base = f"http://site/{folder}/" if folder else "http://site/"
    for element in article.find_all(["a", "img"]):
        attribute = "href" if element.name == "a" else "src"
        value = element.get(attribute)
        if not value or urlsplit(value).scheme in ("http", "https", "mailto", "tel", "sms"):
            continue
        if value.startswith("#"):
            element[attribute] = "#" + prefix + value[1:]
            continue
        target = urlsplit(urljoin(base, value))
        path = target.path.strip("/")
        if element.name == "img" or path.startswith("assets/"):
            element[attribute] = path  # the combined document sits at the site's root
        elif path in page_ids:
            element[attribute] = "#" + (f"{page_ids[path]}--{target.fragment}" if target.fragment else page_ids[path])
    return article


def edition_document(site_dir: Path, edition: str, date: dt.date | str) -> str:
    """One HTML document of a built edition: a cover with the edition and date, contents, then every nav page."""
    from bs4 import BeautifulSoup

    site_dir = Path(site_dir)
    if not (site_dir / "index.html").is_file():
        raise PrintError(f"{site_dir} has no index.html: build the site first (make build)")
    day = date if isinstance(date, dt.date) else dt.date.fromisoformat(str(date))
    shown_date = f"{day.day} {day:%B %Y}"
    home = _soup(site_dir / "index.html")
    folders = nav_pages(site_dir)
    page_ids = {folder: _page_id(folder) for folder in folders}
    canonical = home.select_one('link[rel="canonical"]')
    address = canonical["href"] if canonical else ""

    document = BeautifulSoup("<!doctype html><html lang='en'><head><meta charset='utf-8'></head><body></body></html>",
                             "html.parser")
    head, body = document.head, document.body
    title = document.new_tag("title")
    title.string = f"{SITE_NAME}, edition {edition} ({shown_date})"
    head.append(title)
    for link in home.select('head link[rel="stylesheet"]'):
        head.append(copy.copy(link))
    style = document.new_tag("style")
    style.string = (".print-page { break-before: page; } .print-cover { text-align: center; padding-top: 30vh; }"
                    " .print-contents { break-before: page; } body { margin: 0; }"
                    # Adjacent citation numbers ("1", "2") would print as "12".
                    " sup[id^='page-'] + sup[id^='page-']::before { content: ','; }")
    head.append(style)
    for name, value in home.body.attrs.items():
        body[name] = value
    container = document.new_tag("div", attrs={"class": "md-typeset"})
    body.append(container)
    cover = BeautifulSoup(
        f"<section class='print-cover'><h1>{html.escape(SITE_NAME)}</h1>"
        f"<p><strong>Edition {html.escape(edition)}, {html.escape(shown_date)}</strong></p>"
        f"<p>The whole guide, printed from {html.escape(address)}</p>"
        "<p>General information, not medical advice. Talk to a doctor before you start or stop any treatment. "
        "Later editions may have changed: the website always has the latest one.</p></section>", "html.parser")
    container.append(cover)
    contents = BeautifulSoup("<nav class='print-contents' aria-label='Contents'><h2>Contents</h2><ol></ol></nav>",
                             "html.parser")
    articles = [_printable_article(site_dir, folder, index, page_ids) for index, folder in enumerate(folders)]
    for folder, article in zip(folders, articles):
        heading = article.find("h1")
        item = contents.new_tag("li")
        link = contents.new_tag("a", href="#" + page_ids[folder])
        link.string = heading.get_text(" ", strip=True) if heading else (folder or "Home")
        item.append(link)
        contents.ol.append(item)
    container.append(contents)
    for folder, article in zip(folders, articles):
        section = document.new_tag("section", attrs={"class": "print-page", "id": page_ids[folder]})
        section.extend(list(article.contents))
        container.append(section)
    return str(document)


def build_edition_pdf(site_dir: Path, edition: str, date: dt.date | str) -> Path:
    """Print a built edition (every nav page, in order) to site_dir/ketamine-guide-<edition>.pdf; return its path."""
    site_dir = Path(site_dir)
    text = edition_document(site_dir, edition, date)
    pdf = site_dir / edition_pdf_name(edition)
    # The combined page sits at the site's root (so its stylesheets resolve) only while it is printed.
    handle, name = tempfile.mkstemp(prefix=".print-", suffix=".html", dir=site_dir)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        html_to_pdf(Path(name), pdf)
    finally:
        os.unlink(name)
    return pdf


# --- Publishing it with an edition --------------------------------------------------


def _git(root: Path, *args: str, env: dict | None = None) -> str:
    result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        raise PrintError(f"'git {' '.join(args)}' failed: {result.stderr.strip()}")
    return result.stdout.strip()


def publish_edition_pdf(root: Path, edition: str, aliases: list[str], push: bool = False,
                        branch: str = "gh-pages", site_dir: Path | None = None) -> Path:
    """After mike has deployed `edition`, print its built site (root/site, where mike built it) and commit the PDF
    into the edition's folder and each alias's folder on `branch`; push that branch if asked."""
    from . import sources

    root = Path(root)
    editions, _ = sources.load_editions(root / "data" / "editions.yaml")
    date = next((e.date for e in editions if e.version == edition), None)
    if date is None:
        raise PrintError(f"edition {edition} is not listed in data/editions.yaml")
    pdf = build_edition_pdf(site_dir or root / "site", edition, date)
    blob = _git(root, "hash-object", "-w", str(pdf))
    parent = _git(root, "rev-parse", f"refs/heads/{branch}")
    with tempfile.TemporaryDirectory() as scratch:
        env = {**os.environ, "GIT_INDEX_FILE": str(Path(scratch) / "index")}
        _git(root, "read-tree", parent, env=env)
        for folder in [edition, *aliases]:
            _git(root, "update-index", "--add", "--cacheinfo", f"100644,{blob},{folder}/{pdf.name}", env=env)
        tree = _git(root, "write-tree", env=env)
    commit = _git(root, "commit-tree", tree, "-p", parent, "-m", f"Printable PDF of edition {edition}")
    _git(root, "update-ref", f"refs/heads/{branch}", commit, parent)
    if push:
        _git(root, "push", "origin", branch)
    return pdf
