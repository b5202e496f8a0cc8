"""The guide's Markdown extensions, one behaviour at a time, on Python-Markdown directly (no site build).

Extension names are the ones mkdocs.yml lists. Tests that list pages use a temporary
docs folder; tests of data use the project's real data files.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import re

import markdown
import pytest
import yaml
from bs4 import BeautifulSoup

from scripts import sources

ROOT = Path(__file__).resolve().parent.parent
CITATIONS = "scripts.extensions.citations"
GLOSSARY = "scripts.extensions.glossary"
CRISIS = "scripts.extensions.crisis"
CHANGES = "scripts.extensions.changes"
CRISIS_LINKS = {"tel:988", "sms:988", "tel:911", "tel:999", "tel:111", "tel:116123", "sms:85258?body=SHOUT"}
MURROUGH_DOI = "https://doi.org/10.1176/appi.ajp.2013.13030392"
MURROUGH_PUBMED = "https://pubmed.ncbi.nlm.nih.gov/23982301/"


def render(text: str, *extensions: str, **configs: dict) -> BeautifulSoup:
    md = markdown.Markdown(extensions=list(extensions), extension_configs={
        {"citations": CITATIONS, "changes": CHANGES}[name]: config for name, config in configs.items()})
    return BeautifulSoup(md.convert(text), "html.parser")


def write_page(docs: Path, name: str, title: str, body: str, changes: list[dict]) -> None:
    meta = {"title": title, "version": changes[0]["version"], "changes": changes}
    path = docs / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\n{yaml.safe_dump(meta, sort_keys=False)}---\n\n# {title}\n\n{body}\n", encoding="utf-8")


def test_mkdocs_yml_names_these_extensions():
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    names = [next(iter(e)) if isinstance(e, dict) else e for e in config["markdown_extensions"]]
    assert {CITATIONS, GLOSSARY, CRISIS, CHANGES} <= set(names)


# --- Citations --------------------------------------------------------------------


def test_citation_becomes_a_numbered_footnote_reference():
    html = render("Ketamine helped [@murrough2013].", CITATIONS)
    sup = html.find("sup", id="fnref:murrough2013")
    assert sup is not None, html
    assert sup.a["href"] == "#fn:murrough2013" and sup.a.get_text() == "1"
    assert "[@" not in html.get_text()


def test_references_heading_ends_the_page_with_doi_and_pubmed_links():
    html = render("Ketamine helped [@murrough2013].\n\n## Later section\n\nMore text.", CITATIONS)
    headings = html.find_all("h2")
    assert [h.get_text() for h in headings] == ["Later section", "References"]
    footnotes = headings[-1].find_next_sibling()
    assert footnotes.name == "div" and "footnote" in footnotes["class"]
    assert footnotes.find_next_sibling() is None, "the references must end the page"
    entry = footnotes.find("li", id="fn:murrough2013")
    links = {a["href"]: a.get_text() for a in entry.find_all("a")}
    assert links[MURROUGH_DOI] == "DOI: 10.1176/appi.ajp.2013.13030392"
    assert links[MURROUGH_PUBMED] == "PubMed: 23982301"
    assert "Murrough JW" in entry.get_text() and "2013;170(10):1134-1142" in entry.get_text()


def test_two_keys_give_two_references_in_order():
    html = render("Both trials agree [@fava2020; @murrough2013b].", CITATIONS)
    sups = html.find_all("sup")
    assert [s["id"] for s in sups] == ["fnref:fava2020", "fnref:murrough2013b"]
    assert [s.a.get_text() for s in sups] == ["1", "2"]
    assert [li["id"] for li in html.select("div.footnote li")] == ["fn:fava2020", "fn:murrough2013b"]


def test_unknown_key_is_left_as_text_with_a_warning(caplog):
    with caplog.at_level(logging.WARNING, logger="mkdocs.extensions.guide"):
        html = render("A claim [@nosuchkey2099].", CITATIONS)
    assert "[@nosuchkey2099]" in html.get_text()
    assert html.find("sup") is None and html.find("h2") is None
    warnings = [r for r in caplog.records if r.name == "mkdocs.extensions.guide" and r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "nosuchkey2099" in warnings[0].getMessage()


def test_malformed_citation_is_left_as_text_with_a_warning(caplog):
    with caplog.at_level(logging.WARNING, logger="mkdocs.extensions.guide"):
        html = render("A claim [@murrough2013, @fava2020].", CITATIONS)
    assert "[@murrough2013, @fava2020]" in html.get_text() and html.find("sup") is None
    assert any("Malformed citation" in r.getMessage() for r in caplog.records if r.name == "mkdocs.extensions.guide")


def test_citations_in_code_are_untouched():
    text = "Write `[@murrough2013]` to cite.\n\n```\n[@murrough2013]\n```\n"
    html = render(text, CITATIONS, "pymdownx.superfences")
    codes = [c.get_text() for c in html.find_all("code")]
    assert codes == ["[@murrough2013]", "[@murrough2013]\n"]
    assert html.find("sup") is None and html.find("h2") is None


def test_references_page_lists_each_cited_work_with_its_pages(tmp_path):
    one = {"version": "1.0.0", "date": "2026-11-01", "summary": "First."}
    write_page(tmp_path, "a.md", "Page A", "Claim [@murrough2013; @fava2020].", [one])
    write_page(tmp_path, "guide/b.md", "Page B", "Claim [@murrough2013]. `[@berman2000]` is code-like.", [one])
    html = render("# References\n\n[REFERENCES]\n", CITATIONS, "attr_list", citations={"docs_dir": str(tmp_path)})
    entries = html.select("p.reference")
    # alphabetical by first author; berman2000 is only in inline code, which is not a citation
    # (guide pages also cite the sources of their closing sections: tests/test_regulatory.py)
    assert [p["id"] for p in entries if p["id"] in {"berman2000", "fava2020", "murrough2013"}] == ["fava2020", "murrough2013"]
    murrough = html.find(id="murrough2013")
    assert "Cited on:" in murrough.get_text()
    assert {a["href"]: a.get_text() for a in murrough.find_all("a") if a["href"].startswith("/")} == {
        "/a.md": "Page A", "/guide/b.md": "Page B"}
    assert MURROUGH_DOI in {a["href"] for a in murrough.find_all("a")}
    fava = html.find(id="fava2020")
    assert [a.get_text() for a in fava.find_all("a") if a["href"].startswith("/")] == ["Page A"]
    assert "[REFERENCES]" not in html.get_text()


# --- Glossary ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def antidepressant() -> sources.Term:
    terms, problems = sources.load_glossary()
    assert problems == []
    return next(t for t in terms if t.term == "Antidepressant")


def test_glossary_term_in_a_paragraph_gets_a_tooltip(antidepressant):
    html = render("An antidepressant is a medicine.", GLOSSARY)
    abbr = html.find("abbr")
    assert abbr is not None and abbr.get_text() == "antidepressant"
    assert abbr["title"] == antidepressant.definition


def test_glossary_capitalised_variant_matches(antidepressant):
    html = render("Antidepressants take weeks.", GLOSSARY)
    abbr = html.find("abbr")
    assert abbr is not None and abbr.get_text() == "Antidepressants" and abbr["title"] == antidepressant.definition


def test_glossary_acronyms_match_only_as_written():
    assert sources.match_variants("MADRS") == {"MADRS"}
    assert sources.match_variants("rTMS") == {"rTMS"}
    assert sources.match_variants("placebo") == {"placebo", "Placebo"}


def test_no_tooltips_in_headings_or_links():
    html = render("# Antidepressant basics\n\n## How an antidepressant works\n\n"
                  "Read [about each antidepressant](other.md) or *[an antidepressant](x.md)*.\n\nAn antidepressant.",
                  GLOSSARY)
    assert [h.get_text() for h in html.find_all(["h1", "h2"])] == ["Antidepressant basics", "How an antidepressant works"]
    assert all(h.find("abbr") is None for h in html.find_all(["h1", "h2"]))
    assert [a.get_text() for a in html.find_all("a")] == ["about each antidepressant", "an antidepressant"]
    assert all(a.find("abbr") is None for a in html.find_all("a"))
    assert len(html.find_all("abbr")) == 1, "the plain paragraph still gets its tooltip"


def test_glossary_page_has_one_heading_per_term():
    terms, _ = sources.load_glossary()
    html = render("# Glossary\n\n[GLOSSARY]\n", GLOSSARY, "toc")
    headings = html.find_all("h2")
    ordered = sorted(terms, key=lambda t: t.term.lower())
    assert [h.get_text() for h in headings] == [t.term for t in ordered]
    # the content check's anchor rule (LINK002) relies on these ids
    assert [h["id"] for h in headings] == [t.anchor for t in ordered]
    assert headings[0].find_next_sibling("p").get_text() == ordered[0].definition
    assert "[GLOSSARY]" not in html.get_text()


# --- Crisis -----------------------------------------------------------------------


def test_every_page_starts_with_the_crisis_box():
    html = render("# Any page\n\nSome text.", CRISIS, GLOSSARY, CITATIONS)
    first = next(iter(html.find_all(recursive=False)))
    assert first.name == "aside" and "crisis" in first["class"]
    hrefs = {a["href"] for a in first.find_all("a")}
    assert CRISIS_LINKS <= hrefs
    assert "https://988lifeline.org" in hrefs and "/get-help.md" in hrefs
    assert first.find("abbr") is None


def test_crisis_services_marker_lists_every_region_and_service():
    data, problems = sources.load_crisis()
    assert problems == [] and data is not None
    html = render("# Get help now\n\n[CRISIS-SERVICES]\n\nMore text.", CRISIS)
    assert [h.get_text() for h in html.find_all("h2")] == [r.name for r in data.regions]
    for region in data.regions:
        listed = html.find("h2", string=region.name).find_next_sibling("ul")
        assert "crisis-services" in listed["class"]
        assert [li.strong.get_text() for li in listed.find_all("li")] == [s.name for s in region.services]
        for service, item in zip(region.services, listed.find_all("li")):
            assert [a["href"] for a in item.find_all("a")] == [action.href for action in service.actions]
            assert service.detail in item.get_text()
    assert f"last checked on {data.checked}" in html.get_text()
    assert "[CRISIS-SERVICES]" not in html.get_text()
    assert len(html.find_all("aside")) == 1


# --- Changes ----------------------------------------------------------------------


def test_page_changes_table_has_a_row_per_change_newest_first(tmp_path):
    write_page(tmp_path, "a.md", "Page A", "Text.", [
        {"version": "1.1.0", "date": "2026-11-20", "summary": "Added a section on costs."},
        {"version": "1.0.0", "date": "2026-09-01", "summary": "First version."},
    ])
    write_page(tmp_path, "guide/b.md", "Page B", "Text.", [
        {"version": "2.0.0", "date": "2026-10-15", "summary": "New trial results | revised."},
        {"version": "1.0.0", "date": "2026-08-01", "summary": "First version."},
    ])
    html = render("[PAGE-CHANGES]\n", CHANGES, "tables", changes={"docs_dir": str(tmp_path)})
    rows = [[td.get_text() for td in tr.find_all("td")] for tr in html.select("tbody tr")]
    assert rows == [
        ["20 November 2026", "Page A", "1.1.0", "Added a section on costs."],
        ["15 October 2026", "Page B", "2.0.0", "New trial results | revised."],
        ["1 September 2026", "Page A", "1.0.0", "First version."],
        ["1 August 2026", "Page B", "1.0.0", "First version."],
    ]
    assert [a["href"] for a in html.select("tbody a")] == ["/a.md", "/guide/b.md", "/a.md", "/guide/b.md"]
    assert [th.get_text() for th in html.select("thead th")] == ["Date", "Page", "Version", "What changed"]


def test_page_changes_skip_a_change_with_an_impossible_date(tmp_path):
    """Regression: '2026-02-30' crashed the build; the content check reports it as FM011 instead."""
    write_page(tmp_path, "a.md", "Page A", "Text.", [
        {"version": "1.1.0", "date": "2026-02-30", "summary": "Bad date."},
        {"version": "1.0.0", "date": "2026-01-10", "summary": "First version."},
    ])
    html = render("[PAGE-CHANGES]\n", CHANGES, "tables", changes={"docs_dir": str(tmp_path)})
    assert [[td.get_text() for td in tr.find_all("td")][0] for tr in html.select("tbody tr")] == ["10 January 2026"]


def test_editions_list_comes_from_the_editions_file():
    editions, problems = sources.load_editions()
    assert problems == [] and editions
    html = render("[EDITIONS]\n", CHANGES)
    items = html.select("ul > li")
    assert len(items) == len(editions)
    for edition, item in zip(editions, items):
        assert item.strong.get_text() == f"Edition {edition.version}"
        assert f"({edition.date.day} {edition.date:%B %Y})" in item.get_text()
        assert edition.summary in item.get_text()


def test_editions_list_with_no_editions(tmp_path):
    empty = tmp_path / "editions.yaml"
    empty.write_text("# none yet\n", encoding="utf-8")
    html = render("[EDITIONS]\n", CHANGES, changes={"editions": str(empty)})
    assert html.get_text().strip() == "No edition has been published yet."


def test_markers_inside_code_are_left_alone(tmp_path):
    text = "```\n[PAGE-CHANGES]\n[EDITIONS]\n[GLOSSARY]\n[REFERENCES]\n```\n"
    html = render(text, CITATIONS, GLOSSARY, CHANGES, "pymdownx.superfences", changes={"docs_dir": str(tmp_path)})
    assert html.find("code").get_text() == "[PAGE-CHANGES]\n[EDITIONS]\n[GLOSSARY]\n[REFERENCES]\n"
    assert html.find("table") is None and html.find("h2") is None


def test_human_date():
    from scripts.extensions.changes import human_date

    assert human_date("2026-11-27") == "27 November 2026"
    assert human_date(dt.date(2026, 1, 5)) == "5 January 2026"


def test_a_term_gets_its_tooltip_once_per_section():
    html = markdown.Markdown(extensions=["scripts.extensions.glossary"]).convert(
        "Ketamine, then ketamine again.\n\n- and ketamine in a list\n\n## Next section\n\nKetamine here.\n"
    )
    tooltips = re.findall(r"<abbr [^>]*title=[^>]*>(\w+)</abbr>", html)
    assert tooltips == ["Ketamine", "Ketamine"]  # first use before the heading, first use after it
    assert "then ketamine again" in html and "and ketamine in a list" in html  # the text itself is untouched


def test_each_page_reference_list_is_kept_out_of_the_search_index():
    html = markdown.Markdown(extensions=["scripts.extensions.citations"]).convert("A claim [@murrough2013].\n")
    assert '<h2 data-search-exclude="">References</h2>' in html
    assert '<div class="footnote" data-search-exclude="">' in html
