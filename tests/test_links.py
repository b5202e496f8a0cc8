"""Internal links and anchors of the built site, checked over the built files with lychee.

Each checker the gate relies on has a canary here: the same call must fail on a broken anchor
and on a broken link, so a checker that silently passes everything fails the gate.
"""

from __future__ import annotations

import shutil
import subprocess
import sys

from bs4 import BeautifulSoup

from conftest import ROOT, built_pages
from scripts.site_links import broken_links


def test_every_internal_link_and_anchor_resolves(built_site):
    assert broken_links(built_site) == []


def test_a_broken_anchor_and_a_broken_link_are_reported_against_their_source_page(tmp_path):
    (tmp_path / "index.html").write_text('<a href="guide/">guide</a>')
    (tmp_path / "guide").mkdir()
    (tmp_path / "guide" / "index.html").write_text(
        '<h1 id="present">Guide</h1>\n<a href="../faq/#missing">bad anchor</a> <a href="../faq/#here">good</a>\n'
        '<a href="../gone/">bad link</a> <a href="#present">same page</a>')
    (tmp_path / "faq").mkdir()
    (tmp_path / "faq" / "index.html").write_text('<h2 id="here">Here</h2>')
    found = broken_links(tmp_path)
    assert [(link.source(), link.line, link.url) for link in found] == [
        ("docs/guide.md", 2, "/faq#missing"), ("docs/guide.md", 3, "/gone")]
    assert [str(link).split(": ", 1)[1].split(" ", 3)[:3] for link in found] == [
        ["LINK101", "broken", "anchor"], ["LINK101", "broken", "link"]]


def test_removing_a_linked_heading_from_the_real_site_is_caught(built_site, tmp_path):
    """The real site's own anchors are really checked: remove the target of one link and the check must fail."""
    site = tmp_path / "site"
    shutil.copytree(built_site, site)
    page = next(p for p in built_pages(site) if p.parent != site)  # a page in a folder, with sections
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    link = next(a["href"] for a in soup.select("article a[href^='#']") if len(a["href"]) > 1)
    anchor = link[1:]
    page.write_text(page.read_text(encoding="utf-8").replace(f'id="{anchor}"', 'id="renamed-on-purpose"'),
                    encoding="utf-8")
    assert any(found.url.endswith(f"#{anchor}") for found in broken_links(site)), link


def test_make_links_command_names_the_source_and_exits_non_zero(tmp_path):
    (tmp_path / "index.html").write_text('<a href="missing/">x</a>')
    result = subprocess.run([sys.executable, "-m", "scripts", "links", str(tmp_path)], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert "docs/index.md: LINK101 broken link /missing" in result.stdout
    missing = subprocess.run([sys.executable, "-m", "scripts", "links", str(tmp_path / "nowhere")], cwd=ROOT,
                             capture_output=True, text=True)
    assert missing.returncode == 2 and "build the site first" in missing.stderr and "Traceback" not in missing.stderr
