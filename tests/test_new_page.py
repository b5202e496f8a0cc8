"""`make new-page` scaffolds a page whose only problems are the placeholders the author must replace."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys

import pytest

from conftest import ENV, ROOT

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


# --- Page paths: what maintainers type ------------------------------------------------


@pytest.mark.parametrize("given", ["docs/guide/sleep.md", "./docs/guide/sleep.md", "guide/sleep.md", "./guide/sleep.md",
                                   "guide//sleep.md"])
def test_a_path_from_the_project_root_or_from_docs_means_the_same_page(tmp_path, given):
    docs = tmp_path / "docs"
    path = new_page(given, "Ketamine and sleep", today=TODAY, docs=docs)
    assert path == docs / "guide" / "sleep.md" and path.is_file()
    assert not (docs / "docs").exists()


def test_an_absolute_path_inside_docs_is_accepted(tmp_path):
    docs = tmp_path / "docs"
    assert new_page(str(docs / "guide" / "sleep.md"), "Sleep", today=TODAY, docs=docs) == docs / "guide" / "sleep.md"


@pytest.mark.parametrize("given, message", [
    ("../sleep.md", "is outside docs/"),
    ("docs/../../sleep.md", "is outside docs/"),
    ("/etc/sleep.md", "is outside docs/"),
    ("guide/sleep.txt", "does not end in .md"),
    ("guide/sleep", "does not end in .md"),
    ("Guide/Sleep.md", "use lower-case words and hyphens"),
    ("guide/sleep well.md", "use lower-case words and hyphens"),
    ("includes/abbreviations.md", "holds snippets, not pages"),
    ("", "give the page's path under docs/"),
])
def test_bad_paths_are_refused_with_the_fix(tmp_path, given, message):
    docs = tmp_path / "docs"
    with pytest.raises(NewPageError, match=re.escape(message)) as refused:
        new_page(given, "Sleep", today=TODAY, docs=docs)
    assert "PAGE=guide/sleep.md" in str(refused.value)
    assert not docs.exists() or not any(docs.rglob("*.md"))


def test_an_existing_page_given_with_docs_prefix_is_not_overwritten(tmp_path):
    docs = tmp_path / "docs"
    new_page("guide/sleep.md", "Sleep", today=TODAY, docs=docs)
    with pytest.raises(NewPageError, match="already exists: edit it"):
        new_page("docs/guide/sleep.md", "Sleep", today=TODAY, docs=docs)


def test_make_new_page_with_docs_prefix_creates_the_page_under_docs(tmp_path):
    project = tmp_path / "project"
    (project / "docs").mkdir(parents=True)
    shutil.copytree(ROOT / "scripts", project / "scripts", ignore=shutil.ignore_patterns("__pycache__"))
    result = subprocess.run([sys.executable, "-m", "scripts", "new-page", "docs/guide/sleep.md", "Ketamine and sleep"],
                            cwd=project, capture_output=True, text=True, env={**ENV, "PYTHONPATH": str(project)})
    assert result.returncode == 0, result.stderr
    assert (project / "docs" / "guide" / "sleep.md").is_file() and not (project / "docs" / "docs").exists()
    assert "Created docs/guide/sleep.md" in result.stdout and "- Ketamine and sleep: guide/sleep.md" in result.stdout
    again = subprocess.run([sys.executable, "-m", "scripts", "new-page", "../sleep.md", "Sleep"], cwd=project,
                           capture_output=True, text=True, env={**ENV, "PYTHONPATH": str(project)})
    assert again.returncode == 2 and again.stderr.startswith("error: '../sleep.md' is outside docs/")
