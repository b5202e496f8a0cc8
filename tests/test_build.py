"""The strict build: what it must refuse, and what every built page must carry."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import ROOT, built_pages, copy_project, mkdocs_build

CRISIS_LINKS = {"tel:988", "sms:988", "tel:911", "tel:999", "tel:111", "tel:116123", "sms:85258?body=SHOUT"}


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def nav_pages() -> list[str]:
    def walk(items):
        for item in items:
            value = next(iter(item.values())) if isinstance(item, dict) else item
            yield from walk(value) if isinstance(value, list) else [value]

    config = yaml.load((ROOT / "mkdocs.yml").read_text(), Loader=yaml.BaseLoader)
    return list(walk(config["nav"]))


@pytest.mark.slow
@pytest.mark.parametrize("link, message", [
    ("[gone](no-such-page.md)", "no-such-page.md"),
    ("[gone](guide/benefits.md#no-such-heading)", "no-such-heading"),
    ("[gone](#nowhere-on-this-page)", "nowhere-on-this-page"),
])
def test_strict_build_fails_on_broken_internal_link(tmp_path, link, message):
    project = copy_project(tmp_path / "project")
    index = project / "docs" / "index.md"
    index.write_text(index.read_text(encoding="utf-8") + f"\n\nA broken link: {link}\n", encoding="utf-8")
    result = mkdocs_build(project / "mkdocs.yml", tmp_path / "site")
    assert result.returncode != 0
    assert message in result.stderr + result.stdout


@pytest.mark.slow
def test_strict_build_fails_on_unknown_citation_key(tmp_path):
    project = copy_project(tmp_path / "project")
    index = project / "docs" / "index.md"
    index.write_text(index.read_text(encoding="utf-8") + "\n\nAn invented claim [@nobody2099].\n", encoding="utf-8")
    result = mkdocs_build(project / "mkdocs.yml", tmp_path / "site")
    assert result.returncode != 0
    assert "nobody2099" in result.stderr


def test_every_nav_page_is_built(built_site):
    for source in nav_pages():
        url = source[:-3] + "/index.html" if not source.endswith("index.md") else source[:-8] + "index.html"
        assert (built_site / url).exists(), source


def test_every_page_carries_crisis_help_with_phone_links(built_site):
    pages = built_pages(built_site)
    assert len(pages) == len(nav_pages())
    for page in pages:
        boxes = soup(page).select("aside.crisis")
        assert len(boxes) == 1, page
        box = boxes[0]
        hrefs = {a["href"] for a in box.find_all("a")}
        assert CRISIS_LINKS <= hrefs, (page, CRISIS_LINKS - hrefs)
        # Never collapsed: not inside <details>, no hidden attribute.
        assert box.find_parent("details") is None and not box.has_attr("hidden")
        # First thing in the article, so it is in the same place on every page.
        article = box.find_parent("article")
        assert article is not None
        assert box.has_attr("data-search-exclude")


def test_every_page_has_its_information_box(built_site):
    for page in built_pages(built_site):
        info = soup(page).select_one("section.page-info")
        assert info is not None, page
        text = info.get_text(" ", strip=True)
        for label in ("Page version", "Page last reviewed", "Next review due", "Clinical review", "Page history"):
            assert label in text, (page, label)
        assert re.search(r"Page version \d+\.\d+\.\d+", text), page
        assert re.search(r"Page last reviewed \d{1,2} [A-Z][a-z]+ 20\d\d", text), page


def test_footer_has_disclaimer_and_prefilled_problem_report(built_site):
    page = built_site / "guide" / "benefits" / "index.html"
    footer = soup(page).select_one("footer")
    text = footer.get_text(" ", strip=True)
    assert "not medical advice" in text
    for label in ("About this guide", "Privacy", "Accessibility"):
        assert footer.find("a", string=label), label
    report = footer.find("a", string="Report a problem with this page")
    assert "template=report-error.yml" in report["href"]
    assert "page=https%3A//open-ketamine-guide.github.io/guide/guide/benefits/&" in report["href"]
    # The report carries the page's own version, whatever it is now.
    front_matter = (ROOT / "docs" / "guide" / "benefits.md").read_text(encoding="utf-8").split("---")[1]
    assert f"&version={yaml.safe_load(front_matter)['version']}&" in report["href"]


def test_no_asset_is_loaded_from_another_host(built_site):
    for page in list(built_site.rglob("*.html")):
        html = soup(page)
        for tag, attribute in (("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src")):
            for element in html.find_all(tag):
                value = element.get(attribute, "")
                if tag == "link" and element.get("rel") not in (["stylesheet"], ["icon"], ["preload"], ["manifest"]):
                    continue
                assert not re.match(r"^(https?:)?//", value), (page, tag, value)


def test_pages_have_at_a_glance_summary_first(built_site):
    for source in nav_pages():
        if source in ("glossary.md", "references.md", "changes.md"):
            continue
        page = built_site / (source[:-3] + "/index.html" if source != "index.md" else "index.html")
        article = soup(page).select_one("article")
        summary = article.select_one("div.admonition.summary")
        assert summary is not None and "At a glance" in summary.get_text(), source
        assert 3 <= len(summary.find_all("li")) <= 5, source
        # The summary comes before the first section heading.
        first_section = article.find("h2")
        assert first_section is None or summary.sourceline < first_section.sourceline, source


def json_ld(page: Path) -> list[dict]:
    import json

    return [json.loads(script.string) for script in soup(page).find_all("script", type="application/ld+json")]


def test_every_page_has_medical_web_page_structured_data(built_site):
    from scripts import sources

    for source in nav_pages():
        page = built_site / (source[:-3] + "/index.html" if source != "index.md" else "index.html")
        meta = sources.load_page(ROOT / "docs" / source).meta
        medical = [d for d in json_ld(page) if d.get("@type") == "MedicalWebPage"]
        assert len(medical) == 1, source
        data = medical[0]
        assert data["@context"] == "https://schema.org"
        assert data["lastReviewed"] == str(meta["last_reviewed"]), source
        assert data["name"] and data["url"].startswith("https://") and data["version"] == meta["version"], source


def test_faq_has_faq_page_structured_data_matching_its_questions(built_site):
    page = built_site / "faq" / "index.html"
    faq = [d for d in json_ld(page) if d.get("@type") == "FAQPage"]
    assert len(faq) == 1
    questions = faq[0]["mainEntity"]
    headings = [h.get_text(" ", strip=True).rstrip("¶").strip() for h in soup(page).select("article h2")
                if h.get("id") not in ("references", "page-info-heading")]
    assert [q["name"] for q in questions] == headings
    assert len(questions) >= 25
    for question in questions:
        assert question["@type"] == "Question"
        answer = question["acceptedAnswer"]["text"]
        assert len(answer.split()) >= 10, question["name"]
        assert "[@" not in answer and "\x02" not in answer  # no citation syntax or stash placeholders


def test_glossary_terms_have_tooltips_in_the_text(built_site):
    import yaml as _yaml

    definitions = {entry["definition"].split()[0] for entry in _yaml.safe_load((ROOT / "data" / "glossary.yaml").read_text())}
    for source in ("guide/benefits", "guide/side-effects", "faq"):
        abbrs = soup(built_site / source / "index.html").select("article abbr[title]")
        assert len(abbrs) >= 20, source
        assert all(a["title"].split()[0] in definitions for a in abbrs), source
        assert not soup(built_site / source / "index.html").select("article h2 abbr, article a abbr")


def test_citations_link_to_their_references_and_back(built_site):
    for page in built_pages(built_site):
        html = soup(page)
        ids = {element["id"] for element in html.find_all(id=True)}
        refs = html.select("a.footnote-ref")
        for ref in refs:
            assert ref["href"].lstrip("#") in ids, (page, ref["href"])
        for back in html.select("a.footnote-backref"):
            assert back["href"].lstrip("#") in ids, (page, back["href"])
        if refs:
            assert html.find("h2", id="references") is not None, page


def test_references_page_lists_at_least_35_cited_works_with_links_and_citing_pages(built_site):
    html = soup(built_site / "references" / "index.html")
    entries = html.select("p.reference")
    assert len(entries) >= 35
    from scripts import sources

    references, _ = sources.load_bibliography()
    for entry in entries:
        assert "Cited on:" in entry.get_text()
        record = references[entry["id"]]
        if record.doi:
            assert entry.find("a", href=f"https://doi.org/{record.doi}"), entry["id"]
        if record.pmid:
            assert entry.find("a", href=f"https://pubmed.ncbi.nlm.nih.gov/{record.pmid}/"), entry["id"]
        if not (record.doi or record.pmid or record.url):
            assert not entry.find("a", href=re.compile(r"^https://")), "no link is invented for an unlinked record"
        assert entry.find("a", href=re.compile(r"^\.\./")), "each entry links to the pages citing it"


def test_search_dialog_has_an_accessible_name_on_every_page(built_site):
    for page in [*built_pages(built_site), built_site / "404.html"]:
        dialog = soup(page).select_one("dialog.guide-search__dialog")
        assert dialog is not None and dialog.get("aria-label"), page


def test_the_site_carries_its_own_search_index_and_not_materials(built_site):
    assert (built_site / "pagefind" / "pagefind.js").is_file()
    assert list((built_site / "pagefind" / "fragment").iterdir()), "Pagefind indexed no page"
    assert not (built_site / "search" / "search_index.json").exists()
    for page in built_pages(built_site):
        assert soup(page).find("form", attrs={"name": "search"}) is None, "Material's bundle would fetch its index"
