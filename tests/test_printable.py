"""The printable guide: each published edition offers the whole guide as one PDF, linked from its home page."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import CHROMIUM_ARGS, ROOT, SiteServer
from scripts import printable
from test_release import GIT_ENV, make_repo

EDITION = "2026.11"  # the newest edition in test_release's EDITIONS
PDF = printable.edition_pdf_name(EDITION)


def pdf_pages(data: bytes) -> int:
    """Page objects in a PDF as Chromium writes it (no object streams)."""
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", data))


def nav_order() -> list[str]:
    def walk(items):
        for item in items:
            value = next(iter(item.values())) if isinstance(item, dict) else item
            yield from walk(value) if isinstance(value, list) else [value]

    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    return [("" if page == "index.md" else page.removesuffix(".md")) for page in walk(config["nav"])]


def test_the_printing_flags_are_the_test_suites():
    assert printable.CHROMIUM_ARGS == CHROMIUM_ARGS


def test_the_pdf_follows_the_navigation_order(built_site):
    assert printable.nav_pages(built_site) == nav_order()


def test_the_printed_guide_has_a_dated_cover_contents_and_every_page_once(built_site):
    document = BeautifulSoup(printable.edition_document(built_site, "2026.12", "2026-12-03"), "html.parser")
    cover = document.select_one(".print-cover").get_text(" ", strip=True)
    assert "Edition 2026.12, 3 December 2026" in cover and "not medical advice" in cover
    sections = document.select("section.print-page")
    assert [s["id"] for s in sections] == ["page-" + (f.replace("/", "-") or "home") for f in nav_order()]
    contents = [a["href"] for a in document.select(".print-contents a")]
    assert contents == ["#" + s["id"] for s in sections]
    # Each page keeps its information box; crisis help is printed once, on the first page.
    assert len(document.select("section.page-info")) == len(sections)
    assert len(document.select("aside.crisis")) == 1 and sections[0].select_one("aside.crisis") is not None
    # Ids stay unique across pages, and every link inside the document reaches one of them.
    ids = [element["id"] for element in document.find_all(id=True)]
    assert len(ids) == len(set(ids))
    internal = [a["href"][1:] for a in document.select('a[href^="#"]')]
    assert internal and set(internal) <= set(ids)
    assert not document.select('a[href$="/"]:not([href^="http"])'), "a link to another page was left relative"


def test_an_everyday_build_links_no_pdf(built_site):
    home = BeautifulSoup((built_site / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert home.select(".edition-pdf") == [] and not home.select('a[href$=".pdf"]')


@pytest.mark.slow
def test_build_edition_pdf_prints_every_page_of_a_built_site(built_site, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(built_site, site)
    pdf = printable.build_edition_pdf(site, "2026.12", "2026-12-03")
    assert pdf == site / "ketamine-guide-2026.12.pdf"
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-")
    # A cover and a contents page, then every page of the guide starting on a new sheet.
    assert pdf_pages(data) >= len(nav_order()) + 2
    # The document's title, which PDF readers show, names the edition and its date, as the cover does.
    assert rb"/Title (Ketamine for depression, edition 2026.12 \(3 December 2026\))" in data
    # Tagged for screen readers, with bookmarks (the PDF's outline) from the headings.
    assert b"/StructTreeRoot" in data and b"/Outlines" in data
    assert not list(site.glob(".print-*")), "the combined page must not be left in the site"


def test_a_missing_site_is_a_clear_error(tmp_path):
    with pytest.raises(printable.PrintError, match="build the site first"):
        printable.build_edition_pdf(tmp_path, EDITION, "2026-11-20")


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    """A throwaway repository with edition 2026.11 released, and a checkout of its gh-pages branch."""
    repo = make_repo(tmp_path_factory.mktemp("printable") / "repo")
    result = subprocess.run([sys.executable, "-m", "scripts", "release", EDITION], cwd=repo, capture_output=True,
                            text=True, env={**GIT_ENV, "PYTHONPATH": str(repo)})
    assert result.returncode == 0, result.stdout + result.stderr
    pages = repo.parent / "gh-pages"
    subprocess.run(["git", "worktree", "add", "-q", str(pages), "gh-pages"], cwd=repo, env=GIT_ENV, check=True)
    return pages


@pytest.mark.slow
@pytest.mark.parametrize("folder", [EDITION, "latest"])
def test_a_released_edition_links_its_pdf_from_the_home_page_and_the_link_works(released, folder):
    home = BeautifulSoup((released / folder / "index.html").read_text(encoding="utf-8"), "html.parser")
    box = home.select_one("article .edition-pdf")
    assert box is not None, "the home page of a release has no link to its PDF"
    link = box.find("a", href=PDF)
    assert link is not None and EDITION in link.get_text()
    data = (released / folder / PDF).read_bytes()
    assert data.startswith(b"%PDF-") and pdf_pages(data) >= len(nav_order()) + 2
    with SiteServer(released) as server, urllib.request.urlopen(f"{server.url}{folder}/{PDF}") as response:  # noqa: S310
        assert response.status == 200 and response.read(5) == b"%PDF-"
    # Only the home page offers it.
    faq = BeautifulSoup((released / folder / "faq" / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert faq.select(".edition-pdf") == []
