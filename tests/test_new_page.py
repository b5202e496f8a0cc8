"""`make new-page` scaffolds a page whose only problems are the placeholders the author must replace."""

from __future__ import annotations

import datetime as dt

import pytest

from scripts.check import Checker
from scripts.pages import NewPageError, new_page

TODAY = dt.date(2026, 11, 27)


def test_scaffold_fails_the_check_only_on_its_placeholders(tmp_path):
    path = new_page("guide/sleep.md", "Ketamine and sleep: what we know", today=TODAY, docs=tmp_path)
    text = path.read_text()
    assert 'title: "Ketamine and sleep: what we know"' in text and "next_review: 2028-11-27" in text
    problems = Checker(docs=tmp_path, today=TODAY).run()
    page_problems = [p for p in problems if p.path.endswith("sleep.md")]
    assert {p.code for p in page_problems} == {"CIT002", "PAGE002"}
    placeholders = sorted(p.line for p in page_problems if p.code == "PAGE002")
    assert len(placeholders) == 7 and placeholders[0] == 3  # the description line first


def test_page_missing_from_nav_is_reported_with_the_line_to_add(tmp_path):
    docs = tmp_path / "docs"
    new_page("guide/sleep.md", "Ketamine and sleep", today=TODAY, docs=docs)
    new_page("listed.md", "Listed", today=TODAY, docs=docs)
    (tmp_path / "mkdocs.yml").write_text("site_name: x\nnav:\n  - Listed: listed.md\n  - Env: !ENV [X, y]\n")
    problems = [p for p in Checker(docs=docs, today=TODAY).run() if p.code == "NAV001"]
    assert [(p.path.endswith("guide/sleep.md"), p.line) for p in problems] == [(True, 1)]
    assert "- Ketamine and sleep: guide/sleep.md" in problems[0].fix


def test_without_a_nav_every_page_is_listed(tmp_path):
    docs = tmp_path / "docs"
    new_page("a.md", "A", today=TODAY, docs=docs)
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n")
    assert not [p for p in Checker(docs=docs, today=TODAY).run() if p.code == "NAV001"]


def test_regulatory_scaffold_has_a_yearly_review(tmp_path):
    path = new_page("guide/prices.md", "Prices", regulatory=True, today=TODAY, docs=tmp_path)
    assert "regulatory: true" in path.read_text() and "next_review: 2027-11-27" in path.read_text()


@pytest.mark.parametrize("relative, title", [("Guide/Sleep.md", "x"), ("guide/sleep.txt", "x"), ("../x.md", "x"), ("a.md", "  ")])
def test_bad_arguments_are_refused(tmp_path, relative, title):
    with pytest.raises(NewPageError):
        new_page(relative, title, docs=tmp_path)


def test_existing_page_is_not_overwritten(tmp_path):
    new_page("a.md", "A", docs=tmp_path)
    with pytest.raises(NewPageError, match="already exists"):
        new_page("a.md", "A", docs=tmp_path)
