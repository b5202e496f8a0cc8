"""Regulatory facts and the closing sections of guide pages: data/regulatory.yaml and data/further-info.yaml,
their loaders, the Markdown extension that renders them and the content-check rules that guard them."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from types import SimpleNamespace

import markdown
import pytest
from bs4 import BeautifulSoup
from markdown.treeprocessors import Treeprocessor

from scripts import sources
from scripts.check import Checker
from scripts.extensions import regulatory

ROOT = Path(__file__).resolve().parent.parent
REGULATORY = "scripts.extensions.regulatory"
CITATIONS = "scripts.extensions.citations"
TODAY = dt.date(2026, 12, 3)
KNOWN = {"spravatolabel", "nice2022"}


def write(tmp_path: Path, text: str, name: str = "regulatory.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def status_entry(key: str = "uk-england-esketamine", as_of: str = "2026-12-03", cite: str = "[nice2022]") -> str:
    return (f"  - key: {key}\n    jurisdiction: England\n    product: Esketamine\n"
            f"    text: NICE does not recommend esketamine\n    as_of: {as_of}\n    cite: {cite}\n")


def render(text: str, page: str | None = None) -> BeautifulSoup:
    md = markdown.Markdown(extensions=[REGULATORY, CITATIONS, "tables"])
    if page is not None:
        # What MkDocs does before converting a page: its link resolver knows the page's docs path.
        class Relpath(Treeprocessor):
            file = SimpleNamespace(src_uri=page)

            def run(self, root):
                return None

        md.treeprocessors.register(Relpath(md), "relpath", 0)
    return BeautifulSoup(md.convert(text), "html.parser")


# --- Loader -------------------------------------------------------------------------


def test_project_data_files_load_without_problems():
    references, _ = sources.load_bibliography()
    statuses, problems = sources.load_regulatory(known_keys=set(references))
    assert problems == []
    assert {"us-esketamine-trd", "us-esketamine-suicidal", "uk-scotland-esketamine", "us-telehealth-prescribing"} <= set(statuses)
    sections, problems = sources.load_further_info(known_keys=set(references))
    assert problems == [] and [s.heading for s in sections] == ["How do I report a side effect?",
                                                                 "Where can I find more trustworthy information?"]


def test_a_missing_as_of_is_reported_with_file_and_line(tmp_path):
    text = "statuses:\n" + status_entry() + status_entry(key="us-esketamine", as_of='""')
    statuses, problems = sources.load_regulatory(write(tmp_path, text), KNOWN, TODAY)
    assert list(statuses) == ["uk-england-esketamine"]
    assert len(problems) == 1
    problem = problems[0]
    # The second entry starts on line 8 (line 1 is 'statuses:', each entry is 6 lines long).
    assert (problem.path.endswith("regulatory.yaml"), problem.line, problem.code) == (True, 8, "REG002")
    assert "as_of" in problem.message and str(problem).startswith(f"{problem.path}:8:1: REG002 ")


@pytest.mark.parametrize("entry, code", [
    (status_entry(cite="[nosuchkey2020]"), "REG007"),
    (status_entry(as_of="2027-01-01"), "REG006"),
    (status_entry(as_of="2026-13-01"), "REG005"),
    (status_entry(key="Bad_Key"), "REG003"),
])
def test_bad_status_fields_are_reported(tmp_path, entry, code):
    _, problems = sources.load_regulatory(write(tmp_path, "statuses:\n" + entry), KNOWN, TODAY)
    assert [(p.code, p.line) for p in problems] == [(code, 2)]


def test_an_unknown_key_cited_inside_the_text_is_reported(tmp_path):
    entry = status_entry().replace("recommend esketamine", "recommend esketamine [@madeup2021]")
    _, problems = sources.load_regulatory(write(tmp_path, "statuses:\n" + entry), KNOWN, TODAY)
    assert [p.code for p in problems] == ["REG007"] and "madeup2021" in problems[0].message


def test_duplicate_keys_and_a_wrong_shape_are_reported(tmp_path):
    _, problems = sources.load_regulatory(write(tmp_path, "statuses:\n" + status_entry() + status_entry()), KNOWN, TODAY)
    assert [(p.code, p.line) for p in problems] == [("REG004", 8)]
    _, problems = sources.load_regulatory(write(tmp_path, "- just a list\n"), KNOWN, TODAY)
    assert [p.code for p in problems] == ["REG001"]
    _, problems = sources.load_regulatory(write(tmp_path, "statuses: [\n"), KNOWN, TODAY)
    assert [p.code for p in problems] == ["YAML001"]


def test_further_info_rejects_plain_http_and_unknown_citations(tmp_path):
    text = ("sections:\n  - heading: Where can I read more?\n    links:\n"
            "      - {label: Old site, url: 'http://example.org'}\n"
            "      - {label: Agency, url: 'https://example.org', cite: [nosuch2020]}\n")
    sections, problems = sources.load_further_info(write(tmp_path, text, "further-info.yaml"), KNOWN)
    assert [(p.code, p.line) for p in problems] == [("INFO004", 4), ("INFO005", 5)]
    assert sections[0].links == ()


# --- Rendering ----------------------------------------------------------------------


def test_inline_status_becomes_a_dated_sentence_with_numbered_citations():
    html = render("[STATUS: uk-scotland-esketamine]")
    text = html.get_text()
    status = regulatory.cached_statuses()["uk-scotland-esketamine"]
    assert text.startswith(f"As of {regulatory.month_year(status.as_of)}, the Scottish Medicines Consortium accepts")
    assert html.find("sup", id="fnref:smc2258") is not None
    assert "[STATUS" not in text and "[@" not in text


def test_status_table_lists_the_chosen_statuses_with_their_dates():
    html = render("[REGULATORY-STATUS: uk-england-esketamine, uk-scotland-esketamine]")
    rows = html.find("table").find_all("tr")
    assert [th.get_text() for th in rows[0].find_all("th")] == ["Where", "Medicine", "What applies", "Checked"]
    assert [row.find("td").get_text() for row in rows[1:]] == ["England", "Scotland"]
    assert rows[1].find_all("td")[2].get_text().startswith("NICE does not recommend")
    assert rows[1].find("sup", id="fnref:nice2022") is not None


def test_the_whole_table_has_a_row_per_status():
    html = render("[REGULATORY-STATUS]")
    assert len(html.find("table").find_all("tr")) == 1 + len(regulatory.cached_statuses())


def test_an_unknown_status_warns_and_is_left_visible(caplog):
    with caplog.at_level(logging.WARNING, logger="mkdocs.extensions.guide"):
        html = render("Before [STATUS: no-such-status] after.", page="guide/x.md")
    assert "[STATUS: no-such-status]" in html.get_text()
    assert any("REG010" in r.getMessage() and "no-such-status" in r.getMessage() for r in caplog.records)


def test_markers_in_code_are_left_alone():
    html = render("`[STATUS: uk-england-esketamine]`\n\n```\n[REGULATORY-STATUS]\n```")
    assert html.find("table") is None and html.get_text().count("STATUS") == 2


def test_guide_pages_end_with_reporting_and_further_information_before_the_references():
    html = render("# A guide page\n\nText [@nice2022].", page="guide/what-is-ketamine.md")
    headings = [h.get_text() for h in html.find_all("h2")]
    assert headings == ["How do I report a side effect?", "Where can I find more trustworthy information?", "References"]
    links = {a["href"] for a in html.find_all("a")}
    assert {"https://www.fda.gov/medwatch", "https://yellowcard.mhra.gov.uk"} <= links
    assert not any(img for img in html.find_all(["img", "script", "iframe"])), "plain links only: no third-party requests"


def test_pages_outside_the_guide_get_no_closing_sections():
    assert render("# Home\n\nText.", page="index.md").find("h2") is None
    assert render("# No page known\n\nText.").find("h2") is None


# --- Content check ------------------------------------------------------------------


def test_check_names_page_line_and_column_of_an_unknown_status(tmp_path):
    docs = tmp_path / "docs" / "guide"
    docs.mkdir(parents=True)
    page = docs / "x.md"
    page.write_text("---\ntitle: X\n---\n\n# X\n\nFirst line.\nSee [STATUS: no-such-status] here.\n", encoding="utf-8")
    problems = Checker(docs=tmp_path / "docs", today=TODAY, readability_checks=False).run()
    found = [p for p in problems if p.code == "REG010"]
    assert [(p.path.endswith("guide/x.md"), p.line, p.column) for p in found] == [(True, 8, 5)]
    assert "no-such-status" in found[0].message and "regulatory.yaml" in found[0].fix


def test_references_page_lists_works_cited_only_through_the_data(tmp_path):
    meta = "---\ntitle: {0}\n---\n\n# {0}\n\n{1}\n"
    (tmp_path / "guide").mkdir()
    (tmp_path / "guide" / "g.md").write_text(meta.format("Guide page", "[STATUS: uk-scotland-esketamine]"), encoding="utf-8")
    (tmp_path / "home.md").write_text(meta.format("Home", "No citations here."), encoding="utf-8")
    md = markdown.Markdown(extensions=[REGULATORY, CITATIONS, "attr_list"],
                           extension_configs={CITATIONS: {"docs_dir": str(tmp_path)}})
    html = BeautifulSoup(md.convert("# References\n\n[REFERENCES]\n"), "html.parser")
    cited = {p["id"]: {a.get_text() for a in p.find_all("a") if a["href"].startswith("/")} for p in html.select("p.reference")}
    assert cited["smc2258"] == {"Guide page"}, "a status's citation counts for the page that shows it"
    assert cited["fdamedwatch"] == {"Guide page"}, "a guide page's closing sections cite their sources"
